#include "rules/template/exec.h"

#include <optional>
#include <utility>
#include <vector>

#include "rules/template/funcs.h"
#include "rules/template/go_fmt.h"
#include "util/go_format.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace sextant::rules::tmpl {
namespace {

using NodeArgs = std::span<const std::unique_ptr<Node>>;
using Final = std::optional<Value>;  // the previous command's value; nullopt when there is none

// Template invocations nest at most this deep (Go allows 100000, which C++ stacks do not).
constexpr int kMaxExecDepth = 1000;

bool CanBeNil(ParamType t) {
  return t == ParamType::kAny || t == ParamType::kValue || t == ParamType::kSamplePtr ||
         t == ParamType::kQueryResult;
}

Value ZeroOf(ParamType t) {
  switch (t) {
    case ParamType::kAny:
      return Value::NilInterface();
    case ParamType::kSamplePtr:
      return Value::SamplePtr(nullptr);
    case ParamType::kQueryResult:
      return Value::Samples(nullptr);
    default:
      return Value();
  }
}

bool IsHexInt(std::string_view s) {
  return s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
         s.find_first_of("pP") == std::string_view::npos;
}

class State {
 public:
  State(const TreeSet& set, const FuncContext& ctx, std::string* out)
      : set_(set), env_{&ctx}, out_(out), name_(set.name) {}

  absl::Status Run(const Value& dot) {
    auto it = set_.trees.find(set_.name);
    if (it == set_.trees.end()) {
      return Errorf(util::StrCat(util::QuoteGo(set_.name), " is an incomplete or empty template"));
    }
    vars_.emplace_back("$", dot);
    return Walk(dot, it->second.get());
  }

 private:
  enum class Flow { kNone, kBreak, kContinue };

  void At(const Node* node) { node_ = node; }

  absl::Status Errorf(std::string_view message) const {
    if (node_ == nullptr) {
      return absl::InvalidArgumentError(
          util::ToAbsl(util::StrCat("template: ", name_, ": ", message)));
    }
    const std::string_view before = std::string_view(set_.text).substr(0, node_->pos);
    const size_t newline = before.rfind('\n');
    const size_t col = newline == std::string_view::npos ? node_->pos : node_->pos - newline - 1;
    size_t line = 1;
    for (char c : before) line += c == '\n';
    return absl::InvalidArgumentError(
        util::ToAbsl(util::StrCat("template: ", set_.name, ":", line, ":", col, ": executing ",
                                  util::QuoteGo(name_), " at <", node_->String(), ">: ", message)));
  }

  void Pop(size_t mark) { vars_.resize(mark); }

  absl::StatusOr<Value> VarValue(const std::string& name) {
    for (size_t i = vars_.size(); i-- > 0;) {
      if (vars_[i].first == name) return vars_[i].second;
    }
    return Errorf(util::StrCat("undefined variable: ", name));
  }

  absl::Status SetVar(const std::string& name, const Value& value) {
    for (size_t i = vars_.size(); i-- > 0;) {
      if (vars_[i].first == name) {
        vars_[i].second = value;
        return absl::OkStatus();
      }
    }
    return Errorf(util::StrCat("undefined variable: ", name));
  }

  // Walking: output and control flow.

  absl::Status Walk(const Value& dot, const Node* node) {
    At(node);
    switch (node->type) {
      case NodeType::kAction: {
        const auto* action = static_cast<const ActionNode*>(node);
        ASSIGN_OR_RETURN(Value val, EvalPipeline(dot, action->pipe.get()));
        if (action->pipe->decl.empty()) {
          At(node);
          out_->append(PrintTemplateValue(val));
        }
        return absl::OkStatus();
      }
      case NodeType::kBreak:
        flow_ = Flow::kBreak;
        return absl::OkStatus();
      case NodeType::kContinue:
        flow_ = Flow::kContinue;
        return absl::OkStatus();
      case NodeType::kIf:
      case NodeType::kWith:
        return WalkIfOrWith(dot, static_cast<const BranchNode*>(node));
      case NodeType::kList:
        for (const auto& n : static_cast<const ListNode*>(node)->nodes) {
          RETURN_IF_ERROR(Walk(dot, n.get()));
          if (flow_ != Flow::kNone) break;
        }
        return absl::OkStatus();
      case NodeType::kRange:
        return WalkRange(dot, static_cast<const BranchNode*>(node));
      case NodeType::kTemplate:
        return WalkTemplate(dot, static_cast<const TemplateNode*>(node));
      case NodeType::kText:
        out_->append(static_cast<const TextNode*>(node)->text);
        return absl::OkStatus();
      default:
        return Errorf(util::StrCat("unknown node: ", node->String()));
    }
  }

