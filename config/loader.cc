#include "config/loader.h"

#include <fstream>
#include <set>
#include <sstream>

#include "config/decode_common.h"
#include "config/yaml_decoder.h"
#include "model/label_names.h"
#include "util/go_format.h"
#include "util/strings.h"

namespace sextant::config {

using internal::DecodeContext;
using internal::MapDecoder;
using util::QuoteGo;
using util::StrCat;

std::string_view RelabelActionName(RelabelAction action) {
  switch (action) {
    case RelabelAction::kReplace:
      return "replace";
    case RelabelAction::kKeep:
      return "keep";
    case RelabelAction::kDrop:
      return "drop";
    case RelabelAction::kKeepEqual:
      return "keepequal";
    case RelabelAction::kDropEqual:
      return "dropequal";
    case RelabelAction::kHashMod:
      return "hashmod";
    case RelabelAction::kLabelMap:
      return "labelmap";
    case RelabelAction::kLabelDrop:
      return "labeldrop";
    case RelabelAction::kLabelKeep:
      return "labelkeep";
    case RelabelAction::kLowercase:
      return "lowercase";
    case RelabelAction::kUppercase:
      return "uppercase";
  }
  return "replace";
}

namespace {

// Headers that remote_write/remote_read may not set (Prometheus's reservedHeaders).
constexpr std::string_view kReservedHeaders[] = {"host",
                                                 "content-encoding",
                                                 "content-length",
                                                 "content-type",
                                                 "user-agent",
                                                 "connection",
                                                 "keep-alive",
                                                 "proxy-authenticate",
                                                 "proxy-authorization",
                                                 "www-authenticate",
                                                 "accept-encoding",
                                                 "x-prometheus-remote-write-version",
                                                 "x-prometheus-remote-read-version",
                                                 "x-amz-date",
                                                 "x-amz-security-token",
                                                 "x-amz-content-sha256"};

void DecodeLimits(MapDecoder& d, ScrapeLimits* l) {
  d.ByteSize("body_size_limit", &l->body_size_limit);
  d.Uint("sample_limit", &l->sample_limit);
  d.Uint("target_limit", &l->target_limit);
  d.Uint("label_limit", &l->label_limit);
  d.Uint("label_name_length_limit", &l->label_name_length_limit);
  d.Uint("label_value_length_limit", &l->label_value_length_limit);
  d.Uint("keep_dropped_targets", &l->keep_dropped_targets);
}

void DecodeGlobal(MapDecoder& d, GlobalConfig* g) {
  absl::Duration scrape_interval = absl::ZeroDuration();
  absl::Duration scrape_timeout = absl::ZeroDuration();
  absl::Duration evaluation_interval = absl::ZeroDuration();
  d.Duration("scrape_interval", &scrape_interval);
  d.Duration("scrape_timeout", &scrape_timeout);
  d.Duration("evaluation_interval", &evaluation_interval);
  d.Duration("rule_query_offset", &g->rule_query_offset);
  d.Labels("external_labels", &g->external_labels);
  d.String("query_log_file", &g->query_log_file);
  DecodeLimits(d, &g->limits);
  d.NotSupported("scrape_protocols", "");
  d.NotSupported("scrape_failure_log_file", "");
  d.NotSupported("metric_name_validation_scheme", "");
  if (!d.ok()) return;

  // Prometheus: the interval first, then the timeout (explicit or inferred) must not exceed it.
  const GlobalConfig defaults;
  g->scrape_interval =
      scrape_interval == absl::ZeroDuration() ? defaults.scrape_interval : scrape_interval;
  if (scrape_timeout > g->scrape_interval) {
    return d.Error("scrape_timeout", "global scrape timeout greater than scrape interval");
  }
  if (scrape_timeout == absl::ZeroDuration()) {
    scrape_timeout = std::min(defaults.scrape_timeout, g->scrape_interval);
  }
  g->scrape_timeout = scrape_timeout;
  g->evaluation_interval = evaluation_interval == absl::ZeroDuration()
                               ? defaults.evaluation_interval
                               : evaluation_interval;
}

void DecodeScrapeConfig(MapDecoder& d, const GlobalConfig& global, ScrapeConfig* c) {
  absl::Duration interval = absl::ZeroDuration();
  absl::Duration timeout = absl::ZeroDuration();
  c->limits = global.limits;

  d.String("job_name", &c->job_name);
  d.Duration("scrape_interval", &interval);
  d.Duration("scrape_timeout", &timeout);
  d.StringList("scrape_protocols", &c->scrape_protocols);
  d.String("fallback_scrape_protocol", &c->fallback_scrape_protocol);
  d.String("metrics_path", &c->metrics_path);
  d.String("scheme", &c->scheme);
  d.StringListMap("params", &c->params);
  d.Bool("honor_labels", &c->honor_labels);
  d.Bool("honor_timestamps", &c->honor_timestamps);
  d.Bool("track_timestamps_staleness", &c->track_timestamps_staleness);
  d.Bool("enable_compression", &c->enable_compression);
  d.Bool("always_scrape_classic_histograms", &c->always_scrape_classic_histograms);
  DecodeLimits(d, &c->limits);
  d.NotSupported("native_histogram_bucket_limit", "native histograms are not supported yet");
  d.NotSupported("native_histogram_min_bucket_factor", "native histograms are not supported yet");
  d.NotSupported("convert_classic_histograms_to_nhcb", "native histograms are not supported yet");
  d.NotSupported("scrape_failure_log_file", "");
  d.NotSupported("metric_name_validation_scheme", "");
  d.NotSupported("metric_name_escaping_scheme", "");
  internal::DecodeHttpClient(d, &c->http);
  internal::DecodeServiceDiscovery(d, &c->sd);
  internal::DecodeRelabelConfigs(d, "relabel_configs",
                                 "empty or null target relabeling rule in scrape config",
                                 &c->relabel_configs);
  internal::DecodeRelabelConfigs(d, "metric_relabel_configs",
                                 "empty or null metric relabeling rule in scrape config",
                                 &c->metric_relabel_configs);
  if (!d.ok()) return;

  if (c->job_name.empty()) return d.Error("job_name", "job_name is empty");
  c->scrape_interval = interval == absl::ZeroDuration() ? global.scrape_interval : interval;
  if (timeout > c->scrape_interval) {
    return d.Error("scrape_timeout",
                   StrCat("scrape timeout greater than scrape interval for scrape config with job "
                          "name ",
                          QuoteGo(c->job_name)));
  }
  if (timeout == absl::ZeroDuration()) {
    timeout = std::min(global.scrape_timeout, c->scrape_interval);
  }
  c->scrape_timeout = timeout;
  for (const std::string& protocol : c->scrape_protocols) {
    static const std::set<std::string, std::less<>> kProtocols = {
        "PrometheusProto", "OpenMetricsText0.0.1", "OpenMetricsText1.0.0", "PrometheusText0.0.4",
        "PrometheusText1.0.0"};
    if (kProtocols.count(protocol) == 0) {
      return d.Error("scrape_protocols", StrCat("unknown scrape protocol ", protocol));
    }
  }
  internal::CheckTargetAddresses(d, c->sd);
}

void DecodeAlertmanager(MapDecoder& d, AlertmanagerConfig* am) {
  d.Duration("timeout", &am->timeout);
  d.String("api_version", &am->api_version);
  d.String("path_prefix", &am->path_prefix);
  d.String("scheme", &am->scheme);
  internal::DecodeHttpClient(d, &am->http);
  internal::DecodeServiceDiscovery(d, &am->sd);
  internal::DecodeRelabelConfigs(d, "relabel_configs",
                                 "empty or null Alertmanager target relabeling rule",
                                 &am->relabel_configs);
  internal::DecodeRelabelConfigs(d, "alert_relabel_configs", "empty or null alert relabeling rule",
                                 &am->alert_relabel_configs);
  d.NotSupported("sigv4", "");
  if (!d.ok()) return;
  // Prometheus 3.x dropped Alertmanager's v1 API (2.x still accepted it).
  if (am->api_version != "v2") {
    return d.Error(
        "api_version",
        StrCat("expected Alertmanager api version to be one of [v2] but got ", am->api_version));
  }
  internal::CheckTargetAddresses(d, am->sd);
}

// Go's url.Parse rejects bad percent escapes and control characters; little else.
std::string CheckUrl(std::string_view url) {
  for (size_t i = 0; i < url.size(); ++i) {
    const auto c = static_cast<unsigned char>(url[i]);
    if (c < 0x20 || c == 0x7f) {
      return StrCat("parse ", QuoteGo(url), ": net/url: invalid control character in URL");
    }
    if (c == '%') {
      auto hex = [](char h) { return std::isxdigit(static_cast<unsigned char>(h)) != 0; };
      if (i + 2 >= url.size() || !hex(url[i + 1]) || !hex(url[i + 2])) {
        return StrCat("parse ", QuoteGo(url), ": invalid URL escape ",
                      QuoteGo(url.substr(i, std::min<size_t>(3, url.size() - i))));
      }
    }
  }
  return "";
}

std::string CheckHeaders(const std::map<std::string, std::string>& headers) {
  for (const auto& [name, value] : headers) {
    const std::string lower = util::AsciiLower(name);
    if (lower == "authorization") {
      return "authorization header must be changed via the basic_auth, authorization, oauth2, "
             "sigv4, or azuread parameter";
    }
    for (std::string_view reserved : kReservedHeaders) {
      if (lower == reserved) return StrCat(name, " is a reserved header. It must not be changed");
    }
  }
  return "";
}

void DecodeRemoteWrite(MapDecoder& d, RemoteWriteConfig* rw) {
  d.String("url", &rw->url);
  d.Duration("remote_timeout", &rw->remote_timeout);
  d.StringMap("headers", &rw->headers);
  internal::DecodeRelabelConfigs(d, "write_relabel_configs",
                                 "empty or null relabeling rule in remote write config",
                                 &rw->write_relabel_configs);
  d.String("name", &rw->name);
  d.Bool("send_exemplars", &rw->send_exemplars);
  d.Bool("send_native_histograms", &rw->send_native_histograms);
  d.String("protobuf_message", &rw->protobuf_message);
  d.NotSupported("sigv4", "");
  d.NotSupported("azuread", "");
  d.NotSupported("google_iam", "");
  d.NotSupported("round_robin_dns", "");
  internal::DecodeHttpClient(d, &rw->http);
  d.Object("queue_config", [&](MapDecoder& q) {
    QueueConfig& qc = rw->queue_config;
    q.Int("capacity", &qc.capacity);
    q.Int("max_shards", &qc.max_shards);
    q.Int("min_shards", &qc.min_shards);
    q.Int("max_samples_per_send", &qc.max_samples_per_send);
    q.Duration("batch_send_deadline", &qc.batch_send_deadline);
    q.Duration("min_backoff", &qc.min_backoff);
    q.Duration("max_backoff", &qc.max_backoff);
    q.Bool("retry_on_http_429", &qc.retry_on_http_429);
    q.Duration("sample_age_limit", &qc.sample_age_limit);
  });
  d.Object("metadata_config", [&](MapDecoder& m) {
    m.Bool("send", &rw->metadata_config.send);
    m.Duration("send_interval", &rw->metadata_config.send_interval);
    m.Int("max_samples_per_send", &rw->metadata_config.max_samples_per_send);
  });
  if (!d.ok()) return;
  if (rw->url.empty()) return d.Error("url", "url for remote_write is empty");
  if (std::string err = CheckUrl(rw->url); !err.empty()) return d.Error("url", err);
  if (std::string err = CheckHeaders(rw->headers); !err.empty()) return d.Error("headers", err);
  if (rw->protobuf_message != "prometheus.WriteRequest" &&
      rw->protobuf_message != "io.prometheus.write.v2.Request") {
    return d.Error("protobuf_message",
                   StrCat("invalid protobuf_message value: unknown type for remote write protobuf "
                          "message ",
                          rw->protobuf_message,
                          ", supported: prometheus.WriteRequest, io.prometheus.write.v2.Request"));
  }
  const QueueConfig& qc = rw->queue_config;
  if (qc.max_shards <= 0) {
    return d.Error("queue_config", "remote write queue max_shards must be positive");
  }
  if (qc.min_shards <= 0) {
    return d.Error("queue_config", "remote write queue min_shards must be positive");
  }
  if (qc.min_shards > qc.max_shards) {
    return d.Error("queue_config",
                   "remote write queue min_shards must not be greater than max_shards");
  }
  if (qc.max_samples_per_send <= 0) {
    return d.Error("queue_config", "remote write queue max_samples_per_send must be positive");
  }
}

void DecodeRemoteRead(MapDecoder& d, RemoteReadConfig* rr) {
  d.String("url", &rr->url);
  d.Duration("remote_timeout", &rr->remote_timeout);
  d.StringMap("headers", &rr->headers);
  d.Bool("read_recent", &rr->read_recent);
  d.String("name", &rr->name);
  d.StringMap("required_matchers", &rr->required_matchers);
  d.Bool("filter_external_labels", &rr->filter_external_labels);
  internal::DecodeHttpClient(d, &rr->http);
  if (!d.ok()) return;
  if (rr->url.empty()) return d.Error("url", "url for remote_read is empty");
  if (std::string err = CheckUrl(rr->url); !err.empty()) return d.Error("url", err);
  if (std::string err = CheckHeaders(rr->headers); !err.empty()) return d.Error("headers", err);
}

// Prometheus: ^[^*]*(\*[^/]*)?$ (a wildcard only in the last path element), and a glob that
// filepath.Match can parse.
std::string CheckRuleFile(std::string_view pattern) {
  const size_t star = pattern.find('*');
  if (star != std::string_view::npos && (pattern.find('/', star) != std::string_view::npos ||
                                         pattern.find('*', star + 1) != std::string_view::npos)) {
    return StrCat("invalid rule file path ", QuoteGo(pattern));
  }
  int depth = 0;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\') {
      ++i;
    } else if (pattern[i] == '[') {
      ++depth;
    } else if (pattern[i] == ']' && depth > 0) {
      --depth;
    }
  }
  if (depth != 0)
    return StrCat("invalid rule file path ", QuoteGo(pattern), ": syntax error in pattern");
  return "";
}

