#include "remote/read/remote_querier.h"

#include <algorithm>
#include <set>
#include <utility>

#include "util/status_macros.h"
#include "util/strings.h"

namespace sextant::remote {
namespace {

// What a label query asks for: only SAMPLES honours the "series" hint (labels without samples).
const std::vector<ReadResponseType> kLabelsOnly = {ReadResponseType::kSamples};

class RemoteQuerier final : public tsdb::Querier {
 public:
  RemoteQuerier(const RemoteQueryable* q, int64_t mint, int64_t maxt)
      : Querier(mint, maxt), q_(q) {}

  std::unique_ptr<tsdb::SeriesSet> Select(std::span<const model::Matcher> matchers,
                                          const tsdb::SelectHints* hints) override {
    absl::StatusOr<std::vector<RemoteSeries>> series = q_->Select(mint(), maxt(), matchers, hints);
    if (!series.ok()) return tsdb::ErrorSeriesSet(series.status());
    return NewRemoteSeriesSet(*std::move(series));
  }

  absl::StatusOr<std::vector<std::string>> LabelNames(
      std::span<const model::Matcher> matchers) override {
    std::set<std::string> names;
    ASSIGN_OR_RETURN(std::vector<RemoteSeries> series, SelectLabels(matchers));
    for (const RemoteSeries& s : series) {
      for (const model::Label& l : s.labels) names.emplace(l.name);
    }
    return std::vector<std::string>(names.begin(), names.end());
  }

  absl::StatusOr<std::vector<std::string>> LabelValues(
      std::string_view name, std::span<const model::Matcher> matchers) override {
    std::set<std::string> values;
    ASSIGN_OR_RETURN(std::vector<RemoteSeries> series, SelectLabels(matchers));
    for (const RemoteSeries& s : series) {
      if (std::string_view v = s.labels.Get(name); !v.empty()) values.emplace(v);
    }
    return std::vector<std::string>(values.begin(), values.end());
  }

 private:
  absl::StatusOr<std::vector<RemoteSeries>> SelectLabels(std::span<const model::Matcher> matchers) {
    std::vector<model::Matcher> ms(matchers.begin(), matchers.end());
    if (ms.empty()) {
      ASSIGN_OR_RETURN(model::Matcher any, model::Matcher::Create(model::MatchType::kRegexMatch,
                                                                  model::kMetricNameLabel, ".+"));
      ms.push_back(std::move(any));
    }
    tsdb::SelectHints hints;
    hints.start = mint();
    hints.end = maxt();
    hints.func = "series";
    return q_->Select(mint(), maxt(), ms, &hints, kLabelsOnly);
  }

  const RemoteQueryable* q_;
};

}  // namespace

RemoteQueryable::RemoteQueryable(std::string name, std::shared_ptr<ReadClient> client,
                                 model::Labels external_labels,
                                 std::map<std::string, std::string> required, bool read_recent,
                                 std::function<int64_t()> local_start_time)
    : name_(std::move(name)),
      client_(std::move(client)),
      external_labels_(std::move(external_labels)),
      required_(std::move(required)),
      read_recent_(read_recent),
      local_start_time_(std::move(local_start_time)) {}

absl::StatusOr<std::vector<RemoteSeries>> RemoteQueryable::Select(
    int64_t mint, int64_t maxt, std::span<const model::Matcher> matchers,
    const tsdb::SelectHints* hints, const std::vector<ReadResponseType>& accepted) const {
  for (const auto& required : required_) {
    const bool present =
        std::any_of(matchers.begin(), matchers.end(), [&required](const model::Matcher& m) {
          return m.type() == model::MatchType::kEqual && m.name() == required.first &&
                 m.value() == required.second;
        });
    if (!present) return std::vector<RemoteSeries>();
  }
  if (!read_recent_) {
    const int64_t local_start = local_start_time_();
    if (mint > local_start) return std::vector<RemoteSeries>();
    maxt = std::min(maxt, local_start);
  }

  RemoteQuery query;
  query.start_ms = mint;
  query.end_ms = maxt;
  query.matchers.assign(matchers.begin(), matchers.end());
  if (hints != nullptr) query.hints = *hints;
  std::vector<std::string> added;
  for (const model::Label& l : external_labels_) {
    const bool mentioned = std::any_of(matchers.begin(), matchers.end(),
                                       [&](const model::Matcher& m) { return m.name() == l.name; });
    if (mentioned) continue;
    absl::StatusOr<model::Matcher> m =
        model::Matcher::Create(model::MatchType::kEqual, l.name, l.value);
    if (!m.ok()) return m.status();
    query.matchers.push_back(*std::move(m));
    added.emplace_back(l.name);
  }

  absl::StatusOr<std::vector<RemoteSeries>> series = client_->Read(query, accepted);
  if (!series.ok()) {
    return absl::Status(series.status().code(),
                        util::StrCat("remote_read: ", series.status().message()));
  }
  if (!added.empty()) {
    for (RemoteSeries& s : *series) {
      model::LabelsBuilder b(s.labels);
      for (const std::string& name : added) b.Del(name);
      s.labels = b.Build();
    }
    SortAndMergeSeries(&*series);
  }
  return series;
}

std::unique_ptr<tsdb::Querier> RemoteQueryable::NewQuerier(int64_t mint, int64_t maxt) const {
  return std::make_unique<RemoteQuerier>(this, mint, maxt);
}

}  // namespace sextant::remote
