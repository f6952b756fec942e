// Functions over instant vectors and scalars (functions.go), and the dispatch of calls.

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <numbers>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "promql/evaluator.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace sextant::promql::internal {

namespace {

double GoMin(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::nan("");
  return std::min(a, b);
}
double GoMax(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::nan("");
  return std::max(a, b);
}

using MathFn = double (*)(double);

MathFn LookupMathFn(std::string_view name) {
  struct Entry {
    std::string_view name;
    MathFn fn;
  };
  static const Entry kTable[] = {
      {"abs", [](double v) { return std::fabs(v); }},
      {"ceil", [](double v) { return std::ceil(v); }},
      {"floor", [](double v) { return std::floor(v); }},
      {"exp", [](double v) { return std::exp(v); }},
      {"sqrt", [](double v) { return std::sqrt(v); }},
      {"ln", [](double v) { return std::log(v); }},
      {"log2", [](double v) { return std::log2(v); }},
      {"log10", [](double v) { return std::log10(v); }},
      {"sgn", [](double v) { return v > 0   ? 1.0
                                    : v < 0 ? -1.0
                                            : v; }},
      {"acos", [](double v) { return std::acos(v); }},
      {"acosh", [](double v) { return std::acosh(v); }},
      {"asin", [](double v) { return std::asin(v); }},
      {"asinh", [](double v) { return std::asinh(v); }},
      {"atan", [](double v) { return std::atan(v); }},
      {"atanh", [](double v) { return std::atanh(v); }},
      {"cos", [](double v) { return std::cos(v); }},
      {"cosh", [](double v) { return std::cosh(v); }},
      {"sin", [](double v) { return std::sin(v); }},
      {"sinh", [](double v) { return std::sinh(v); }},
      {"tan", [](double v) { return std::tan(v); }},
      {"tanh", [](double v) { return std::tanh(v); }},
      {"deg", [](double v) { return v * 180 / std::numbers::pi; }},
      {"rad", [](double v) { return v * std::numbers::pi / 180; }},
  };
  for (const Entry& e : kTable) {
    if (e.name == name) return e.fn;
  }
  return nullptr;
}

using DateFn = double (*)(absl::CivilSecond);

DateFn LookupDateFn(std::string_view name) {
  struct Entry {
    std::string_view name;
    DateFn fn;
  };
  static const Entry kTable[] = {
      {"day_of_month", [](absl::CivilSecond c) { return static_cast<double>(c.day()); }},
      {"day_of_week",
       [](absl::CivilSecond c) {
         // absl counts from Monday = 0; Go from Sunday = 0.
         return static_cast<double>((static_cast<int>(absl::GetWeekday(c)) + 1) % 7);
       }},
      {"day_of_year", [](absl::CivilSecond c) { return static_cast<double>(absl::GetYearDay(c)); }},
      {"days_in_month",
       [](absl::CivilSecond c) {
         const absl::CivilMonth m(c);
         return static_cast<double>(absl::CivilDay(m + 1) - absl::CivilDay(m));
       }},
      {"hour", [](absl::CivilSecond c) { return static_cast<double>(c.hour()); }},
      {"minute", [](absl::CivilSecond c) { return static_cast<double>(c.minute()); }},
      {"month", [](absl::CivilSecond c) { return static_cast<double>(c.month()); }},
      {"year", [](absl::CivilSecond c) { return static_cast<double>(c.year()); }},
  };
  for (const Entry& e : kTable) {
    if (e.name == name) return e.fn;
  }
  return nullptr;
}

bool IsRangeFunction(const Function& f) {
  for (ValueType t : f.arg_types) {
    if (t == ValueType::kMatrix) return true;
  }
  return false;
}

int GoCompare(double a, double b) {
  // Go's cmp.Compare: NaN sorts before every number.
  const bool an = std::isnan(a), bn = std::isnan(b);
  if (an || bn) return an && bn ? 0 : (an ? -1 : 1);
  return a < b ? -1 : (a > b ? 1 : 0);
}

}  // namespace

model::Labels AbsentLabels(const Expr& arg) {
  const Expr* e = &arg;
  while (e->kind() == ExprKind::kParen) e = As<ParenExpr>(*e).expr.get();
  const VectorSelector* vs = nullptr;
  if (e->kind() == ExprKind::kVectorSelector) vs = &As<VectorSelector>(*e);
  if (e->kind() == ExprKind::kMatrixSelector) vs = As<MatrixSelector>(*e).vector_selector.get();
  if (vs == nullptr) return model::Labels();
  model::LabelsBuilder b;
  absl::flat_hash_map<std::string, int> seen;
  for (const model::Matcher& m : vs->matchers) {
    if (m.name() == model::kMetricNameLabel) continue;
    if (++seen[m.name()] > 1) {
      b.Del(m.name());
      continue;
    }
    if (m.type() == model::MatchType::kEqual) b.Set(m.name(), m.value());
  }
  return b.Build();
}

