#include "rules/template/ast.h"

#include "util/go_format.h"

namespace sextant::rules::tmpl {
namespace {

void WriteParenthesized(const Node& node, std::string* out) {
  if (node.type == NodeType::kPipe) {
    out->push_back('(');
    node.WriteTo(out);
    out->push_back(')');
  } else {
    node.WriteTo(out);
  }
}

}  // namespace

void ListNode::WriteTo(std::string* out) const {
  for (const auto& n : nodes) n->WriteTo(out);
}

void VariableNode::WriteTo(std::string* out) const {
  for (size_t i = 0; i < ident.size(); ++i) {
    if (i > 0) out->push_back('.');
    out->append(ident[i]);
  }
}

void PipeNode::WriteTo(std::string* out) const {
  if (!decl.empty()) {
    for (size_t i = 0; i < decl.size(); ++i) {
      if (i > 0) out->append(", ");
      decl[i]->WriteTo(out);
    }
    out->append(" := ");  // Go writes := for assignments too
  }
  for (size_t i = 0; i < cmds.size(); ++i) {
    if (i > 0) out->append(" | ");
    cmds[i]->WriteTo(out);
  }
}

void ActionNode::WriteTo(std::string* out) const {
  out->append("{{");
  pipe->WriteTo(out);
  out->append("}}");
}

void CommandNode::WriteTo(std::string* out) const {
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0) out->push_back(' ');
    WriteParenthesized(*args[i], out);
  }
}

void FieldNode::WriteTo(std::string* out) const {
  for (const auto& id : ident) {
    out->push_back('.');
    out->append(id);
  }
}

void ChainNode::WriteTo(std::string* out) const {
  WriteParenthesized(*node, out);
  for (const auto& f : field) {
    out->push_back('.');
    out->append(f);
  }
}

void BranchNode::WriteTo(std::string* out) const {
  out->append("{{");
  out->append(type == NodeType::kIf ? "if" : type == NodeType::kRange ? "range" : "with");
  out->push_back(' ');
  pipe->WriteTo(out);
  out->append("}}");
  list->WriteTo(out);
  if (else_list != nullptr) {
    out->append("{{else}}");
    else_list->WriteTo(out);
  }
  out->append("{{end}}");
}

void TemplateNode::WriteTo(std::string* out) const {
  out->append("{{template ");
  out->append(util::QuoteGo(name));
  if (pipe != nullptr) {
    out->push_back(' ');
    pipe->WriteTo(out);
  }
  out->append("}}");
}

bool IsEmptyTree(const Node* node) {
  if (node == nullptr) return true;
  switch (node->type) {
    case NodeType::kList:
      for (const auto& n : static_cast<const ListNode*>(node)->nodes) {
        if (!IsEmptyTree(n.get())) return false;
      }
      return true;
    case NodeType::kText:
      for (char c : static_cast<const TextNode*>(node)->text) {
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\v' && c != '\f') {
          return false;
        }
      }
      return true;
    default:
      return false;
  }
}

}  // namespace sextant::rules::tmpl
