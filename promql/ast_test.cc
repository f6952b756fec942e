#include "promql/ast.h"

#include <string>
#include <type_traits>

#include "gtest/gtest.h"
#include "promql/test_builders.h"

namespace sextant::promql {
namespace {

using namespace ::sextant::promql::testing;  // NOLINT(build/namespaces)

TEST(ValueType, DocumentedNamesMatchPrometheus) {
  EXPECT_EQ(DocumentedType(ValueType::kScalar), "scalar");
  EXPECT_EQ(DocumentedType(ValueType::kVector), "instant vector");
  EXPECT_EQ(DocumentedType(ValueType::kMatrix), "range vector");
  EXPECT_EQ(DocumentedType(ValueType::kString), "string");
  EXPECT_EQ(DocumentedType(ValueType::kNone), "none");
}

TEST(ValueType, ApiNamesMatchPrometheus) {
  EXPECT_EQ(ValueTypeName(ValueType::kScalar), "scalar");
  EXPECT_EQ(ValueTypeName(ValueType::kVector), "vector");
  EXPECT_EQ(ValueTypeName(ValueType::kMatrix), "matrix");
  EXPECT_EQ(ValueTypeName(ValueType::kString), "string");
}

TEST(Ast, LeafTypes) {
  EXPECT_EQ(Num(1)->Type(), ValueType::kScalar);
  EXPECT_EQ(Str("a")->Type(), ValueType::kString);
  EXPECT_EQ(Sel("foo")->Type(), ValueType::kVector);
  EXPECT_EQ(Range(Sel("foo"), 60000)->Type(), ValueType::kMatrix);
  EXPECT_EQ(Subquery(Sel("foo"), 300000, 60000)->Type(), ValueType::kMatrix);
}

TEST(Ast, ParenAndUnaryTakeTheirOperandsType) {
  EXPECT_EQ(Paren(Num(1))->Type(), ValueType::kScalar);
  EXPECT_EQ(Paren(Sel("foo"))->Type(), ValueType::kVector);
  EXPECT_EQ(Neg(Num(1))->Type(), ValueType::kScalar);
  EXPECT_EQ(Neg(Sel("foo"))->Type(), ValueType::kVector);
}

TEST(Ast, BinaryOfTwoScalarsIsScalar) {
  EXPECT_EQ(Bin(BinaryOp::kAdd, Num(1), Num(2))->Type(), ValueType::kScalar);
  EXPECT_EQ(Bin(BinaryOp::kAdd, Num(1), Fn("time"))->Type(), ValueType::kScalar);
}

TEST(Ast, BinaryWithAVectorSideIsVector) {
  EXPECT_EQ(Bin(BinaryOp::kMul, Sel("a"), Num(2))->Type(), ValueType::kVector);
  EXPECT_EQ(Bin(BinaryOp::kMul, Num(2), Sel("a"))->Type(), ValueType::kVector);
  EXPECT_EQ(Bin(BinaryOp::kAnd, Sel("a"), Sel("b"))->Type(), ValueType::kVector);
}

TEST(Ast, AggregateIsVector) {
  EXPECT_EQ(Agg(AggregateOp::kSum, Sel("a"))->Type(), ValueType::kVector);
}

TEST(Ast, CallHasItsFunctionsReturnType) {
  EXPECT_EQ(Fn("rate", Args(Range(Sel("a"), 300000)))->Type(), ValueType::kVector);
  EXPECT_EQ(Fn("scalar", Args(Sel("a")))->Type(), ValueType::kScalar);
  EXPECT_EQ(Fn("time")->Type(), ValueType::kScalar);
  EXPECT_EQ(Fn("pi")->Type(), ValueType::kScalar);
}

TEST(Functions, SignaturesMatchPrometheus) {
  const Function* rate = LookupFunction("rate");
  ASSERT_NE(rate, nullptr);
  EXPECT_EQ(rate->name, "rate");
  EXPECT_EQ(rate->arg_types, std::vector<ValueType>{ValueType::kMatrix});
  EXPECT_EQ(rate->variadic, 0);

  const Function* hq = LookupFunction("histogram_quantile");
  ASSERT_NE(hq, nullptr);
  EXPECT_EQ(hq->arg_types, (std::vector<ValueType>{ValueType::kScalar, ValueType::kVector}));

  const Function* lj = LookupFunction("label_join");
  ASSERT_NE(lj, nullptr);
  EXPECT_EQ(lj->variadic, -1);
  EXPECT_EQ(lj->arg_types.size(), 4u);
  EXPECT_EQ(lj->arg_types[1], ValueType::kString);

  const Function* round = LookupFunction("round");
  ASSERT_NE(round, nullptr);
  EXPECT_EQ(round->variadic, 1);

  const Function* qot = LookupFunction("quantile_over_time");
  ASSERT_NE(qot, nullptr);
  EXPECT_EQ(qot->arg_types, (std::vector<ValueType>{ValueType::kScalar, ValueType::kMatrix}));

  const Function* vec = LookupFunction("vector");
  ASSERT_NE(vec, nullptr);
  EXPECT_EQ(vec->arg_types, std::vector<ValueType>{ValueType::kScalar});
  EXPECT_EQ(vec->return_type, ValueType::kVector);
}

TEST(Functions, EveryFunctionOfIssue4IsKnown) {
  for (const char* name : {"abs",
                           "absent",
                           "absent_over_time",
                           "ceil",
                           "changes",
                           "clamp",
                           "clamp_max",
                           "clamp_min",
                           "day_of_month",
                           "day_of_week",
                           "day_of_year",
                           "days_in_month",
                           "delta",
                           "deriv",
                           "exp",
                           "floor",
                           "histogram_quantile",
                           "histogram_fraction",
                           "hour",
                           "idelta",
                           "increase",
                           "irate",
                           "label_join",
                           "label_replace",
                           "ln",
                           "log2",
                           "log10",
                           "minute",
                           "month",
                           "predict_linear",
                           "rate",
                           "resets",
                           "round",
                           "scalar",
                           "sgn",
                           "sort",
                           "sort_desc",
                           "sqrt",
                           "time",
                           "timestamp",
                           "vector",
                           "year",
                           "avg_over_time",
                           "min_over_time",
                           "max_over_time",
                           "sum_over_time",
                           "count_over_time",
                           "quantile_over_time",
                           "stddev_over_time",
                           "stdvar_over_time",
                           "last_over_time",
                           "present_over_time",
                           "acos",
                           "acosh",
                           "asin",
                           "asinh",
                           "atan",
                           "atanh",
                           "cos",
                           "cosh",
                           "sin",
                           "sinh",
                           "tan",
                           "tanh",
                           "deg",
                           "rad",
                           "pi"}) {
    EXPECT_NE(LookupFunction(name), nullptr) << name;
  }
}

TEST(Functions, UnknownAndExperimentalAreNotFound) {
  EXPECT_EQ(LookupFunction("nonexistent"), nullptr);
  EXPECT_EQ(LookupFunction(""), nullptr);
  EXPECT_EQ(LookupFunction("Rate"), nullptr);
  EXPECT_EQ(LookupFunction("mad_over_time"), nullptr);
}

TEST(Functions, AllFunctionsIsSortedAndUnique) {
  const auto all = AllFunctions();
  ASSERT_FALSE(all.empty());
  for (size_t i = 1; i < all.size(); ++i) EXPECT_LT(all[i - 1].name, all[i].name);
  for (const Function& f : all) EXPECT_EQ(LookupFunction(f.name), &f);
}

TEST(Operators, Names) {
  EXPECT_EQ(BinaryOpString(BinaryOp::kPow), "^");
  EXPECT_EQ(BinaryOpString(BinaryOp::kAtan2), "atan2");
  EXPECT_EQ(BinaryOpString(BinaryOp::kUnless), "unless");
  EXPECT_TRUE(IsComparisonOp(BinaryOp::kGte));
  EXPECT_FALSE(IsComparisonOp(BinaryOp::kAdd));
  EXPECT_TRUE(IsSetOp(BinaryOp::kOr));
  EXPECT_FALSE(IsSetOp(BinaryOp::kEql));
}

TEST(Operators, AggregateNamesRoundTrip) {
  for (AggregateOp op :
       {AggregateOp::kSum, AggregateOp::kAvg, AggregateOp::kCount, AggregateOp::kMin,
        AggregateOp::kMax, AggregateOp::kGroup, AggregateOp::kStddev, AggregateOp::kStdvar,
        AggregateOp::kTopK, AggregateOp::kBottomK, AggregateOp::kCountValues,
        AggregateOp::kQuantile}) {
    EXPECT_EQ(AggregateOpFromName(AggregateOpString(op)), op);
  }
  EXPECT_EQ(AggregateOpFromName("rate"), std::nullopt);
  EXPECT_TRUE(AggregateOpHasParam(AggregateOp::kTopK));
  EXPECT_TRUE(AggregateOpHasParam(AggregateOp::kCountValues));
  EXPECT_FALSE(AggregateOpHasParam(AggregateOp::kSum));
}

TEST(Walk, ChildrenInEvaluationOrder) {
  auto agg = Agg(AggregateOp::kTopK, Sel("a"), {}, false, Num(3));
  const auto children = Children(*agg);
  ASSERT_EQ(children.size(), 2u);
  EXPECT_EQ(children[0]->kind(), ExprKind::kNumberLiteral);
  EXPECT_EQ(children[1]->kind(), ExprKind::kVectorSelector);

  auto bin = Bin(BinaryOp::kAdd, Sel("a"), Num(1));
  const auto bc = Children(*bin);
  ASSERT_EQ(bc.size(), 2u);
  EXPECT_EQ(bc[0], bin->lhs.get());
  EXPECT_EQ(bc[1], bin->rhs.get());

  EXPECT_TRUE(Children(*Sel("a")).empty());
  EXPECT_EQ(Children(*Fn("clamp", Args(Sel("a"), Num(0), Num(1)))).size(), 3u);
}

// Counts nodes by walking with Visit and Children.
int CountSelectors(const Expr& e) {
  int n = Visit(e, [](const auto& node) {
    using T = std::decay_t<decltype(node)>;
    return std::is_same_v<T, VectorSelector> ? 1 : 0;
  });
  for (const Expr* c : Children(e)) n += CountSelectors(*c);
  return n;
}

TEST(Walk, VisitDispatchesOnTheConcreteType) {
  auto e = Bin(BinaryOp::kDiv, Agg(AggregateOp::kSum, Fn("rate", Args(Range(Sel("a"), 60000)))),
               Paren(Bin(BinaryOp::kAdd, Sel("b"), Neg(Sel("c")))));
  EXPECT_EQ(CountSelectors(*e), 3);
}

TEST(Walk, DynCastChecksTheKind) {
  auto sel = Sel("a");
  const Expr* e = sel.get();
  EXPECT_EQ(DynCast<VectorSelector>(e), sel.get());
  EXPECT_EQ(DynCast<MatrixSelector>(e), nullptr);
  EXPECT_EQ(DynCast<Call>(nullptr), nullptr);
  EXPECT_EQ(As<VectorSelector>(*e).name, "a");
}

TEST(Clone, IsDeepAndKeepsPositions) {
  auto e = Bin(BinaryOp::kAdd, Sel("a", {Eq("job", "x")}), Num(1));
  e->pos_range = {0, 15};
  e->lhs->pos_range = {0, 10};
  ExprPtr copy = e->Clone();
  const auto& b = As<BinaryExpr>(*copy);
  EXPECT_EQ(b.pos_range, (PositionRange{0, 15}));
  EXPECT_EQ(b.lhs->pos_range, (PositionRange{0, 10}));
  EXPECT_NE(b.lhs.get(), e->lhs.get());
  EXPECT_EQ(As<VectorSelector>(*b.lhs).matchers, As<VectorSelector>(*e->lhs).matchers);
  EXPECT_EQ(b.matching, e->matching);
}

}  // namespace
}  // namespace sextant::promql
