#include "rules/template/parse.h"

#include <cstring>

#include "rules/template/go_strconv.h"
#include "rules/template/lexer.h"
#include "util/go_format.h"
#include "util/go_parse_int.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace sextant::rules::tmpl {
namespace {

using NodePtr = std::unique_ptr<Node>;

std::vector<std::string> SplitDots(std::string_view s) {
  std::vector<std::string> out;
  for (std::string_view part : util::StrSplit(s, '.')) out.emplace_back(part);
  return out;
}

// The items of one template text and the read position, shared by the trees parsed from it
// ({{define}} and {{block}} bodies continue reading where their parent stopped).
struct ItemStream {
  std::vector<Item> items;
  size_t next = 0;

  const Item& Read() {
    const Item& item = items[next];
    if (next + 1 < items.size()) ++next;  // the final EOF or error repeats
    return item;
  }
};

// Parses one tree. Each tree has its own three-token look-ahead and variable scope, as in Go; the
// line in an error message is that of the tree's latest token.
class TreeParser {
 public:
  TreeParser(TreeSet* set, ItemStream* stream,
             const std::function<bool(std::string_view)>* has_function)
      : set_(set), stream_(stream), has_function_(has_function) {}

  absl::Status ParseTop(std::string_view name) {
    auto root = std::make_unique<ListNode>(Peek().pos);
    while (Peek().type != ItemType::kEOF) {
      if (Peek().type == ItemType::kLeftDelim) {
        Item delim = Next();
        if (NextNonSpace().type == ItemType::kDefine) {
          TreeParser definition(set_, stream_, has_function_);
          RETURN_IF_ERROR(definition.ParseDefinition());
          continue;
        }
        Backup2(std::move(delim));
      }
      ASSIGN_OR_RETURN(NodePtr n, TextOrAction());
      if (n->type == NodeType::kEnd || n->type == NodeType::kElse) {
        return Errorf(util::StrCat("unexpected ", n->String()));
      }
      root->nodes.push_back(std::move(n));
    }
    return Add(std::string(name), std::move(root));
  }

 private:
  // Token buffer, as Go's Tree.next/backup/peek.
  Item Next() {
    if (peek_count_ > 0) {
      --peek_count_;
    } else {
      token_[0] = stream_->Read();
    }
    return token_[peek_count_];
  }
  void Backup() { ++peek_count_; }
  void Backup2(Item t1) {
    token_[1] = std::move(t1);
    peek_count_ = 2;
  }
  void Backup3(Item t2, Item t1) {
    token_[1] = std::move(t1);
    token_[2] = std::move(t2);
    peek_count_ = 3;
  }
  Item Peek() {
    if (peek_count_ > 0) return token_[peek_count_ - 1];
    peek_count_ = 1;
    token_[0] = stream_->Read();
    return token_[0];
  }
  Item NextNonSpace() {
    while (true) {
      Item token = Next();
      if (token.type != ItemType::kSpace) return token;
    }
  }
  Item PeekNonSpace() {
    Item token = NextNonSpace();
    Backup();
    return token;
  }

  absl::Status Errorf(std::string_view message) const {
    return absl::InvalidArgumentError(
        util::ToAbsl(util::StrCat("template: ", set_->name, ":", token_[0].line, ": ", message)));
  }

  absl::Status Unexpected(const Item& token, std::string_view context) const {
    if (token.type == ItemType::kError) {
      std::string extra;
      if (action_line_ != 0 && action_line_ != token.line) {
        extra = util::StrCat(" in action started at ", set_->name, ":", action_line_);
        if (std::string_view(token.val).ends_with(" action")) {
          extra = extra.substr(std::strlen(" in action"));  // not "action in action"
        }
      }
      return Errorf(token.val + extra);
    }
    return Errorf(util::StrCat("unexpected ", ItemString(token), " in ", context));
  }

  absl::StatusOr<Item> Expect(ItemType expected, std::string_view context) {
    Item token = NextNonSpace();
    if (token.type != expected) return Unexpected(token, context);
    return token;
  }

  absl::Status Add(std::string name, std::unique_ptr<ListNode> root) {
    auto it = set_->trees.find(name);
    if (it == set_->trees.end() || IsEmptyTree(it->second.get())) {
      set_->trees[name] = std::move(root);
      return absl::OkStatus();
    }
    if (!IsEmptyTree(root.get())) {
      return Errorf(
          util::StrCat("template: multiple definition of template ", util::QuoteGo(name)));
    }
    return absl::OkStatus();
  }

