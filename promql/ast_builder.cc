#include "promql/ast_builder.h"

#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <utility>

#include "grammar/generated/PromQLLexer.h"
#include "model/matcher.h"
#include "promql/literals.h"
#include "promql/parse_error.h"
#include "util/go_format.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace sextant::promql::internal {
namespace {

using L = grammar::PromQLLexer;

std::string ToLower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Go's fmt "%f": six decimals, and "+Inf", "-Inf", "NaN".
std::string GoFormatF(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[400];
  std::snprintf(buf, sizeof(buf), "%f", v);
  return buf;
}

BinaryOp BinaryOpOf(size_t token_type) {
  switch (token_type) {
    case L::ADD:
      return BinaryOp::kAdd;
    case L::SUB:
      return BinaryOp::kSub;
    case L::MUL:
      return BinaryOp::kMul;
    case L::DIV:
      return BinaryOp::kDiv;
    case L::MOD:
      return BinaryOp::kMod;
    case L::POW:
      return BinaryOp::kPow;
    case L::ATAN2:
      return BinaryOp::kAtan2;
    case L::EQLC:
      return BinaryOp::kEql;
    case L::NEQ:
      return BinaryOp::kNeq;
    case L::GTR:
      return BinaryOp::kGtr;
    case L::LSS:
      return BinaryOp::kLss;
    case L::GTE:
      return BinaryOp::kGte;
    case L::LTE:
      return BinaryOp::kLte;
    case L::LAND:
      return BinaryOp::kAnd;
    case L::LOR:
      return BinaryOp::kOr;
    default:
      return BinaryOp::kUnless;
  }
}

model::MatchType MatchTypeOf(size_t token_type) {
  switch (token_type) {
    case L::NEQ:
      return model::MatchType::kNotEqual;
    case L::EQL_REGEX:
      return model::MatchType::kRegexMatch;
    case L::NEQ_REGEX:
      return model::MatchType::kRegexNoMatch;
    default:
      return model::MatchType::kEqual;
  }
}

// The node's offset / `@` fields, wherever they live for its kind; null fields when the node
// takes no modifiers.
struct ModifierTarget {
  int64_t* offset_ms = nullptr;
  std::optional<int64_t>* timestamp_ms = nullptr;
  AtModifier* start_or_end = nullptr;
};

ModifierTarget TargetOf(Expr& e) {
  if (e.kind() == ExprKind::kVectorSelector) {
    auto& vs = As<VectorSelector>(e);
    return {&vs.original_offset_ms, &vs.timestamp_ms, &vs.start_or_end};
  }
  if (e.kind() == ExprKind::kMatrixSelector) {
    auto& vs = *As<MatrixSelector>(e).vector_selector;
    return {&vs.original_offset_ms, &vs.timestamp_ms, &vs.start_or_end};
  }
  if (e.kind() == ExprKind::kSubquery) {
    auto& sq = As<SubqueryExpr>(e);
    return {&sq.original_offset_ms, &sq.timestamp_ms, &sq.start_or_end};
  }
  return {};
}

}  // namespace

int AstBuilder::Pos(const antlr4::Token* t) const { return offsets_.At(t->getStartIndex()); }

int AstBuilder::EndPos(const antlr4::Token* t) const {
  if (t->getType() == antlr4::Token::EOF) return offsets_.At(t->getStartIndex());
  return offsets_.At(t->getStopIndex() + 1);
}

PositionRange AstBuilder::Range(antlr4::ParserRuleContext* ctx) const {
  return {Pos(ctx->getStart()), EndPos(ctx->getStop())};
}

absl::Status AstBuilder::Error(int pos, std::string_view message) const {
  return ParseError(query_, pos, message);
}

absl::Status AstBuilder::ErrorAt(const antlr4::Token* t, std::string_view message) const {
  return Error(Pos(t), message);
}

