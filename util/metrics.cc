#include "util/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "util/go_format.h"
#include "util/strings.h"

namespace sextant::util {
namespace {

void AtomicAdd(std::atomic<double>& a, double v) {
  double old = a.load(std::memory_order_relaxed);
  while (!a.compare_exchange_weak(old, old + v, std::memory_order_relaxed)) {
  }
}

std::string_view TypeName(MetricType type) {
  switch (type) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
    case MetricType::kSummary:
      return "summary";
    case MetricType::kUntyped:
      return "untyped";
  }
  return "untyped";
}

void AppendEscaped(std::string* out, std::string_view s, bool escape_quote) {
  for (const char c : s) {
    if (c == '\\') {
      *out += "\\\\";
    } else if (c == '\n') {
      *out += "\\n";
    } else if (c == '"' && escape_quote) {
      *out += "\\\"";
    } else {
      out->push_back(c);
    }
  }
}

void WriteHistogram(const std::string& name, const std::vector<std::string>& label_names,
                    const std::vector<std::string>& label_values, const Histogram& h,
                    MetricWriter& w) {
  std::vector<std::string> names = label_names;
  names.push_back("le");
  std::vector<std::string> values = label_values;
  values.emplace_back();
  const std::vector<uint64_t> counts = h.BucketCounts();
  uint64_t cumulative = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    cumulative += counts[i];
    values.back() = i < h.upper_bounds().size() ? FormatFloatGo(h.upper_bounds()[i]) : "+Inf";
    w.Sample(name + "_bucket", names, values, static_cast<double>(cumulative));
  }
  w.Sample(name + "_sum", label_names, label_values, h.sum());
  w.Sample(name + "_count", label_names, label_values, static_cast<double>(cumulative));
}

void WriteSummary(const std::string& name, const std::vector<std::string>& label_names,
                  const std::vector<std::string>& label_values, const Summary& s, MetricWriter& w) {
  const Summary::Values values = s.Snapshot();
  if (!values.quantiles.empty()) {
    std::vector<std::string> names = label_names;
    names.push_back("quantile");
    std::vector<std::string> with_quantile = label_values;
    with_quantile.emplace_back();
    for (const auto& [q, v] : values.quantiles) {
      with_quantile.back() = FormatFloatGo(q);
      w.Sample(name, names, with_quantile, v);
    }
  }
  w.Sample(name + "_sum", label_names, label_values, values.sum);
  w.Sample(name + "_count", label_names, label_values, static_cast<double>(values.count));
}

// One metric's samples, by kind: counters and gauges are one sample, histograms and summaries
// several.
template <typename Scalar>
void WriteMetric(const std::string& name, const std::vector<std::string>& label_names,
                 const std::vector<std::string>& label_values, const Scalar& m, MetricWriter& w) {
  w.Sample(name, label_names, label_values, m.value());
}
void WriteMetric(const std::string& name, const std::vector<std::string>& label_names,
                 const std::vector<std::string>& label_values, const Histogram& h,
                 MetricWriter& w) {
  WriteHistogram(name, label_names, label_values, h, w);
}
void WriteMetric(const std::string& name, const std::vector<std::string>& label_names,
                 const std::vector<std::string>& label_values, const Summary& s, MetricWriter& w) {
  WriteSummary(name, label_names, label_values, s, w);
}

}  // namespace

void Counter::Inc(double v) { AtomicAdd(value_, v); }

void Gauge::Add(double v) { AtomicAdd(value_, v); }

Histogram::Histogram(std::vector<double> upper_bounds)
    : upper_bounds_(std::move(upper_bounds)),
      buckets_(new std::atomic<uint64_t>[upper_bounds_.size() + 1]) {
  for (size_t i = 0; i <= upper_bounds_.size(); ++i) buckets_[i].store(0);
}