  absl::Status WalkIfOrWith(const Value& dot, const BranchNode* node) {
    const size_t mark = vars_.size();
    ASSIGN_OR_RETURN(Value val, EvalPipeline(dot, node->pipe.get()));
    absl::Status status;
    if (val.Truth()) {
      status = Walk(node->type == NodeType::kWith ? val : dot, node->list.get());
    } else if (node->else_list != nullptr) {
      status = Walk(dot, node->else_list.get());
    }
    Pop(mark);
    return status;
  }

  absl::Status WalkRange(const Value& dot, const BranchNode* r) {
    At(r);
    const size_t mark = vars_.size();
    ASSIGN_OR_RETURN(Value val, EvalPipeline(dot, r->pipe.get()));
    const size_t body_mark = vars_.size();
    const size_t decls = r->pipe->decl.size();
    // One pass of the body; false when the loop must stop.
    auto iteration = [&](const Value& index, const Value& elem) -> absl::StatusOr<bool> {
      if (decls > 0) vars_[vars_.size() - 1].second = elem;
      if (decls > 1) vars_[vars_.size() - 2].second = index;
      absl::Status status = Walk(elem, r->list.get());
      Pop(body_mark);
      RETURN_IF_ERROR(status);
      const bool stop = flow_ == Flow::kBreak;
      flow_ = Flow::kNone;
      return !stop;
    };
    bool ran = false;
    switch (val.kind()) {
      case Kind::kSamples:
        for (size_t i = 0; i < val.samples().size(); ++i) {
          ran = true;
          ASSIGN_OR_RETURN(bool more, iteration(Value::Int(i), Value::SamplePtr(val.samples()[i])));
          if (!more) break;
        }
        break;
      case Kind::kStringMap:
        for (const auto& [k, v] : val.string_map()) {  // sorted by key, as Go sorts
          ran = true;
          ASSIGN_OR_RETURN(bool more, iteration(Value::String(k), Value::String(v)));
          if (!more) break;
        }
        break;
      case Kind::kAnyMap:
        for (const auto& [k, v] : val.any_map()) {
          ran = true;
          ASSIGN_OR_RETURN(bool more, iteration(Value::String(k), v.Boxed()));
          if (!more) break;
        }
        break;
      case Kind::kInt:
      case Kind::kInt64:
      case Kind::kUint8:
        // Go 1.22: range over an integer counts from 0.
        if (decls > 1) {
          return Errorf(util::StrCat("can't use ", PrintTemplateValue(val),
                                     " to iterate over more than one variable"));
        }
        for (int64_t i = 0; i < val.int_value(); ++i) {
          ran = true;
          Value v = val.kind() == Kind::kInt     ? Value::Int(i)
                    : val.kind() == Kind::kInt64 ? Value::Int64(i)
                                                 : Value::Uint8(static_cast<uint8_t>(i));
          ASSIGN_OR_RETURN(bool more, iteration(v, v));
          if (!more) break;
        }
        break;
      case Kind::kInvalid:
      case Kind::kNilInterface:
        break;  // like an empty map
      default:
        return Errorf(util::StrCat("range can't iterate over ", PrintTemplateValue(val)));
    }
    absl::Status status;
    if (!ran && r->else_list != nullptr) status = Walk(dot, r->else_list.get());
    Pop(mark);
    return status;
  }

