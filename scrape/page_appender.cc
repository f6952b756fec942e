#include "scrape/page_appender.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <span>
#include <type_traits>
#include <utility>

#include "model/sample.h"
#include "scrape/parser/openmetrics_parser.h"
#include "scrape/parser/text_parser.h"
#include "scrape/relabel.h"
#include "util/strings.h"
#include "xxhash.h"

namespace sextant::scrape {
namespace {

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
  std::map<std::string, MetricMetadata> out;
  for (const auto& f : metadata_) out.emplace_hint(out.end(), f->name, f->metadata);
  return out;
}

PageAppender::PageAppender(tsdb::Storage* storage, ScrapeSettings settings)
    : storage_(storage), settings_(std::move(settings)) {}

namespace {

constexpr std::string_view kSyntheticNames[5] = {
    "up", "scrape_duration_seconds", "scrape_samples_scraped",
    "scrape_samples_post_metric_relabeling", "scrape_series_added"};

bool HasLimits(const config::ScrapeLimits& l) {
  return l.label_limit > 0 || l.label_name_length_limit > 0 || l.label_value_length_limit > 0;
}

}  // namespace

template <typename Parser>
absl::StatusOr<TargetCache::Entry*> PageAppender::NewEntry(const Parser& parser, TargetCache& cache,
                                                           const model::Labels& target_labels,
                                                           ScrapeReport* report) {
  std::string scratch;
  model::LabelsBuilder scraped_b;
  scraped_b.Set(model::kMetricNameLabel, parser.metric_name());
  for (const model::Label& l : parser.labels()) {
    if (!scraped_b.Get(l.name).empty()) {
      return absl::InvalidArgumentError(util::StrCat("label name \"", l.name, "\" is not unique"));
    }
    scraped_b.Set(l.name, NormalizeLabelValue(parser.metric_type(), l.name, l.value, &scratch));
  }
  const model::Labels scraped = scraped_b.Build();
  model::LabelsBuilder b(scraped);
  MergeTargetLabels(&b, scraped, target_labels, settings_.honor_labels);
  TargetCache::Entry entry;
  std::optional<model::Labels> final_labels = Relabel(b.Build(), settings_.metric_relabel_configs);
  if (final_labels && !final_labels->empty()) entry.labels = *std::move(final_labels);
  TargetCache::Entry* found =
      &cache.series_.emplace(std::string(parser.series()), std::move(entry)).first->second;
  if (!found->labels.empty()) ++report->series_added;
  return found;
}

template <typename Parser>
absl::Status PageAppender::AppendPage(Parser& parser, TargetCache& cache,
                                      const model::Labels& target_labels, int64_t t,
                                      tsdb::Appender& app, ScrapeReport* report,
                                      std::vector<MetaLine>* meta, bool* diverged) {
  const uint64_t iteration = cache.iteration_;
  const bool check_limits = HasLimits(settings_.limits);
  // The text parser skips the labels of a line that repeats the previous page's line at the same
  // position (the usual case): their entry is known.
  const bool hints = std::is_same_v<Parser, TextParser> && cache.order_from_text_;
  const std::vector<TargetCache::OrderItem>& order = cache.order_;
  for (;;) {
    const size_t pos = static_cast<size_t>(report->scraped);
    std::string_view expected;
    if (hints && !*diverged && pos < order.size()) {
      expected = std::string_view(cache.order_texts_).substr(order[pos].offset, order[pos].size);
    }
    const Entry e = parser.NextExpecting(expected);
    if (e == Entry::kEof) break;
    switch (e) {
      case Entry::kError:
        return parser.status();
      case Entry::kType:
        meta->push_back({parser.meta_name(), e, MetricTypeName(parser.metric_type())});
        continue;
      case Entry::kHelp:
        meta->push_back({parser.meta_name(), e, parser.help()});
        continue;
      case Entry::kUnit:
        meta->push_back({parser.meta_name(), e, parser.unit()});
        continue;
      case Entry::kSeries:
      case Entry::kEof:
        break;
    }
    ++report->scraped;
    // Entries are nodes spread over the heap, each first touched here once per scrape: fetch the
    // ones a few lines ahead while this line is appended.
    if (!*diverged && pos + 4 < order.size()) __builtin_prefetch(order[pos + 4].entry);
    TargetCache::Entry* found = nullptr;
    if (parser.matched_expected()) {
      found = order[pos].entry;
    } else {
      const std::string_view text = parser.series();
      if (!*diverged && pos < order.size()) {
        const TargetCache::OrderItem& o = order[pos];
        if (o.size == text.size() &&
            std::memcmp(cache.order_texts_.data() + o.offset, text.data(), text.size()) == 0) {
          found = o.entry;
        }
      }
      if (found == nullptr) {
        if (!*diverged) {
          // The first sample that differs from the last page: order_'s prefix so far is the new
          // page's too.
          *diverged = true;
          cache.next_order_.assign(order.begin(), order.begin() + pos);
          cache.next_texts_.assign(cache.order_texts_, 0,
                                   pos < order.size() ? order[pos].offset : std::string::npos);
        }
        if (auto it = cache.series_.find(util::ToAbsl(text)); it != cache.series_.end()) {
          found = &it->second;
        } else {
          // A new series: build its labels once; later scrapes of the same text reuse them.
          absl::StatusOr<TargetCache::Entry*> created =
              NewEntry(parser, cache, target_labels, report);
          if (!created.ok()) return created.status();
          found = *created;
        }
      }
      if (*diverged) {
        cache.next_order_.push_back({static_cast<uint32_t>(cache.next_texts_.size()),
                                     static_cast<uint32_t>(text.size()), found});
        cache.next_texts_.append(text);
      }
    }
    TargetCache::Entry& entry = *found;
    if (entry.seen == iteration) continue;  // the same series twice on one page
    entry.seen = iteration;
    if (entry.labels.empty()) continue;  // dropped by metric relabelling
    if (check_limits) {
      if (absl::Status s = CheckLabelLimits(entry.labels, settings_.limits); !s.ok()) return s;
    }
    ++report->post_relabel;
    if (settings_.limits.sample_limit > 0 &&
        static_cast<uint64_t>(report->post_relabel) > settings_.limits.sample_limit) {
      report->sample_limit_exceeded = true;
      return absl::ResourceExhaustedError("sample limit exceeded");
    }
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

void PageAppender::AppendSynthetic(TargetCache& cache, const model::Labels& target_labels,
                                   int64_t t, tsdb::Appender& app, const double values[5]) {
  if (!(cache.synthetic_for_ == target_labels) || cache.synthetic_labels_[0].empty()) {
    cache.synthetic_for_ = target_labels;
    for (size_t i = 0; i < 5; ++i) {
      model::LabelsBuilder b(target_labels);
      b.Set(model::kMetricNameLabel, kSyntheticNames[i]);
      cache.synthetic_labels_[i] = b.Build();
      cache.synthetic_refs_[i] = 0;
    }
  }
  for (size_t i = 0; i < 5; ++i) {
    absl::StatusOr<tsdb::SeriesRef> r =
        app.Append(cache.synthetic_refs_[i], cache.synthetic_labels_[i], t, values[i]);
    if (r.ok()) cache.synthetic_refs_[i] = *r;
  }
}

void PageAppender::UpdateMetadata(TargetCache& cache, const std::vector<MetaLine>& meta) {
  // Pages rarely change their HELP and TYPE lines: when this page's lines hash as the last page's,
  // metadata_ is up to date. Each line's hash is seeded with the previous ones (a chain), and
  // one-shot hashes of short strings are cheaper than a streaming state.
  XXH128_hash_t hash = {0, 0};
  for (const MetaLine& m : meta) {
    const uint64_t seed = (static_cast<uint64_t>(m.kind) << 32 | m.text.size()) ^ hash.low64;
    const uint64_t name = XXH3_64bits_withSeed(m.name.data(), m.name.size(), seed);
    const XXH128_hash_t line = XXH3_128bits_withSeed(m.text.data(), m.text.size(), name);
    hash = {line.low64, line.high64 ^ (hash.high64 * 0x9E3779B97F4A7C15ULL)};
  }
  if (hash.low64 == cache.metadata_hash_[0] && hash.high64 == cache.metadata_hash_[1]) return;
  cache.metadata_hash_[0] = hash.low64;
  cache.metadata_hash_[1] = hash.high64;
  // Families in name order, each interned: targets with the same page share one copy.
  std::map<std::string_view, MetricMetadata> families;
  for (const MetaLine& m : meta) {
    MetricMetadata& md = families[m.name];
    std::string& field = m.kind == Entry::kType   ? md.type
                         : m.kind == Entry::kHelp ? md.help
                                                  : md.unit;
    field.assign(m.text);
  }
  std::vector<std::shared_ptr<const FamilyMetadata>> interned;
  interned.reserve(families.size());
  for (const auto& [name, md] : families) {
    interned.push_back(MetadataPool::Global().Intern(name, md));
  }
  util::MutexLock lock(&cache.metadata_mu_);
  cache.metadata_.swap(interned);
}

ScrapeReport PageAppender::Append(TargetCache& cache, const model::Labels& target_labels,
                                  std::string_view body, std::string_view content_type, int64_t t,
                                  absl::Duration duration, const absl::Status& fetch_error) {
  ScrapeReport report;
  report.error = fetch_error;
  ++cache.iteration_;
  thread_local std::vector<MetaLine> meta;  // scratch: a worker thread appends one page at once
  meta.clear();
  cache.next_order_.clear();
  cache.next_texts_.clear();
  bool diverged = false;  // the page's series differ from order_'s (next_order_ is built)
  bool text = false;
  std::unique_ptr<tsdb::Appender> app = storage_->NewAppender();
  if (report.error.ok()) {
    absl::StatusOr<std::string_view> kind = ParserFor(content_type, settings_.fallback_protocol);
    absl::Status s = kind.status();
    if (s.ok() && *kind == "openmetrics") {
      OpenMetricsParser p(body);
      s = AppendPage(p, cache, target_labels, t, *app, &report, &meta, &diverged);
    } else if (s.ok()) {
      text = true;
      TextParser p(body);
      s = AppendPage(p, cache, target_labels, t, *app, &report, &meta, &diverged);
    }
    if (!s.ok()) {
      app->Rollback();
      app = storage_->NewAppender();
      report.error = s;
      report.series_added = 0;
      report.out_of_order = report.duplicates = report.out_of_bounds = 0;
    }
  }
  // Series of the last successful scrape (order_) missing from this one, all of them after a
  // failure, get a stale marker; entries the page did not contain are forgotten. Walking
  // order_ rather than the whole map keeps this sequential.
  const bool ok = report.error.ok();
  std::vector<std::string_view> gone;
  for (const TargetCache::OrderItem& o : cache.order_) {
    TargetCache::Entry& e = *o.entry;
    const bool present = ok && e.seen == cache.iteration_;
    if (present) continue;
    if (e.live) {
      if (app->Append(e.ref, e.labels, t, model::StaleNaN()).ok()) ++report.stale_markers;
      e.live = false;
    }
    if (ok) gone.emplace_back(cache.order_texts_.data() + o.offset, o.size);
  }
  if (ok) {
    // The page's series: next_order_, or, when it repeated order_, order_'s first `scraped`.
    const size_t scraped = static_cast<size_t>(report.scraped);
    const std::span<const TargetCache::OrderItem> page =
        diverged ? std::span<const TargetCache::OrderItem>(cache.next_order_)
                 : std::span<const TargetCache::OrderItem>(cache.order_).first(scraped);
    for (const TargetCache::OrderItem& o : page) o.entry->live = !o.entry->labels.empty();
    for (std::string_view gone_text : gone) cache.series_.erase(util::ToAbsl(gone_text));
    if (cache.had_failure_) {
      // Entries a failed scrape added and this one lacks are in no order_: sweep once.
      for (auto it = cache.series_.begin(); it != cache.series_.end();) {
        if (it->second.seen != cache.iteration_) {
          cache.series_.erase(it++);
        } else {
          ++it;
        }
      }
      cache.had_failure_ = false;
    }
    // Every entry of the page was seen, so none of them was erased above.
    if (diverged) {
      std::swap(cache.order_, cache.next_order_);
      std::swap(cache.order_texts_, cache.next_texts_);
      // Built by appending: up to half their capacity is slack, kept for as long as the page
      // stays the same. A page that changes pays one copy.
      cache.order_.shrink_to_fit();
      cache.order_texts_.shrink_to_fit();
    } else if (scraped < cache.order_.size()) {
      cache.order_texts_.resize(cache.order_[scraped].offset);
      cache.order_.resize(scraped);
    }
    cache.order_from_text_ = text;
    UpdateMetadata(cache, meta);
  } else {
    // Failures erase nothing, so order_ stays valid; new entries wait for the next sweep.
    cache.had_failure_ = true;
  }
  // Released: a steady page never needs them again.
  cache.next_order_ = {};
  cache.next_texts_ = {};
  const double values[5] = {
      ok ? 1.0 : 0.0, absl::ToDoubleSeconds(duration), static_cast<double>(report.scraped),
      static_cast<double>(report.post_relabel), static_cast<double>(report.series_added)};
  AppendSynthetic(cache, target_labels, t, *app, values);
  if (absl::Status s = app->Commit(); !s.ok() && report.error.ok()) report.error = s;
  return report;
}

absl::Status PageAppender::MarkStale(TargetCache& cache, const model::Labels& target_labels,
                                     int64_t t) {
  std::unique_ptr<tsdb::Appender> app = storage_->NewAppender();
  for (const TargetCache::OrderItem& o : cache.order_) {
    TargetCache::Entry& e = *o.entry;
    if (e.live) (void)app->Append(e.ref, e.labels, t, model::StaleNaN());
    e.live = false;
  }
  const double stale[5] = {model::StaleNaN(), model::StaleNaN(), model::StaleNaN(),
                           model::StaleNaN(), model::StaleNaN()};
  AppendSynthetic(cache, target_labels, t, *app, stale);
  return app->Commit();
}

}  // namespace sextant::scrape