void Histogram::Observe(double v) {
  size_t i = 0;
  while (i < upper_bounds_.size() && v > upper_bounds_[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  AtomicAdd(sum_, v);
  count_.fetch_add(1, std::memory_order_relaxed);
}

std::vector<uint64_t> Histogram::BucketCounts() const {
  std::vector<uint64_t> counts(upper_bounds_.size() + 1);
  for (size_t i = 0; i < counts.size(); ++i) {
    counts[i] = buckets_[i].load(std::memory_order_relaxed);
  }
  return counts;
}

std::vector<double> DefaultBuckets() { return {.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}; }

std::vector<double> ExponentialBuckets(double start, double factor, int count) {
  std::vector<double> buckets;
  for (int i = 0; i < count; ++i) {
    buckets.push_back(start);
    start *= factor;
  }
  return buckets;
}

void MetricWriter::Sample(std::string_view name, const std::vector<std::string>& label_names,
                          const std::vector<std::string>& label_values, double value) {
  out_->append(name);
  if (!label_names.empty()) {
    out_->push_back('{');
    for (size_t i = 0; i < label_names.size(); ++i) {
      if (i > 0) out_->push_back(',');
      StrAppend(out_, label_names[i], "=\"");
      AppendEscaped(out_, label_values[i], /*escape_quote=*/true);
      out_->push_back('"');
    }
    out_->push_back('}');
  }
  out_->push_back(' ');
  out_->append(FormatFloatGo(value));
  out_->push_back('\n');
}

void Registry::Register(std::string name, std::string help, MetricType type, Collect collect,
                        std::shared_ptr<void> owned) {
  MutexLock lock(&mu_);
  const bool inserted =
      entries_.emplace(std::move(name), Entry{std::move(help), type, std::move(collect)}).second;
  if (!inserted) {
    std::fprintf(stderr, "metric family registered twice\n");
    std::abort();
  }
  if (owned != nullptr) owned_.push_back(std::move(owned));
}

template <typename Metric>
Metric* Registry::AddMetric(std::string name, std::string help, MetricType type,
                            std::shared_ptr<Metric> metric) {
  Metric* raw = metric.get();
  Register(
      std::move(name), std::move(help), type,
      [raw](const std::string& n, MetricWriter& w) { WriteMetric(n, {}, {}, *raw, w); },
      std::move(metric));
  return raw;
}

template <typename Metric>
Family<Metric>* Registry::AddFamily(std::string name, std::string help, MetricType type,
                                    std::shared_ptr<Family<Metric>> family) {
  Family<Metric>* raw = family.get();
  Register(
      std::move(name), std::move(help), type,
      [raw](const std::string& n, MetricWriter& w) {
        raw->ForEach([&](const std::vector<std::string>& values, const Metric& m) {
          WriteMetric(n, raw->label_names(), values, m, w);
        });
      },
      std::move(family));
  return raw;
}

Counter* Registry::NewCounter(std::string name, std::string help) {
  return AddMetric(std::move(name), std::move(help), MetricType::kCounter,
                   std::make_shared<Counter>());
}

Gauge* Registry::NewGauge(std::string name, std::string help) {
  return AddMetric(std::move(name), std::move(help), MetricType::kGauge, std::make_shared<Gauge>());
}

Histogram* Registry::NewHistogram(std::string name, std::string help, std::vector<double> buckets) {
  return AddMetric(std::move(name), std::move(help), MetricType::kHistogram,
                   std::make_shared<Histogram>(std::move(buckets)));
}

Family<Counter>* Registry::NewCounterFamily(std::string name, std::string help,
                                            std::vector<std::string> label_names) {
  return AddFamily(std::move(name), std::move(help), MetricType::kCounter,
                   std::make_shared<Family<Counter>>(std::move(label_names),
                                                     [] { return std::make_unique<Counter>(); }));
}

Family<Gauge>* Registry::NewGaugeFamily(std::string name, std::string help,
                                        std::vector<std::string> label_names) {
  return AddFamily(std::move(name), std::move(help), MetricType::kGauge,
                   std::make_shared<Family<Gauge>>(std::move(label_names),
                                                   [] { return std::make_unique<Gauge>(); }));
}

Family<Histogram>* Registry::NewHistogramFamily(std::string name, std::string help,
                                                std::vector<std::string> label_names,
                                                std::vector<double> buckets) {
  return AddFamily(std::move(name), std::move(help), MetricType::kHistogram,
                   std::make_shared<Family<Histogram>>(std::move(label_names), [buckets] {
                     return std::make_unique<Histogram>(buckets);
                   }));
}

Summary* Registry::NewSummary(std::string name, std::string help, Objectives objectives,
                              SummaryOptions options) {
  return AddMetric(std::move(name), std::move(help), MetricType::kSummary,
                   std::make_shared<Summary>(std::move(objectives), std::move(options)));
}

Family<Summary>* Registry::NewSummaryFamily(std::string name, std::string help,
                                            std::vector<std::string> label_names,
                                            Objectives objectives, SummaryOptions options) {
  if (std::find(label_names.begin(), label_names.end(), "quantile") != label_names.end()) {
    std::fprintf(stderr, "summary family %s: \"quantile\" is a reserved label\n", name.c_str());
    std::abort();
  }
  return AddFamily(
      std::move(name), std::move(help), MetricType::kSummary,
      std::make_shared<Family<Summary>>(std::move(label_names), [objectives = std::move(objectives),
                                                                 options = std::move(options)] {
        return std::make_unique<Summary>(objectives, options);
      }));
}

void Registry::NewCallbackFamily(std::string name, std::string help, MetricType type,
                                 std::function<void(MetricWriter&)> collect) {
  Register(std::move(name), std::move(help), type,
           [collect = std::move(collect)](const std::string&, MetricWriter& w) { collect(w); });
}

void Registry::NewGaugeFunc(std::string name, std::string help, std::function<double()> fn) {
  Register(std::move(name), std::move(help), MetricType::kGauge,
           [fn = std::move(fn)](const std::string& n, MetricWriter& w) { w.Sample(n, fn()); });
}

void Registry::NewCounterFunc(std::string name, std::string help, std::function<double()> fn) {
  Register(std::move(name), std::move(help), MetricType::kCounter,
           [fn = std::move(fn)](const std::string& n, MetricWriter& w) { w.Sample(n, fn()); });
}

bool Registry::Has(std::string_view name) const {
  MutexLock lock(&mu_);
  return entries_.find(std::string(name)) != entries_.end();
}

std::string Registry::WriteText() const {
  std::string out;
  MetricWriter writer(&out);
  MutexLock lock(&mu_);
  for (const auto& [name, entry] : entries_) {
    StrAppend(&out, "# HELP ", name, " ");
    AppendEscaped(&out, entry.help, /*escape_quote=*/false);
    StrAppend(&out, "\n# TYPE ", name, " ", TypeName(entry.type), "\n");
    entry.collect(name, writer);
  }
  return out;
}

}  // namespace sextant::util