absl::StatusOr<std::string> AstBuilder::Unquote(const antlr4::Token* t) const {
  const std::string text = t->getText();
  absl::StatusOr<std::string> s = UnquoteString(text);
  if (!s.ok()) {
    // Prometheus's lexer rejects most malformed strings before its parser unquotes them.
    if (std::string lex = StringLexError(text); !lex.empty()) return ErrorAt(t, lex);
    return ErrorAt(t, util::StrCat("error unquoting string ", util::QuoteGo(text), ": ",
                                   util::FromAbsl(s.status().message())));
  }
  return s;
}

absl::StatusOr<int64_t> AstBuilder::DurationMs(antlr4::tree::TerminalNode* duration,
                                               antlr4::tree::TerminalNode* number) const {
  antlr4::tree::TerminalNode* node = duration != nullptr ? duration : number;
  absl::StatusOr<int64_t> ms = DurationTokenMs(node->getText(), duration != nullptr);
  if (!ms.ok()) return ErrorAt(node->getSymbol(), util::FromAbsl(ms.status().message()));
  return ms;
}

absl::StatusOr<ExprPtr> AstBuilder::Build(P::ExprContext* ctx) {
  if (auto* c = dynamic_cast<P::SelectorContext*>(ctx)) return BuildSelector(c->vectorSelector());
  if (auto* c = dynamic_cast<P::NumberLiteralContext*>(ctx)) return BuildNumber(c->number());
  if (auto* c = dynamic_cast<P::StringLiteralContext*>(ctx)) {
    auto s = std::make_unique<StringLiteral>();
    ASSIGN_OR_RETURN(s->value, Unquote(c->STRING()->getSymbol()));
    s->pos_range = Range(ctx);
    return s;
  }
  if (auto* c = dynamic_cast<P::DurationLiteralContext*>(ctx)) {
    // 3.x: a duration used as a number is its length in seconds.
    ASSIGN_OR_RETURN(int64_t ms, DurationMs(c->DURATION(), nullptr));
    auto n = std::make_unique<NumberLiteral>();
    n->value = static_cast<double>(ms) / 1000.0;
    n->pos_range = Range(ctx);
    return n;
  }
  if (auto* c = dynamic_cast<P::ParenContext*>(ctx)) {
    auto p = std::make_unique<ParenExpr>();
    ASSIGN_OR_RETURN(p->expr, Build(c->expr()));
    p->pos_range = Range(ctx);
    return p;
  }
  if (auto* c = dynamic_cast<P::CallContext*>(ctx)) return BuildCall(c->functionCall());
  if (auto* c = dynamic_cast<P::AggregateContext*>(ctx)) return BuildAggregation(c->aggregation());
  if (auto* c = dynamic_cast<P::UnaryContext*>(ctx)) return BuildUnary(c);
  if (auto* c = dynamic_cast<P::MatrixSelectorContext*>(ctx)) return BuildMatrix(c);
  if (auto* c = dynamic_cast<P::SubqueryContext*>(ctx)) return BuildSubquery(c);
  if (auto* c = dynamic_cast<P::OffsetModifierContext*>(ctx)) return BuildOffset(c);
  if (auto* c = dynamic_cast<P::AtModifierContext*>(ctx)) return BuildAt(c);
  if (auto* c = dynamic_cast<P::RangeModifierContext*>(ctx)) {
    ASSIGN_OR_RETURN(ExprPtr inner, Build(c->expr()));
    const std::string which = c->SMOOTHED() != nullptr ? "smoothed" : "anchored";
    return Error(inner->pos_range.start,
                 util::StrCat(which, " modifier is experimental and not enabled"));
  }
  if (auto* c = dynamic_cast<P::PowBinaryContext*>(ctx)) {
    return BuildBinary(ctx, c->expr(0), c->op, c->binModifier(), c->expr(1));
  }
  if (auto* c = dynamic_cast<P::MulBinaryContext*>(ctx)) {
    return BuildBinary(ctx, c->expr(0), c->op, c->binModifier(), c->expr(1));
  }
  if (auto* c = dynamic_cast<P::AddBinaryContext*>(ctx)) {
    return BuildBinary(ctx, c->expr(0), c->op, c->binModifier(), c->expr(1));
  }
  if (auto* c = dynamic_cast<P::CompareBinaryContext*>(ctx)) {
    return BuildBinary(ctx, c->expr(0), c->op, c->binModifier(), c->expr(1));
  }
  if (auto* c = dynamic_cast<P::AndUnlessBinaryContext*>(ctx)) {
    return BuildBinary(ctx, c->expr(0), c->op, c->binModifier(), c->expr(1));
  }
  if (auto* c = dynamic_cast<P::OrBinaryContext*>(ctx)) {
    return BuildBinary(ctx, c->expr(0), c->op, c->binModifier(), c->expr(1));
  }
  return Error(Pos(ctx->getStart()), "unknown node type");
}

