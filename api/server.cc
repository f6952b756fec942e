#include "api/server.h"

#include "api/envelope.h"
#include "api/features.h"
#include "api/http/request.h"
#include "api/http/router.h"
#include "api/parse_query.h"
#include "api/query_api.h"
#include "api/relabel_steps.h"
#include "api/remote/remote.h"
#include "api/rules_api.h"
#include "api/status_handlers.h"
#include "api/ui/ui_assets.h"
#include "promql/parser.h"
#include "util/log.h"
#include "util/strings.h"

namespace sextant::api {
namespace {

using http::Executor;
using http::Handler;
using http::Request;
using http::Response;

const util::Logger kLog("web");

constexpr char kTextPlain[] = "text/plain; charset=utf-8";
constexpr char kMetricsContentType[] = "text/plain; version=0.0.4; charset=utf-8";

void Json(Response& res, const std::string& data_json) {
  res.Set(200, SuccessBody(data_json), kJsonContentType);
}

void Text(Response& res, int status, std::string body) {
  res.Set(status, std::move(body), kTextPlain);
}

}  // namespace

std::string RoutePrefix(std::string_view route_prefix_flag, std::string_view external_url) {
  std::string_view prefix = route_prefix_flag;
  if (prefix.empty()) {
    // The path of the external URL: what follows scheme://host[:port].
    const size_t scheme = external_url.find("://");
    const size_t host_start = scheme == std::string_view::npos ? 0 : scheme + 3;
    const size_t path_start = external_url.find('/', host_start);
    prefix = path_start == std::string_view::npos ? "" : external_url.substr(path_start);
  }
  std::string out(prefix);
  while (!out.empty() && out.back() == '/') out.pop_back();
  if (!out.empty() && out.front() != '/') out.insert(out.begin(), '/');
  return out;
}

ApiServer::ApiServer(ServerOptions options, ServerHooks hooks, util::Registry* registry)
    : options_(std::move(options)),
      hooks_(std::move(hooks)),
      registry_(registry),
      requests_(registry->NewCounterFamily("prometheus_http_requests_total",
                                           "Counter of HTTP requests.", {"code", "handler"})),
      durations_(registry->NewHistogramFamily("prometheus_http_request_duration_seconds",
                                              "Histogram of latencies for HTTP requests.",
                                              {"handler"}, {.1, .2, .4, 1, 3, 8, 20, 60, 120})),
      router_(std::make_unique<http::Router>(options_.route_prefix)),
      ui_(std::make_unique<ui::UiAssets>(ui::UiOptions{.route_prefix = options_.route_prefix,
                                                       .page_title = options_.page_title,
                                                       .lookback_delta = options_.lookback_delta,
                                                       .agent_mode = options_.agent_mode})) {}

ApiServer::~ApiServer() { Stop(); }

// Registers the routes on the router, each wrapped to record its metrics.
class ApiServer::Routes {
 public:
  explicit Routes(ApiServer* s) : s_(s) {}

  // `pattern` is a router pattern (api/http/router.h); `handler_label` names it in the metrics.
  void Add(std::string_view method, const std::string& pattern, Handler handler,
           std::string handler_label = "", Executor executor = Executor::kInline) {
    if (handler_label.empty()) handler_label = pattern;
    const bool api_v1 = pattern.rfind("/api/v1/", 0) == 0;
    // Routes is a short-lived builder: handlers capture the server, never `this`.
    Handler wrapped = [s = s_, handler_label, api_v1, handler = std::move(handler)](Request& req,
                                                                                    Response& res) {
      const absl::Time start = absl::Now();
      if (req.cancelled()) {
        // The client left while the request waited for a pool thread.
        res.Set(ErrorTypeHttpCode(ErrorType::kCanceled),
                ErrorBody(ErrorType::kCanceled, "context canceled"), kJsonContentType);
      } else {
        handler(req, res);
      }
      if (api_v1 && s->options_.cors) s->options_.cors(req, res);
      s->requests_->With({std::to_string(res.status), handler_label})->Inc();
      s->durations_->With({handler_label})->Observe(absl::ToDoubleSeconds(absl::Now() - start));
    };
    s_->router_->Add(method, pattern, std::move(wrapped), executor);
  }