  // {{define "name"}} ... {{end}}, with "define" already read.
  absl::Status ParseDefinition() {
    constexpr std::string_view kContext = "define clause";
    Item name = NextNonSpace();
    if (name.type != ItemType::kString && name.type != ItemType::kRawString) {
      return Unexpected(name, kContext);
    }
    auto unquoted = GoUnquote(name.val);
    if (!unquoted.ok()) return Errorf(util::FromAbsl(unquoted.status().message()));
    RETURN_IF_ERROR(Expect(ItemType::kRightDelim, kContext).status());
    std::unique_ptr<ListNode> root;
    NodePtr end;
    RETURN_IF_ERROR(ItemList(&root, &end));
    if (end->type != NodeType::kEnd) {
      return Errorf(util::StrCat("unexpected ", end->String(), " in ", kContext));
    }
    return Add(*std::move(unquoted), std::move(root));
  }

  // textOrAction* up to {{end}} or {{else}}, which is returned in *next.
  absl::Status ItemList(std::unique_ptr<ListNode>* list, NodePtr* next) {
    *list = std::make_unique<ListNode>(PeekNonSpace().pos);
    while (PeekNonSpace().type != ItemType::kEOF) {
      ASSIGN_OR_RETURN(NodePtr n, TextOrAction());
      if (n->type == NodeType::kEnd || n->type == NodeType::kElse) {
        *next = std::move(n);
        return absl::OkStatus();
      }
      (*list)->nodes.push_back(std::move(n));
    }
    return Errorf("unexpected EOF");
  }

  absl::StatusOr<NodePtr> TextOrAction() {
    Item token = NextNonSpace();
    switch (token.type) {
      case ItemType::kText:
        return std::make_unique<TextNode>(token.pos, token.val);
      case ItemType::kLeftDelim: {
        action_line_ = token.line;
        auto action = Action();
        action_line_ = 0;
        return action;
      }
      default:
        return Unexpected(token, "input");
    }
  }

  absl::StatusOr<NodePtr> Action() {
    Item token = NextNonSpace();
    switch (token.type) {
      case ItemType::kBlock:
        return BlockControl();
      case ItemType::kBreak:
      case ItemType::kContinue:
        return BreakOrContinue(token);
      case ItemType::kElse:
        return ElseControl();
      case ItemType::kEnd: {
        ASSIGN_OR_RETURN(Item end, Expect(ItemType::kRightDelim, "end"));
        return std::make_unique<EndNode>(end.pos);
      }
      case ItemType::kIf:
        return Control(NodeType::kIf);
      case ItemType::kRange:
        return Control(NodeType::kRange);
      case ItemType::kTemplate:
        return TemplateControl();
      case ItemType::kWith:
        return Control(NodeType::kWith);
      default:
        break;
    }
    Backup();
    Item start = Peek();
    ASSIGN_OR_RETURN(auto pipe, Pipeline("command", ItemType::kRightDelim));
    return std::make_unique<ActionNode>(start.pos, start.line, std::move(pipe));
  }

  absl::StatusOr<NodePtr> BreakOrContinue(const Item& keyword) {
    const bool is_break = keyword.type == ItemType::kBreak;
    const std::string_view what = is_break ? "{{break}}" : "{{continue}}";
    Item token = NextNonSpace();
    if (token.type != ItemType::kRightDelim) return Unexpected(token, what);
    if (range_depth_ == 0) return Errorf(util::StrCat(what, " outside {{range}}"));
    if (is_break) return std::make_unique<BreakNode>(keyword.pos, keyword.line);
    return std::make_unique<ContinueNode>(keyword.pos, keyword.line);
  }

  absl::StatusOr<NodePtr> ElseControl() {
    Item peek = PeekNonSpace();
    if (peek.type == ItemType::kIf) {
      // {{else if ...}}: the "if" stays pending for the enclosing if's parser.
      return std::make_unique<ElseNode>(peek.pos, peek.line);
    }
    ASSIGN_OR_RETURN(Item token, Expect(ItemType::kRightDelim, "else"));
    return std::make_unique<ElseNode>(token.pos, token.line);
  }

