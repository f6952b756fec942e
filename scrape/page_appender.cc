#include "scrape/page_appender.h"

#include <optional>
#include <utility>

#include "model/sample.h"
#include "scrape/parser/openmetrics_parser.h"
#include "scrape/parser/text_parser.h"
#include "scrape/relabel.h"
#include "util/strings.h"
#include "xxhash.h"

namespace sextant::scrape {
namespace {

uint64_t HashOf(const model::Labels& l) {
  const std::string_view b = l.bytes();
  return XXH3_64bits(b.data(), b.size());
}

// Merges the target's labels into a scraped series' labels (Prometheus's mutateSampleLabels).
void MergeTargetLabels(model::LabelsBuilder* b, const model::Labels& scraped,
                       const model::Labels& target, bool honor_labels) {
  for (const model::Label& l : target) {
    if (honor_labels) {
      if (b->Get(l.name).empty()) b->Set(l.name, l.value);
      continue;
    }
    if (const std::string_view existing = scraped.Get(l.name); !existing.empty()) {
      std::string name = util::StrCat("exported_", l.name);
      while (!scraped.Get(name).empty()) name = util::StrCat("exported_", name);
      b->Set(name, existing);
    }
    b->Set(l.name, l.value);
  }
}

// Prometheus's verifyLabelLimits.
absl::Status CheckLabelLimits(const model::Labels& labels, const config::ScrapeLimits& limits) {
  size_t n = 0;
  for (const model::Label& l : labels) {
    ++n;
    if (limits.label_name_length_limit > 0 && l.name.size() > limits.label_name_length_limit) {
      return absl::InvalidArgumentError(util::StrCat(
          "label_name_length_limit exceeded (metric: ", labels.MetricName().substr(0, 50),
          ", label name: ", l.name, ", length: ", l.name.size(),
          ", limit: ", limits.label_name_length_limit, ")"));
    }
    if (limits.label_value_length_limit > 0 && l.value.size() > limits.label_value_length_limit) {
      return absl::InvalidArgumentError(util::StrCat(
          "label_value_length_limit exceeded (metric: ", labels.MetricName().substr(0, 50),
          ", label name: ", l.name, ", value: \"", l.value.substr(0, 50),
          "\", length: ", l.value.size(), ", limit: ", limits.label_value_length_limit, ")"));
    }
  }
  if (limits.label_limit > 0 && n > limits.label_limit) {
    return absl::InvalidArgumentError(
        util::StrCat("label_limit exceeded (metric: ", labels.MetricName().substr(0, 50),
                     ", number of labels: ", n, ", limit: ", limits.label_limit, ")"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string_view> ParserFor(std::string_view content_type,
                                           std::string_view fallback_protocol) {
  std::string_view media = content_type.substr(0, content_type.find(';'));
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  while (!media.empty() && media.front() == ' ') media.remove_prefix(1);
  if (media == "application/openmetrics-text") return std::string_view("openmetrics");
  if (media == "text/plain") return std::string_view("text");
  if (fallback_protocol.starts_with("OpenMetricsText")) return std::string_view("openmetrics");
  if (fallback_protocol == "PrometheusText0.0.4" || fallback_protocol == "PrometheusText1.0.0") {
    return std::string_view("text");
  }
  return absl::InvalidArgumentError(
      util::StrCat("received unsupported Content-Type \"", content_type,
                   "\" and no fallback_scrape_protocol specified for target"));
}

std::map<std::string, MetricMetadata> TargetCache::Metadata() const {
  util::ReaderMutexLock lock(&metadata_mu_);
  return metadata_;
}

PageAppender::PageAppender(tsdb::Storage* storage, ScrapeSettings settings)
    : storage_(storage), settings_(std::move(settings)) {}

template <typename Parser>
absl::Status PageAppender::AppendPage(Parser& parser, TargetCache& cache,
                                      const model::Labels& target_labels, int64_t t,
                                      tsdb::Appender& app, ScrapeReport* report,
                                      absl::flat_hash_map<uint64_t, model::Labels>* current,
                                      std::map<std::string, MetricMetadata>* metadata) {
  const uint64_t iteration = cache.iteration_;
  std::string scratch;
  for (Entry e = parser.Next(); e != Entry::kEof; e = parser.Next()) {
    switch (e) {
      case Entry::kError:
        return parser.status();
      case Entry::kType:
        (*metadata)[std::string(parser.meta_name())].type =
            std::string(MetricTypeName(parser.metric_type()));
        continue;
      case Entry::kHelp:
        (*metadata)[std::string(parser.meta_name())].help = std::string(parser.help());
        continue;
      case Entry::kUnit:
        (*metadata)[std::string(parser.meta_name())].unit = std::string(parser.unit());
        continue;
      case Entry::kSeries:
        break;
      case Entry::kEof:
        continue;
    }
    ++report->scraped;
    auto [it, inserted] = cache.series_.try_emplace(std::string(parser.series()));
    TargetCache::Entry& entry = it->second;
    if (inserted) {
      // Build the series' labels once; later scrapes of the same text reuse them.
      model::LabelsBuilder scraped_b;
      scraped_b.Set(model::kMetricNameLabel, parser.metric_name());
      for (const model::Label& l : parser.labels()) {
        if (!scraped_b.Get(l.name).empty()) {
          cache.series_.erase(it);
          return absl::InvalidArgumentError(
              util::StrCat("label name \"", l.name, "\" is not unique"));
        }
        scraped_b.Set(l.name, NormalizeLabelValue(parser.metric_type(), l.name, l.value, &scratch));
      }
      const model::Labels scraped = scraped_b.Build();
      model::LabelsBuilder b(scraped);
      MergeTargetLabels(&b, scraped, target_labels, settings_.honor_labels);
      std::optional<model::Labels> final_labels =
          Relabel(b.Build(), settings_.metric_relabel_configs);
      if (final_labels && !final_labels->empty()) {
        entry.labels = *std::move(final_labels);
        entry.hash = HashOf(entry.labels);
      }
    }
    entry.seen = iteration;
    if (entry.labels.empty()) continue;  // dropped by metric relabelling
    if (absl::Status s = CheckLabelLimits(entry.labels, settings_.limits); !s.ok()) return s;
    ++report->post_relabel;
    if (settings_.limits.sample_limit > 0 &&
        static_cast<uint64_t>(report->post_relabel) > settings_.limits.sample_limit) {
      report->sample_limit_exceeded = true;
      return absl::ResourceExhaustedError("sample limit exceeded");
    }
    if (!current->try_emplace(entry.hash, entry.labels).second) continue;  // duplicate series
    if (!cache.previous_.contains(entry.hash)) ++report->series_added;
    const std::optional<int64_t> ts = parser.timestamp();
    const int64_t sample_t = settings_.honor_timestamps && ts ? *ts : t;
    absl::StatusOr<tsdb::SeriesRef> ref =
        app.Append(entry.ref, entry.labels, sample_t, parser.value());
    if (ref.ok()) {
      entry.ref = *ref;
      continue;
    }
    switch (tsdb::AppendErrorOf(ref.status())) {
      case tsdb::AppendError::kOutOfOrder:
        ++report->out_of_order;
        break;
      case tsdb::AppendError::kDuplicate:
        ++report->duplicates;
        break;
      case tsdb::AppendError::kOutOfBounds:
        ++report->out_of_bounds;
        break;
      default:
        return ref.status();
    }
  }
  return absl::OkStatus();
}

ScrapeReport PageAppender::Append(TargetCache& cache, const model::Labels& target_labels,
                                  std::string_view body, std::string_view content_type, int64_t t,
                                  absl::Duration duration, const absl::Status& fetch_error) {
  ScrapeReport report;
  report.error = fetch_error;
  ++cache.iteration_;
  absl::flat_hash_map<uint64_t, model::Labels> current;
  std::map<std::string, MetricMetadata> metadata;

  if (report.error.ok()) {
    std::unique_ptr<tsdb::Appender> app = storage_->NewAppender();
    absl::StatusOr<std::string_view> kind = ParserFor(content_type, settings_.fallback_protocol);
    absl::Status s = kind.status();
    if (s.ok() && *kind == "openmetrics") {
      OpenMetricsParser p(body);
      s = AppendPage(p, cache, target_labels, t, *app, &report, &current, &metadata);
    } else if (s.ok()) {
      TextParser p(body);
      s = AppendPage(p, cache, target_labels, t, *app, &report, &current, &metadata);
    }
    if (s.ok()) s = app->Commit();
    if (!s.ok()) {
      app->Rollback();
      report.error = s;
      current.clear();
      report.series_added = 0;
      report.out_of_order = report.duplicates = report.out_of_bounds = 0;
    }
  }
  if (report.error.ok()) {
    // Forget cached series this scrape did not contain.
    for (auto it = cache.series_.begin(); it != cache.series_.end();) {
      if (it->second.seen != cache.iteration_) {
        cache.series_.erase(it++);
      } else {
        ++it;
      }
    }
    util::MutexLock lock(&cache.metadata_mu_);
    cache.metadata_ = std::move(metadata);
  }

  // Stale markers for what disappeared, then the report's own series.
  std::unique_ptr<tsdb::Appender> app = storage_->NewAppender();
  for (const auto& [hash, labels] : cache.previous_) {
    if (current.contains(hash)) continue;
    if (app->Append(0, labels, t, model::StaleNaN()).ok()) ++report.stale_markers;
  }
  cache.previous_ = std::move(current);
  const std::pair<std::string_view, double> synthetic[] = {
      {"up", report.error.ok() ? 1 : 0},
      {"scrape_duration_seconds", absl::ToDoubleSeconds(duration)},
      {"scrape_samples_scraped", static_cast<double>(report.scraped)},
      {"scrape_samples_post_metric_relabeling", static_cast<double>(report.post_relabel)},
      {"scrape_series_added", static_cast<double>(report.series_added)},
  };
  for (const auto& [name, value] : synthetic) {
    model::LabelsBuilder b(target_labels);
    b.Set(model::kMetricNameLabel, name);
    const model::Labels labels = b.Build();
    tsdb::SeriesRef& ref = cache.synthetic_refs_[HashOf(labels)];
    absl::StatusOr<tsdb::SeriesRef> r = app->Append(ref, labels, t, value);
    if (r.ok()) ref = *r;
  }
  if (absl::Status s = app->Commit(); !s.ok() && report.error.ok()) report.error = s;
  return report;
}

absl::Status PageAppender::MarkStale(TargetCache& cache, const model::Labels& target_labels,
                                     int64_t t) {
  std::unique_ptr<tsdb::Appender> app = storage_->NewAppender();
  for (const auto& [hash, labels] : cache.previous_) {
    (void)app->Append(0, labels, t, model::StaleNaN());
  }
  for (std::string_view name : {"up", "scrape_duration_seconds", "scrape_samples_scraped",
                                "scrape_samples_post_metric_relabeling", "scrape_series_added"}) {
    model::LabelsBuilder b(target_labels);
    b.Set(model::kMetricNameLabel, name);
    (void)app->Append(0, b.Build(), t, model::StaleNaN());
  }
  cache.previous_.clear();
  return app->Commit();
}

}  // namespace sextant::scrape