  void AddAll() {
    const ServerHooks& hooks = s_->hooks_;
    Add("GET", "/-/healthy",
        [](Request&, Response& res) { Text(res, 200, "Sextant Server is Healthy.\n"); });
    Add("GET", "/-/ready", [s = s_](Request&, Response& res) {
      if (s->ready_.load()) {
        Text(res, 200, "Sextant Server is Ready.\n");
      } else {
        Text(res, 503, "Service Unavailable");
      }
    });
    AddLifecycle(
        "/-/reload",
        [&hooks](Request&, Response& res) {
          if (absl::Status s = hooks.reload(); !s.ok()) {
            Text(res, 500, util::StrCat("failed to reload config: ", s.message()));
          } else {
            res.status = 200;
          }
        },
        Executor::kBlocking);
    AddLifecycle("/-/quit", [&hooks](Request&, Response& res) {
      Text(res, 200, "Requesting termination... Goodbye!");
      hooks.quit();
    });
    Add("GET", "/metrics", [s = s_](Request&, Response& res) {
      res.Set(200, s->registry_->WriteText(), kMetricsContentType);
    });
    AddStatus("/api/v1/status/buildinfo", [] { return BuildInfoJson(); });
    AddStatus("/api/v1/status/flags", [&hooks] { return FlagsJson(hooks.flags); });
    AddStatus("/api/v1/status/config", [&hooks] { return ConfigJson(hooks.config_yaml()); });
    AddStatus("/api/v1/status/runtimeinfo",
              [&hooks] { return RuntimeInfoJson(hooks.runtime_info()); });
    AddStatus("/api/v1/status/remote_write", [&hooks] {
      return hooks.remote_write_status ? hooks.remote_write_status()
                                       : std::string(R"({"queues":[]})");
    });
    AddQueryApi();
    AddUi();
    // The CORS preflight of every API path, answered as Prometheus's api.options: 204.
    Add("OPTIONS", "/api/v1/*path", [](Request&, Response& res) { res.status = 204; });
    s_->router_->SetNotFound([s = s_](Request& req, Response& res) {
      if (req.path == "/" && (req.method == "GET" || req.method == "HEAD")) {
        // `/` outside a route prefix: to the home page under it, as Prometheus does.
        s->ui_->RedirectHome(res);
        s->requests_->With({"302", "/"})->Inc();
        return;
      }
      // Unknown paths: Prometheus's API answers JSON under /api/, plain text elsewhere.
      if (req.path.rfind(s->options_.route_prefix + "/api/", 0) == 0) {
        res.Set(404, ErrorBody(ErrorType::kNotFound, "page not found"), kJsonContentType);
      } else {
        Text(res, 404, "404 page not found\n");
      }
      s->requests_->With({"404", "other"})->Inc();
    });
  }

 private:
  static void Send(Response& res, ApiResult r) {
    res.status = r.status;
    if (r.status == 204) return;
    if (r.content_type == remote::kReadContentType) {
      res.SetHeader("Content-Encoding", remote::kReadContentEncoding);
    }
    // Moved, not copied: query results can be megabytes.
    res.body = std::move(r.body);
    res.SetHeader("Content-Type", r.content_type);
  }

  using QueryFn = std::function<ApiResult(const QueryApi&, const Request&)>;

  // A route served by the QueryApi once the server is ready; 503 before.
  void AddReady(std::initializer_list<std::string_view> methods, const std::string& pattern,
                QueryFn fn, std::string handler_label = "", Executor executor = Executor::kInline) {
    Handler h = [s = s_, fn = std::move(fn), agent_gated = UnavailableInAgentMode(pattern)](
                    Request& req, Response& res) {
      const QueryApi* api = s->query_api_.load();
      if (api == nullptr) {
        Text(res, 503, "Service Unavailable");
        return;
      }
      if (agent_gated && api->options().agent_mode) {
        Send(res, AgentModeUnavailable());  // as Prometheus's wrapAgent
        return;
      }
      Send(res, fn(*api, req));
    };
    for (std::string_view m : methods) Add(m, pattern, h, handler_label, executor);
  }

  // `methods` is a list like {"GET", "POST"}.
  void AddApi(std::initializer_list<std::string_view> methods, const std::string& pattern,
              std::function<ApiResult(const QueryApi*, const Params&)> fn,
              Executor executor = Executor::kInline) {
    AddReady(
        methods, pattern,
        [fn = std::move(fn)](const QueryApi& api, const Request& req) {
          return fn(&api, req.params);
        },
        "", executor);
  }