absl::StatusOr<ExprPtr> AstBuilder::BuildNumber(P::NumberContext* ctx) {
  absl::StatusOr<double> v = ParseNumber(ctx->getText());
  if (!v.ok()) return ErrorAt(ctx->getStart(), util::FromAbsl(v.status().message()));
  auto n = std::make_unique<NumberLiteral>();
  n->value = *v;
  n->pos_range = Range(ctx);
  return n;
}

absl::StatusOr<ExprPtr> AstBuilder::BuildSelector(P::VectorSelectorContext* ctx) {
  auto vs = std::make_unique<VectorSelector>();
  vs->pos_range = Range(ctx);
  if (ctx->metricName() != nullptr) {
    vs->name = ctx->metricName()->getText();
    ASSIGN_OR_RETURN(model::Matcher m,
                     model::Matcher::Create(model::MatchType::kEqual, "__name__", vs->name));
    vs->matchers.push_back(std::move(m));
  }
  if (ctx->labelMatchers() == nullptr) return vs;
  for (P::LabelMatcherContext* lm : ctx->labelMatchers()->labelMatcher()) {
    if (lm->matchOp() == nullptr) {
      // A lone quoted string is the metric name (3.x).
      antlr4::Token* tok = lm->STRING(0)->getSymbol();
      ASSIGN_OR_RETURN(std::string name, Unquote(tok));
      absl::StatusOr<model::Matcher> m =
          model::Matcher::Create(model::MatchType::kEqual, "__name__", name);
      if (!m.ok()) return ErrorAt(tok, util::FromAbsl(m.status().message()));
      vs->matchers.push_back(*std::move(m));
      continue;
    }
    antlr4::Token* label_tok = lm->getStart();
    std::string label;
    if (label_tok->getType() == L::STRING) {
      ASSIGN_OR_RETURN(label, Unquote(label_tok));
    } else {
      label = label_tok->getText();
    }
    antlr4::Token* value_tok = lm->getStop();
    ASSIGN_OR_RETURN(std::string value, Unquote(value_tok));
    absl::StatusOr<model::Matcher> m =
        model::Matcher::Create(MatchTypeOf(lm->matchOp()->getStart()->getType()), label, value);
    if (!m.ok()) return ErrorAt(label_tok, util::FromAbsl(m.status().message()));
    vs->matchers.push_back(*std::move(m));
  }
  return vs;
}

absl::StatusOr<ExprPtr> AstBuilder::BuildMatrix(P::MatrixSelectorContext* ctx) {
  ASSIGN_OR_RETURN(ExprPtr inner, Build(ctx->expr()));
  ASSIGN_OR_RETURN(int64_t range_ms,
                   DurationMs(ctx->duration()->DURATION(), ctx->duration()->NUMBER()));
  const int bracket = Pos(ctx->LEFT_BRACKET()->getSymbol());
  if (inner->kind() != ExprKind::kVectorSelector) {
    return Error(bracket, "ranges only allowed for vector selectors");
  }
  auto vs = std::unique_ptr<VectorSelector>(static_cast<VectorSelector*>(inner.release()));
  if (range_ms <= 0) {
    return ErrorAt(ctx->duration()->getStart(), "duration must be greater than 0");
  }
  if (vs->original_offset_ms != 0)
    return Error(bracket, "no offset modifiers allowed before range");
  if (vs->timestamp_ms.has_value()) return Error(bracket, "no @ modifiers allowed before range");
  auto m = std::make_unique<MatrixSelector>();
  m->vector_selector = std::move(vs);
  m->range_ms = range_ms;
  m->pos_range = Range(ctx);
  return m;
}