  absl::Status WalkTemplate(const Value& dot, const TemplateNode* t) {
    At(t);
    auto it = set_.trees.find(t->name);
    if (it == set_.trees.end()) {
      return Errorf(util::StrCat("template ", util::QuoteGo(t->name), " not defined"));
    }
    if (depth_ == kMaxExecDepth) {
      return Errorf(util::StrCat("exceeded maximum template depth (", kMaxExecDepth, ")"));
    }
    ASSIGN_OR_RETURN(Value new_dot, EvalPipeline(dot, t->pipe.get()));
    // No dynamic scoping: the invoked template sees only $.
    std::vector<std::pair<std::string, Value>> saved_vars = std::move(vars_);
    std::string saved_name = std::move(name_);
    vars_ = {{"$", new_dot}};
    name_ = t->name;
    ++depth_;
    absl::Status status = Walk(new_dot, it->second.get());
    --depth_;
    name_ = std::move(saved_name);
    vars_ = std::move(saved_vars);
    return status;
  }

  // Evaluation.

  absl::StatusOr<Value> EvalPipeline(const Value& dot, const PipeNode* pipe) {
    if (pipe == nullptr) return Value();
    At(pipe);
    Final value;
    for (const auto& cmd : pipe->cmds) {
      ASSIGN_OR_RETURN(Value v, EvalCommand(dot, cmd.get(), value));
      // An interface{} result is unwrapped: a nil one becomes no value.
      if (v.kind() == Kind::kNilInterface) v = Value();
      value = v.Unboxed();
    }
    for (const auto& variable : pipe->decl) {
      if (pipe->is_assign) {
        RETURN_IF_ERROR(SetVar(variable->ident[0], *value));
      } else {
        vars_.emplace_back(variable->ident[0], *value);
      }
    }
    return *value;
  }

