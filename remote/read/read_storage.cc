#include "remote/read/read_storage.h"

#include <algorithm>
#include <functional>
#include <set>
#include <thread>
#include <utility>

#include "tsdb/merge.h"
#include "util/go_format.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace sextant::remote {
namespace {

// The merged selection plus the failures of the remotes that were left out of it.
class WarningSeriesSet final : public tsdb::SeriesSet {
 public:
  WarningSeriesSet(std::unique_ptr<tsdb::SeriesSet> set, std::vector<std::string> warnings)
      : set_(std::move(set)), warnings_(std::move(warnings)) {}
  bool Next() override { return set_->Next(); }
  const tsdb::Series& At() const override { return set_->At(); }
  absl::Status status() const override { return set_->status(); }
  std::vector<std::string> Warnings() const override {
    std::vector<std::string> out = warnings_;
    for (std::string& w : set_->Warnings()) out.push_back(std::move(w));
    return out;
  }

 private:
  std::unique_ptr<tsdb::SeriesSet> set_;
  std::vector<std::string> warnings_;
};

using Remotes = ReadStorage::Remotes;

class FanoutQuerier final : public tsdb::Querier {
 public:
  FanoutQuerier(std::unique_ptr<tsdb::Querier> local,
                std::shared_ptr<const ReadStorage::Remotes> remotes, int64_t mint, int64_t maxt)
      : Querier(mint, maxt), local_(std::move(local)), remotes_(std::move(remotes)) {}

  std::unique_ptr<tsdb::SeriesSet> Select(std::span<const model::Matcher> matchers,
                                          const tsdb::SelectHints* hints) override {
    std::vector<std::unique_ptr<tsdb::SeriesSet>> sets;
    sets.push_back(local_->Select(matchers, hints));  // first: its samples win on ties
    // The remotes are asked concurrently (as Prometheus's merge querier asks its secondaries),
    // so a slow one costs its own latency, not the sum.
    const Remotes& remotes = *remotes_;
    std::vector<absl::StatusOr<std::vector<RemoteSeries>>> results(remotes.size());
    {
      std::vector<std::thread> threads;
      for (size_t i = 1; i < remotes.size(); ++i) {
        threads.emplace_back(
            [&, i] { results[i] = remotes[i]->Select(mint(), maxt(), matchers, hints); });
      }
      results[0] = remotes[0]->Select(mint(), maxt(), matchers, hints);
      for (std::thread& t : threads) t.join();
    }
    std::vector<std::string> warnings;
    for (absl::StatusOr<std::vector<RemoteSeries>>& series : results) {
      if (!series.ok()) {
        warnings.emplace_back(series.status().message());
        continue;
      }
      if (!series->empty()) sets.push_back(NewRemoteSeriesSet(*std::move(series)));
    }
    std::unique_ptr<tsdb::SeriesSet> merged =
        sets.size() == 1 ? std::move(sets[0]) : tsdb::MergeSeriesSets(std::move(sets));
    return std::make_unique<WarningSeriesSet>(std::move(merged), std::move(warnings));
  }

  absl::StatusOr<std::vector<std::string>> LabelNames(
      std::span<const model::Matcher> matchers) override {
    return Merge(local_->LabelNames(matchers),
                 [&](tsdb::Querier& q) { return q.LabelNames(matchers); });
  }

  absl::StatusOr<std::vector<std::string>> LabelValues(
      std::string_view name, std::span<const model::Matcher> matchers) override {
    return Merge(local_->LabelValues(name, matchers),
                 [&](tsdb::Querier& q) { return q.LabelValues(name, matchers); });
  }

 private:
  template <typename F>
  absl::StatusOr<std::vector<std::string>> Merge(absl::StatusOr<std::vector<std::string>> local,
                                                 F remote_call) {
    if (!local.ok() || remotes_->empty()) return local;
    std::set<std::string> all(local->begin(), local->end());
    for (const auto& remote : *remotes_) {
      std::unique_ptr<tsdb::Querier> q = remote->NewQuerier(mint(), maxt());
      absl::StatusOr<std::vector<std::string>> got = remote_call(*q);
      // A secondary source: its failure must not fail the call, and there is no warning channel.
      if (got.ok()) all.insert(got->begin(), got->end());
    }
    return std::vector<std::string>(all.begin(), all.end());
  }

  std::unique_ptr<tsdb::Querier> local_;
  std::shared_ptr<const ReadStorage::Remotes> remotes_;  // keeps the queryables alive
};

class FanoutStorage final : public tsdb::Storage {
 public:
  FanoutStorage(tsdb::Storage& local, const ReadStorage& remotes)
      : local_(local), remotes_(remotes) {}
  std::unique_ptr<tsdb::Appender> NewAppender() override { return local_.NewAppender(); }
  int64_t StartTime() override { return local_.StartTime(); }
  absl::StatusOr<std::unique_ptr<tsdb::Querier>> NewQuerier(int64_t mint, int64_t maxt) override {
    ASSIGN_OR_RETURN(std::unique_ptr<tsdb::Querier> local, local_.NewQuerier(mint, maxt));
    std::shared_ptr<const ReadStorage::Remotes> remotes = remotes_.remotes();
    if (remotes->empty()) return local;
    return std::make_unique<FanoutQuerier>(std::move(local), std::move(remotes), mint, maxt);
  }

 private:
  tsdb::Storage& local_;
  const ReadStorage& remotes_;
};

}  // namespace

ReadStorage::ReadStorage(tsdb::Storage& local)
    : local_(local),
      remotes_(std::make_shared<const Remotes>()),
      fanout_(std::make_unique<FanoutStorage>(local, *this)) {}

ReadStorage::~ReadStorage() = default;

namespace {

absl::StatusOr<std::shared_ptr<Remotes>> BuildRemotes(const config::Config& cfg,
                                                      std::function<int64_t()> local_start_time) {
  auto remotes = std::make_shared<Remotes>();
  std::set<std::pair<std::string, std::string>> seen;
  for (const config::RemoteReadConfig& rr : cfg.remote_read) {
    if (!seen.emplace(rr.url, rr.name).second) {
      return absl::InvalidArgumentError(util::StrCat(
          "duplicate remote read configs are not allowed, found duplicate for URL: ", rr.url));
    }
    ASSIGN_OR_RETURN(std::unique_ptr<ReadClient> client, ReadClient::Create(rr));
    remotes->push_back(std::make_shared<const RemoteQueryable>(
        rr.name.empty() ? rr.url : rr.name, std::shared_ptr<ReadClient>(std::move(client)),
        rr.filter_external_labels ? cfg.global.external_labels : model::Labels(),
        rr.required_matchers, rr.read_recent, local_start_time));
  }
  return remotes;
}

}  // namespace

absl::Status ReadStorage::ApplyConfig(const config::Config& cfg) {
  tsdb::Storage* local = &local_;
  ASSIGN_OR_RETURN(std::shared_ptr<Remotes> remotes,
                   BuildRemotes(cfg, [local] { return local->StartTime(); }));
  util::MutexLock lock(&mu_);
  remotes_ = std::move(remotes);
  return absl::OkStatus();
}

absl::Status ReadStorage::Validate(const config::Config& cfg) {
  return BuildRemotes(cfg, [] { return int64_t{0}; }).status();
}

size_t ReadStorage::num_remotes() const { return remotes()->size(); }

std::shared_ptr<const ReadStorage::Remotes> ReadStorage::remotes() const {
  util::MutexLock lock(&mu_);
  return remotes_;
}

}  // namespace sextant::remote