absl::StatusOr<ExprPtr> AstBuilder::BuildSubquery(P::SubqueryContext* ctx) {
  auto sq = std::make_unique<SubqueryExpr>();
  ASSIGN_OR_RETURN(sq->expr, Build(ctx->expr()));
  P::DurationContext* range = ctx->duration(0);
  ASSIGN_OR_RETURN(sq->range_ms, DurationMs(range->DURATION(), range->NUMBER()));
  if (sq->range_ms <= 0) return ErrorAt(range->getStart(), "duration must be greater than 0");
  if (P::DurationContext* step = ctx->duration(1); step != nullptr) {
    ASSIGN_OR_RETURN(sq->step_ms, DurationMs(step->DURATION(), step->NUMBER()));
  }
  sq->pos_range = Range(ctx);
  return sq;
}

absl::StatusOr<ExprPtr> AstBuilder::BuildOffset(P::OffsetModifierContext* ctx) {
  ASSIGN_OR_RETURN(ExprPtr inner, Build(ctx->expr()));
  P::DurationOrNumberContext* d = ctx->durationOrNumber();
  ASSIGN_OR_RETURN(int64_t ms, DurationMs(d->DURATION(), d->NUMBER()));
  if (ctx->SUB() != nullptr) ms = -ms;
  ModifierTarget target = TargetOf(*inner);
  if (target.offset_ms == nullptr) {
    return Error(inner->pos_range.start,
                 "offset modifier must be preceded by an instant vector selector or range vector "
                 "selector or a subquery");
  }
  if (*target.offset_ms != 0) {
    return Error(inner->pos_range.start, "offset may not be set multiple times");
  }
  *target.offset_ms = ms;
  inner->pos_range.end = Range(ctx).end;
  return inner;
}

absl::StatusOr<ExprPtr> AstBuilder::BuildAt(P::AtModifierContext* ctx) {
  ASSIGN_OR_RETURN(ExprPtr inner, Build(ctx->expr()));
  P::AtTimestampContext* at = ctx->atTimestamp();
  AtModifier start_or_end = AtModifier::kNone;
  std::optional<int64_t> ts_ms;
  const size_t first = at->getStart()->getType();
  if (first == L::START || first == L::END) {
    start_or_end = first == L::START ? AtModifier::kStart : AtModifier::kEnd;
  } else {
    antlr4::Token* value_tok = at->getStop();
    double ts = 0;
    if (value_tok->getType() == L::DURATION) {
      ASSIGN_OR_RETURN(int64_t ms, DurationTokenMs(value_tok->getText(), true));
      ts = static_cast<double>(ms) / 1000.0;
    } else {
      absl::StatusOr<double> v = ParseNumber(value_tok->getText());
      if (!v.ok()) return ErrorAt(value_tok, util::FromAbsl(v.status().message()));
      ts = *v;
    }
    if (first == L::SUB) ts = -ts;
    constexpr double kMax = 9223372036854775807.0;
    if (std::isinf(ts) || std::isnan(ts) || ts >= kMax || ts <= -kMax) {
      return Error(inner->pos_range.start,
                   util::StrCat("timestamp out of bounds for @ modifier: ", GoFormatF(ts)));
    }
    const double ms = std::round(ts * 1000.0);
    ts_ms = ms >= kMax    ? std::numeric_limits<int64_t>::max()
            : ms <= -kMax ? std::numeric_limits<int64_t>::min()
                          : static_cast<int64_t>(ms);
  }
  ModifierTarget target = TargetOf(*inner);
  if (target.timestamp_ms == nullptr) {
    return Error(inner->pos_range.start,
                 "@ modifier must be preceded by an instant vector selector or range vector "
                 "selector or a subquery");
  }
  if (target.timestamp_ms->has_value() || *target.start_or_end != AtModifier::kNone) {
    return Error(inner->pos_range.start, "@ <timestamp> may not be set multiple times");
  }
  *target.timestamp_ms = ts_ms;
  *target.start_or_end = start_or_end;
  inner->pos_range.end = Range(ctx).end;
  return inner;
}