  absl::Status NotAFunction(NodeArgs args, const Final& final) {
    if (args.size() > 1 || final.has_value()) {
      return Errorf(util::StrCat("can't give argument to non-function ", args[0]->String()));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<Value> EvalCommand(const Value& dot, const CommandNode* cmd, const Final& final) {
    const Node* first = cmd->args[0].get();
    switch (first->type) {
      case NodeType::kField:
        return EvalFieldNode(dot, static_cast<const FieldNode*>(first), cmd->args, final);
      case NodeType::kChain:
        return EvalChainNode(dot, static_cast<const ChainNode*>(first), cmd->args, final);
      case NodeType::kIdentifier:
        return EvalFunction(dot, static_cast<const IdentifierNode*>(first), cmd, cmd->args, final);
      case NodeType::kPipe:
        // A parenthesized pipeline takes no arguments.
        RETURN_IF_ERROR(NotAFunction(cmd->args, final));
        return EvalPipeline(dot, static_cast<const PipeNode*>(first));
      case NodeType::kVariable:
        return EvalVariableNode(dot, static_cast<const VariableNode*>(first), cmd->args, final);
      default:
        break;
    }
    At(first);
    RETURN_IF_ERROR(NotAFunction(cmd->args, final));
    switch (first->type) {
      case NodeType::kBool:
        return Value::Bool(static_cast<const BoolNode*>(first)->value);
      case NodeType::kDot:
        return dot;
      case NodeType::kNil:
        return Errorf("nil is not a command");
      case NodeType::kNumber:
        return IdealConstant(static_cast<const NumberNode*>(first));
      case NodeType::kString:
        return Value::String(static_cast<const StringNode*>(first)->text);
      default:
        return Errorf(util::StrCat("can't evaluate command ", util::QuoteGo(first->String())));
    }
  }

  // A number whose type only its syntax tells: float64 with a '.', exponent or 'p', else int.
  absl::StatusOr<Value> IdealConstant(const NumberNode* n) {
    At(n);
    if (n->is_float && !IsHexInt(n->text) && n->text[0] != '\'' &&
        n->text.find_first_of(".eEpP") != std::string::npos) {
      return Value::Float(n->float64);
    }
    if (n->is_int) return Value::Int(n->int64);
    if (n->is_uint) return Errorf(util::StrCat(n->text, " overflows int"));
    return Value();
  }

  absl::StatusOr<Value> EvalFieldNode(const Value& dot, const FieldNode* field, NodeArgs args,
                                      const Final& final) {
    At(field);
    return EvalFieldChain(dot, dot, field, field->ident, args, final);
  }

  absl::StatusOr<Value> EvalChainNode(const Value& dot, const ChainNode* chain, NodeArgs args,
                                      const Final& final) {
    At(chain);
    if (chain->node->type == NodeType::kNil) {
      return Errorf(util::StrCat("indirection through explicit nil in ", chain->String()));
    }
    ASSIGN_OR_RETURN(Value pipe, EvalArg(dot, ParamType::kNone, chain->node.get()));
    return EvalFieldChain(dot, pipe, chain, chain->field, args, final);
  }

  absl::StatusOr<Value> EvalVariableNode(const Value& dot, const VariableNode* variable,
                                         NodeArgs args, const Final& final) {
    At(variable);
    ASSIGN_OR_RETURN(Value value, VarValue(variable->ident[0]));
    if (variable->ident.size() == 1) {
      if (!args.empty()) RETURN_IF_ERROR(NotAFunction(args, final));
      return value;
    }
    return EvalFieldChain(dot, value, variable,
                          std::span<const std::string>(variable->ident).subspan(1), args, final);
  }

  absl::StatusOr<Value> EvalFieldChain(const Value& dot, Value receiver, const Node* node,
                                       std::span<const std::string> ident, NodeArgs args,
                                       const Final& final) {
    for (size_t i = 0; i + 1 < ident.size(); ++i) {
      ASSIGN_OR_RETURN(receiver, EvalField(dot, ident[i], node, {}, std::nullopt, receiver));
    }
    return EvalField(dot, ident.back(), node, args, final, receiver);
  }

  absl::StatusOr<Value> EvalField(const Value& dot, const std::string& name, const Node* node,
                                  NodeArgs args, const Final& final, const Value& receiver) {
    if (!receiver.valid()) return Value();  // missingkey=zero: no error
    if (receiver.kind() == Kind::kNilInterface) {
      return Errorf(util::StrCat("nil pointer evaluating interface {}.", name));
    }
    if (const FuncDef* method = FindMethod(receiver, name)) {
      return EvalCall(dot, *method, &receiver, node, name, args, final);
    }
    const bool has_args = args.size() > 1 || final.has_value();
    switch (receiver.kind()) {
      case Kind::kAlertData:
      case Kind::kSample: {
        const bool is_alert = receiver.kind() == Kind::kAlertData;
        const bool known = name == "Labels" || name == "Value" ||
                           (is_alert && (name == "ExternalLabels" || name == "ExternalURL"));
        if (!known) break;
        if (!is_alert && receiver.sample() == nullptr) {
          return Errorf(util::StrCat("nil pointer evaluating *template.sample.", name));
        }
        if (has_args) {
          return Errorf(util::StrCat(name, " has arguments but cannot be invoked as function"));
        }
        if (!is_alert) {
          const auto& s = receiver.sample_ptr();
          if (name == "Value") return Value::Float(s->value).Boxed();
          return Value::Map(std::shared_ptr<const StringMap>(s, &s->labels));
        }
        const auto& a = receiver.alert_ptr();
        if (name == "Labels") return Value::Map(std::shared_ptr<const StringMap>(a, &a->labels));
        if (name == "ExternalLabels") {
          return Value::Map(std::shared_ptr<const StringMap>(a, &a->external_labels));
        }
        if (name == "ExternalURL") return Value::String(a->external_url);
        return Value::Float(a->value).Boxed();
      }
      case Kind::kStringMap: {
        if (has_args) return Errorf(util::StrCat(name, " is not a method but has arguments"));
        auto it = receiver.string_map().find(name);
        return Value::String(it == receiver.string_map().end() ? "" : it->second);
      }
      case Kind::kAnyMap: {
        if (has_args) return Errorf(util::StrCat(name, " is not a method but has arguments"));
        auto it = receiver.any_map().find(name);
        return it == receiver.any_map().end() ? Value::NilInterface() : it->second.Boxed();
      }
      default:
        break;
    }
    return Errorf(util::StrCat("can't evaluate field ", name, " in type ",
                               receiver.boxed() ? "interface {}" : receiver.TypeName()));
  }

  absl::StatusOr<Value> EvalFunction(const Value& dot, const IdentifierNode* node, const Node* cmd,
                                     NodeArgs args, const Final& final) {
    At(node);
    const FuncDef* fn = FindFunction(node->ident);
    if (fn == nullptr) {
      return Errorf(util::StrCat(util::QuoteGo(node->ident), " is not a defined function"));
    }
    return EvalCall(dot, *fn, nullptr, cmd, node->ident, args, final);
  }

  // A call of fn (a method when `receiver` is set). `args` are the command's words, the first
  // being the function itself, or empty for a call without arguments.
  absl::StatusOr<Value> EvalCall(const Value& dot, const FuncDef& fn, const Value* receiver,
                                 const Node* node, std::string_view name, NodeArgs args,
                                 const Final& final) {
    if (!args.empty()) args = args.subspan(1);
    const size_t num_in = args.size() + (final.has_value() ? 1 : 0);
    size_t num_fixed = args.size();
    if (fn.variadic) {
      num_fixed = fn.params.size() - 1;
      if (num_in < num_fixed) {
        return Errorf(util::StrCat("wrong number of args for ", name, ": want at least ", num_fixed,
                                   " got ", args.size()));
      }
    } else if (num_in != fn.params.size()) {
      return Errorf(util::StrCat("wrong number of args for ", name, ": want ", fn.params.size(),
                                 " got ", num_in));
    }
    if (fn.builtin && (name == "and" || name == "or")) {
      // Short-circuit: the first false (and) or true (or) argument, else the last.
      const bool is_or = name == "or";
      Value v;
      for (const auto& arg : args) {
        ASSIGN_OR_RETURN(v, EvalArg(dot, ParamType::kValue, arg.get()));
        if (v.kind() == Kind::kNilInterface) v = Value();
        if (v.Truth() == is_or) return v;
      }
      if (final.has_value()) v = *final;
      return v;
    }
    std::vector<Value> argv;
    argv.reserve(num_in + 1);
    if (receiver != nullptr) argv.push_back(*receiver);
    size_t i = 0;
    for (; i < num_fixed && i < args.size(); ++i) {
      ASSIGN_OR_RETURN(Value v, EvalArg(dot, fn.params[i], args[i].get()));
      argv.push_back(std::move(v));
    }
    if (fn.variadic) {
      for (; i < args.size(); ++i) {
        ASSIGN_OR_RETURN(Value v, EvalArg(dot, fn.params.back(), args[i].get()));
        argv.push_back(std::move(v));
      }
    }
    if (final.has_value()) {
      ParamType t = fn.params.back();
      if (fn.variadic && num_in - 1 < num_fixed) t = fn.params[num_in - 1];
      ASSIGN_OR_RETURN(Value v, ValidateType(*final, t));
      argv.push_back(std::move(v));
    }
    absl::StatusOr<Value> result = fn.impl(argv, env_);
    if (!result.ok()) {
      At(node);
      return Errorf(
          util::StrCat("error calling ", name, ": ", util::FromAbsl(result.status().message())));
    }
    return result;
  }

  absl::StatusOr<Value> ValidateType(const Value& value, ParamType t) {
    if (!value.valid()) {
      if (t == ParamType::kNone) return Value();
      if (CanBeNil(t)) return ZeroOf(t);
      return Errorf(util::StrCat("invalid value; expected ", ParamTypeName(t)));
    }
    bool ok = false;
    switch (t) {
      case ParamType::kNone:
      case ParamType::kAny:
      case ParamType::kValue:
        ok = true;
        break;
      case ParamType::kString:
        ok = value.kind() == Kind::kString;
        break;
      case ParamType::kFloat64:
        ok = value.kind() == Kind::kFloat;
        break;
      case ParamType::kInt:
        ok = value.kind() == Kind::kInt;
        break;
      case ParamType::kSamplePtr:
        ok = value.kind() == Kind::kSample;
        break;
      case ParamType::kQueryResult:
        ok = value.kind() == Kind::kSamples;
        break;
    }
    if (ok) return value;
    return Errorf(util::StrCat("wrong type for value; expected ", ParamTypeName(t), "; got ",
                               value.TypeName()));
  }

  absl::StatusOr<Value> EvalArg(const Value& dot, ParamType t, const Node* n) {
    At(n);
    switch (n->type) {
      case NodeType::kDot:
        return ValidateType(dot, t);
      case NodeType::kNil:
        if (CanBeNil(t)) return ZeroOf(t);
        return Errorf(util::StrCat("cannot assign nil to ", ParamTypeName(t)));
      case NodeType::kField: {
        ASSIGN_OR_RETURN(Value v,
                         EvalFieldNode(dot, static_cast<const FieldNode*>(n), {}, std::nullopt));
        return ValidateType(v, t);
      }
      case NodeType::kVariable: {
        ASSIGN_OR_RETURN(
            Value v, EvalVariableNode(dot, static_cast<const VariableNode*>(n), {}, std::nullopt));
        return ValidateType(v, t);
      }
      case NodeType::kPipe: {
        ASSIGN_OR_RETURN(Value v, EvalPipeline(dot, static_cast<const PipeNode*>(n)));
        return ValidateType(v, t);
      }
      case NodeType::kIdentifier: {
        const auto* ident = static_cast<const IdentifierNode*>(n);
        ASSIGN_OR_RETURN(Value v, EvalFunction(dot, ident, ident, {}, std::nullopt));
        return ValidateType(v, t);
      }
      case NodeType::kChain: {
        ASSIGN_OR_RETURN(Value v,
                         EvalChainNode(dot, static_cast<const ChainNode*>(n), {}, std::nullopt));
        return ValidateType(v, t);
      }
      default:
        break;
    }
    const auto* number = n->type == NodeType::kNumber ? static_cast<const NumberNode*>(n) : nullptr;
    switch (t) {
      case ParamType::kFloat64:
        if (number != nullptr && number->is_float) return Value::Float(number->float64);
        return Errorf(util::StrCat("expected float; found ", n->String()));
      case ParamType::kInt:
        if (number != nullptr && number->is_int) return Value::Int(number->int64);
        return Errorf(util::StrCat("expected integer; found ", n->String()));
      case ParamType::kString:
        if (n->type == NodeType::kString) {
          return Value::String(static_cast<const StringNode*>(n)->text);
        }
        return Errorf(util::StrCat("expected string; found ", n->String()));
      case ParamType::kAny:
      case ParamType::kValue:
        return EvalEmptyInterface(dot, n);
      default:
        return Errorf(
            util::StrCat("can't handle ", n->String(), " for arg of type ", ParamTypeName(t)));
    }
  }

  absl::StatusOr<Value> EvalEmptyInterface(const Value& dot, const Node* n) {
    At(n);
    switch (n->type) {
      case NodeType::kBool:
        return Value::Bool(static_cast<const BoolNode*>(n)->value);
      case NodeType::kNumber:
        return IdealConstant(static_cast<const NumberNode*>(n));
      case NodeType::kString:
        return Value::String(static_cast<const StringNode*>(n)->text);
      default:
        return Errorf(util::StrCat("can't handle assignment of ", n->String(),
                                   " to empty interface argument"));
    }
  }

  const TreeSet& set_;
  CallEnv env_;
  std::string* out_;
  std::string name_;  // the template being executed
  const Node* node_ = nullptr;
  std::vector<std::pair<std::string, Value>> vars_;
  int depth_ = 0;
  Flow flow_ = Flow::kNone;
};

}  // namespace

absl::StatusOr<std::string> ExecuteTemplate(const TreeSet& set, const Value& dot,
                                            const FuncContext& ctx) {
  std::string out;
  State state(set, ctx, &out);
  RETURN_IF_ERROR(state.Run(dot));
  return out;
}

}  // namespace sextant::rules::tmpl
