#include "scrape/manager.h"

#include <algorithm>
#include <optional>
#include <set>

#include "config/marshal.h"
#include "discovery/manager.h"
#include "discovery/metrics.h"
#include "model/duration.h"
#include "model/timestamp.h"
#include "scrape/fetcher.h"
#include "scrape/target.h"
#include "util/log.h"
#include "util/strings.h"

namespace sextant::scrape {
namespace {

const util::Logger kLog("scrape");

// The start of a target's first scrape: a fixed offset into the interval, from its hash.
absl::Time FirstScrape(absl::Time now, absl::Duration interval, uint64_t hash) {
  const int64_t iv = absl::ToInt64Nanoseconds(interval);
  const int64_t n = absl::ToUnixNanos(now);
  const int64_t base = iv - n % iv;
  int64_t next = base + static_cast<int64_t>(hash % static_cast<uint64_t>(iv));
  if (next > iv) next -= iv;
  return now + absl::Nanoseconds(next);
}

std::string GlobalUrl(const std::string& url, const std::string& hostname) {
  if (hostname.empty()) return url;
  for (std::string_view local : {"localhost", "127.0.0.1"}) {
    const size_t p = url.find(util::StrCat("://", local));
    if (p == std::string::npos) continue;
    const size_t host_start = p + 3;
    const size_t host_end = host_start + local.size();
    if (host_end < url.size() && url[host_end] != ':' && url[host_end] != '/') continue;
    return util::StrCat(url.substr(0, host_start), hostname, url.substr(host_end));
  }
  return url;
}

}  // namespace

struct ScrapeManager::Metrics {
  explicit Metrics(util::Registry* r)
      : pools_total(r->NewCounter("prometheus_target_scrape_pools_total",
                                  "Total number of scrape pool creation attempts.")),
        pool_reloads(r->NewCounter("prometheus_target_scrape_pool_reloads_total",
                                   "Total number of scrape pool reloads.")),
        sample_limit(r->NewCounter("prometheus_target_scrapes_exceeded_sample_limit_total",
                                   "Total number of scrapes that hit the sample limit and were "
                                   "rejected.")),
        out_of_order(r->NewCounter("prometheus_target_scrapes_sample_out_of_order_total",
                                   "Total number of samples rejected due to not being out of the "
                                   "expected order.")),
        duplicates(r->NewCounter("prometheus_target_scrapes_sample_duplicate_timestamp_total",
                                 "Total number of samples rejected due to duplicate timestamps "
                                 "but different values.")),
        out_of_bounds(r->NewCounter("prometheus_target_scrapes_sample_out_of_bounds_total",
                                    "Total number of samples rejected due to timestamp falling "
                                    "outside of the time bounds.")),
        discovered(r->NewGaugeFamily("prometheus_sd_discovered_targets",
                                     "Current number of discovered targets.", {"config", "name"})),
        pool_targets(r->NewGaugeFamily("prometheus_target_scrape_pool_targets",
                                       "Current number of targets in this scrape pool.",
                                       {"scrape_job"})),
        scrape_duration(r->NewHistogramFamily(
            "prometheus_target_scrape_duration_seconds",
            "Duration of scrapes (fetch and append) per scrape job.", {"scrape_job"},
            {.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10})),
        intervals(r->NewSummaryFamily(
            "prometheus_target_interval_length_seconds", "Actual intervals between scrapes.",
            {"interval"},
            {{0.01, 0.001}, {0.05, 0.005}, {0.5, 0.05}, {0.9, 0.01}, {0.99, 0.001}})) {}
  util::Counter* pools_total;
  util::Counter* pool_reloads;
  util::Counter* sample_limit;
  util::Counter* out_of_order;
  util::Counter* duplicates;
  util::Counter* out_of_bounds;
  util::Family<util::Gauge>* discovered;
  util::Family<util::Gauge>* pool_targets;
  util::Family<util::Histogram>* scrape_duration;
  util::Family<util::Summary>* intervals;  // by configured interval
};

// One target's scrape loop: a task of the manager's Scheduler that scrapes once per run and
// names its next due time.
class ScrapeManager::Loop {
 public:
  Loop(Target target, const config::ScrapeConfig& cfg, std::shared_ptr<TargetCache> cache,
       PageAppender* appender, Metrics* metrics, Scheduler* scheduler, std::string global_url)
      : target_(std::move(target)),
        public_labels_(target_.PublicLabels()),
        job_(cfg.job_name),
        fetcher_(target_.url, cfg),
        cache_(std::move(cache)),
        appender_(appender),
        metrics_(metrics),
        scheduler_(scheduler),
        tolerance_(std::min(target_.interval / 100, absl::Milliseconds(2))),
        intervals_(metrics_->intervals->With({model::DurationToString(target_.interval)})) {
    status_.discovered_labels = target_.discovered;
    status_.labels = public_labels_;
    status_.scrape_pool = cfg.job_name;
    status_.scrape_url = target_.url;
    status_.global_url = std::move(global_url);
    status_.interval = target_.interval;
    status_.timeout = target_.timeout;
    task_ = scheduler_->Add(FirstScrape(absl::Now(), target_.interval, target_.Hash()),
                            [this](absl::Time due) { return ScrapeOnce(due); });
  }