// The last element of `list` must not share its (non-empty) name with an earlier one. Prometheus
// says "job name" for remote configs too.
template <typename T>
void CheckUniqueName(MapDecoder& d, std::string_view key, const std::vector<T>& list,
                     std::string_view what) {
  if (!d.ok()) return;
  auto name_of = [](const T& t) -> const std::string& {
    if constexpr (std::is_same_v<T, ScrapeConfig>) {
      return t.job_name;
    } else {
      return t.name;
    }
  };
  const std::string& name = name_of(list.back());
  if (name.empty()) return;
  for (size_t i = 0; i + 1 < list.size(); ++i) {
    if (name_of(list[i]) == name) {
      return d.Error(key, StrCat("found multiple ", what, " with job name ", QuoteGo(name)));
    }
  }
}

void DecodeTopLevel(MapDecoder& d, Config* c) {
  // Without a `global` section, GlobalConfig's initialisers already are Prometheus's defaults.
  d.Object("global", [&](MapDecoder& g) { DecodeGlobal(g, &c->global); });
  d.StringList("rule_files", &c->rule_files);
  d.NotSupported("scrape_config_files", "list the scrape configs in this file instead");
  d.ObjectList(
      "scrape_configs",
      [&](MapDecoder& s, size_t) {
        c->scrape_configs.emplace_back();
        DecodeScrapeConfig(s, c->global, &c->scrape_configs.back());
        CheckUniqueName(s, "job_name", c->scrape_configs, "scrape configs");
      },
      "empty or null scrape config section");
  d.Object("alerting", [&](MapDecoder& a) {
    internal::DecodeRelabelConfigs(a, "alert_relabel_configs",
                                   "empty or null alert relabeling rule",
                                   &c->alerting.alert_relabel_configs);
    a.ObjectList(
        "alertmanagers",
        [&](MapDecoder& am, size_t) {
          c->alerting.alertmanagers.emplace_back();
          DecodeAlertmanager(am, &c->alerting.alertmanagers.back());
        },
        "empty or null alert manager config");
  });
  d.ObjectList(
      "remote_write",
      [&](MapDecoder& w, size_t) {
        c->remote_write.emplace_back();
        DecodeRemoteWrite(w, &c->remote_write.back());
        CheckUniqueName(w, "name", c->remote_write, "remote write configs");
      },
      "empty or null remote write config section");
  d.ObjectList(
      "remote_read",
      [&](MapDecoder& r, size_t) {
        c->remote_read.emplace_back();
        DecodeRemoteRead(r, &c->remote_read.back());
        CheckUniqueName(r, "name", c->remote_read, "remote read configs");
      },
      "empty or null remote read config section");
  d.Object("storage", [&](MapDecoder& s) {
    s.Object("tsdb", [&](MapDecoder& t) {
      t.Duration("out_of_order_time_window", &c->storage.out_of_order_time_window);
    });
    s.NotSupported("exemplars", "exemplars are not stored yet");
  });
  d.NotSupported("tracing", "");
  d.NotSupported("otlp", "");
  d.NotSupported("runtime", "");
}