absl::StatusOr<ExprPtr> AstBuilder::BuildUnary(P::UnaryContext* ctx) {
  ASSIGN_OR_RETURN(ExprPtr inner, Build(ctx->expr()));
  const bool neg = ctx->op->getType() == L::SUB;
  if (inner->kind() == ExprKind::kNumberLiteral) {
    // Prometheus folds a signed number literal into the literal.
    auto& n = As<NumberLiteral>(*inner);
    if (neg) n.value = -n.value;
    n.pos_range.start = Pos(ctx->op);
    return inner;
  }
  auto u = std::make_unique<UnaryExpr>();
  u->op = neg ? UnaryOp::kSub : UnaryOp::kAdd;
  u->expr = std::move(inner);
  u->pos_range = Range(ctx);
  return u;
}

absl::Status AstBuilder::CheckGroupParen(antlr4::tree::TerminalNode* group_keyword) const {
  // Walk the tokens after `group_x (` as Prometheus's grouping_labels rule would.
  size_t i = group_keyword->getSymbol()->getTokenIndex() + 1;
  auto next = [&]() -> antlr4::Token* {
    while (tokens_->get(i)->getChannel() != antlr4::Token::DEFAULT_CHANNEL) ++i;
    return tokens_->get(i++);
  };
  antlr4::Token* t = next();
  if (t->getType() != L::LEFT_PAREN) return absl::OkStatus();
  auto is_label = [](const antlr4::Token* tok) {
    const size_t ty = tok->getType();
    return ty == L::IDENTIFIER || ty == L::STRING || (ty >= L::LAND && ty <= L::STEP);
  };
  t = next();
  while (t->getType() != L::RIGHT_PAREN) {
    if (!is_label(t)) {
      return ErrorAt(t, util::StrCat("unexpected ", TokenDescription(*t),
                                     " in grouping opts, expected label"));
    }
    t = next();
    if (t->getType() == L::COMMA) {
      t = next();
    } else if (t->getType() != L::RIGHT_PAREN) {
      return ErrorAt(t, util::StrCat("unexpected ", TokenDescription(*t),
                                     " in grouping opts, expected \",\" or \")\""));
    }
  }
  t = next();
  return ErrorAt(t, util::StrCat("unexpected ", TokenDescription(*t)));
}

absl::StatusOr<std::vector<std::string>> AstBuilder::BuildLabels(P::GroupingLabelsContext* ctx) {
  std::vector<std::string> labels;
  for (P::GroupingLabelContext* l : ctx->groupingLabel()) {
    if (l->STRING() != nullptr) {
      ASSIGN_OR_RETURN(std::string s, Unquote(l->STRING()->getSymbol()));
      labels.push_back(std::move(s));
    } else {
      labels.push_back(l->getText());
    }
  }
  return labels;
}

