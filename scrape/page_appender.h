#pragma once

// Appending one scrape of one target to the storage, as Prometheus's scrapeLoop.append and
// report do, without the HTTP part:
//
//   - the page is parsed with the parser its Content-Type selects (OpenMetrics 1.0 for
//     `application/openmetrics-text`, the text format 0.0.4 for `text/plain`; any other type is
//     an error unless the job names a fallback protocol, as in Prometheus 3.x);
//   - each sample's labels: the metric name and its labels (3.x: `le` / `quantile` values in
//     float form), merged with the target's labels (`honor_labels: false`: the target's win and
//     a clashing scraped label is kept as `exported_<name>`; `true`: the scraped ones win), then
//     `metric_relabel_configs`; labels with empty values removed;
//   - the sample's own timestamp is used with `honor_timestamps` (the default), else the scrape
//     time;
//   - limits fail the scrape with Prometheus's messages: `sample_limit` ("sample limit
//     exceeded"), `label_limit`, `label_name_length_limit`, `label_value_length_limit`;
//   - a malformed page, a limit or a failed fetch appends nothing of the page;
//   - stale markers for every series of the previous successful scrape that this one lacks (all
//     of them when the scrape failed);
//   - the synthetic series `up`, `scrape_duration_seconds`, `scrape_samples_scraped`,
//     `scrape_samples_post_metric_relabeling`, `scrape_series_added`, with the target's labels;
//   - samples the storage refuses (out of order, duplicate, out of bounds) are counted and
//     skipped, not fatal.
//
// A TargetCache remembers, per target, the series of the last scrape (for staleness), the
// storage refs and final labels per raw series text (so a steady page costs no label building:
// the text parser is told the series text expected at each position and does not even parse the
// labels of a repeated line), and the metadata (TYPE, HELP, UNIT) per metric family for the API
// (rebuilt only when the page's metadata lines change).
//
// Thread-safety: a TargetCache belongs to one scrape loop; AppendScrape for one target must not
// run concurrently with itself. Metadata() may be called from any thread.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/node_hash_map.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "config/config.h"
#include "model/labels.h"
#include "scrape/metadata_pool.h"
#include "scrape/parser/entry.h"
#include "tsdb/storage.h"
#include "util/mutex.h"

namespace sextant::scrape {

struct ScrapeSettings {
  bool honor_labels = false;
  bool honor_timestamps = true;
  config::ScrapeLimits limits;
  std::vector<config::RelabelConfig> metric_relabel_configs;
  std::string fallback_protocol;  // "" or e.g. "PrometheusText0.0.4", "OpenMetricsText1.0.0"
};

// What one scrape appended.
struct ScrapeReport {
  absl::Status error;         // the scrape's error: fetch, parse or limit (then up = 0)
  int64_t scraped = 0;        // samples on the page
  int64_t post_relabel = 0;   // samples kept by metric relabelling
  int64_t series_added = 0;   // series not in the previous scrape
  int64_t stale_markers = 0;  // series that disappeared
  int64_t out_of_order = 0;   // samples the storage refused, by kind
  int64_t duplicates = 0;
  int64_t out_of_bounds = 0;
  bool sample_limit_exceeded = false;
};

class TargetCache {
 public:
  // The metadata of the last successful scrape, by metric family name.
  std::map<std::string, MetricMetadata> Metadata() const;

 private:
  friend class PageAppender;
  struct Entry {
    tsdb::SeriesRef ref = 0;
    model::Labels labels;  // final labels; empty when metric relabelling drops the series
    uint64_t seen = 0;     // the scrape iteration that last met it
    bool live = false;     // in the last successful scrape (a stale marker is due if it goes)
  };
  // By raw series text (heterogeneous lookup: a steady page allocates nothing here). Nodes, so
  // the pointers in order_ stay valid while their entries live.
  absl::node_hash_map<std::string, Entry> series_;
  // The last successful page's series in page order: their texts side by side in one buffer
  // and their entries. A steady page repeats it, so most samples are found by comparing with
  // the next text in this buffer (sequential memory) instead of probing the hash map.
  struct OrderItem {
    uint32_t offset;
    uint32_t size;
    Entry* entry;
  };
  std::vector<OrderItem> order_;
  std::string order_texts_;
  // Built by the current scrape from its first sample that differs from order_ on (while the
  // page repeats order_, nothing is copied), and released after it.
  std::vector<OrderItem> next_order_;
  std::string next_texts_;
  bool order_from_text_ = false;  // order_'s texts are the text parser's (its hints are valid)
  std::vector<tsdb::SeriesRef> synthetic_refs_ = std::vector<tsdb::SeriesRef>(5, 0);
  std::vector<model::Labels> synthetic_labels_ = std::vector<model::Labels>(5);
  model::Labels synthetic_for_;  // the target labels the synthetic refs belong to
  uint64_t iteration_ = 0;
  bool had_failure_ = false;  // a failed scrape since the last sweep of series_
  // A hash of the last successful page's metadata lines: a page whose lines hash the same
  // leaves metadata_ as it is.
  uint64_t metadata_hash_[2] = {0, 0};  // XXH3 128 bits
  mutable util::Mutex metadata_mu_;
  // By family name; shared with other targets (MetadataPool).
  std::vector<std::shared_ptr<const FamilyMetadata>> metadata_ ABSL_GUARDED_BY(metadata_mu_);
};

class PageAppender {
 public:
  // `storage` must outlive the appender.
  PageAppender(tsdb::Storage* storage, ScrapeSettings settings);

  // Appends one scrape made at `t` (ms) that took `duration`: the page `body` with its
  // `content_type`, or, when `fetch_error` is not OK, only stale markers and the synthetic
  // series with up = 0. Commits. The storage's own failures (other than refused samples) are
  // returned in the report's error too.
  ScrapeReport Append(TargetCache& cache, const model::Labels& target_labels, std::string_view body,
                      std::string_view content_type, int64_t t, absl::Duration duration,
                      const absl::Status& fetch_error);

  // Stale markers for every series of the target's last scrape and its synthetic series, at
  // `t` (the target went away). Commits.
  absl::Status MarkStale(TargetCache& cache, const model::Labels& target_labels, int64_t t);

 private:
  // One metadata line of the page (views into the body).
  struct MetaLine {
    std::string_view name;
    Entry kind;
    std::string_view text;  // the type name, help or unit
  };

  template <typename Parser>
  absl::Status AppendPage(Parser& parser, TargetCache& cache, const model::Labels& target_labels,
                          int64_t t, tsdb::Appender& app, ScrapeReport* report,
                          std::vector<MetaLine>* meta, bool* diverged);
  // The entry of a series seen for the first time (or since it went): its labels built, merged
  // and relabelled once.
  template <typename Parser>
  absl::StatusOr<TargetCache::Entry*> NewEntry(const Parser& parser, TargetCache& cache,
                                               const model::Labels& target_labels,
                                               ScrapeReport* report);
  void UpdateMetadata(TargetCache& cache, const std::vector<MetaLine>& meta);
  void AppendSynthetic(TargetCache& cache, const model::Labels& target_labels, int64_t t,
                       tsdb::Appender& app, const double values[5]);

  tsdb::Storage* const storage_;
  const ScrapeSettings settings_;
};

// The parser for a Content-Type: "openmetrics", "text", or an error naming the type.
absl::StatusOr<std::string_view> ParserFor(std::string_view content_type,
                                           std::string_view fallback_protocol);

}  // namespace sextant::scrape