absl::StatusOr<StepValue> Evaluator::EvalCall(const Call& c) {
  const std::string_view name = c.func->name;
  if (name == "label_replace" || name == "label_join") return EvalLabelFunction(c);
  if (name == "histogram_quantile" || name == "histogram_fraction") {
    return EvalHistogramQuantile(c);
  }
  if (IsRangeFunction(*c.func)) return EvalRangeFunction(c);

  StepValue out;
  out.type = c.func->return_type;
  if (name == "time" || name == "pi") {
    out.scalars.resize(num_steps_);
    for (size_t i = 0; i < num_steps_; ++i) {
      out.scalars[i] = name == "pi" ? std::numbers::pi : static_cast<double>(StepTime(i)) / 1000;
    }
    return out;
  }
  if (name == "timestamp") {
    const Expr* arg = c.args[0].get();
    while (arg->kind() == ExprKind::kParen) arg = As<ParenExpr>(*arg).expr.get();
    StepValue v;
    if (arg->kind() == ExprKind::kVectorSelector) {
      ASSIGN_OR_RETURN(v, EvalVectorSelector(As<VectorSelector>(*arg), true));
    } else {
      ASSIGN_OR_RETURN(v, Eval(*arg));
    }
    // A selector's samples hold their own time already (in seconds); anything else's is the
    // step's.
    const bool sample_time = arg->kind() == ExprKind::kVectorSelector;
    for (size_t i = 0; i < num_steps_; ++i) {
      for (Sample& s : v.vectors[i]) {
        if (!sample_time) s.v = static_cast<double>(StepTime(i)) / 1000;
        s.id = ctx_->WithoutName(s.id);
      }
      RETURN_IF_ERROR(ctx_->CheckDuplicates(v.vectors[i]));
    }
    return v;
  }

  std::vector<StepValue> args;
  for (const ExprPtr& a : c.args) {
    ASSIGN_OR_RETURN(StepValue v, Eval(*a));
    args.push_back(std::move(v));
  }
  if (name == "scalar") {
    out.scalars.resize(num_steps_);
    for (size_t i = 0; i < num_steps_; ++i) {
      const Samples& v = args[0].vectors[i];
      out.scalars[i] = v.size() == 1 ? v[0].v : std::nan("");
    }
    return out;
  }
  out.vectors.resize(num_steps_);
  if (name == "vector") {
    const SeriesId empty = ctx_->series.Intern(model::Labels());
    for (size_t i = 0; i < num_steps_; ++i) {
      out.vectors[i].push_back(Sample{empty, args[0].scalars[i]});
    }
    return out;
  }
  if (name == "absent") {
    const SeriesId labels = ctx_->series.Intern(AbsentLabels(*c.args[0]));
    for (size_t i = 0; i < num_steps_; ++i) {
      if (args[0].vectors[i].empty()) out.vectors[i].push_back(Sample{labels, 1});
    }
    return out;
  }
  if (name == "sort" || name == "sort_desc") {
    const bool desc = name == "sort_desc";
    if (ctx_->query_start != ctx_->query_end) {
      ctx_->warnings.insert(
          "PromQL warning: sort is ineffective for range queries since results are always "
          "ordered by labels");
    }
    for (size_t i = 0; i < num_steps_; ++i) {
      out.vectors[i] = std::move(args[0].vectors[i]);
      std::stable_sort(out.vectors[i].begin(), out.vectors[i].end(),
                       [desc](const Sample& a, const Sample& b) {
                         return desc ? GoCompare(b.v, a.v) < 0 : GoCompare(a.v, b.v) < 0;
                       });
    }
    return out;
  }
  // The remaining functions map each element: f(v, scalar args...), dropping the metric name.
  const bool date_fn = LookupDateFn(name) != nullptr;
  if (date_fn && args.empty()) {
    const SeriesId empty = ctx_->series.Intern(model::Labels());
    for (size_t i = 0; i < num_steps_; ++i) {
      const absl::CivilSecond cs =
          absl::ToCivilSecond(absl::FromUnixMillis(StepTime(i)), absl::UTCTimeZone());
      out.vectors[i].push_back(Sample{empty, LookupDateFn(name)(cs)});
    }
    return out;
  }
  const MathFn math = LookupMathFn(name);
  for (size_t i = 0; i < num_steps_; ++i) {
    auto scalar = [&](size_t k, double def) { return k < args.size() ? args[k].scalars[i] : def; };
    if (name == "clamp" && scalar(2, 0) < scalar(1, 0)) continue;
    out.vectors[i].reserve(args[0].vectors[i].size());
    for (const Sample& s : args[0].vectors[i]) {
      double v = s.v;
      if (math != nullptr) {
        v = math(v);
      } else if (date_fn) {
        if (std::isnan(v) || std::isinf(v)) continue;
        v = LookupDateFn(name)(absl::ToCivilSecond(absl::FromUnixSeconds(static_cast<int64_t>(v)),
                                                   absl::UTCTimeZone()));
      } else if (name == "clamp") {
        v = GoMax(scalar(1, 0), GoMin(scalar(2, 0), v));
      } else if (name == "clamp_min") {
        v = GoMax(scalar(1, 0), v);
      } else if (name == "clamp_max") {
        v = GoMin(scalar(1, 0), v);
      } else if (name == "round") {
        const double inv = 1.0 / scalar(1, 1);
        v = std::floor(v * inv + 0.5) / inv;
      } else {
        return absl::UnimplementedError(util::StrCat("function \"", name, "\" is not supported"));
      }
      out.vectors[i].push_back(Sample{ctx_->WithoutName(s.id), v});
    }
    RETURN_IF_ERROR(ctx_->CheckDuplicates(out.vectors[i]));
  }
  return out;
}

}  // namespace sextant::promql::internal