void ResolvePaths(std::string_view dir, Config* c) {
  using internal::ResolvePath;
  for (std::string& rf : c->rule_files) rf = ResolvePath(dir, rf);
  c->global.query_log_file = ResolvePath(dir, c->global.query_log_file);
  auto resolve_sd = [&](ServiceDiscovery& sd) {
    for (FileSdConfig& f : sd.file_sd_configs) {
      for (std::string& file : f.files) file = ResolvePath(dir, file);
    }
    for (HttpSdConfig& h : sd.http_sd_configs) internal::ResolveHttpClientPaths(dir, &h.http);
    for (KubernetesSdConfig& k : sd.kubernetes_sd_configs) {
      k.kubeconfig_file = ResolvePath(dir, k.kubeconfig_file);
      internal::ResolveHttpClientPaths(dir, &k.http);
    }
  };
  for (ScrapeConfig& s : c->scrape_configs) {
    resolve_sd(s.sd);
    internal::ResolveHttpClientPaths(dir, &s.http);
  }
  for (AlertmanagerConfig& am : c->alerting.alertmanagers) {
    resolve_sd(am.sd);
    internal::ResolveHttpClientPaths(dir, &am.http);
  }
  for (RemoteWriteConfig& rw : c->remote_write) internal::ResolveHttpClientPaths(dir, &rw.http);
  for (RemoteReadConfig& rr : c->remote_read) internal::ResolveHttpClientPaths(dir, &rr.http);
}

}  // namespace