  // declarations? command ('|' command)*, up to `end` (a right delimiter or parenthesis).
  absl::StatusOr<std::unique_ptr<PipeNode>> Pipeline(std::string_view context, ItemType end) {
    Item first = PeekNonSpace();
    auto pipe = std::make_unique<PipeNode>(first.pos, first.line);
    while (true) {  // declarations
      Item v = PeekNonSpace();
      if (v.type != ItemType::kVariable) break;
      Next();
      // "$x foo" needs three tokens of look-ahead to tell an argument from a declaration.
      Item after_variable = Peek();
      Item next = PeekNonSpace();
      if (next.type == ItemType::kAssign || next.type == ItemType::kDeclare) {
        pipe->is_assign = next.type == ItemType::kAssign;
        NextNonSpace();
        pipe->decl.push_back(std::make_unique<VariableNode>(v.pos, SplitDots(v.val)));
        vars_.push_back(v.val);
        break;
      }
      if (next.type == ItemType::kChar && next.val == ",") {
        NextNonSpace();
        pipe->decl.push_back(std::make_unique<VariableNode>(v.pos, SplitDots(v.val)));
        vars_.push_back(v.val);
        if (context == "range" && pipe->decl.size() < 2) {
          const ItemType t = PeekNonSpace().type;
          if (t == ItemType::kVariable || t == ItemType::kRightDelim ||
              t == ItemType::kRightParen) {
            continue;  // the second variable of a range
          }
          return Errorf("range can only initialize variables");
        }
        return Errorf(util::StrCat("too many declarations in ", context));
      }
      if (after_variable.type == ItemType::kSpace) {
        Backup3(std::move(v), std::move(after_variable));
      } else {
        Backup2(std::move(v));
      }
      break;
    }
    while (true) {
      Item token = NextNonSpace();
      if (token.type == end) {
        RETURN_IF_ERROR(CheckPipeline(*pipe, context));
        return pipe;
      }
      switch (token.type) {
        case ItemType::kBool:
        case ItemType::kCharConstant:
        case ItemType::kComplex:
        case ItemType::kDot:
        case ItemType::kField:
        case ItemType::kIdentifier:
        case ItemType::kNumber:
        case ItemType::kNil:
        case ItemType::kRawString:
        case ItemType::kString:
        case ItemType::kVariable:
        case ItemType::kLeftParen: {
          Backup();
          ASSIGN_OR_RETURN(auto cmd, Command());
          pipe->cmds.push_back(std::move(cmd));
          break;
        }
        default:
          return Unexpected(token, context);
      }
    }
  }

  absl::Status CheckPipeline(const PipeNode& pipe, std::string_view context) const {
    if (pipe.cmds.empty()) return Errorf(util::StrCat("missing value for ", context));
    for (size_t i = 1; i < pipe.cmds.size(); ++i) {
      switch (pipe.cmds[i]->args[0]->type) {
        case NodeType::kBool:
        case NodeType::kDot:
        case NodeType::kNil:
        case NodeType::kNumber:
        case NodeType::kString:
          return Errorf(util::StrCat("non executable command in pipeline stage ", i + 1));
        default:
          break;
      }
    }
    return absl::OkStatus();
  }

  // if, range and with, the keyword already read.
  absl::StatusOr<NodePtr> Control(NodeType type) {
    const std::string_view context =
        type == NodeType::kIf ? "if" : (type == NodeType::kRange ? "range" : "with");
    const size_t vars_before = vars_.size();
    ASSIGN_OR_RETURN(auto pipe, Pipeline(context, ItemType::kRightDelim));
    auto node = std::make_unique<BranchNode>(type, pipe->pos, pipe->line);
    node->pipe = std::move(pipe);
    if (type == NodeType::kRange) ++range_depth_;
    NodePtr next;
    RETURN_IF_ERROR(ItemList(&node->list, &next));
    if (type == NodeType::kRange) --range_depth_;
    if (next->type == NodeType::kElse) {
      if (type == NodeType::kIf && Peek().type == ItemType::kIf) {
        // {{else if b}} is {{else}}{{if b}}...{{end}}{{end}} sharing one {{end}}.
        Next();
        node->else_list = std::make_unique<ListNode>(next->pos);
        ASSIGN_OR_RETURN(NodePtr nested, Control(NodeType::kIf));
        node->else_list->nodes.push_back(std::move(nested));
      } else {
        RETURN_IF_ERROR(ItemList(&node->else_list, &next));
        if (next->type != NodeType::kEnd) {
          return Errorf(util::StrCat("expected end; found ", next->String()));
        }
      }
    }
    vars_.resize(vars_before);
    return node;
  }

