#include "api/server.h"

#include <charconv>
#include <chrono>
#include <thread>

#include <httplib.h>

#include "api/envelope.h"
#include "api/query_api.h"
#include "api/remote/remote.h"
#include "api/rules_api.h"
#include "api/status_handlers.h"
#include "util/log.h"
#include "util/strings.h"

namespace sextant::api {
namespace {

using httplib::Request;
using httplib::Response;
using Handler = std::function<void(const Request&, Response&)>;

const util::Logger kLog("web");

constexpr char kTextPlain[] = "text/plain; charset=utf-8";
constexpr char kMetricsContentType[] = "text/plain; version=0.0.4; charset=utf-8";

void Json(Response& res, const std::string& data_json) {
  res.status = 200;
  res.set_content(SuccessBody(data_json), kJsonContentType);
}

void Text(Response& res, int status, std::string body) {
  res.status = status;
  res.set_content(std::move(body), kTextPlain);
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

absl::StatusOr<std::pair<std::string, int>> SplitListenAddress(std::string_view address) {
  auto bad = [&](std::string_view why) {
    return absl::InvalidArgumentError(util::StrCat("address ", address, ": ", why));
  };
  std::string_view host;
  std::string_view port;
  if (!address.empty() && address[0] == '[') {
    const size_t close = address.find(']');
    if (close == std::string_view::npos) return bad("missing ']' in address");
    host = address.substr(1, close - 1);
    if (close + 1 >= address.size() || address[close + 1] != ':')
      return bad("missing port in address");
    port = address.substr(close + 2);
  } else {
    const size_t colon = address.rfind(':');
    if (colon == std::string_view::npos) return bad("missing port in address");
    host = address.substr(0, colon);
    if (host.find(':') != std::string_view::npos) return bad("too many colons in address");
    port = address.substr(colon + 1);
  }
  int p = -1;
  const auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
  if (ec != std::errc() || ptr != port.data() + port.size() || p < 0 || p > 65535) {
    return bad("invalid port");
  }
  return std::make_pair(host.empty() ? std::string("0.0.0.0") : std::string(host), p);
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
      http_(std::make_unique<httplib::Server>()) {}

ApiServer::~ApiServer() { Stop(); }

// Registers the routes on the httplib server, each wrapped to record its metrics.
class ApiServer::Routes {
 public:
  explicit Routes(ApiServer* s) : s_(s) {}

  // `path` is an httplib pattern (a regex); `handler_label` names it in the metrics.
  void Add(std::string_view method, const std::string& path, Handler handler,
           std::string handler_label = "") {
    if (handler_label.empty()) handler_label = path;
    // Routes is a short-lived builder: handlers capture the server, never `this`.
    Handler wrapped = [s = s_, handler_label, handler = std::move(handler)](const Request& req,
                                                                            Response& res) {
      const absl::Time start = absl::Now();
      handler(req, res);
      if (res.status < 0) res.status = 200;
      s->requests_->With({std::to_string(res.status), handler_label})->Inc();
      s->durations_->With({handler_label})->Observe(absl::ToDoubleSeconds(absl::Now() - start));
    };
    httplib::Server& http = *s_->http_;
    const std::string full = s_->options_.route_prefix + path;
    if (method == "GET") http.Get(full, wrapped);  // httplib serves HEAD through GET routes
    if (method == "POST") http.Post(full, wrapped);
    if (method == "PUT") http.Put(full, wrapped);
    if (method == "DELETE") http.Delete(full, wrapped);
  }

  void AddAll() {
    const ServerHooks& hooks = s_->hooks_;
    Add("GET", "/-/healthy",
        [](const Request&, Response& res) { Text(res, 200, "Sextant Server is Healthy.\n"); });
    Add("GET", "/-/ready", [s = s_](const Request&, Response& res) {
      if (s->ready_.load()) {
        Text(res, 200, "Sextant Server is Ready.\n");
      } else {
        Text(res, 503, "Service Unavailable");
      }
    });
    AddLifecycle("/-/reload", [&hooks](const Request&, Response& res) {
      if (absl::Status s = hooks.reload(); !s.ok()) {
        Text(res, 500, util::StrCat("failed to reload config: ", s.message()));
      } else {
        res.status = 200;
      }
    });
    AddLifecycle("/-/quit", [&hooks](const Request&, Response& res) {
      Text(res, 200, "Requesting termination... Goodbye!");
      hooks.quit();
    });
    Add("GET", "/metrics", [s = s_](const Request&, Response& res) {
      res.status = 200;
      res.set_content(s->registry_->WriteText(), kMetricsContentType);
    });
    AddStatus("/api/v1/status/buildinfo", [] { return BuildInfoJson(); });
    AddStatus("/api/v1/status/flags", [&hooks] { return FlagsJson(hooks.flags); });
    AddStatus("/api/v1/status/config", [&hooks] { return ConfigJson(hooks.config_yaml()); });
    AddStatus("/api/v1/status/runtimeinfo",
              [&hooks] { return RuntimeInfoJson(hooks.runtime_info()); });
    AddQueryApi();
  }

 private:
  using ApiFn = std::function<ApiResult(const Params&)>;

  static Params ParamsOf(const Request& req) {
    Params p;
    for (const auto& [k, v] : req.params) p.emplace(k, v);
    return p;
  }

  static void Send(Response& res, ApiResult r) {
    res.status = r.status;
    if (r.status == 204) return;
    if (r.content_type == remote::kReadContentType) {
      res.set_header("Content-Encoding", remote::kReadContentEncoding);
    }
    // Moved in, not copied as set_content would: query results can be megabytes.
    res.body = std::move(r.body);
    res.set_header("Content-Type", r.content_type);
  }

  using QueryFn = std::function<ApiResult(const QueryApi&, const Request&)>;

  // A route served by the QueryApi once the server is ready; 503 before.
  void AddReady(std::initializer_list<std::string_view> methods, const std::string& path,
                QueryFn fn, std::string handler_label = "") {
    Handler h = [s = s_, fn = std::move(fn)](const Request& req, Response& res) {
      const QueryApi* api = s->query_api_.load();
      if (api == nullptr) {
        Text(res, 503, "Service Unavailable");
        return;
      }
      Send(res, fn(*api, req));
    };
    for (std::string_view m : methods) Add(m, path, h, handler_label);
  }

  // `methods` is a list like {"GET", "POST"}.
  void AddApi(std::initializer_list<std::string_view> methods, const std::string& path,
              std::function<ApiResult(const QueryApi*, const Params&)> fn) {
    AddReady(methods, path, [fn = std::move(fn)](const QueryApi& api, const Request& req) {
      return fn(&api, ParamsOf(req));
    });
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
    AddApi({"GET", "POST"}, "/api/v1/query",
           [](const QueryApi* a, const Params& p) { return a->Query(p); });
    AddApi({"GET", "POST"}, "/api/v1/query_range",
           [](const QueryApi* a, const Params& p) { return a->QueryRange(p); });
    AddApi({"GET", "POST"}, "/api/v1/format_query",
           [](const QueryApi* a, const Params& p) { return a->FormatQuery(p); });
    AddApi({"GET", "POST"}, "/api/v1/series",
           [](const QueryApi* a, const Params& p) { return a->Series(p); });
    AddApi({"GET", "POST"}, "/api/v1/labels",
           [](const QueryApi* a, const Params& p) { return a->LabelNames(p); });
    AddReady(
        {"GET"}, R"(/api/v1/label/([^/]+)/values)",
        [](const QueryApi& a, const Request& req) {
          return a.LabelValues(req.matches[1].str(), ParamsOf(req));
        },
        "/api/v1/label/:name/values");
    AddApi({"GET", "POST"}, "/api/v1/query_exemplars",
           [](const QueryApi* a, const Params& p) { return a->QueryExemplars(p); });
    AddApi({"GET"}, "/api/v1/status/tsdb",
           [](const QueryApi* a, const Params& p) { return a->TsdbStatus(p); });
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
    AddApi({"POST", "PUT"}, "/api/v1/admin/tsdb/delete_series",
           [](const QueryApi* a, const Params& p) { return a->AdminDeleteSeries(p); });
    AddApi({"POST", "PUT"}, "/api/v1/admin/tsdb/clean_tombstones",
           [](const QueryApi* a, const Params& p) { return a->AdminCleanTombstones(p); });
    AddApi({"POST", "PUT"}, "/api/v1/admin/tsdb/snapshot",
           [](const QueryApi* a, const Params& p) { return a->AdminSnapshot(p); });
    AddApi({"GET"}, "/federate", [](const QueryApi* a, const Params& p) { return a->Federate(p); });
    AddReady({"POST"}, "/api/v1/write",
             [](const QueryApi& a, const Request& req) { return a.RemoteWrite(req.body); });
    AddReady({"POST"}, "/api/v1/read",
             [](const QueryApi& a, const Request& req) { return a.RemoteRead(req.body); });
  }

  // Prometheus answers GET and POST alike on the status endpoints (Grafana POSTs buildinfo).
  void AddStatus(const std::string& path, std::function<std::string()> data) {
    Handler h = [data = std::move(data)](const Request&, Response& res) { Json(res, data()); };
    Add("GET", path, h);
    Add("POST", path, h);
  }

  // POST and PUT when --web.enable-lifecycle is set, 403 otherwise; GET is 405, as Prometheus.
  void AddLifecycle(const std::string& path, Handler handler) {
    if (!s_->options_.enable_lifecycle) {
      handler = [](const Request&, Response& res) {
        Text(res, 403, "Lifecycle API is not enabled.");
      };
    }
    Add("POST", path, handler);
    Add("PUT", path, handler);
    Add("GET", path,
        [](const Request&, Response& res) { Text(res, 405, "Only POST or PUT requests allowed"); });
  }

  ApiServer* s_;
};

absl::Status ApiServer::Start() {
  auto address = SplitListenAddress(options_.listen_address);
  if (!address.ok()) return address.status();
  Routes(this).AddAll();
  // httplib's default sets SO_REUSEPORT, which would let a second server bind the same port
  // silently; SO_REUSEADDR alone still allows quick restarts.
  http_->set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  http_->set_pre_routing_handler([](const Request& req, Response&) {
    // RFC 7230 3.3.3: a request with neither Content-Length nor Transfer-Encoding has an empty
    // body. httplib 0.11 instead answers 400 to such a POST, which is exactly what
    // `curl -X POST .../-/reload` sends. The Request is a mutable local of httplib's, handed to
    // this hook as const; the header tells it there is nothing to read.
    if (!req.has_header("Content-Length") && !req.has_header("Transfer-Encoding")) {
      const_cast<Request&>(req).set_header("Content-Length", "0");
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  http_->set_read_timeout(static_cast<time_t>(absl::ToInt64Seconds(options_.read_timeout)));
  http_->set_payload_max_length(options_.max_request_body_bytes);
  http_->set_error_handler([this](const Request& req, Response& res) {
    if (res.status == 404 && res.body.empty()) {
      // Unknown paths: Prometheus's API answers JSON under /api/, plain text elsewhere.
      if (req.path.rfind("/api/", 0) == 0) {
        res.set_content(ErrorBody(ErrorType::kNotFound, "page not found"), kJsonContentType);
      } else {
        res.set_content("404 page not found\n", kTextPlain);
      }
      requests_->With({"404", "other"})->Inc();
    }
  });
  const auto& [host, port] = *address;
  if (port == 0) {
    port_ = http_->bind_to_any_port(host);
    if (port_ <= 0) return absl::UnavailableError(util::StrCat("cannot listen on ", host, ":0"));
  } else if (!http_->bind_to_port(host, port)) {
    return absl::UnavailableError(util::StrCat("listen tcp ", options_.listen_address,
                                               ": bind: address already in use or not available"));
  } else {
    port_ = port;
  }
  thread_ = std::thread([this] {
    http_->listen_after_bind();
    listen_returned_.store(true);
  });
  // httplib's stop() does nothing until the listen loop has marked itself running, so a Stop()
  // right after Start() would hang in join(): wait until the loop runs or has given up.
  while (!http_->is_running() && !listen_returned_.load()) {
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  if (!http_->is_running()) {
    thread_.join();
    return absl::UnavailableError(
        util::StrCat("web listener on ", options_.listen_address, " stopped at start"));
  }
  kLog.Info("Start listening for connections", {{"address", options_.listen_address}});
  return absl::OkStatus();
}

void ApiServer::Stop() {
  if (!thread_.joinable()) return;
  http_->stop();
  thread_.join();
}

}  // namespace sextant::api