  // The rules endpoints: served by the RulesApi once set, else as if there were no rules.
  void AddRules(const std::string& path, ApiResult (RulesApi::*fn)(const Params&) const) {
    AddApi({"GET"}, path, [s = s_, fn](const QueryApi*, const Params& p) {
      static const RulesApi kEmpty(nullptr, nullptr);
      const RulesApi* api = s->rules_api_.load();
      return ((api != nullptr ? *api : kEmpty).*fn)(p);
    });
  }

  void AddQueryApi() {
    constexpr Executor kQuery = Executor::kQuery;
    constexpr Executor kBlocking = Executor::kBlocking;
    AddReady(
        {"GET", "POST"}, "/api/v1/query",
        [](const QueryApi& a, const Request& r) { return a.Query(r.params, {r.cancel}); }, "",
        kQuery);
    AddReady(
        {"GET", "POST"}, "/api/v1/query_range",
        [](const QueryApi& a, const Request& r) { return a.QueryRange(r.params, {r.cancel}); }, "",
        kQuery);
    AddApi({"GET", "POST"}, "/api/v1/format_query",
           [](const QueryApi* a, const Params& p) { return a->FormatQuery(p); });
    AddApi(
        {"GET", "POST"}, "/api/v1/series",
        [](const QueryApi* a, const Params& p) { return a->Series(p); }, kQuery);
    AddApi(
        {"GET", "POST"}, "/api/v1/labels",
        [](const QueryApi* a, const Params& p) { return a->LabelNames(p); }, kQuery);
    AddReady(
        {"GET"}, "/api/v1/label/:name/values",
        [](const QueryApi& a, const Request& req) {
          return a.LabelValues(req.path_params[0], req.params);
        },
        "", kQuery);
    AddApi({"GET", "POST"}, "/api/v1/query_exemplars",
           [](const QueryApi* a, const Params& p) { return a->QueryExemplars(p); });
    AddApi(
        {"GET"}, "/api/v1/status/tsdb",
        [](const QueryApi* a, const Params& p) { return a->TsdbStatus(p); }, kQuery);
    AddApi({"GET"}, "/api/v1/metadata",
           [](const QueryApi* a, const Params& p) { return a->Metadata(p); });
    AddApi({"GET"}, "/api/v1/targets",
           [](const QueryApi* a, const Params& p) { return a->Targets(p); });
    AddApi({"GET"}, "/api/v1/targets/metadata",
           [](const QueryApi* a, const Params& p) { return a->TargetsMetadata(p); });
    AddApi({"GET"}, "/api/v1/scrape_pools",
           [](const QueryApi* a, const Params& p) { return a->ScrapePools(p); });
    AddRules("/api/v1/rules", &RulesApi::Rules);
    AddRules("/api/v1/alerts", &RulesApi::Alerts);
    AddRules("/api/v1/alertmanagers", &RulesApi::Alertmanagers);
    AddApi(
        {"POST", "PUT"}, "/api/v1/admin/tsdb/delete_series",
        [](const QueryApi* a, const Params& p) { return a->AdminDeleteSeries(p); }, kBlocking);
    AddApi(
        {"POST", "PUT"}, "/api/v1/admin/tsdb/clean_tombstones",
        [](const QueryApi* a, const Params& p) { return a->AdminCleanTombstones(p); }, kBlocking);
    AddApi(
        {"POST", "PUT"}, "/api/v1/admin/tsdb/snapshot",
        [](const QueryApi* a, const Params& p) { return a->AdminSnapshot(p); }, kBlocking);
    AddApi(
        {"GET"}, "/federate", [](const QueryApi* a, const Params& p) { return a->Federate(p); },
        kQuery);
    AddReady(
        {"POST"}, "/api/v1/write",
        [](const QueryApi& a, const Request& req) { return a.RemoteWrite(req.body); }, "",
        kBlocking);
    AddApi({"GET", "POST"}, "/api/v1/parse_query", [](const QueryApi*, const Params& p) {
      absl::StatusOr<std::unique_ptr<promql::Expr>> expr =
          promql::ParseExpr(Param(p, "query").value_or(""));
      if (!expr.ok()) {
        return ErrorResult(InvalidParam("query", util::FromAbsl(expr.status().message())));
      }
      return ApiResult{.body = SuccessBody(ParseQueryJson(**expr))};
    });
    AddApi({"GET"}, "/api/v1/features", [s = s_](const QueryApi* a, const Params&) {
      const FeatureOptions f{.lifecycle = s->options_.enable_lifecycle,
                             .admin = a->options().enable_admin,
                             .remote_write_receiver = a->options().enable_remote_write};
      return ApiResult{.body = SuccessBody(FeaturesJson(f))};
    });
    AddApi({"GET"}, "/api/v1/targets/relabel_steps", [](const QueryApi* a, const Params& p) {
      absl::StatusOr<std::string> data = RelabelStepsJson(a->scrape_manager(), p);
      if (!data.ok()) return ErrorResult(data.status());
      return ApiResult{.body = SuccessBody(*data)};
    });
    AddReady(
        {"POST"}, "/api/v1/read",
        [](const QueryApi& a, const Request& req) { return a.RemoteRead(req.body, {req.cancel}); },
        "", kQuery);
  }