  ~Loop() { Stop(); }

  // Ends the loop (waiting for a scrape in progress); with `stale`, then writes stale markers
  // for the target's series.
  void Stop(bool stale = false) {
    if (!cancelled_) scheduler_->Cancel(task_);
    Stopped(stale);
  }

  // Stop for loops whose tasks the caller has cancelled already (in one batch, so their
  // scrapes in progress are waited for together).
  void Stopped(bool stale) {
    cancelled_ = true;
    if (stale && !marked_stale_) {
      marked_stale_ = true;
      // After the last scrape's samples even when that scrape ended this very millisecond (a
      // marker on the same timestamp would be rejected as a duplicate).
      (void)appender_->MarkStale(*cache_, public_labels_,
                                 std::max(model::NowTimestamp(), last_ts_ + 1));
    }
  }

  Scheduler::TaskId task() const { return task_; }

  TargetStatus Status(bool with_metadata) const {
    util::ReaderMutexLock lock(&status_mu_);
    TargetStatus s = status_;
    if (with_metadata) s.metadata = cache_->Metadata();
    return s;
  }

  const Target& target() const { return target_; }
  std::shared_ptr<TargetCache> cache() const { return cache_; }

 private:
  // One scrape, due at `scheduled`; returns the next due time. The scheduler never runs it
  // concurrently with itself, so the members it alone touches need no lock.
  std::optional<absl::Time> ScrapeOnce(absl::Time scheduled) {
    const absl::Time start = absl::Now();
    if (last_start_ != absl::InfinitePast()) {
      intervals_->Observe(absl::ToDoubleSeconds(start - last_start_));
    }
    last_start_ = start;
    // Timestamps on the schedule's grid when the scrape starts close enough to it.
    const absl::Time ts = start - scheduled <= tolerance_ ? scheduled : start;
    last_ts_ = model::FromTime(ts);
    FetchResult f = fetcher_.Fetch(target_.timeout);
    const absl::Duration took = absl::Now() - start;
    ScrapeReport r = appender_->Append(*cache_, public_labels_, f.body, f.content_type,
                                       model::FromTime(ts), took, f.status);
    metrics_->scrape_duration->With({job_})->Observe(absl::ToDoubleSeconds(absl::Now() - start));
    if (r.sample_limit_exceeded) metrics_->sample_limit->Inc();
    if (r.out_of_order > 0) metrics_->out_of_order->Inc(static_cast<double>(r.out_of_order));
    if (r.duplicates > 0) metrics_->duplicates->Inc(static_cast<double>(r.duplicates));
    if (r.out_of_bounds > 0) metrics_->out_of_bounds->Inc(static_cast<double>(r.out_of_bounds));
    {
      util::MutexLock lock(&status_mu_);
      status_.last_scrape = start;
      status_.last_scrape_duration = took;
      status_.health = r.error.ok() ? "up" : "down";
      status_.last_error = r.error.ok() ? "" : std::string(util::FromAbsl(r.error.message()));
    }
    absl::Time next = scheduled + target_.interval;
    const absl::Time now = absl::Now();
    while (next < now) next += target_.interval;  // skip missed ticks (an overrun scrape)
    return next;
  }

  const Target target_;
  const model::Labels public_labels_;
  const std::string job_;
  Fetcher fetcher_;
  std::shared_ptr<TargetCache> cache_;
  PageAppender* const appender_;
  Metrics* const metrics_;
  Scheduler* const scheduler_;
  const absl::Duration tolerance_;
  util::Summary* const intervals_;
  absl::Time last_start_ = absl::InfinitePast();  // only ScrapeOnce
  // The last scrape's timestamp: written by ScrapeOnce, read by Stopped once the task is
  // cancelled (the scheduler's lock orders the two).
  int64_t last_ts_ = INT64_MIN / 2;
  mutable util::Mutex status_mu_;
  TargetStatus status_ ABSL_GUARDED_BY(status_mu_);
  Scheduler::TaskId task_ = 0;
  bool cancelled_ = false;  // Stop/Stopped callers are serialised by the pool
  bool marked_stale_ = false;
};

// One job: its targets from static and file discovery, and their loops.
class ScrapeManager::Pool {
 public:
  Pool(const config::ScrapeConfig& cfg, tsdb::Storage* storage, Metrics* metrics,
       Scheduler* scheduler, const ManagerOptions& options)
      : storage_(storage), metrics_(metrics), scheduler_(scheduler), options_(options) {
    Configure(cfg, {});
  }

