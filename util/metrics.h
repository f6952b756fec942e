#pragma once

// The server's own metrics, exposed on /metrics in Prometheus's text format (0.0.4).
//
// A Registry owns metric families; the pointers it hands out stay valid for the registry's life.
// Counters, gauges and histograms update with atomics and never block; summaries (util/summary.h)
// take a short lock. Families with labels hand out one child per label-value tuple, created on
// first use.
//
//   util::Registry registry;
//   auto* reloads = registry.NewCounter("prometheus_config_reloads_total", "Config reloads.");
//   auto* requests = registry.NewCounterFamily("prometheus_http_requests_total",
//                                              "Counter of HTTP requests.", {"code", "handler"});
//   requests->With({"200", "/-/healthy"})->Inc();
//   auto* took = registry.NewSummary("prometheus_rule_group_duration_seconds", "Group durations.",
//                                    {{0.5, 0.05}, {0.9, 0.01}, {0.99, 0.001}});
//   took->Observe(0.25);
//
// Thread-safety: all methods are safe to call concurrently. Callback functions given to the
// registry run inside WriteText() and must be thread-safe themselves.

#include <atomic>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "util/mutex.h"
#include "util/summary.h"

namespace sextant::util {

// A monotonically increasing value.
class Counter {
 public:
  // Adds `v`; `v` must be >= 0.
  void Inc(double v = 1);
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// A value that goes up and down.
class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Add(double v);
  void Inc() { Add(1); }
  void Dec() { Add(-1); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Observations counted into fixed cumulative buckets (upper bounds, ascending; +Inf implied).
class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void Observe(double v);

  const std::vector<double>& upper_bounds() const { return upper_bounds_; }
  // Per-bucket (non-cumulative) counts; the last entry counts observations above every bound.
  std::vector<uint64_t> BucketCounts() const;
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  double sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> upper_bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;
  std::atomic<uint64_t> count_{0};
  std::atomic<double> sum_{0};
};

// Prometheus's default histogram buckets (.005 ... 10 seconds).
std::vector<double> DefaultBuckets();
// `count` buckets starting at `start`, each `factor` times the previous.
std::vector<double> ExponentialBuckets(double start, double factor, int count);

enum class MetricType { kCounter, kGauge, kHistogram, kSummary, kUntyped };

// A metric family keyed by label values, in the order of the label names given at creation.
template <typename Metric>
class Family {
 public:
  Family(std::vector<std::string> label_names, std::function<std::unique_ptr<Metric>()> make)
      : label_names_(std::move(label_names)), make_(std::move(make)) {}

  // Returns the child for these label values, creating it on first use. The number of values must
  // equal the number of label names. The pointer stays valid for the family's life.
  Metric* With(std::initializer_list<std::string_view> values) {
    return With(std::vector<std::string>(values.begin(), values.end()));
  }
  Metric* With(const std::vector<std::string>& values);

  const std::vector<std::string>& label_names() const { return label_names_; }
  // Calls `fn(values, metric)` for each child, in label-value order.
  void ForEach(const std::function<void(const std::vector<std::string>&, const Metric&)>& fn) const;

 private:
  const std::vector<std::string> label_names_;
  const std::function<std::unique_ptr<Metric>()> make_;
  mutable Mutex mu_;
  std::map<std::vector<std::string>, std::unique_ptr<Metric>> children_ ABSL_GUARDED_BY(mu_);
};

// Writes samples of one family in the text format; handed to collector callbacks.
class MetricWriter {
 public:
  explicit MetricWriter(std::string* out) : out_(out) {}
  // Writes `name{label_names[i]="label_values[i]",...} value\n`.
  void Sample(std::string_view name, const std::vector<std::string>& label_names,
              const std::vector<std::string>& label_values, double value);
  void Sample(std::string_view name, double value) { Sample(name, {}, {}, value); }

 private:
  std::string* out_;
};

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Each New* registers a family under `name`; names must be unique within a registry (a second
  // registration of a name is a programming error and aborts).
  Counter* NewCounter(std::string name, std::string help);
  Gauge* NewGauge(std::string name, std::string help);
  Histogram* NewHistogram(std::string name, std::string help, std::vector<double> buckets);
  Family<Counter>* NewCounterFamily(std::string name, std::string help,
                                    std::vector<std::string> label_names);
  Family<Gauge>* NewGaugeFamily(std::string name, std::string help,
                                std::vector<std::string> label_names);
  Family<Histogram>* NewHistogramFamily(std::string name, std::string help,
                                        std::vector<std::string> label_names,
                                        std::vector<double> buckets);
  // A summary with `objectives` over a sliding window (see util/summary.h), written as
  // name{quantile="q"}, name_sum and name_count.
  Summary* NewSummary(std::string name, std::string help, Objectives objectives,
                      SummaryOptions options = {});
  // As NewSummary, one summary per label-value tuple; the quantile label comes after
  // `label_names`, which must not contain "quantile" (that aborts).
  Family<Summary>* NewSummaryFamily(std::string name, std::string help,
                                    std::vector<std::string> label_names, Objectives objectives,
                                    SummaryOptions options = {});

  // A family whose samples are produced at scrape time by `collect`, which writes every sample of
  // the family (names may carry suffixes such as _total) through the writer.
  void NewCallbackFamily(std::string name, std::string help, MetricType type,
                         std::function<void(MetricWriter&)> collect);
  // Shorthand for a single unlabelled gauge or counter whose value comes from `fn`.
  void NewGaugeFunc(std::string name, std::string help, std::function<double()> fn);
  void NewCounterFunc(std::string name, std::string help, std::function<double()> fn);

  // The whole registry in the text exposition format 0.0.4, families sorted by name.
  std::string WriteText() const;
  // Whether a family is registered under `name`.
  bool Has(std::string_view name) const;

 private:
  using Collect = std::function<void(const std::string& name, MetricWriter&)>;
  struct Entry {
    std::string help;
    MetricType type;
    Collect collect;
  };
  // Adds the family and keeps `owned` (the storage `collect` reads) alive with the registry.
  void Register(std::string name, std::string help, MetricType type, Collect collect,
                std::shared_ptr<void> owned = nullptr);
  template <typename Metric>
  Metric* AddMetric(std::string name, std::string help, MetricType type,
                    std::shared_ptr<Metric> metric);
  template <typename Metric>
  Family<Metric>* AddFamily(std::string name, std::string help, MetricType type,
                            std::shared_ptr<Family<Metric>> family);

  mutable Mutex mu_;
  std::map<std::string, Entry> entries_ ABSL_GUARDED_BY(mu_);
  std::vector<std::shared_ptr<void>> owned_ ABSL_GUARDED_BY(mu_);  // the families' storage
};

// --- implementation of the Family template ---

template <typename Metric>
Metric* Family<Metric>::With(const std::vector<std::string>& values) {
  MutexLock lock(&mu_);
  auto& slot = children_[values];
  if (slot == nullptr) slot = make_();
  return slot.get();
}

template <typename Metric>
void Family<Metric>::ForEach(
    const std::function<void(const std::vector<std::string>&, const Metric&)>& fn) const {
  MutexLock lock(&mu_);
  for (const auto& [values, metric] : children_) fn(values, *metric);
}

}  // namespace sextant::util