  absl::StatusOr<std::string> TemplateName(const Item& token, std::string_view context) {
    if (token.type != ItemType::kString && token.type != ItemType::kRawString) {
      return Unexpected(token, context);
    }
    auto name = GoUnquote(token.val);
    if (!name.ok()) return Errorf(util::FromAbsl(name.status().message()));
    return name;
  }

  // {{block "name" pipeline}} body {{end}}: defines "name" and invokes it.
  absl::StatusOr<NodePtr> BlockControl() {
    constexpr std::string_view kContext = "block clause";
    Item token = NextNonSpace();
    ASSIGN_OR_RETURN(std::string name, TemplateName(token, kContext));
    ASSIGN_OR_RETURN(auto pipe, Pipeline(kContext, ItemType::kRightDelim));
    TreeParser block(set_, stream_, has_function_);
    std::unique_ptr<ListNode> root;
    NodePtr end;
    RETURN_IF_ERROR(block.ItemList(&root, &end));
    if (end->type != NodeType::kEnd) {
      return Errorf(util::StrCat("unexpected ", end->String(), " in ", kContext));
    }
    RETURN_IF_ERROR(block.Add(name, std::move(root)));
    auto node = std::make_unique<TemplateNode>(token.pos, token.line, name);
    node->pipe = std::move(pipe);
    return node;
  }

  absl::StatusOr<NodePtr> TemplateControl() {
    constexpr std::string_view kContext = "template clause";
    Item token = NextNonSpace();
    ASSIGN_OR_RETURN(std::string name, TemplateName(token, kContext));
    auto node = std::make_unique<TemplateNode>(token.pos, token.line, name);
    if (NextNonSpace().type != ItemType::kRightDelim) {
      Backup();
      ASSIGN_OR_RETURN(node->pipe, Pipeline(kContext, ItemType::kRightDelim));
    }
    return node;
  }

  // operand (space operand)*, up to '|' (consumed) or a right delimiter or parenthesis (not).
  absl::StatusOr<std::unique_ptr<CommandNode>> Command() {
    auto cmd = std::make_unique<CommandNode>(PeekNonSpace().pos);
    while (true) {
      PeekNonSpace();
      ASSIGN_OR_RETURN(NodePtr operand, Operand());
      if (operand != nullptr) cmd->args.push_back(std::move(operand));
      Item token = Next();
      if (token.type == ItemType::kSpace) continue;
      if (token.type == ItemType::kRightDelim || token.type == ItemType::kRightParen) {
        Backup();
      } else if (token.type != ItemType::kPipe) {
        return Unexpected(token, "operand");
      }
      break;
    }
    if (cmd->args.empty()) return Errorf("empty command");
    return cmd;
  }

  // term .Field*; null when the next item is no operand.
  absl::StatusOr<NodePtr> Operand() {
    ASSIGN_OR_RETURN(NodePtr node, Term());
    if (node == nullptr || Peek().type != ItemType::kField) return node;
    auto chain = std::make_unique<ChainNode>(Peek().pos, nullptr);
    while (Peek().type == ItemType::kField) chain->field.push_back(Next().val.substr(1));
    switch (node->type) {
      case NodeType::kField:
      case NodeType::kVariable: {
        // Fields after a field or variable extend it; the node takes the chain's position.
        chain->node = std::move(node);
        const std::string joined = chain->String();
        if (chain->node->type == NodeType::kField) {
          return std::make_unique<FieldNode>(chain->pos, SplitDots(joined.substr(1)));
        }
        return std::make_unique<VariableNode>(chain->pos, SplitDots(joined));
      }
      case NodeType::kBool:
      case NodeType::kString:
      case NodeType::kNumber:
      case NodeType::kNil:
      case NodeType::kDot:
        return Errorf(util::StrCat("unexpected . after term ", util::QuoteGo(node->String())));
      default:
        chain->node = std::move(node);
        return chain;
    }
  }

