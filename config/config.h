#pragma once

// The prometheus.yml model: every section Sextant reads, with Prometheus's defaults as member
// initialisers. LoadConfig() (config/loader.h) fills and validates it; after a successful load
// every field holds its effective value (defaults applied, job intervals and timeouts inherited
// from `global`, bearer_token folded into `authorization`, relative file paths resolved against
// the config file's directory, regexes compiled).
//
// A Config is a plain value: copy it freely; share it across threads as
// std::shared_ptr<const Config>.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "model/labels.h"
#include "re2/re2.h"

namespace sextant::config {

// A value that is never shown: /api/v1/status/config renders it as "<secret>".
struct Secret {
  std::string value;
  bool empty() const { return value.empty(); }
};

struct TlsConfig {
  std::string ca;
  std::string ca_file;
  std::string cert;
  std::string cert_file;
  Secret key;
  std::string key_file;
  std::string server_name;
  bool insecure_skip_verify = false;
  std::string min_version;  // "", TLS10, TLS11, TLS12 or TLS13
  std::string max_version;
};

struct BasicAuth {
  std::string username;
  std::string username_file;
  Secret password;
  std::string password_file;
};

struct Authorization {
  std::string type = "Bearer";
  Secret credentials;
  std::string credentials_file;
};

// How Sextant talks HTTP to a target, an Alertmanager or a remote endpoint.
struct HttpClientConfig {
  std::optional<BasicAuth> basic_auth;
  // Also set when the config used the older bearer_token / bearer_token_file fields.
  std::optional<Authorization> authorization;
  TlsConfig tls_config;
  std::string proxy_url;
  std::string no_proxy;
  bool proxy_from_environment = false;
  bool follow_redirects = true;
  bool enable_http2 = true;
};

enum class RelabelAction {
  kReplace,
  kKeep,
  kDrop,
  kKeepEqual,
  kDropEqual,
  kHashMod,
  kLabelMap,
  kLabelDrop,
  kLabelKeep,
  kLowercase,
  kUppercase,
};

// Prometheus's lower-case action name ("replace", "labelmap", ...).
std::string_view RelabelActionName(RelabelAction action);

struct RelabelConfig {
  std::vector<std::string> source_labels;
  std::string separator = ";";
  std::string regex = "(.*)";  // as written; `compiled` is its anchored form
  std::shared_ptr<const RE2> compiled;
  uint64_t modulus = 0;
  std::string target_label;
  std::string replacement = "$1";
  RelabelAction action = RelabelAction::kReplace;
};

// One entry of static_configs (also the shape of file_sd target files).
struct TargetGroup {
  std::vector<std::string> targets;
  model::Labels labels;
};

struct FileSdConfig {
  std::vector<std::string> files;  // globs; relative ones resolved against the config's directory
  absl::Duration refresh_interval = absl::Minutes(5);
};

// One http_sd_configs entry: target groups fetched as JSON from `url`.
struct HttpSdConfig {
  std::string url;  // http or https, with a host
  absl::Duration refresh_interval = absl::Minutes(1);
  HttpClientConfig http;  // auth, TLS, proxy, redirects (its paths resolved like a job's)
};

// One dns_sd_configs entry: targets from DNS records of `names`.
struct DnsSdConfig {
  std::vector<std::string> names;
  std::string type = "SRV";  // as written; SRV, A, AAAA, MX or NS in any case
  int64_t port = 0;          // required for every type but SRV
  absl::Duration refresh_interval = absl::Seconds(30);
};

// One kubernetes_sd_configs entry: targets from the Kubernetes API (discovery/kubernetes/).
struct KubernetesSdConfig {
  // node, pod, service, endpoints, endpointslice or ingress; validated.
  std::string role;
  // The API server's URL ("" unless given); with neither it nor kubeconfig_file, the in-cluster
  // configuration (service account) is used.
  std::string api_server;
  std::string kubeconfig_file;  // resolved against the config file's directory
  HttpClientConfig http;        // only with api_server, as Prometheus requires
  struct Namespaces {
    bool own_namespace = false;
    std::vector<std::string> names;  // empty (and no own_namespace): every namespace
  } namespaces;
  // selectors: each for one role, at most one per role, allowed roles depend on `role` (pod:
  // pod, node; endpoints: pod, service, endpoints; endpointslice: pod, service, endpointslice;
  // others: their own). The strings are Kubernetes label and field selectors, validated, and
  // sent to the API server as written.
  struct Selector {
    std::string role;
    std::string label;
    std::string field;
  };
  std::vector<Selector> selectors;
  struct AttachMetadata {
    bool node = false;        // pod, endpoints, endpointslice: the node's labels on targets
    bool namespace_ = false;  // every role but node: the namespace's labels ("namespace")
  } attach_metadata;
};

// Targets come from these kinds of service discovery; others are rejected as not supported yet.
struct ServiceDiscovery {
  std::vector<TargetGroup> static_configs;
  std::vector<FileSdConfig> file_sd_configs;
  std::vector<HttpSdConfig> http_sd_configs;
  std::vector<DnsSdConfig> dns_sd_configs;
  std::vector<KubernetesSdConfig> kubernetes_sd_configs;
};

// Limits a scrape must respect; 0 means no limit. Set globally and per job.
struct ScrapeLimits {
  uint64_t body_size_limit = 0;  // bytes; 0 = no limit
  uint64_t sample_limit = 0;
  uint64_t target_limit = 0;
  uint64_t label_limit = 0;
  uint64_t label_name_length_limit = 0;
  uint64_t label_value_length_limit = 0;
  uint64_t keep_dropped_targets = 0;
};

struct ScrapeConfig {
  std::string job_name;
  absl::Duration scrape_interval;             // inherited from global when unset
  absl::Duration scrape_timeout;              // inherited from global, capped at scrape_interval
  std::vector<std::string> scrape_protocols;  // empty: Prometheus's default negotiation order
  std::string fallback_scrape_protocol;
  std::string metrics_path = "/metrics";
  std::string scheme = "http";
  std::map<std::string, std::vector<std::string>> params;
  bool honor_labels = false;
  bool honor_timestamps = true;
  bool track_timestamps_staleness = false;
  bool enable_compression = true;
  bool always_scrape_classic_histograms = false;
  ScrapeLimits limits;  // starts as global's, then the job's own settings
  HttpClientConfig http;
  ServiceDiscovery sd;
  std::vector<RelabelConfig> relabel_configs;
  std::vector<RelabelConfig> metric_relabel_configs;
};

struct AlertmanagerConfig {
  absl::Duration timeout = absl::Seconds(10);
  std::string api_version = "v2";
  std::string path_prefix = "/";
  std::string scheme = "http";
  HttpClientConfig http;
  ServiceDiscovery sd;
  std::vector<RelabelConfig> relabel_configs;
  std::vector<RelabelConfig> alert_relabel_configs;
};

struct AlertingConfig {
  std::vector<RelabelConfig> alert_relabel_configs;
  std::vector<AlertmanagerConfig> alertmanagers;
};

struct QueueConfig {
  int64_t capacity = 10000;
  int64_t max_shards = 50;
  int64_t min_shards = 1;
  int64_t max_samples_per_send = 2000;
  absl::Duration batch_send_deadline = absl::Seconds(5);
  absl::Duration min_backoff = absl::Milliseconds(30);
  absl::Duration max_backoff = absl::Seconds(5);
  bool retry_on_http_429 = false;  // false in every Prometheus (docs: "default = false")
  absl::Duration sample_age_limit = absl::ZeroDuration();
};

struct MetadataConfig {
  bool send = true;
  absl::Duration send_interval = absl::Minutes(1);
  int64_t max_samples_per_send = 2000;
};

struct RemoteWriteConfig {
  std::string url;
  absl::Duration remote_timeout = absl::Seconds(30);
  std::map<std::string, std::string> headers;
  std::vector<RelabelConfig> write_relabel_configs;
  std::string name;
  bool send_exemplars = false;
  bool send_native_histograms = false;
  // The message posted: "prometheus.WriteRequest" (remote write 1.0) or
  // "io.prometheus.write.v2.Request" (2.0).
  std::string protobuf_message = "prometheus.WriteRequest";
  HttpClientConfig http;
  QueueConfig queue_config;
  MetadataConfig metadata_config;
};

struct RemoteReadConfig {
  std::string url;
  absl::Duration remote_timeout = absl::Minutes(1);
  std::map<std::string, std::string> headers;
  bool read_recent = false;
  std::string name;
  std::map<std::string, std::string> required_matchers;
  bool filter_external_labels = true;
  HttpClientConfig http;
};

struct GlobalConfig {
  absl::Duration scrape_interval = absl::Minutes(1);
  absl::Duration scrape_timeout = absl::Seconds(10);
  absl::Duration evaluation_interval = absl::Minutes(1);
  absl::Duration rule_query_offset = absl::ZeroDuration();
  model::Labels external_labels;
  std::string query_log_file;
  ScrapeLimits limits;  // defaults for every scrape config that does not set its own
};

struct StorageConfig {
  absl::Duration out_of_order_time_window = absl::ZeroDuration();
};

struct Config {
  GlobalConfig global;
  std::vector<std::string> rule_files;  // globs, resolved against the config's directory
  std::vector<ScrapeConfig> scrape_configs;
  AlertingConfig alerting;
  std::vector<RemoteWriteConfig> remote_write;
  std::vector<RemoteReadConfig> remote_read;
  StorageConfig storage;
  std::string source_file;  // the file it was loaded from ("" for the embedded default)
};

}  // namespace sextant::config
