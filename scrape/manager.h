#pragma once

// ScrapeManager: runs every scrape job of the config, as Prometheus's scrape.Manager.
//
// One pool per job, one loop per target. A loop starts at an offset into its interval derived
// from the target's hash, so scrapes spread out instead of firing together, then scrapes every
// interval with the target's timeout. The timestamp of a scrape is its scheduled time when the
// scrape starts within min(interval/100, 2ms) of it (Prometheus's alignment, so timestamps sit
// on a grid and chunks compress well), else the real start time. A scrape that overruns its
// interval delays the next one to the first tick after it ends (never two at once).
//
// Loops are not threads: they are tasks of one Scheduler (scrape/scheduler.h) shared by all
// pools, whose worker pool performs the scrapes (blocking HTTP calls: a slow target holds a
// worker for up to its scrape_timeout, and the pool grows, up to a bound, while scrapes wait
// for a worker). So the thread count is bounded whatever the number of targets.
//
// Targets come from static_configs and file_sd_configs through discovery::DiscoveryManager
// (JSON or YAML files, globs; re-read when a file changes, checked every 5s, and every
// refresh_interval).
//
// ApplyConfig (reload): pools whose job config did not change keep running undisturbed (their
// targets still follow their file_sd files); changed pools restart their loops (targets that
// remain keep their series state, so nothing goes stale); removed pools and targets that
// disappear stop and get stale markers.
//
// Thread-safety: all methods may be called from any thread.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "config/config.h"
#include "model/labels.h"
#include "scrape/page_appender.h"
#include "scrape/scheduler.h"
#include "tsdb/storage.h"
#include "util/metrics.h"
#include "util/mutex.h"

namespace sextant::scrape {

// One active target as /api/v1/targets shows it.
struct TargetStatus {
  model::Labels discovered_labels;
  model::Labels labels;  // public labels (no `__` prefix)
  std::string scrape_pool;
  std::string scrape_url;
  std::string global_url;
  std::string last_error;
  absl::Time last_scrape = absl::UnixEpoch();  // UnixEpoch before the first scrape
  absl::Duration last_scrape_duration;
  std::string health = "unknown";  // "up", "down", "unknown"
  absl::Duration interval;
  absl::Duration timeout;
  std::map<std::string, MetricMetadata> metadata;  // only when asked for (ActiveTargets)
};

struct DroppedTargetStatus {
  std::string scrape_pool;
  model::Labels discovered_labels;
};

struct ManagerOptions {
  // The machine's hostname: a target's globalUrl is its scrape URL with a `localhost` or
  // `127.0.0.1` host replaced by it, as Prometheus does.
  std::string hostname;
  // How often file_sd files are checked for changes.
  absl::Duration file_check_period = absl::Seconds(5);
  // --scrape.discovery-reload-interval: targets follow discovery's news at most this often.
  absl::Duration discovery_reload_interval = absl::Seconds(5);
  // The scrape workers (scrape/scheduler.h).
  SchedulerOptions scheduler;
};

class ScrapeManager {
 public:
  // `storage` and `registry` must outlive the manager.
  ScrapeManager(tsdb::Storage* storage, util::Registry* registry, ManagerOptions options = {});
  ~ScrapeManager();
  ScrapeManager(const ScrapeManager&) = delete;
  ScrapeManager& operator=(const ScrapeManager&) = delete;

  // Starts, restarts or stops pools to match `cfg`. Never fails on a target's error (those are
  // logged and shown per target); errors only for an unusable config.
  absl::Status ApplyConfig(const config::Config& cfg);

  // Stops every loop without stale markers (a shutdown: the series resume after restart).
  void Stop();

  // The active targets; their `metadata` is filled only with `with_metadata` (a copy per
  // target, so the targets list itself does not pay for it).
  std::vector<TargetStatus> ActiveTargets(bool with_metadata = false) const;
  std::vector<DroppedTargetStatus> DroppedTargets() const;
  std::vector<std::string> ScrapePools() const;  // sorted
  // A copy of the config of the running pool `job_name` (Prometheus's ScrapePoolConfig), or
  // nullopt when there is none.
  std::optional<config::ScrapeConfig> ScrapePoolConfig(std::string_view job_name) const;

  // The scheduler's load: live loops, worker threads, late starts.
  SchedulerStats scheduler_stats() const;

 private:
  class Loop;
  class Pool;

  tsdb::Storage* const storage_;
  const ManagerOptions options_;
  struct Metrics;
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<Scheduler> scheduler_;  // outlives the pools (Stop() ends them first)
  mutable util::Mutex mu_;
  std::map<std::string, std::unique_ptr<Pool>> pools_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sextant::scrape