absl::StatusOr<Config> LoadConfig(std::string_view yaml, std::string_view filename,
                                  std::string_view base_dir) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    // yaml-cpp's own text repeats the position; keep just the reason.
    return absl::InvalidArgumentError(StrCat(filename, ":", e.mark.line + 1, ": yaml: ", e.msg));
  }
  Config config;
  config.source_file = std::string(filename);
  DecodeContext ctx{std::string(filename)};
  MapDecoder top(&ctx, root, "");
  if (ctx.ok()) {
    DecodeTopLevel(top, &config);
    top.Finish();
    for (const std::string& rf : config.rule_files) {
      if (std::string err = CheckRuleFile(rf); !err.empty()) top.Error("rule_files", err);
    }
  }
  if (!ctx.ok()) return ctx.status();
  ResolvePaths(base_dir, &config);
  return config;
}

absl::StatusOr<Config> LoadConfigFile(std::string_view path) {
  std::ifstream in{std::string(path)};
  if (!in) {
    return absl::NotFoundError(StrCat("couldn't load configuration (--config.file=", QuoteGo(path),
                                      "): open ", path, ": no such file or directory"));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  const size_t slash = path.rfind('/');
  const std::string_view dir = slash == std::string_view::npos ? "" : path.substr(0, slash);
  return LoadConfig(buffer.str(), path, dir);
}

absl::Status CheckAgentConfig(const Config& config) {
  if (!config.alerting.alertmanagers.empty() || !config.alerting.alert_relabel_configs.empty()) {
    return absl::InvalidArgumentError("field alerting is not allowed in agent mode");
  }
  if (!config.rule_files.empty()) {
    return absl::InvalidArgumentError("field rule_files is not allowed in agent mode");
  }
  if (!config.remote_read.empty()) {
    return absl::InvalidArgumentError("field remote_read is not allowed in agent mode");
  }
  return absl::OkStatus();
}

}  // namespace sextant::config