  ~Pool() { Shutdown(/*stale=*/false); }

  const std::string& fingerprint() const { return fingerprint_; }

  // The job's config. Changes only in Reload, which the manager calls holding its lock
  // exclusively.
  const config::ScrapeConfig& config() const { return cfg_; }

  // A changed job config: loops restart with it, keeping each remaining target's series state.
  void Reload(const config::ScrapeConfig& cfg) {
    StopWatcher();
    Caches caches;
    {
      util::MutexLock lock(&mu_);
      StopLoops(loops_, /*stale=*/false);
      for (auto& [hash, loop] : loops_) {
        caches[hash] = {loop->target().PublicLabels(), loop->cache()};
      }
      loops_.clear();
    }
    Configure(cfg, std::move(caches));
  }

  // Stops everything; with `stale`, the targets' series get stale markers (a removed job).
  void Shutdown(bool stale) {
    StopWatcher();
    util::MutexLock lock(&mu_);
    StopLoops(loops_, stale);
    loops_.clear();
  }

  void AppendActive(std::vector<TargetStatus>* active, bool with_metadata) const {
    util::ReaderMutexLock lock(&mu_);
    for (const auto& [hash, loop] : loops_) active->push_back(loop->Status(with_metadata));
  }

  void AppendDropped(std::vector<DroppedTargetStatus>* dropped) const {
    util::ReaderMutexLock lock(&mu_);
    for (const DroppedTarget& d : dropped_) {
      dropped->push_back(DroppedTargetStatus{cfg_.job_name, d.discovered});
    }
  }

 private:
  // Series state of the targets of a reloaded pool: public labels and cache, by target hash.
  using Caches = std::map<uint64_t, std::pair<model::Labels, std::shared_ptr<TargetCache>>>;
  using Loops = std::map<uint64_t, std::unique_ptr<Loop>>;

  // Stops `loops` together: their scrapes in progress are waited for at once rather than one
  // after another.
  void StopLoops(const Loops& loops, bool stale) {
    std::vector<Scheduler::TaskId> ids;
    ids.reserve(loops.size());
    for (const auto& [hash, loop] : loops) ids.push_back(loop->task());
    scheduler_->Cancel(ids);
    for (const auto& [hash, loop] : loops) loop->Stopped(stale);
  }

  void Configure(const config::ScrapeConfig& cfg, Caches caches) {
    cfg_ = cfg;
    fingerprint_ = config::ScrapeConfigFingerprint(cfg);
    ScrapeSettings s;
    s.honor_labels = cfg.honor_labels;
    s.honor_timestamps = cfg.honor_timestamps;
    s.limits = cfg.limits;
    s.metric_relabel_configs = cfg.metric_relabel_configs;
    s.fallback_protocol = cfg.fallback_scrape_protocol;
    appender_ = std::make_unique<PageAppender>(storage_, std::move(s));
    sd_ = std::make_unique<discovery::DiscoveryManager>(
        cfg_.sd,
        discovery::DiscoveryOptions{.check_period = options_.file_check_period,
                                    .update_interval = options_.discovery_reload_interval});
    Sync(sd_->Groups(), std::move(caches));
    // Changes come from the discovery's watcher thread; StopWatcher() ends it before the pool
    // changes or goes away.
    sd_->Start([this](std::vector<discovery::TargetGroup> groups) { Sync(groups, {}); });
  }

  void StopWatcher() { sd_.reset(); }

