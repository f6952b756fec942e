#include "discovery/kubernetes/fake_apiserver.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include <httplib.h>
#include <stdlib.h>  // mkdtemp

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "discovery/kubernetes/fake_selectors.h"
#include "util/strings.h"

namespace sextant::discovery::kubernetes::testing {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
using Key = std::pair<std::string, std::string>;  // namespace, name
using internal::InScope;
using internal::OptionalStringAt;
using internal::Selector;
using internal::StringAt;

// Not "application/json": httplib would gzip it for a client that accepts gzip, and its
// compressor holds data back until the stream ends.
constexpr char kWatchContentType[] = "application/json;stream=watch";

struct ResourceInfo {
  std::string_view name;
  std::string_view kind;
  std::string_view api_version;
  bool namespaced;
};

constexpr ResourceInfo kResources[] = {
    {"pods", "Pod", "v1", true},
    {"services", "Service", "v1", true},
    {"endpoints", "Endpoints", "v1", true},
    {"nodes", "Node", "v1", false},
    {"namespaces", "Namespace", "v1", false},
    {"endpointslices", "EndpointSlice", "discovery.k8s.io/v1", true},
    {"ingresses", "Ingress", "networking.k8s.io/v1", true},
};

const ResourceInfo* FindResource(std::string_view name) {
  for (const ResourceInfo& r : kResources) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

// Never throws: invalid UTF-8 is replaced.
std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

json Status(int code, std::string_view reason, std::string_view message) {
  return json{{"kind", "Status"},
              {"apiVersion", "v1"},
              {"metadata", json::object()},
              {"status", "Failure"},
              {"message", std::string(message)},
              {"reason", std::string(reason)},
              {"code", code}};
}

void Reply(httplib::Response& res, int code, std::string_view reason, std::string_view message) {
  res.status = code;
  res.set_content(Dump(Status(code, reason, message)), "application/json");
}

// The request's labelSelector and fieldSelector.
absl::StatusOr<Selector> ParseSelector(const httplib::Request& req) {
  return internal::ParseSelector(req.get_param_value("labelSelector"),
                                 req.get_param_value("fieldSelector"));
}

// --- Requests ---

struct Route {
  const ResourceInfo* resource;
  std::string ns;  // "" = all namespaces
};

std::optional<Route> ParseRoute(std::string_view path) {
  std::vector<std::string_view> seg;
  for (std::string_view part : util::StrSplit(path, '/')) {
    if (!part.empty()) seg.push_back(part);
  }
  std::string group_version;
  size_t i = 0;
  if (seg.size() >= 2 && seg[0] == "api" && seg[1] == "v1") {
    group_version = "v1";
    i = 2;
  } else if (seg.size() >= 3 && seg[0] == "apis") {
    group_version = util::StrCat(seg[1], "/", seg[2]);
    i = 3;
  } else {
    return std::nullopt;
  }
  Route route;
  std::string_view name;
  if (seg.size() == i + 1) {
    name = seg[i];
  } else if (seg.size() == i + 3 && seg[i] == "namespaces") {
    route.ns = std::string(seg[i + 1]);
    name = seg[i + 2];
  } else {
    return std::nullopt;
  }
  route.resource = FindResource(name);
  if (route.resource == nullptr || route.resource->api_version != group_version ||
      (!route.resource->namespaced && !route.ns.empty())) {
    return std::nullopt;
  }
  return route;
}

// A list's continue token: the snapshot's version, the last key returned, and the number of
// compactions when issued (a later Compact() expires it even with no change in between).
struct ContinueToken {
  int64_t compactions = 0;
  int64_t rv = 0;
  Key last;
};

std::string EncodeToken(const ContinueToken& t) {
  return absl::WebSafeBase64Escape(Dump(json{{"compactions", t.compactions},
                                             {"rv", t.rv},
                                             {"namespace", t.last.first},
                                             {"name", t.last.second}}));
}

std::optional<ContinueToken> DecodeToken(std::string_view text) {
  std::string raw;
  if (!absl::WebSafeBase64Unescape(util::ToAbsl(text), &raw)) return std::nullopt;
  const json j = json::parse(raw, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return std::nullopt;
  const auto c = j.find("compactions"), rv = j.find("rv"), ns = j.find("namespace"),
             name = j.find("name");
  if (c == j.end() || rv == j.end() || ns == j.end() || name == j.end() ||
      !c->is_number_integer() || !rv->is_number_integer() || !ns->is_string() ||
      !name->is_string()) {
    return std::nullopt;
  }
  return ContinueToken{c->get<int64_t>(), rv->get<int64_t>(),
                       Key{ns->get<std::string>(), name->get<std::string>()}};
}

// One change, kept for watches and to rebuild a list snapshot.
struct Change {
  int64_t rv;
  const ResourceInfo* resource;
  Key key;
  std::optional<json> before;  // none when added
  std::optional<json> after;   // none when deleted
};

struct Watch {
  Route route;
  Selector selector;
  int64_t last_rv;     // changes up to here are delivered
  int64_t generation;  // of the server's watches when started
  std::optional<Clock::time_point> deadline;
  bool bookmarks;
  Clock::time_point next_bookmark;
};

json WithKind(json obj, const ResourceInfo& r) {
  if (!obj.contains("kind")) obj["kind"] = std::string(r.kind);
  if (!obj.contains("apiVersion")) obj["apiVersion"] = std::string(r.api_version);
  return obj;
}

// The event `w` sees for `c`, if any: an object entering the watch's scope is ADDED, one leaving
// it DELETED (with its previous state at the new version), as the real API server's watch cache.
std::optional<json> EventFor(const Watch& w, const Change& c) {
  if (c.resource != w.route.resource) return std::nullopt;
  const bool was_in = c.before && InScope(w.route.ns, w.selector, *c.before);
  const bool is_in = c.after && InScope(w.route.ns, w.selector, *c.after);
  if (is_in) {
    return json{{"type", was_in ? "MODIFIED" : "ADDED"},
                {"object", WithKind(*c.after, *c.resource)}};
  }
  if (!was_in) return std::nullopt;
  json last = WithKind(*c.before, *c.resource);
  last["metadata"]["resourceVersion"] = std::to_string(c.rv);
  return json{{"type", "DELETED"}, {"object", std::move(last)}};
}

std::string Quoted(const std::string& path) { return util::StrCat("'", path, "'"); }

}  // namespace

struct FakeApiServer::Impl {
  explicit Impl(Options o) : options(std::move(o)) {}

  void Start();
  bool MakeCertificates();
  httplib::Server::HandlerResponse PreRoute(const httplib::Request& req, httplib::Response& res);
  void Handle(const httplib::Request& req, httplib::Response& res);
  void HandleList(const Route& route, const Selector& selector, const httplib::Request& req,
                  httplib::Response& res);
  void HandleWatch(const Route& route, Selector selector, const httplib::Request& req,
                   httplib::Response& res);
  // Waits for what `w` must send next into *out; false when the stream must end instead.
  bool NextWatchOutput(Watch& w, std::string* out);
  // The objects of `resource` as of version `rv`, which must not be older than the log.
  std::map<Key, const json*> SnapshotLocked(const ResourceInfo* resource, int64_t rv) const;
  void Append(Change change);  // requires mu

  const Options options;
  std::string dir;  // the certificates' temporary directory, "" when none
  std::unique_ptr<httplib::Server> server;
  std::thread thread;
  int port = 0;
  bool ok = false;  // set once by Start

  // std::mutex rather than util::Mutex: the watches wait on a std::condition_variable.
  mutable std::mutex mu;       // guards the fields below
  std::condition_variable cv;  // a change, or a watch must end
  int64_t rv = 0;
  int64_t compacted_rv = 0;
  int64_t compactions = 0;
  int64_t generation = 0;  // bumped to end the open watches
  bool down = false;
  bool stopping = false;
  int active_watches = 0;
  std::map<const ResourceInfo*, std::map<Key, json>> objects;
  // Every change in version order. Kept whole (Compact only sets compacted_rv), so that open
  // watches never miss a change and snapshots of any unexpired token can be rebuilt.
  std::vector<Change> log;
  std::vector<std::string> requests;
  std::map<std::string, std::string> texts;  // ServeText: path → body
};

bool FakeApiServer::Impl::MakeCertificates() {
  std::error_code ec;
  std::string pattern =
      (std::filesystem::temp_directory_path(ec) / "fake_apiserver_XXXXXX").string();
  if (ec || ::mkdtemp(pattern.data()) == nullptr) return false;
  dir = pattern;
  std::ofstream(dir + "/server.ext") << "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                                        "basicConstraints=CA:FALSE\n"
                                        "keyUsage=digitalSignature,keyEncipherment\n"
                                        "extendedKeyUsage=serverAuth\n";
  // P-256 keys: much faster to generate than RSA ones.
  const std::string key = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
  const std::string quiet = " >/dev/null 2>&1";
  const std::string cmd = util::StrCat(
      "openssl req -x509 ", key, " -days 2 -subj /CN=fake-apiserver-ca -keyout ",
      Quoted(dir + "/ca.key"), " -out ", Quoted(dir + "/ca.crt"), quiet, " && openssl req -new ",
      key, " -subj /CN=localhost -keyout ", Quoted(dir + "/server.key"), " -out ",
      Quoted(dir + "/server.csr"), quiet, " && openssl x509 -req -in ", Quoted(dir + "/server.csr"),
      " -CA ", Quoted(dir + "/ca.crt"), " -CAkey ", Quoted(dir + "/ca.key"),
      " -CAcreateserial -days 2 -extfile ", Quoted(dir + "/server.ext"), " -out ",
      Quoted(dir + "/server.crt"), quiet);
  return std::system(cmd.c_str()) == 0;
}

void FakeApiServer::Impl::Start() {
  if (options.tls) {
    if (!MakeCertificates()) return;
    server = std::make_unique<httplib::SSLServer>((dir + "/server.crt").c_str(),
                                                  (dir + "/server.key").c_str());
  } else {
    server = std::make_unique<httplib::Server>();
  }
  if (!server->is_valid()) return;
  server->new_task_queue = [] { return new httplib::ThreadPool(64); };
  server->set_keep_alive_max_count(1);
  server->set_tcp_nodelay(true);
  server->set_pre_routing_handler(
      [this](const httplib::Request& req, httplib::Response& res) { return PreRoute(req, res); });
  server->Get(".*",
              [this](const httplib::Request& req, httplib::Response& res) { Handle(req, res); });
  port = server->bind_to_any_port("127.0.0.1");
  if (port <= 0) return;
  thread = std::thread([this] { server->listen_after_bind(); });
  // stop() before the accept loop runs would be lost, and the destructor would hang.
  const auto give_up = Clock::now() + std::chrono::seconds(10);
  while (!server->is_running() && Clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ok = server->is_running();
}

httplib::Server::HandlerResponse FakeApiServer::Impl::PreRoute(const httplib::Request& req,
                                                               httplib::Response& res) {
  bool is_down;
  {
    std::lock_guard<std::mutex> lock(mu);
    requests.push_back(util::StrCat(req.method, " ", req.target));
    is_down = down;
  }
  if (is_down) {
    Reply(res, 503, "ServiceUnavailable", "the server is down");
    return httplib::Server::HandlerResponse::Handled;
  }
  if (!options.bearer_token.empty() &&
      req.get_header_value("Authorization") != "Bearer " + options.bearer_token) {
    Reply(res, 401, "Unauthorized", "Unauthorized");
    return httplib::Server::HandlerResponse::Handled;
  }
  return httplib::Server::HandlerResponse::Unhandled;
}

void FakeApiServer::Impl::Handle(const httplib::Request& req, httplib::Response& res) {
  {
    std::lock_guard<std::mutex> lock(mu);
    if (auto text = texts.find(req.path); text != texts.end()) {
      return res.set_content(text->second, "text/plain; version=0.0.4");
    }
  }
  const std::optional<Route> route = ParseRoute(req.path);
  if (!route) {
    return Reply(
        res, 404, "NotFound",
        util::StrCat("the server could not find the requested resource (get ", req.path, ")"));
  }
  absl::StatusOr<Selector> selector = ParseSelector(req);
  if (!selector.ok())
    return Reply(res, 400, "BadRequest", util::FromAbsl(selector.status().message()));
  const std::string watch = req.get_param_value("watch");
  if (watch == "1" || watch == "true") {
    HandleWatch(*route, *std::move(selector), req, res);
  } else {
    HandleList(*route, *selector, req, res);
  }
}

std::map<Key, const json*> FakeApiServer::Impl::SnapshotLocked(const ResourceInfo* resource,
                                                               int64_t at) const {
  std::map<Key, const json*> view;
  if (auto it = objects.find(resource); it != objects.end()) {
    for (const auto& [key, obj] : it->second) view.emplace(key, &obj);
  }
  // Undo the later changes, newest first.
  const auto first = std::upper_bound(log.begin(), log.end(), at,
                                      [](int64_t v, const Change& c) { return v < c.rv; });
  for (auto it = log.end(); it != first;) {
    --it;
    if (it->resource != resource) continue;
    if (it->before) {
      view[it->key] = &*it->before;
    } else {
      view.erase(it->key);
    }
  }
  return view;
}

void FakeApiServer::Impl::HandleList(const Route& route, const Selector& selector,
                                     const httplib::Request& req, httplib::Response& res) {
  int64_t limit = 0;
  if (!absl::SimpleAtoi(req.get_param_value("limit"), &limit) || limit < 0) limit = 0;
  std::optional<ContinueToken> token;
  if (const std::string text = req.get_param_value("continue"); !text.empty()) {
    token = DecodeToken(text);
    if (!token) return Reply(res, 400, "BadRequest", "invalid continue token");
  }
  const ResourceInfo& r = *route.resource;
  json metadata = json::object();
  json items = json::array();
  {
    std::lock_guard<std::mutex> lock(mu);
    if (token && token->compactions != compactions) {
      return Reply(res, 410, "Expired",
                   "The provided continue parameter is too old to display a consistent list "
                   "result. You can start a new list without the continue parameter.");
    }
    if (token && token->rv > rv) return Reply(res, 400, "BadRequest", "invalid continue token");
    const int64_t at = token ? token->rv : rv;
    const std::map<Key, const json*> view = SnapshotLocked(&r, at);
    auto it = token ? view.upper_bound(token->last) : view.begin();
    std::optional<Key> last;
    for (; it != view.end(); ++it) {
      if (!InScope(route.ns, selector, *it->second)) continue;
      if (limit > 0 && static_cast<int64_t>(items.size()) == limit) {
        metadata["continue"] = EncodeToken(ContinueToken{compactions, at, *last});
        break;
      }
      items.push_back(*it->second);
      last = it->first;
    }
    metadata["resourceVersion"] = std::to_string(at);
  }
  const json body{{"kind", util::StrCat(r.kind, "List")},
                  {"apiVersion", std::string(r.api_version)},
                  {"metadata", std::move(metadata)},
                  {"items", std::move(items)}};
  res.set_content(Dump(body), "application/json");
}

void FakeApiServer::Impl::HandleWatch(const Route& route, Selector selector,
                                      const httplib::Request& req, httplib::Response& res) {
  auto w = std::make_shared<Watch>();
  w->route = route;
  w->selector = std::move(selector);
  int64_t from = 0;
  if (const std::string v = req.get_param_value("resourceVersion");
      !v.empty() && (!absl::SimpleAtoi(v, &from) || from < 0)) {
    return Reply(res, 400, "BadRequest", util::StrCat("invalid resourceVersion: ", v));
  }
  const Clock::time_point now = Clock::now();
  if (req.has_param("timeoutSeconds")) {
    double seconds = 0;
    if (!absl::SimpleAtod(req.get_param_value("timeoutSeconds"), &seconds) || !(seconds >= 0)) {
      return Reply(res, 400, "BadRequest", "invalid timeoutSeconds");
    }
    w->deadline = now + std::chrono::duration_cast<Clock::duration>(
                            std::chrono::duration<double>(std::min(seconds, 1e6)));
  }
  const std::string bookmarks = req.get_param_value("allowWatchBookmarks");
  w->bookmarks = bookmarks == "true" || bookmarks == "1";
  w->next_bookmark = now + absl::ToChronoNanoseconds(options.bookmark_interval);
  {
    std::lock_guard<std::mutex> lock(mu);
    if (from != 0 && from < compacted_rv) {
      // As the real API server: HTTP 200, then one ERROR event.
      const std::string line =
          Dump(json{{"type", "ERROR"},
                    {"object", Status(410, "Expired",
                                      util::StrCat("too old resource version: ", from, " (",
                                                   compacted_rv, ")"))}}) +
          "\n";
      res.set_chunked_content_provider(kWatchContentType, [line](size_t, httplib::DataSink& sink) {
        if (!sink.write(line.data(), line.size())) return false;
        sink.done();
        return true;
      });
      return;
    }
    w->last_rv = from == 0 ? rv : from;
    w->generation = generation;
    ++active_watches;
  }
  res.set_chunked_content_provider(
      kWatchContentType,
      [this, w](size_t, httplib::DataSink& sink) {
        std::string out;
        const bool more = NextWatchOutput(*w, &out);
        if (!out.empty() && !sink.write(out.data(), out.size())) return false;
        if (!more) sink.done();
        return true;
      },
      [this](bool) {
        std::lock_guard<std::mutex> lock(mu);
        --active_watches;
      });
}

bool FakeApiServer::Impl::NextWatchOutput(Watch& w, std::string* out) {
  std::unique_lock<std::mutex> lock(mu);
  while (true) {
    if (stopping || down || w.generation != generation) return false;
    auto it = std::upper_bound(log.begin(), log.end(), w.last_rv,
                               [](int64_t v, const Change& c) { return v < c.rv; });
    for (; it != log.end(); ++it) {
      if (std::optional<json> event = EventFor(w, *it)) util::StrAppend(out, Dump(*event), "\n");
      w.last_rv = it->rv;
    }
    if (!out->empty()) return true;
    const Clock::time_point now = Clock::now();
    if (w.deadline && now >= *w.deadline) return false;
    if (w.bookmarks && now >= w.next_bookmark) {
      const ResourceInfo& r = *w.route.resource;
      const json bookmark{
          {"type", "BOOKMARK"},
          {"object",
           {{"kind", std::string(r.kind)},
            {"apiVersion", std::string(r.api_version)},
            {"metadata", {{"resourceVersion", std::to_string(std::max(rv, w.last_rv))}}}}}};
      *out = Dump(bookmark) + "\n";
      w.next_bookmark = now + absl::ToChronoNanoseconds(options.bookmark_interval);
      return true;
    }
    std::optional<Clock::time_point> wake = w.deadline;
    if (w.bookmarks) wake = wake ? std::min(*wake, w.next_bookmark) : w.next_bookmark;
    if (wake) {
      cv.wait_until(lock, *wake);
    } else {
      cv.wait(lock);
    }
  }
}

void FakeApiServer::Impl::Append(Change change) {
  log.push_back(std::move(change));
  cv.notify_all();
}

FakeApiServer::FakeApiServer(Options options) : impl_(std::make_unique<Impl>(std::move(options))) {
  impl_->Start();
}

FakeApiServer::~FakeApiServer() {
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    impl_->stopping = true;
  }
  impl_->cv.notify_all();
  if (impl_->thread.joinable()) {
    impl_->server->stop();
    impl_->thread.join();
  }
  if (!impl_->dir.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(impl_->dir, ec);  // best effort: a leftover temp dir is harmless
  }
}

bool FakeApiServer::ok() const { return impl_->ok; }

std::string FakeApiServer::url() const {
  return util::StrCat(impl_->options.tls ? "https" : "http", "://127.0.0.1:", impl_->port);
}

std::string FakeApiServer::ca_file() const {
  return impl_->dir.empty() ? "" : impl_->dir + "/ca.crt";
}

int64_t FakeApiServer::Upsert(std::string_view resource, nlohmann::json object) {
  const ResourceInfo* r = FindResource(resource);
  const std::optional<std::string> name = OptionalStringAt(object, "metadata", "name");
  if (r == nullptr || !name) return -1;
  Key key{StringAt(object, "metadata", "namespace"), *name};
  std::lock_guard<std::mutex> lock(impl_->mu);
  const int64_t rv = ++impl_->rv;
  object["metadata"]["resourceVersion"] = std::to_string(rv);
  json& slot = impl_->objects[r][key];
  std::optional<json> before;
  if (!slot.is_null()) before = std::move(slot);
  slot = object;
  impl_->Append(Change{rv, r, std::move(key), std::move(before), std::move(object)});
  return rv;
}

int64_t FakeApiServer::Delete(std::string_view resource, std::string_view ns,
                              std::string_view name) {
  const ResourceInfo* r = FindResource(resource);
  std::lock_guard<std::mutex> lock(impl_->mu);
  if (r == nullptr) return impl_->rv;
  std::map<Key, json>& objects = impl_->objects[r];
  auto it = objects.find(Key{std::string(ns), std::string(name)});
  if (it == objects.end()) return impl_->rv;
  const int64_t rv = ++impl_->rv;
  Change change{rv, r, it->first, std::move(it->second), std::nullopt};
  objects.erase(it);
  impl_->Append(std::move(change));
  return rv;
}

void FakeApiServer::ServeText(std::string path, std::string body) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->texts[std::move(path)] = std::move(body);
}

void FakeApiServer::Compact() {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->compacted_rv = impl_->rv;
  ++impl_->compactions;
}

void FakeApiServer::CloseWatches() {
  std::lock_guard<std::mutex> lock(impl_->mu);
  ++impl_->generation;
  impl_->cv.notify_all();
}

void FakeApiServer::SetDown(bool down) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->down = down;
  if (down) ++impl_->generation;  // ends the open watches even if SetDown(false) comes first
  impl_->cv.notify_all();
}

std::vector<std::string> FakeApiServer::requests() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->requests;
}

int FakeApiServer::active_watches() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->active_watches;
}

int64_t FakeApiServer::resource_version() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->rv;
}

}  // namespace sextant::discovery::kubernetes::testing
