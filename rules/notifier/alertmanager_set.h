#pragma once

// The Alertmanagers of one `alerting.alertmanagers` entry, as Prometheus's notifier
// alertmanagerSet: discovered (static_configs, file_sd_configs) through discovery/, relabelled
// with the entry's `relabel_configs`, deduplicated by URL.
//
// Each discovered target's labels before relabelling are its own, then
// `__scheme__=<scheme>` and `__alerts_path__=<path_prefix joined with /api/v2/alerts>`, then the
// group's labels it does not have. After relabelling its URL is
// `<__scheme__>://<__address__><__alerts_path__>`; `__meta_*` and other labels play no part.
// A target that relabelling drops is listed among the dropped Alertmanagers with its URL from the
// labels before relabelling.
//
// Thread-safety: all methods may be called from any thread; Alertmanager::Post() serialises
// requests to one Alertmanager.

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "config/config.h"
#include "discovery/manager.h"
#include "discovery/target_group.h"
#include "model/labels.h"
#include "util/mutex.h"

namespace sextant::scrape {
class HttpClient;
}

namespace sextant::rules {

// Go's path.Join("/", path_prefix, "/api/v2/alerts"): "/" -> "/api/v2/alerts",
// "am/" -> "/am/api/v2/alerts" (the path cleaned: no doubled slashes, "." and ".." resolved).
std::string AlertsPath(std::string_view path_prefix);

// Go's url.URL{Scheme, Host, Path}.String() from `__scheme__`, `__address__`, `__alerts_path__`.
std::string AlertmanagerUrl(const model::Labels& labels);

struct GroupAlertmanagers {
  std::vector<model::Labels> active;   // after relabelling
  std::vector<model::Labels> dropped;  // before relabelling
};

// The Alertmanagers of one target group (Prometheus's AlertmanagerFromGroup). Errors:
// InvalidArgument `"<address>" is not a valid hostname` when a relabelled address holds a `/`
// (the whole group is then left out, as in Prometheus).
absl::StatusOr<GroupAlertmanagers> AlertmanagersFromGroup(const discovery::TargetGroup& group,
                                                          const config::AlertmanagerConfig& cfg);

// Checks an entry before it is used. Errors: InvalidArgument for an API version other than v2,
// a scheme other than http or https, or a TLS file that cannot be read.
absl::Status ValidateAlertmanagerConfig(const config::AlertmanagerConfig& cfg);

// One Alertmanager: its URL and its HTTP client (auth and TLS from the entry).
class Alertmanager {
 public:
  // `url` as AlertmanagerUrl() gives it; `base_url` is its scheme://host[:port].
  Alertmanager(std::string url, std::string_view base_url, std::string path,
               const config::HttpClientConfig& http);
  ~Alertmanager();

  const std::string& url() const { return url_; }

  // POSTs `body` as application/json; OK on any 2xx status. Errors: DeadlineExceeded after
  // `timeout`, Unavailable for a failed connection or a non-2xx status ("bad response status
  // 500 Internal Server Error"), FailedPrecondition for an unreadable secret file.
  absl::Status Post(const std::string& body, absl::Duration timeout, const std::string& user_agent);

 private:
  const std::string url_;
  const std::string path_;
  util::Mutex mu_;
  std::unique_ptr<scrape::HttpClient> client_ ABSL_GUARDED_BY(mu_);
};

class AlertmanagerSet {
 public:
  // Runs discovery once, synchronously, so active() is filled on return. `name` (Prometheus's
  // "config-<index>") is for logs. `on_change` runs after every later discovery change, on the
  // discovery's thread.
  AlertmanagerSet(config::AlertmanagerConfig cfg, std::string name,
                  discovery::DiscoveryOptions options, std::function<void()> on_change);
  // Stops discovery.
  ~AlertmanagerSet();
  AlertmanagerSet(const AlertmanagerSet&) = delete;
  AlertmanagerSet& operator=(const AlertmanagerSet&) = delete;

  // Starts following discovery changes.
  void Start();

  const config::AlertmanagerConfig& cfg() const { return cfg_; }
  const std::string& name() const { return name_; }

  std::vector<std::shared_ptr<Alertmanager>> active() const;
  std::vector<std::string> dropped_urls() const;

 private:
  void Sync(const std::vector<discovery::TargetGroup>& groups);

  const config::AlertmanagerConfig cfg_;
  const std::string name_;
  const std::function<void()> on_change_;
  mutable util::Mutex mu_;
  std::vector<std::shared_ptr<Alertmanager>> active_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> dropped_ ABSL_GUARDED_BY(mu_);
  std::unique_ptr<discovery::DiscoveryManager> sd_;  // last: stopped first
};

}  // namespace sextant::rules
