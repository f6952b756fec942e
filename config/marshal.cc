#include "config/marshal.h"

#include "config/byte_size.h"
#include "config/go_url.h"
#include "model/duration.h"
#include "yaml-cpp/yaml.h"

namespace sextant::config {
namespace {

constexpr char kSecret[] = "<secret>";

void Duration(YAML::Emitter& out, const char* key, absl::Duration d) {
  out << YAML::Key << key << YAML::Value << model::DurationToString(d);
}

// Writes `key: value` only when the value is not empty / not zero (Go's omitempty).
void OptString(YAML::Emitter& out, const char* key, const std::string& v) {
  if (!v.empty()) out << YAML::Key << key << YAML::Value << v;
}
// Set while ScrapeConfigFingerprint renders: secrets in clear, so a changed password counts.
thread_local bool reveal_secrets = false;

void OptSecret(YAML::Emitter& out, const char* key, const Secret& s) {
  if (!s.empty()) out << YAML::Key << key << YAML::Value << (reveal_secrets ? s.value : kSecret);
}
void OptUint(YAML::Emitter& out, const char* key, uint64_t v) {
  if (v != 0) out << YAML::Key << key << YAML::Value << v;
}

void Labels(YAML::Emitter& out, const char* key, const model::Labels& labels) {
  if (labels.empty()) return;
  out << YAML::Key << key << YAML::Value << YAML::BeginMap;
  for (const model::Label l : labels) {
    out << YAML::Key << std::string(l.name) << YAML::Value << std::string(l.value);
  }
  out << YAML::EndMap;
}

void StringMap(YAML::Emitter& out, const char* key, const std::map<std::string, std::string>& m) {
  if (m.empty()) return;
  out << YAML::Key << key << YAML::Value << YAML::BeginMap;
  for (const auto& [k, v] : m) out << YAML::Key << k << YAML::Value << v;
  out << YAML::EndMap;
}

void Limits(YAML::Emitter& out, const ScrapeLimits& l) {
  if (l.body_size_limit != 0) {
    out << YAML::Key << "body_size_limit" << YAML::Value << ByteSizeToString(l.body_size_limit);
  }
  OptUint(out, "sample_limit", l.sample_limit);
  OptUint(out, "target_limit", l.target_limit);
  OptUint(out, "label_limit", l.label_limit);
  OptUint(out, "label_name_length_limit", l.label_name_length_limit);
  OptUint(out, "label_value_length_limit", l.label_value_length_limit);
  OptUint(out, "keep_dropped_targets", l.keep_dropped_targets);
}

void HttpClient(YAML::Emitter& out, const HttpClientConfig& http) {
  if (http.basic_auth) {
    out << YAML::Key << "basic_auth" << YAML::Value << YAML::BeginMap;
    OptString(out, "username", http.basic_auth->username);
    OptString(out, "username_file", http.basic_auth->username_file);
    OptSecret(out, "password", http.basic_auth->password);
    OptString(out, "password_file", http.basic_auth->password_file);
    out << YAML::EndMap;
  }
  if (http.authorization) {
    out << YAML::Key << "authorization" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "type" << YAML::Value << http.authorization->type;
    OptSecret(out, "credentials", http.authorization->credentials);
    OptString(out, "credentials_file", http.authorization->credentials_file);
    out << YAML::EndMap;
  }
  const TlsConfig& tls = http.tls_config;
  out << YAML::Key << "tls_config" << YAML::Value << YAML::BeginMap;
  OptString(out, "ca", tls.ca);
  OptString(out, "ca_file", tls.ca_file);
  OptString(out, "cert", tls.cert);
  OptString(out, "cert_file", tls.cert_file);
  OptSecret(out, "key", tls.key);
  OptString(out, "key_file", tls.key_file);
  OptString(out, "server_name", tls.server_name);
  out << YAML::Key << "insecure_skip_verify" << YAML::Value << tls.insecure_skip_verify;
  OptString(out, "min_version", tls.min_version);
  OptString(out, "max_version", tls.max_version);
  out << YAML::EndMap;
  OptString(out, "proxy_url", http.proxy_url);
  OptString(out, "no_proxy", http.no_proxy);
  if (http.proxy_from_environment)
    out << YAML::Key << "proxy_from_environment" << YAML::Value << true;
  out << YAML::Key << "follow_redirects" << YAML::Value << http.follow_redirects;
  out << YAML::Key << "enable_http2" << YAML::Value << http.enable_http2;
}

void Relabels(YAML::Emitter& out, const char* key, const std::vector<RelabelConfig>& rules) {
  if (rules.empty()) return;
  out << YAML::Key << key << YAML::Value << YAML::BeginSeq;
  for (const RelabelConfig& r : rules) {
    out << YAML::BeginMap;
    if (!r.source_labels.empty()) {
      out << YAML::Key << "source_labels" << YAML::Value << YAML::Flow << r.source_labels;
    }
    out << YAML::Key << "separator" << YAML::Value << r.separator;
    out << YAML::Key << "regex" << YAML::Value << r.regex;
    if (r.modulus != 0) out << YAML::Key << "modulus" << YAML::Value << r.modulus;
    OptString(out, "target_label", r.target_label);
    out << YAML::Key << "replacement" << YAML::Value << r.replacement;
    out << YAML::Key << "action" << YAML::Value << std::string(RelabelActionName(r.action));
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
}

// One kubernetes_sd_configs entry in the field order and omitempty rules of Prometheus's
// kubernetes.SDConfig.
void KubernetesSd(YAML::Emitter& out, const KubernetesSdConfig& k) {
  out << YAML::BeginMap;
  if (!k.api_server.empty()) {
    out << YAML::Key << "api_server" << YAML::Value << internal::RedactGoUrl(k.api_server);
  }
  out << YAML::Key << "role" << YAML::Value << k.role;
  out << YAML::Key << "kubeconfig_file" << YAML::Value << k.kubeconfig_file;
  HttpClient(out, k.http);
  if (k.namespaces.own_namespace || !k.namespaces.names.empty()) {
    out << YAML::Key << "namespaces" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "own_namespace" << YAML::Value << k.namespaces.own_namespace;
    out << YAML::Key << "names" << YAML::Value << YAML::Flow << k.namespaces.names;
    out << YAML::EndMap;
  }
  if (!k.selectors.empty()) {
    out << YAML::Key << "selectors" << YAML::Value << YAML::BeginSeq;
    for (const KubernetesSdConfig::Selector& s : k.selectors) {
      out << YAML::BeginMap;
      OptString(out, "role", s.role);
      OptString(out, "label", s.label);
      OptString(out, "field", s.field);
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  const KubernetesSdConfig::AttachMetadata& m = k.attach_metadata;
  if (m.node || m.namespace_) {
    out << YAML::Key << "attach_metadata" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "node" << YAML::Value << m.node;
    out << YAML::Key << "namespace" << YAML::Value << m.namespace_;
    // Prometheus's pod metadata switches, which Sextant only accepts as false.
    for (const char* key : {"deployment", "job", "cronjob"}) {
      out << YAML::Key << key << YAML::Value << false;
    }
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
}

// Prometheus writes the service discovery sections in the order of their keys.
void ServiceDiscoveryYaml(YAML::Emitter& out, const ServiceDiscovery& sd) {
  if (!sd.dns_sd_configs.empty()) {
    out << YAML::Key << "dns_sd_configs" << YAML::Value << YAML::BeginSeq;
    for (const DnsSdConfig& n : sd.dns_sd_configs) {
      out << YAML::BeginMap << YAML::Key << "names" << YAML::Value << YAML::Flow << n.names;
      Duration(out, "refresh_interval", n.refresh_interval);
      out << YAML::Key << "type" << YAML::Value << n.type;
      out << YAML::Key << "port" << YAML::Value << n.port;
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  if (!sd.file_sd_configs.empty()) {
    out << YAML::Key << "file_sd_configs" << YAML::Value << YAML::BeginSeq;
    for (const FileSdConfig& f : sd.file_sd_configs) {
      out << YAML::BeginMap << YAML::Key << "files" << YAML::Value << YAML::Flow << f.files;
      Duration(out, "refresh_interval", f.refresh_interval);
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  if (!sd.http_sd_configs.empty()) {
    out << YAML::Key << "http_sd_configs" << YAML::Value << YAML::BeginSeq;
    for (const HttpSdConfig& h : sd.http_sd_configs) {
      out << YAML::BeginMap;
      HttpClient(out, h.http);
      Duration(out, "refresh_interval", h.refresh_interval);
      out << YAML::Key << "url" << YAML::Value << h.url;
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  if (!sd.kubernetes_sd_configs.empty()) {
    out << YAML::Key << "kubernetes_sd_configs" << YAML::Value << YAML::BeginSeq;
    for (const KubernetesSdConfig& k : sd.kubernetes_sd_configs) KubernetesSd(out, k);
    out << YAML::EndSeq;
  }
  if (!sd.static_configs.empty()) {
    out << YAML::Key << "static_configs" << YAML::Value << YAML::BeginSeq;
    for (const TargetGroup& g : sd.static_configs) {
      out << YAML::BeginMap << YAML::Key << "targets" << YAML::Value << YAML::BeginSeq;
      for (const std::string& t : g.targets) out << t;
      out << YAML::EndSeq;
      Labels(out, "labels", g.labels);
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
}

void Global(YAML::Emitter& out, const GlobalConfig& g) {
  out << YAML::Key << "global" << YAML::Value << YAML::BeginMap;
  Duration(out, "scrape_interval", g.scrape_interval);
  Duration(out, "scrape_timeout", g.scrape_timeout);
  Duration(out, "evaluation_interval", g.evaluation_interval);
  Duration(out, "rule_query_offset", g.rule_query_offset);
  Labels(out, "external_labels", g.external_labels);
  OptString(out, "query_log_file", g.query_log_file);
  Limits(out, g.limits);
  out << YAML::EndMap;
}

void Scrape(YAML::Emitter& out, const ScrapeConfig& s) {
  out << YAML::BeginMap;
  out << YAML::Key << "job_name" << YAML::Value << s.job_name;
  out << YAML::Key << "honor_labels" << YAML::Value << s.honor_labels;
  out << YAML::Key << "honor_timestamps" << YAML::Value << s.honor_timestamps;
  out << YAML::Key << "track_timestamps_staleness" << YAML::Value << s.track_timestamps_staleness;
  if (!s.params.empty()) {
    out << YAML::Key << "params" << YAML::Value << YAML::BeginMap;
    for (const auto& [k, v] : s.params) out << YAML::Key << k << YAML::Value << YAML::Flow << v;
    out << YAML::EndMap;
  }
  Duration(out, "scrape_interval", s.scrape_interval);
  Duration(out, "scrape_timeout", s.scrape_timeout);
  if (!s.scrape_protocols.empty()) {
    out << YAML::Key << "scrape_protocols" << YAML::Value << YAML::Flow << s.scrape_protocols;
  }
  OptString(out, "fallback_scrape_protocol", s.fallback_scrape_protocol);
  out << YAML::Key << "always_scrape_classic_histograms" << YAML::Value
      << s.always_scrape_classic_histograms;
  out << YAML::Key << "metrics_path" << YAML::Value << s.metrics_path;
  out << YAML::Key << "scheme" << YAML::Value << s.scheme;
  out << YAML::Key << "enable_compression" << YAML::Value << s.enable_compression;
  Limits(out, s.limits);
  HttpClient(out, s.http);
  ServiceDiscoveryYaml(out, s.sd);
  Relabels(out, "relabel_configs", s.relabel_configs);
  Relabels(out, "metric_relabel_configs", s.metric_relabel_configs);
  out << YAML::EndMap;
}

void Alerting(YAML::Emitter& out, const AlertingConfig& a) {
  if (a.alertmanagers.empty() && a.alert_relabel_configs.empty()) return;
  out << YAML::Key << "alerting" << YAML::Value << YAML::BeginMap;
  Relabels(out, "alert_relabel_configs", a.alert_relabel_configs);
  out << YAML::Key << "alertmanagers" << YAML::Value << YAML::BeginSeq;
  for (const AlertmanagerConfig& am : a.alertmanagers) {
    out << YAML::BeginMap;
    HttpClient(out, am.http);
    out << YAML::Key << "scheme" << YAML::Value << am.scheme;
    out << YAML::Key << "path_prefix" << YAML::Value << am.path_prefix;
    Duration(out, "timeout", am.timeout);
    out << YAML::Key << "api_version" << YAML::Value << am.api_version;
    ServiceDiscoveryYaml(out, am.sd);
    Relabels(out, "relabel_configs", am.relabel_configs);
    Relabels(out, "alert_relabel_configs", am.alert_relabel_configs);
    out << YAML::EndMap;
  }
  out << YAML::EndSeq << YAML::EndMap;
}

void RemoteWrite(YAML::Emitter& out, const RemoteWriteConfig& rw) {
  out << YAML::BeginMap;
  out << YAML::Key << "url" << YAML::Value << rw.url;
  Duration(out, "remote_timeout", rw.remote_timeout);
  StringMap(out, "headers", rw.headers);
  Relabels(out, "write_relabel_configs", rw.write_relabel_configs);
  OptString(out, "name", rw.name);
  out << YAML::Key << "send_exemplars" << YAML::Value << rw.send_exemplars;
  out << YAML::Key << "send_native_histograms" << YAML::Value << rw.send_native_histograms;
  out << YAML::Key << "protobuf_message" << YAML::Value << rw.protobuf_message;
  HttpClient(out, rw.http);
  const QueueConfig& q = rw.queue_config;
  out << YAML::Key << "queue_config" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "capacity" << YAML::Value << q.capacity;
  out << YAML::Key << "max_shards" << YAML::Value << q.max_shards;
  out << YAML::Key << "min_shards" << YAML::Value << q.min_shards;
  out << YAML::Key << "max_samples_per_send" << YAML::Value << q.max_samples_per_send;
  Duration(out, "batch_send_deadline", q.batch_send_deadline);
  Duration(out, "min_backoff", q.min_backoff);
  Duration(out, "max_backoff", q.max_backoff);
  if (q.retry_on_http_429) out << YAML::Key << "retry_on_http_429" << YAML::Value << true;
  Duration(out, "sample_age_limit", q.sample_age_limit);
  out << YAML::EndMap;
  out << YAML::Key << "metadata_config" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "send" << YAML::Value << rw.metadata_config.send;
  Duration(out, "send_interval", rw.metadata_config.send_interval);
  out << YAML::Key << "max_samples_per_send" << YAML::Value
      << rw.metadata_config.max_samples_per_send;
  out << YAML::EndMap << YAML::EndMap;
}

void RemoteRead(YAML::Emitter& out, const RemoteReadConfig& rr) {
  out << YAML::BeginMap;
  out << YAML::Key << "url" << YAML::Value << rr.url;
  Duration(out, "remote_timeout", rr.remote_timeout);
  StringMap(out, "headers", rr.headers);
  out << YAML::Key << "read_recent" << YAML::Value << rr.read_recent;
  OptString(out, "name", rr.name);
  StringMap(out, "required_matchers", rr.required_matchers);
  out << YAML::Key << "filter_external_labels" << YAML::Value << rr.filter_external_labels;
  HttpClient(out, rr.http);
  out << YAML::EndMap;
}

}  // namespace

std::string ConfigToYaml(const Config& config) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  Global(out, config.global);
  Alerting(out, config.alerting);
  if (!config.rule_files.empty()) {
    out << YAML::Key << "rule_files" << YAML::Value << config.rule_files;
  }
  if (!config.scrape_configs.empty()) {
    out << YAML::Key << "scrape_configs" << YAML::Value << YAML::BeginSeq;
    for (const ScrapeConfig& s : config.scrape_configs) Scrape(out, s);
    out << YAML::EndSeq;
  }
  if (!config.remote_write.empty()) {
    out << YAML::Key << "remote_write" << YAML::Value << YAML::BeginSeq;
    for (const RemoteWriteConfig& rw : config.remote_write) RemoteWrite(out, rw);
    out << YAML::EndSeq;
  }
  if (!config.remote_read.empty()) {
    out << YAML::Key << "remote_read" << YAML::Value << YAML::BeginSeq;
    for (const RemoteReadConfig& rr : config.remote_read) RemoteRead(out, rr);
    out << YAML::EndSeq;
  }
  if (config.storage.out_of_order_time_window != absl::ZeroDuration()) {
    out << YAML::Key << "storage" << YAML::Value << YAML::BeginMap << YAML::Key << "tsdb"
        << YAML::Value << YAML::BeginMap;
    Duration(out, "out_of_order_time_window", config.storage.out_of_order_time_window);
    out << YAML::EndMap << YAML::EndMap;
  }
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

std::string ScrapeConfigFingerprint(const ScrapeConfig& config) {
  reveal_secrets = true;
  YAML::Emitter out;
  Scrape(out, config);
  reveal_secrets = false;
  return out.c_str();
}

std::string RemoteWriteConfigFingerprint(const RemoteWriteConfig& config) {
  reveal_secrets = true;
  YAML::Emitter out;
  RemoteWrite(out, config);
  reveal_secrets = false;
  return out.c_str();
}

}  // namespace sextant::config