  absl::StatusOr<NodePtr> Term() {
    Item token = NextNonSpace();
    switch (token.type) {
      case ItemType::kIdentifier:
        if (!(*has_function_)(token.val)) {
          return Errorf(util::StrCat("function ", util::QuoteGo(token.val), " not defined"));
        }
        return std::make_unique<IdentifierNode>(token.pos, token.val);
      case ItemType::kDot:
        return std::make_unique<DotNode>(token.pos);
      case ItemType::kNil:
        return std::make_unique<NilNode>(token.pos);
      case ItemType::kVariable:
        return UseVar(token);
      case ItemType::kField:
        return std::make_unique<FieldNode>(token.pos, SplitDots(token.val.substr(1)));
      case ItemType::kBool:
        return std::make_unique<BoolNode>(token.pos, token.val == "true");
      case ItemType::kCharConstant:
      case ItemType::kComplex:
      case ItemType::kNumber:
        return Number(token);
      case ItemType::kLeftParen:
        return Pipeline("parenthesized pipeline", ItemType::kRightParen);
      case ItemType::kString:
      case ItemType::kRawString: {
        auto s = GoUnquote(token.val);
        if (!s.ok()) return Errorf(util::FromAbsl(s.status().message()));
        return std::make_unique<StringNode>(token.pos, token.val, *std::move(s));
      }
      default:
        Backup();
        return nullptr;
    }
  }

  absl::StatusOr<NodePtr> UseVar(const Item& token) {
    auto v = std::make_unique<VariableNode>(token.pos, SplitDots(token.val));
    for (const auto& name : vars_) {
      if (name == v->ident[0]) return v;
    }
    return Errorf(util::StrCat("undefined variable ", util::QuoteGo(v->ident[0])));
  }

  // A number constant with every reading Go allows for its text.
  absl::StatusOr<NodePtr> Number(const Item& token) {
    auto n = std::make_unique<NumberNode>(token.pos, token.val);
    const std::string& text = token.val;
    if (token.type == ItemType::kCharConstant) {
      auto rune = GoUnquoteCharConstant(text);
      if (!rune.ok()) return Errorf(util::FromAbsl(rune.status().message()));
      n->is_int = n->is_uint = n->is_float = true;
      n->int64 = *rune;
      n->uint64 = static_cast<uint64_t>(*rune);
      n->float64 = *rune;
      return n;
    }
    if (token.type == ItemType::kComplex || (!text.empty() && text.back() == 'i')) {
      return Errorf(util::StrCat("complex constants are not supported: ", text));
    }
    uint64_t u = 0;
    if (util::ParseGoUint(text, &u)) {
      n->is_uint = true;
      n->uint64 = u;
    }
    int64_t i = 0;
    if (util::ParseGoInt(text, &i)) {
      n->is_int = true;
      n->int64 = i;
      if (i == 0) {  // -0
        n->is_uint = true;
        n->uint64 = 0;
      }
    }
    if (n->is_int) {
      n->is_float = true;
      n->float64 = static_cast<double>(n->int64);
    } else if (n->is_uint) {
      n->is_float = true;
      n->float64 = static_cast<double>(n->uint64);
    } else if (auto f = GoParseFloat(text); f.ok()) {
      if (text.find_first_of(".eEpP") == std::string::npos) {
        return Errorf(util::StrCat("integer overflow: ", util::QuoteGo(text)));
      }
      n->is_float = true;
      n->float64 = *f;
      if (*f >= -9223372036854775808.0 && *f < 9223372036854775808.0 &&
          static_cast<double>(static_cast<int64_t>(*f)) == *f) {
        n->is_int = true;
        n->int64 = static_cast<int64_t>(*f);
      }
      if (*f >= 0 && *f < 18446744073709551616.0 &&
          static_cast<double>(static_cast<uint64_t>(*f)) == *f) {
        n->is_uint = true;
        n->uint64 = static_cast<uint64_t>(*f);
      }
    }
    if (!n->is_int && !n->is_uint && !n->is_float) {
      return Errorf(util::StrCat("illegal number syntax: ", util::QuoteGo(text)));
    }
    return n;
  }

  TreeSet* set_;
  ItemStream* stream_;
  const std::function<bool(std::string_view)>* has_function_;
  Item token_[3];
  int peek_count_ = 0;
  std::vector<std::string> vars_ = {"$"};
  int action_line_ = 0;
  int range_depth_ = 0;
};

}  // namespace

absl::StatusOr<std::unique_ptr<TreeSet>> ParseTemplate(
    std::string_view name, std::string_view text,
    const std::function<bool(std::string_view)>& has_function) {
  auto set = std::make_unique<TreeSet>();
  set->name = std::string(name);
  set->text = std::string(text);
  ItemStream stream{Lex(text)};
  TreeParser parser(set.get(), &stream, &has_function);
  RETURN_IF_ERROR(parser.ParseTop(name));
  return set;
}

}  // namespace sextant::rules::tmpl
