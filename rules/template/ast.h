#pragma once

// The parse tree of a Go text/template, node for node as Go's text/template/parse builds it, so
// that execution errors can name the node (`at <.Labels.job>`) and its position the way Go does.
// Every node records its byte offset in the template text; String() renders it as Go's
// Node.String() does.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace sextant::rules::tmpl {

enum class NodeType {
  kText,
  kAction,
  kBool,
  kChain,
  kCommand,
  kDot,
  kElse,  // only while parsing
  kEnd,   // only while parsing
  kField,
  kIdentifier,
  kIf,
  kList,
  kNil,
  kNumber,
  kPipe,
  kRange,
  kString,
  kTemplate,
  kVariable,
  kWith,
  kBreak,
  kContinue,
};

struct Node {
  Node(NodeType t, size_t p) : type(t), pos(p) {}
  virtual ~Node() = default;
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  virtual void WriteTo(std::string* out) const = 0;
  std::string String() const {
    std::string out;
    WriteTo(&out);
    return out;
  }

  const NodeType type;
  const size_t pos;  // byte offset in the template text
};

struct ListNode : Node {
  explicit ListNode(size_t p) : Node(NodeType::kList, p) {}
  void WriteTo(std::string* out) const override;
  std::vector<std::unique_ptr<Node>> nodes;
};

struct TextNode : Node {
  TextNode(size_t p, std::string t) : Node(NodeType::kText, p), text(std::move(t)) {}
  void WriteTo(std::string* out) const override { out->append(text); }
  std::string text;
};

// $x, $x.Field.Sub, or $.
struct VariableNode : Node {
  VariableNode(size_t p, std::vector<std::string> i) : Node(NodeType::kVariable, p), ident(i) {}
  void WriteTo(std::string* out) const override;
  std::vector<std::string> ident;  // ident[0] is the variable's name with the '$'
};

struct CommandNode;

// A pipeline: optional declarations, then commands separated by '|'.
struct PipeNode : Node {
  PipeNode(size_t p, int l) : Node(NodeType::kPipe, p), line(l) {}
  void WriteTo(std::string* out) const override;
  int line;
  bool is_assign = false;  // `$x = ` rather than `$x := `
  std::vector<std::unique_ptr<VariableNode>> decl;
  std::vector<std::unique_ptr<CommandNode>> cmds;
};

struct ActionNode : Node {
  ActionNode(size_t p, int l, std::unique_ptr<PipeNode> pi)
      : Node(NodeType::kAction, p), line(l), pipe(std::move(pi)) {}
  void WriteTo(std::string* out) const override;
  int line;
  std::unique_ptr<PipeNode> pipe;
};

// A command: a function, field, variable or literal and its arguments.
struct CommandNode : Node {
  explicit CommandNode(size_t p) : Node(NodeType::kCommand, p) {}
  void WriteTo(std::string* out) const override;
  std::vector<std::unique_ptr<Node>> args;
};

// A function name.
struct IdentifierNode : Node {
  IdentifierNode(size_t p, std::string i) : Node(NodeType::kIdentifier, p), ident(std::move(i)) {}
  void WriteTo(std::string* out) const override { out->append(ident); }
  std::string ident;
};

struct DotNode : Node {
  explicit DotNode(size_t p) : Node(NodeType::kDot, p) {}
  void WriteTo(std::string* out) const override { out->append("."); }
};

struct NilNode : Node {
  explicit NilNode(size_t p) : Node(NodeType::kNil, p) {}
  void WriteTo(std::string* out) const override { out->append("nil"); }
};

// .Field.Sub
struct FieldNode : Node {
  FieldNode(size_t p, std::vector<std::string> i) : Node(NodeType::kField, p), ident(i) {}
  void WriteTo(std::string* out) const override;
  std::vector<std::string> ident;
};

// (pipeline).Field.Sub, or a function identifier followed by fields.
struct ChainNode : Node {
  ChainNode(size_t p, std::unique_ptr<Node> n) : Node(NodeType::kChain, p), node(std::move(n)) {}
  void WriteTo(std::string* out) const override;
  std::unique_ptr<Node> node;
  std::vector<std::string> field;
};

struct BoolNode : Node {
  BoolNode(size_t p, bool v) : Node(NodeType::kBool, p), value(v) {}
  void WriteTo(std::string* out) const override { out->append(value ? "true" : "false"); }
  bool value;
};

// A numeric constant with every interpretation Go's parser found valid for its text.
struct NumberNode : Node {
  NumberNode(size_t p, std::string t) : Node(NodeType::kNumber, p), text(std::move(t)) {}
  void WriteTo(std::string* out) const override { out->append(text); }
  bool is_int = false;
  bool is_uint = false;
  bool is_float = false;
  int64_t int64 = 0;
  uint64_t uint64 = 0;
  double float64 = 0;
  std::string text;
};

struct StringNode : Node {
  StringNode(size_t p, std::string q, std::string t)
      : Node(NodeType::kString, p), quoted(std::move(q)), text(std::move(t)) {}
  void WriteTo(std::string* out) const override { out->append(quoted); }
  std::string quoted;  // as written, with quotes
  std::string text;    // the value
};

// {{end}} and {{else}}: markers returned while parsing a list, never in a finished tree.
struct EndNode : Node {
  explicit EndNode(size_t p) : Node(NodeType::kEnd, p) {}
  void WriteTo(std::string* out) const override { out->append("{{end}}"); }
};

struct ElseNode : Node {
  ElseNode(size_t p, int l) : Node(NodeType::kElse, p), line(l) {}
  void WriteTo(std::string* out) const override { out->append("{{else}}"); }
  int line;
};

// if, range and with.
struct BranchNode : Node {
  BranchNode(NodeType t, size_t p, int l) : Node(t, p), line(l) {}
  void WriteTo(std::string* out) const override;
  int line;
  std::unique_ptr<PipeNode> pipe;
  std::unique_ptr<ListNode> list;
  std::unique_ptr<ListNode> else_list;  // may be null
};

struct BreakNode : Node {
  BreakNode(size_t p, int l) : Node(NodeType::kBreak, p), line(l) {}
  void WriteTo(std::string* out) const override { out->append("{{break}}"); }
  int line;
};

struct ContinueNode : Node {
  ContinueNode(size_t p, int l) : Node(NodeType::kContinue, p), line(l) {}
  void WriteTo(std::string* out) const override { out->append("{{continue}}"); }
  int line;
};

// {{template "name" pipeline}}
struct TemplateNode : Node {
  TemplateNode(size_t p, int l, std::string n)
      : Node(NodeType::kTemplate, p), line(l), name(std::move(n)) {}
  void WriteTo(std::string* out) const override;
  int line;
  std::string name;
  std::unique_ptr<PipeNode> pipe;  // may be null
};

// The result of parsing one template text: the named trees it defines (the text's own body under
// its name, plus every {{define}} and {{block}}), all sharing the text for error positions.
struct TreeSet {
  std::string name;  // the template's name: its body's tree and the name in error positions
  std::string text;
  std::map<std::string, std::unique_ptr<ListNode>> trees;
};

// Whether a tree holds nothing but spaces (Go's parse.IsEmptyTree): such a definition may be
// replaced by a later one of the same name.
bool IsEmptyTree(const Node* node);

}  // namespace sextant::rules::tmpl