  // The web UI: its pages answer index.html (served while the storage opens, with READY false),
  // its hashed assets are immutable, and the route prefix itself leads to the home page.
  void AddUi() {
    Handler index = [s = s_](Request&, Response& res) {
      s->ui_->ServeIndex(s->ready_.load(), res);
    };
    for (std::string_view page : ui::kPageRoutes) Add("GET", std::string(page), index);
    Handler home = [s = s_](Request&, Response& res) { s->ui_->RedirectHome(res); };
    Add("GET", "", home, "/");  // the prefix without a trailing slash
    Add("GET", "/", home);
    Add("GET", "/assets/*filepath", [s = s_](Request& req, Response& res) {
      s->ui_->ServeFile(util::StrCat("assets/", req.path_params[0]), req, res);
    });
    Handler favicon = [s = s_](Request& req, Response& res) {
      s->ui_->ServeFile("favicon.svg", req, res);
    };
    Add("GET", "/favicon.svg", favicon);
    Add("GET", "/favicon.ico", favicon);
  }

  // Prometheus answers GET and POST alike on the status endpoints (Grafana POSTs buildinfo).
  void AddStatus(const std::string& path, std::function<std::string()> data) {
    Handler h = [data = std::move(data)](Request&, Response& res) { Json(res, data()); };
    Add("GET", path, h);
    Add("POST", path, h);
  }

  // POST and PUT when --web.enable-lifecycle is set, 403 otherwise; GET is 405, as Prometheus.
  void AddLifecycle(const std::string& path, Handler handler,
                    Executor executor = Executor::kInline) {
    if (!s_->options_.enable_lifecycle) {
      handler = [](Request&, Response& res) { Text(res, 403, "Lifecycle API is not enabled."); };
      executor = Executor::kInline;
    }
    Add("POST", path, handler, "", executor);
    Add("PUT", path, handler, "", executor);
    Add("GET", path,
        [](Request&, Response& res) { Text(res, 405, "Only POST or PUT requests allowed"); });
  }

  ApiServer* s_;
};

absl::Status ApiServer::Start() {
  Routes(this).AddAll();
  http::HttpServerOptions o;
  o.listen_address = options_.listen_address;
  o.io_threads = options_.io_threads;
  o.query_threads = options_.query_concurrency;
  o.max_connections = options_.max_connections;
  o.read_timeout = options_.read_timeout;
  // Go's server: without their own settings, the header and idle timeouts are the read timeout.
  o.header_timeout = std::min(options_.read_timeout, absl::Minutes(1));
  o.idle_timeout = options_.read_timeout;
  o.max_body_bytes = options_.max_request_body_bytes;
  o.web = options_.web;
  http_ = std::make_unique<http::HttpServer>(std::move(o), router_.get());
  if (absl::Status s = http_->Start(); !s.ok()) {
    http_.reset();
    return s;
  }
  port_ = http_->port();
  kLog.Info("Start listening for connections", {{"address", options_.listen_address.address}});
  return absl::OkStatus();
}

void ApiServer::Stop() {
  if (http_ != nullptr) http_->Stop();
}

}  // namespace sextant::api