  // Starts loops for new targets, stops (with stale markers) the ones that went away.
  void Sync(const std::vector<discovery::TargetGroup>& groups, Caches caches) {
    PoolTargets targets = MakeTargets(cfg_, groups);
    for (const std::string& e : targets.errors) {
      kLog.Error("Creating target failed", {{"scrape_pool", cfg_.job_name}, {"err", e}});
    }
    metrics_->discovered->With({cfg_.job_name, "scrape"})
        ->Set(static_cast<double>(targets.active.size() + targets.dropped.size()));
    metrics_->pool_targets->With({cfg_.job_name})->Set(static_cast<double>(targets.active.size()));

    Loops gone;
    {
      util::MutexLock lock(&mu_);
      Loops next;
      for (Target& t : targets.active) {
        const uint64_t hash = t.Hash();
        if (auto it = loops_.find(hash); it != loops_.end()) {
          next[hash] = std::move(it->second);
          loops_.erase(it);
          continue;
        }
        std::shared_ptr<TargetCache> cache;
        if (auto c = caches.find(hash); c != caches.end()) {
          cache = c->second.second;
          caches.erase(c);
        } else {
          cache = std::make_shared<TargetCache>();
        }
        const std::string global = GlobalUrl(t.url, options_.hostname);
        next[hash] = std::make_unique<Loop>(std::move(t), cfg_, cache, appender_.get(), metrics_,
                                            scheduler_, global);
      }
      gone = std::move(loops_);
      loops_ = std::move(next);
      dropped_ = std::move(targets.dropped);
    }
    StopLoops(gone, /*stale=*/true);
    gone.clear();  // frees the removed targets' state (connections, series caches)
    // Targets of a reloaded pool that are gone: their series end.
    for (auto& [hash, entry] : caches) {
      (void)appender_->MarkStale(*entry.second, entry.first, model::NowTimestamp());
    }
  }

  tsdb::Storage* const storage_;
  Metrics* const metrics_;
  Scheduler* const scheduler_;
  const ManagerOptions options_;
  config::ScrapeConfig cfg_;
  std::string fingerprint_;
  std::unique_ptr<PageAppender> appender_;
  std::unique_ptr<discovery::DiscoveryManager> sd_;
  mutable util::Mutex mu_;
  Loops loops_ ABSL_GUARDED_BY(mu_);
  std::vector<DroppedTarget> dropped_ ABSL_GUARDED_BY(mu_);
};

ScrapeManager::ScrapeManager(tsdb::Storage* storage, util::Registry* registry,
                             ManagerOptions options)
    : storage_(storage),
      options_(std::move(options)),
      metrics_(std::make_unique<Metrics>(registry)),
      scheduler_(std::make_unique<Scheduler>(options_.scheduler)) {
  discovery::RegisterSdMetrics(registry);  // http_sd and dns_sd counters, once per registry
}

ScrapeManager::~ScrapeManager() { Stop(); }

absl::Status ScrapeManager::ApplyConfig(const config::Config& cfg) {
  util::MutexLock lock(&mu_);
  std::set<std::string> names;
  for (const config::ScrapeConfig& sc : cfg.scrape_configs) {
    names.insert(sc.job_name);
    auto it = pools_.find(sc.job_name);
    if (it == pools_.end()) {
      metrics_->pools_total->Inc();
      pools_[sc.job_name] =
          std::make_unique<Pool>(sc, storage_, metrics_.get(), scheduler_.get(), options_);
      continue;
    }
    if (it->second->fingerprint() == config::ScrapeConfigFingerprint(sc)) continue;
    metrics_->pool_reloads->Inc();
    it->second->Reload(sc);
  }
  for (auto it = pools_.begin(); it != pools_.end();) {
    if (names.contains(it->first)) {
      ++it;
      continue;
    }
    it->second->Shutdown(/*stale=*/true);
    metrics_->pool_targets->With({it->first})->Set(0);
    metrics_->discovered->With({it->first, "scrape"})->Set(0);
    it = pools_.erase(it);
  }
  return absl::OkStatus();
}

void ScrapeManager::Stop() {
  util::MutexLock lock(&mu_);
  for (auto& [name, pool] : pools_) pool->Shutdown(/*stale=*/false);
  pools_.clear();
}

std::vector<TargetStatus> ScrapeManager::ActiveTargets(bool with_metadata) const {
  std::vector<TargetStatus> active;
  util::ReaderMutexLock lock(&mu_);
  for (const auto& [name, pool] : pools_) pool->AppendActive(&active, with_metadata);
  return active;
}

std::vector<DroppedTargetStatus> ScrapeManager::DroppedTargets() const {
  std::vector<DroppedTargetStatus> dropped;
  util::ReaderMutexLock lock(&mu_);
  for (const auto& [name, pool] : pools_) pool->AppendDropped(&dropped);
  return dropped;
}

SchedulerStats ScrapeManager::scheduler_stats() const { return scheduler_->stats(); }

std::optional<config::ScrapeConfig> ScrapeManager::ScrapePoolConfig(
    std::string_view job_name) const {
  util::ReaderMutexLock lock(&mu_);
  const auto it = pools_.find(std::string(job_name));
  if (it == pools_.end()) return std::nullopt;
  return it->second->config();
}

std::vector<std::string> ScrapeManager::ScrapePools() const {
  std::vector<std::string> out;
  util::ReaderMutexLock lock(&mu_);
  for (const auto& [name, pool] : pools_) out.push_back(name);
  return out;
}

}  // namespace sextant::scrape
