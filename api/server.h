#pragma once

// ApiServer: Sextant's HTTP server on --web.listen-address.
//
// Serves the management endpoints (/-/healthy, /-/ready, /-/reload, /-/quit), /metrics, the
// /api/v1/status/* endpoints, the web UI (api/ui/ui_assets.h: its pages, /assets/*, the
// favicon, and `/` redirected to the query page), and once ready the query, metadata, admin,
// federation and remote endpoints (api/query_api.h), the rules endpoints (api/rules_api.h),
// /api/v1/parse_query (api/parse_query.h), /api/v1/features (api/features.h) and
// /api/v1/targets/relabel_steps (api/relabel_steps.h), in Prometheus's shapes.
// Every request is counted in prometheus_http_requests_total{code,handler} and timed in
// prometheus_http_request_duration_seconds{handler}.
//
// The HTTP layer is api/http/server.h (event-driven, keep-alive, timeouts, connection limit,
// strict parsing, TLS and authentication hooks). PromQL evaluation and the other handlers that
// read many series (query, query_range, series, labels, label values, federate, remote read,
// status/tsdb) run on a pool of --query.max-concurrency threads; remote write, admin and reload
// on a small blocking pool; everything else on the I/O threads, so health checks and /metrics
// answer while every query slot is busy. A query whose client disconnects is canceled through
// the engine's cancel flag and counted with code 499 (canceled).
//
// Lifecycle: construct, Start() (binds the port; fails if it is taken), SetReady() once storage
// is open (until then /-/ready answers 503), Stop() to close the listener and finish in-flight
// requests. Thread-safety: SetReady() and Stop() may be called from any thread; handlers run on
// the server's threads and call the hooks from there.

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "api/http/server.h"
#include "util/metrics.h"

namespace sextant::api {

class QueryApi;
class RulesApi;
namespace ui {
class UiAssets;
}

struct ServerOptions {
  http::ListenAddress listen_address;  // ":9090" (host 0.0.0.0) listens on all interfaces
  bool enable_lifecycle = false;       // POST/PUT /-/reload and /-/quit
  // Every endpoint is served under this prefix ("" or e.g. "/sextant"; see RoutePrefix()).
  std::string route_prefix;
  // What the UI's index.html shows (api/ui/ui_assets.h): --web.page-title and
  // --query.lookback-delta as a Prometheus duration.
  std::string page_title = "Sextant Time Series Collection and Processing Server";
  std::string lookback_delta = "5m";
  // Agent mode (--agent): the UI's index.html says agentMode: true. The query endpoints answer
  // "unavailable with Prometheus Agent" through QueryApiOptions::agent_mode (api/query_api.h).
  bool agent_mode = false;
  absl::Duration read_timeout = absl::Minutes(5);  // --web.read-timeout: a request's whole read
  size_t max_request_body_bytes = 32 << 20;
  int64_t max_connections = 512;  // --web.max-connections; 0 means no limit
  int query_concurrency = 20;     // --query.max-concurrency: threads of the query pool
  int io_threads = 2;
  // TLS, authentication and extra headers from --web.config.file (api/web/); all optional.
  http::WebHooks web;
  // CORS (--web.cors.origin): called on every /api/v1 response (including the OPTIONS preflight,
  // answered 204) to add Prometheus's Access-Control-* headers when the Origin matches. Optional.
  std::function<void(const http::Request&, http::Response&)> cors;
};

// What /api/v1/status/runtimeinfo reports besides what the server knows itself.
struct RuntimeInfo {
  absl::Time start_time;
  std::string cwd;
  bool reload_config_success = false;
  absl::Time last_config_time;
  int64_t corruption_count = 0;
  std::string storage_retention;  // e.g. "90d" or "90d or 512MiB"
};

// The parts of the server the HTTP handlers reach. All must be set; they must be thread-safe.
struct ServerHooks {
  std::function<absl::Status()> reload;                    // /-/reload
  std::function<void()> quit;                              // /-/quit, after the response is sent
  std::function<std::string()> config_yaml;                // /api/v1/status/config
  std::function<RuntimeInfo()> runtime_info;               // /api/v1/status/runtimeinfo
  std::vector<std::pair<std::string, std::string>> flags;  // /api/v1/status/flags
  // /api/v1/status/remote_write (Sextant's own, api/remote_write_status.h): the JSON `data`.
  // Optional: without it the endpoint lists no queues.
  std::function<std::string()> remote_write_status;
};

class ApiServer {
 public:
  // `registry` must outlive the server; /metrics serves it.
  ApiServer(ServerOptions options, ServerHooks hooks, util::Registry* registry);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Binds the listen address and starts serving on a background thread.
  // Errors: InvalidArgument for a malformed address, Unavailable when it cannot be bound.
  absl::Status Start();
  // Marks the server ready: /-/ready answers 200, and the query, metadata, admin and federation
  // endpoints (api/query_api.h) are served by `query_api` (which must outlive the server).
  // Until then they answer 503 "Service Unavailable", as Prometheus's do during startup.
  void SetReady(const QueryApi* query_api = nullptr) {
    query_api_.store(query_api);
    ready_.store(true);
  }
  // Serves /api/v1/rules, /api/v1/alerts and /api/v1/alertmanagers from `rules_api` (which must
  // outlive the server); until set they answer with empty lists.
  void SetRulesApi(const RulesApi* rules_api) { rules_api_.store(rules_api); }
  // Stops accepting connections and waits for in-flight requests. Idempotent.
  void Stop();
  // The bound port (useful with port 0); valid after Start().
  int port() const { return port_; }

 private:
  class Routes;

  const ServerOptions options_;
  const ServerHooks hooks_;
  util::Registry* const registry_;
  util::Family<util::Counter>* const requests_;
  util::Family<util::Histogram>* const durations_;
  std::unique_ptr<http::Router> router_;
  std::unique_ptr<const ui::UiAssets> ui_;
  std::unique_ptr<http::HttpServer> http_;
  std::atomic<bool> ready_{false};
  std::atomic<const QueryApi*> query_api_{nullptr};
  std::atomic<const RulesApi*> rules_api_{nullptr};
  int port_ = 0;
};

// The route prefix Prometheus derives from --web.route-prefix, or else from the path of
// --web.external-url: no trailing slash, "" for the root. "/" and "" give "".
std::string RoutePrefix(std::string_view route_prefix_flag, std::string_view external_url);

}  // namespace sextant::api