absl::StatusOr<ExprPtr> AstBuilder::BuildBinary(P::ExprContext* ctx, P::ExprContext* lhs,
                                                antlr4::Token* op, P::BinModifierContext* mod,
                                                P::ExprContext* rhs) {
  auto b = std::make_unique<BinaryExpr>();
  b->op = BinaryOpOf(op->getType());
  ASSIGN_OR_RETURN(b->lhs, Build(lhs));
  VectorMatching vm;
  if (mod != nullptr) {
    b->return_bool = mod->BOOL() != nullptr;
    if (P::VectorMatchingContext* m = mod->vectorMatching(); m != nullptr) {
      vm.on = m->ON() != nullptr;
      ASSIGN_OR_RETURN(vm.matching_labels, BuildLabels(m->groupingLabels(0)));
      antlr4::tree::TerminalNode* group =
          m->GROUP_LEFT() != nullptr ? m->GROUP_LEFT() : m->GROUP_RIGHT();
      if (group != nullptr) {
        vm.card = m->GROUP_LEFT() != nullptr ? VectorMatchCardinality::kManyToOne
                                             : VectorMatchCardinality::kOneToMany;
        if (m->groupingLabels(1) != nullptr) {
          ASSIGN_OR_RETURN(vm.include, BuildLabels(m->groupingLabels(1)));
        } else {
          RETURN_IF_ERROR(CheckGroupParen(group));
        }
      }
    }
  }
  b->matching = std::move(vm);  // CheckAst clears it unless both sides are vectors
  ASSIGN_OR_RETURN(b->rhs, Build(rhs));
  b->pos_range = Range(ctx);
  return b;
}

absl::StatusOr<std::vector<ExprPtr>> AstBuilder::BuildArgs(P::FunctionArgsContext* ctx) {
  std::vector<ExprPtr> args;
  for (P::ExprContext* e : ctx->expr()) {
    ASSIGN_OR_RETURN(ExprPtr arg, Build(e));
    args.push_back(std::move(arg));
  }
  return args;
}

absl::StatusOr<ExprPtr> AstBuilder::BuildAggregation(P::AggregationContext* ctx) {
  auto a = std::make_unique<AggregateExpr>();
  a->pos_range = Range(ctx);
  std::vector<ExprPtr> args;
  const bool grouping_first =
      ctx->grouping() != nullptr && ctx->grouping()->getStart()->getTokenIndex() <
                                        ctx->functionArgs()->getStart()->getTokenIndex();
  auto build_grouping = [&]() -> absl::Status {
    if (ctx->grouping() == nullptr) return absl::OkStatus();
    a->without = ctx->grouping()->WITHOUT() != nullptr;
    ASSIGN_OR_RETURN(a->grouping, BuildLabels(ctx->grouping()->groupingLabels()));
    return absl::OkStatus();
  };
  if (grouping_first) RETURN_IF_ERROR(build_grouping());
  ASSIGN_OR_RETURN(args, BuildArgs(ctx->functionArgs()));
  if (!grouping_first) RETURN_IF_ERROR(build_grouping());

  const std::string op_text = ToLower(ctx->aggregateOp()->getText());
  if (args.empty())
    return Error(a->pos_range.start, "no arguments for aggregate expression provided");
  std::optional<AggregateOp> op = AggregateOpFromName(op_text);
  if (!op.has_value()) {
    // limitk and limit_ratio: experimental in Prometheus, not implemented here.
    return Error(a->pos_range.start,
                 util::StrCat(op_text,
                              "() is experimental and must be enabled with "
                              "--enable-feature=promql-experimental-functions"));
  }
  a->op = *op;
  const size_t desired = AggregateOpHasParam(a->op) ? 2 : 1;
  if (args.size() != desired) {
    return Error(a->pos_range.start,
                 util::StrCat("wrong number of arguments for aggregate expression provided, "
                              "expected ",
                              desired, ", got ", args.size()));
  }
  if (desired == 2) a->param = std::move(args[0]);
  a->expr = std::move(args[desired - 1]);
  return a;
}

absl::StatusOr<ExprPtr> AstBuilder::BuildCall(P::FunctionCallContext* ctx) {
  auto c = std::make_unique<Call>();
  c->pos_range = Range(ctx);
  ASSIGN_OR_RETURN(c->args, BuildArgs(ctx->functionArgs()));
  const std::string name = ctx->getStart()->getText();
  c->func = LookupFunction(name);
  if (c->func == nullptr) {
    return ErrorAt(ctx->getStart(),
                   util::StrCat("unknown function with name ", util::QuoteGo(name)));
  }
  return c;
}

}  // namespace sextant::promql::internal
