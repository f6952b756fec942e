#include "promql/type_check.h"

#include <string>

#include "promql/parse_error.h"
#include "util/go_format.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace sextant::promql::internal {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

class Checker {
 public:
  explicit Checker(std::string_view query) : query_(query) {}

  // The type of `e`, or the first error found in it.
  absl::StatusOr<ValueType> Check(Expr& e) {
    switch (e.kind()) {
      case ExprKind::kNumberLiteral:
      case ExprKind::kStringLiteral:
        return e.Type();
      case ExprKind::kVectorSelector:
        RETURN_IF_ERROR(CheckSelector(As<VectorSelector>(e)));
        return e.Type();
      case ExprKind::kMatrixSelector:
        RETURN_IF_ERROR(CheckSelector(*As<MatrixSelector>(e).vector_selector));
        return e.Type();
      case ExprKind::kSubquery: {
        ASSIGN_OR_RETURN(ValueType t, Check(*As<SubqueryExpr>(e).expr));
        if (t != ValueType::kVector) {
          return Error(e.pos_range.start, util::StrCat("subquery is only allowed on instant "
                                                       "vector, got ",
                                                       ValueTypeName(t), " instead"));
        }
        return e.Type();
      }
      case ExprKind::kParen:
        RETURN_IF_ERROR(Check(*As<ParenExpr>(e).expr).status());
        return e.Type();
      case ExprKind::kUnary: {
        ASSIGN_OR_RETURN(ValueType t, Check(*As<UnaryExpr>(e).expr));
        if (t != ValueType::kScalar && t != ValueType::kVector) {
          return Error(e.pos_range.start,
                       util::StrCat("unary expression only allowed on expressions of type scalar "
                                    "or instant vector, got ",
                                    util::QuoteGo(DocumentedType(t))));
        }
        return e.Type();
      }
      case ExprKind::kBinary:
        return CheckBinary(As<BinaryExpr>(e));
      case ExprKind::kAggregate:
        return CheckAggregate(As<AggregateExpr>(e));
      case ExprKind::kCall:
        return CheckCall(As<Call>(e));
    }
    return e.Type();
  }

 private:
  absl::Status Error(int pos, std::string_view message) { return ParseError(query_, pos, message); }

  absl::Status ExpectType(Expr& e, ValueType want, std::string_view context) {
    ASSIGN_OR_RETURN(ValueType t, Check(e));
    if (t != want) {
      return Error(e.pos_range.start, util::StrCat("expected type ", DocumentedType(want), " in ",
                                                   context, ", got ", DocumentedType(t)));
    }
    return absl::OkStatus();
  }

  absl::Status CheckSelector(const VectorSelector& vs) {
    if (!vs.name.empty()) {
      // The parser puts the matcher for the name before the braces first.
      for (size_t i = 1; i < vs.matchers.size(); ++i) {
        if (vs.matchers[i].name() == "__name__") {
          return Error(vs.pos_range.start,
                       util::StrCat("metric name must not be set twice: ", util::QuoteGo(vs.name),
                                    " or ", util::QuoteGo(vs.matchers[i].value())));
        }
      }
      return absl::OkStatus();
    }
    for (const model::Matcher& m : vs.matchers) {
      if (!m.MatchesEmpty()) return absl::OkStatus();
    }
    return Error(vs.pos_range.start, "vector selector must contain at least one non-empty matcher");
  }

  // The start of the operator between the operands, as Prometheus's opRange().
  int OpPos(const BinaryExpr& b) {
    int pos = b.lhs->pos_range.end;
    while (pos < static_cast<int>(query_.size()) && IsSpace(query_[pos])) ++pos;
    return pos;
  }

  absl::StatusOr<ValueType> CheckBinary(BinaryExpr& b) {
    ASSIGN_OR_RETURN(ValueType lt, Check(*b.lhs));
    ASSIGN_OR_RETURN(ValueType rt, Check(*b.rhs));
    const std::string op(BinaryOpString(b.op));
    if (b.return_bool && !IsComparisonOp(b.op)) {
      return Error(OpPos(b), "bool modifier can only be used on comparison operators");
    }
    if (IsComparisonOp(b.op) && !b.return_bool && lt == ValueType::kScalar &&
        rt == ValueType::kScalar) {
      return Error(OpPos(b), "comparisons between scalars must use BOOL modifier");
    }
    if (b.matching.has_value()) {
      VectorMatching& vm = *b.matching;
      if (IsSetOp(b.op) && vm.card == VectorMatchCardinality::kOneToOne) {
        vm.card = VectorMatchCardinality::kManyToMany;
      }
      for (const std::string& l1 : vm.matching_labels) {
        for (const std::string& l2 : vm.include) {
          if (l1 == l2 && vm.on) {
            return Error(OpPos(b), util::StrCat("label ", util::QuoteGo(l1),
                                                " must not occur in ON and GROUP clause at once"));
          }
        }
      }
    }
    if (lt != ValueType::kScalar && lt != ValueType::kVector) {
      return Error(b.lhs->pos_range.start,
                   "binary expression must contain only scalar and instant vector types");
    }
    if (rt != ValueType::kScalar && rt != ValueType::kVector) {
      return Error(b.rhs->pos_range.start,
                   "binary expression must contain only scalar and instant vector types");
    }
    if ((lt != ValueType::kVector || rt != ValueType::kVector) && b.matching.has_value()) {
      if (!b.matching->matching_labels.empty()) {
        return Error(b.pos_range.start, "vector matching only allowed between instant vectors");
      }
      b.matching.reset();
    } else if (IsSetOp(b.op) && b.matching.has_value()) {
      const VectorMatchCardinality card = b.matching->card;
      if (card == VectorMatchCardinality::kOneToMany ||
          card == VectorMatchCardinality::kManyToOne) {
        return Error(b.pos_range.start,
                     util::StrCat("no grouping allowed for ", util::QuoteGo(op), " operation"));
      }
      if (card != VectorMatchCardinality::kManyToMany) {
        return Error(b.pos_range.start, "set operations must always be many-to-many");
      }
    }
    if ((lt == ValueType::kScalar || rt == ValueType::kScalar) && IsSetOp(b.op)) {
      return Error(b.pos_range.start, util::StrCat("set operator ", util::QuoteGo(op),
                                                   " not allowed in binary scalar expression"));
    }
    return b.Type();
  }

  absl::StatusOr<ValueType> CheckAggregate(AggregateExpr& a) {
    RETURN_IF_ERROR(ExpectType(*a.expr, ValueType::kVector, "aggregation expression"));
    if (a.op == AggregateOp::kTopK || a.op == AggregateOp::kBottomK ||
        a.op == AggregateOp::kQuantile) {
      RETURN_IF_ERROR(ExpectType(*a.param, ValueType::kScalar, "aggregation parameter"));
    }
    if (a.op == AggregateOp::kCountValues) {
      RETURN_IF_ERROR(ExpectType(*a.param, ValueType::kString, "aggregation parameter"));
    }
    return a.Type();
  }

  absl::StatusOr<ValueType> CheckCall(Call& c) {
    const Function& f = *c.func;
    const int nargs = static_cast<int>(f.arg_types.size());
    const int got = static_cast<int>(c.args.size());
    const std::string name = util::QuoteGo(f.name);
    if (f.variadic == 0) {
      if (nargs != got) {
        return Error(c.pos_range.start, util::StrCat("expected ", nargs, " argument(s) in call to ",
                                                     name, ", got ", got));
      }
    } else {
      const int na = nargs - 1;
      if (na > got) {
        return Error(c.pos_range.start,
                     util::StrCat("expected at least ", na, " argument(s) in call to ", name,
                                  ", got ", got));
      }
      if (f.variadic > 0 && na + f.variadic < got) {
        return Error(c.pos_range.start,
                     util::StrCat("expected at most ", na + f.variadic, " argument(s) in call to ",
                                  name, ", got ", got));
      }
    }
    for (int i = 0; i < got; ++i) {
      int k = i;
      if (k >= nargs) {
        if (f.variadic == 0) break;
        k = nargs - 1;
      }
      ASSIGN_OR_RETURN(ValueType t, Check(*c.args[i]));
      if (t != f.arg_types[k]) {
        return Error(c.args[i]->pos_range.start,
                     util::StrCat("expected type ", DocumentedType(f.arg_types[k]),
                                  " in call to function ", name, ", got ", DocumentedType(t)));
      }
    }
    return c.Type();
  }

  std::string_view query_;
};

}  // namespace

absl::Status CheckAst(std::string_view query, Expr& expr) {
  Checker checker(query);
  return checker.Check(expr).status();
}

}  // namespace sextant::promql::internal
