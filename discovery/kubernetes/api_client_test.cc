#include "discovery/kubernetes/api_client.h"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>
#include <stdlib.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sextant::discovery::kubernetes {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// An HTTP server on a free port of 127.0.0.1 for the handlers set before Start().
class TestServer {
 public:
  TestServer() {
    // One worker: httplib's pool hands connections to workers in ways TSan cannot see in the
    // uninstrumented library.
    server_.new_task_queue = [] { return new httplib::ThreadPool(1); };
  }
  ~TestServer() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }

  httplib::Server& http() { return server_; }

  void Start() {
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }

  Connection connection() const {
    Connection c;
    c.base_url = "http://127.0.0.1:" + std::to_string(port_);
    return c;
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

// What the server saw of the last request.
struct Seen {
  std::mutex mu;
  std::string target;
  httplib::Headers headers;
  int requests = 0;

  void Record(const httplib::Request& req) {
    std::lock_guard<std::mutex> l(mu);
    target = req.target;
    headers = req.headers;
    ++requests;
  }
  std::string Header(const std::string& name) {
    std::lock_guard<std::mutex> l(mu);
    auto it = headers.find(name);
    return it == headers.end() ? "<none>" : it->second;
  }
  std::string Target() {
    std::lock_guard<std::mutex> l(mu);
    return target;
  }
  int Requests() {
    std::lock_guard<std::mutex> l(mu);
    return requests;
  }
};

std::string Event(std::string_view type, std::string_view name) {
  return json{{"type", type}, {"object", {{"metadata", {{"name", name}}}}}}.dump() + "\n";
}

std::string TempDir(std::string_view name) {
  std::string dir = ::testing::TempDir() + "/api_client_" + std::string(name) + "_XXXXXX";
  EXPECT_NE(mkdtemp(dir.data()), nullptr);
  return dir;
}

TEST(ApiClientPaths, CollectionPath) {
  EXPECT_EQ(CollectionPath("nodes", ""), "/api/v1/nodes");
  EXPECT_EQ(CollectionPath("nodes", "ns"), "/api/v1/nodes");
  EXPECT_EQ(CollectionPath("namespaces", ""), "/api/v1/namespaces");
  EXPECT_EQ(CollectionPath("pods", ""), "/api/v1/pods");
  EXPECT_EQ(CollectionPath("pods", "default"), "/api/v1/namespaces/default/pods");
  EXPECT_EQ(CollectionPath("services", "a"), "/api/v1/namespaces/a/services");
  EXPECT_EQ(CollectionPath("endpoints", "a"), "/api/v1/namespaces/a/endpoints");
  EXPECT_EQ(CollectionPath("endpointslices", ""), "/apis/discovery.k8s.io/v1/endpointslices");
  EXPECT_EQ(CollectionPath("endpointslices", "a"),
            "/apis/discovery.k8s.io/v1/namespaces/a/endpointslices");
  EXPECT_EQ(CollectionPath("ingresses", "a"), "/apis/networking.k8s.io/v1/namespaces/a/ingresses");
}

TEST(ApiClientPaths, IsResourceExpired) {
  EXPECT_TRUE(IsResourceExpired(absl::OutOfRangeError("gone")));
  EXPECT_FALSE(IsResourceExpired(absl::UnavailableError("down")));
  EXPECT_FALSE(IsResourceExpired(absl::OkStatus()));
}

TEST(ApiClient, ListSendsHeadersAndPagingParams) {
  TestServer server;
  Seen seen;
  server.http().Get(".*", [&](const httplib::Request& req, httplib::Response& res) {
    seen.Record(req);
    res.set_content(R"({"metadata": {"resourceVersion": "12", "continue": "next"}, "items": []})",
                    "application/json");
  });
  server.Start();
  Connection conn = server.connection();
  conn.path_prefix = "/k8s";
  ApiClient client(conn);

  absl::StatusOr<json> page =
      client.List(CollectionPath("pods", "default"), {.label_selector = "app in (a,b),!canary",
                                                      .field_selector = "spec.nodeName=n 1",
                                                      .limit = 500,
                                                      .continue_token = "tok/+="});
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ((*page)["metadata"]["continue"], "next");
  EXPECT_EQ(seen.Target(),
            "/k8s/api/v1/namespaces/default/pods?labelSelector=app%20in%20%28a%2Cb%29%2C%21canary"
            "&fieldSelector=spec.nodeName%3Dn%201&limit=500&continue=tok%2F%2B%3D");
  EXPECT_EQ(seen.Header("Accept"), "application/json");
  EXPECT_THAT(seen.Header("User-Agent"), StartsWith("Sextant/"));

  // No options, no query.
  ASSERT_TRUE(client.List("/api/v1/nodes", {}).ok());
  EXPECT_EQ(seen.Target(), "/k8s/api/v1/nodes");
}

TEST(ApiClient, ListStatusMapping) {
  TestServer server;
  server.http().Get(R"(/code/(\d+))", [](const httplib::Request& req, httplib::Response& res) {
    res.status = std::stoi(req.matches[1]);
    res.set_content(R"({"kind": "Status", "code": )" + std::string(req.matches[1]) +
                        R"(, "message": "the server says no"})",
                    "application/json");
  });
  server.http().Get("/plain", [](const httplib::Request&, httplib::Response& res) {
    res.status = 500;
    res.set_content("oops\n", "text/plain");
  });
  server.http().Get("/garbage", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("{not json", "application/json");
  });
  server.http().Get("/array", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("[]", "application/json");
  });
  server.Start();
  ApiClient client(server.connection());

  const std::map<int, absl::StatusCode> cases = {
      {410, absl::StatusCode::kOutOfRange},       {401, absl::StatusCode::kPermissionDenied},
      {403, absl::StatusCode::kPermissionDenied}, {429, absl::StatusCode::kUnavailable},
      {500, absl::StatusCode::kUnavailable},      {503, absl::StatusCode::kUnavailable},
      {400, absl::StatusCode::kInvalidArgument},  {404, absl::StatusCode::kInvalidArgument},
  };
  for (const auto& [code, want] : cases) {
    absl::StatusOr<json> page = client.List("/code/" + std::to_string(code), {.limit = 1});
    EXPECT_EQ(page.status().code(), want) << code << ": " << page.status();
    EXPECT_THAT(std::string(page.status().message()), HasSubstr("the server says no"));
    EXPECT_THAT(std::string(page.status().message()), HasSubstr("/code/" + std::to_string(code)));
  }
  absl::Status gone = client.List("/code/410", {}).status();
  EXPECT_TRUE(IsResourceExpired(gone));
  EXPECT_THAT(std::string(gone.message()), HasSubstr("410 Gone"));

  absl::Status plain = client.List("/plain", {}).status();
  EXPECT_EQ(plain.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(plain.message()), HasSubstr("500 Internal Server Error: oops"));
  EXPECT_EQ(client.List("/garbage", {}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(client.List("/array", {}).status().code(), absl::StatusCode::kInvalidArgument);

  Connection refused;
  refused.base_url = "http://127.0.0.1:1";
  absl::Status down = ApiClient(refused).List("/api/v1/pods", {}).status();
  EXPECT_EQ(down.code(), absl::StatusCode::kUnavailable) << down;
  EXPECT_THAT(std::string(down.message()), HasSubstr("http://127.0.0.1:1/api/v1/pods"));
}

TEST(ApiClient, BearerTokenFileIsReadAtEveryRequest) {
  TestServer server;
  Seen seen;
  server.http().Get(".*", [&](const httplib::Request& req, httplib::Response& res) {
    seen.Record(req);
    res.set_content("{}", "application/json");
  });
  server.Start();
  const std::string token_file = TempDir("token") + "/token";
  std::ofstream(token_file) << "first\n";
  Connection conn = server.connection();
  conn.http.authorization = config::Authorization{.credentials_file = token_file};
  ApiClient client(conn);

  ASSERT_TRUE(client.List("/api/v1/pods", {}).ok());
  EXPECT_EQ(seen.Header("Authorization"), "Bearer first");
  std::ofstream(token_file) << "second";
  ASSERT_TRUE(client.List("/api/v1/pods", {}).ok());
  EXPECT_EQ(seen.Header("Authorization"), "Bearer second");

  // Without the file the request is not sent.
  std::filesystem::remove(token_file);
  EXPECT_EQ(client.List("/api/v1/pods", {}).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(seen.Requests(), 2);
}

TEST(ApiClient, WatchEventsInOrderAcrossChunks) {
  TestServer server;
  Seen seen;
  server.http().Get(".*", [&](const httplib::Request& req, httplib::Response& res) {
    seen.Record(req);
    res.set_chunked_content_provider("application/json", [](size_t, httplib::DataSink& sink) {
      const std::string first = Event("ADDED", "a") + Event("MODIFIED", "b");
      const size_t half = first.size() - 10;  // the second event split over two chunks
      sink.write(first.data(), half);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      const std::string rest =
          first.substr(half) + Event("BOOKMARK", "") + "\r\n" + Event("DELETED", "c");
      sink.write(rest.data(), rest.size());
      sink.done();
      return true;
    });
  });
  server.Start();
  ApiClient client(server.connection());

  std::vector<std::pair<EventType, std::string>> events;
  absl::Status status = client.Watch(
      CollectionPath("pods", ""),
      {.label_selector = "app=x", .resource_version = "7", .timeout = absl::Seconds(30)},
      [&](const WatchEvent& e) {
        events.emplace_back(e.type, e.object["metadata"]["name"].get<std::string>());
        return true;
      });
  ASSERT_TRUE(status.ok()) << status;
  const std::vector<std::pair<EventType, std::string>> want = {
      {EventType::kAdded, "a"},
      {EventType::kModified, "b"},
      {EventType::kBookmark, ""},
      {EventType::kDeleted, "c"},
  };
  EXPECT_EQ(events, want);
  EXPECT_EQ(seen.Target(),
            "/api/v1/pods?labelSelector=app%3Dx&watch=1&resourceVersion=7"
            "&allowWatchBookmarks=true&timeoutSeconds=30");
  EXPECT_EQ(seen.Header("Accept"), "application/json");
}

// A server answering every request with `body` as one chunk.
void ServeWatch(TestServer* server, std::string body) {
  server->http().Get(".*", [body](const httplib::Request&, httplib::Response& res) {
    res.set_chunked_content_provider("application/json", [body](size_t, httplib::DataSink& sink) {
      sink.write(body.data(), body.size());
      sink.done();
      return true;
    });
  });
  server->Start();
}

TEST(ApiClient, WatchEndsWhenTheCallbackSaysSo) {
  TestServer server;
  ServeWatch(&server, Event("ADDED", "a") + Event("ADDED", "b"));
  ApiClient client(server.connection());
  int calls = 0;
  absl::Status status = client.Watch("/api/v1/pods", {.allow_bookmarks = false},
                                     [&](const WatchEvent&) { return ++calls < 1; });
  EXPECT_TRUE(status.ok()) << status;
  EXPECT_EQ(calls, 1);
}

TEST(ApiClient, WatchErrorEvent410IsResourceExpired) {
  TestServer server;
  const json error = {{"type", "ERROR"},
                      {"object",
                       {{"kind", "Status"},
                        {"code", 410},
                        {"reason", "Expired"},
                        {"message", "too old resource version: 1 (5)"}}}};
  ServeWatch(&server, Event("ADDED", "a") + error.dump() + "\n" + Event("ADDED", "never"));
  ApiClient client(server.connection());
  std::vector<std::string> names;
  absl::Status status =
      client.Watch("/api/v1/pods", {.resource_version = "1"}, [&](const WatchEvent& e) {
        names.push_back(e.object["metadata"]["name"]);
        return true;
      });
  EXPECT_TRUE(IsResourceExpired(status)) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr("too old resource version: 1 (5)"));
  EXPECT_EQ(names, std::vector<std::string>{"a"});
}

TEST(ApiClient, WatchErrorEventOtherCodeIsUnavailable) {
  TestServer server;
  ServeWatch(&server, R"({"type": "ERROR", "object": {"code": 500, "message": "etcd"}})"
                      "\n");
  ApiClient client(server.connection());
  absl::Status status = client.Watch("/api/v1/pods", {}, [](const WatchEvent&) { return true; });
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
}

TEST(ApiClient, WatchMalformedEventIsInvalidArgument) {
  for (const std::string& body : {std::string("{\"type\": \"ADDED\"\n"),
                                  std::string(R"({"type": "ADDED", "object": 3})"
                                              "\n"),
                                  std::string(R"({"type": "WHAT", "object": {}})"
                                              "\n")}) {
    TestServer server;
    ServeWatch(&server, body);
    ApiClient client(server.connection());
    absl::Status status = client.Watch("/api/v1/pods", {}, [](const WatchEvent&) { return true; });
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << body << ": " << status;
  }
}

TEST(ApiClient, WatchHttpStatusAsList) {
  TestServer server;
  server.http().Get(".*", [](const httplib::Request&, httplib::Response& res) {
    res.status = 403;
    res.set_content(R"({"kind": "Status", "message": "pods is forbidden"})", "application/json");
  });
  server.Start();
  ApiClient client(server.connection());
  absl::Status status = client.Watch("/api/v1/pods", {}, [](const WatchEvent&) { return true; });
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr("pods is forbidden"));
}

TEST(ApiClient, InterruptEndsAHangingWatchPromptly) {
  std::atomic<bool> release{false};
  TestServer server;
  // The handler must end before the server can stop, whatever the test's outcome.
  struct Release {
    std::atomic<bool>* flag;
    ~Release() { *flag = true; }
  } release_at_end{&release};
  Seen seen;
  server.http().Get(".*", [&](const httplib::Request& req, httplib::Response& res) {
    seen.Record(req);
    res.set_chunked_content_provider("application/json", [&](size_t, httplib::DataSink& sink) {
      const std::string e = Event("ADDED", "a");
      sink.write(e.data(), e.size());
      // Then silence, as a watch without changes.
      while (!release.load() && sink.is_writable()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      sink.done();
      return true;
    });
  });
  server.Start();
  ApiClient client(server.connection());

  std::promise<void> got_event;
  auto watch = std::async(std::launch::async, [&] {
    return client.Watch("/api/v1/pods", {}, [&](const WatchEvent&) {
      got_event.set_value();
      return true;
    });
  });
  ASSERT_EQ(got_event.get_future().wait_for(std::chrono::seconds(5)), std::future_status::ready);
  const auto start = std::chrono::steady_clock::now();
  client.Interrupt();
  ASSERT_EQ(watch.wait_for(std::chrono::seconds(1)), std::future_status::ready);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
  EXPECT_EQ(watch.get().code(), absl::StatusCode::kCancelled);

  // Every later request: Cancelled, without asking the server.
  EXPECT_EQ(client.List("/api/v1/pods", {}).status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(client.Watch("/api/v1/pods", {}, [](const WatchEvent&) { return true; }).code(),
            absl::StatusCode::kCancelled);
  EXPECT_EQ(seen.Requests(), 1);
}

TEST(ResolveConnection, ApiServer) {
  config::KubernetesSdConfig cfg;
  cfg.api_server = "https://user@k8s.example.com:6443/prefix/?x=1";
  cfg.http.tls_config.insecure_skip_verify = true;
  absl::StatusOr<Connection> conn = ResolveConnection(cfg, {});
  ASSERT_TRUE(conn.ok()) << conn.status();
  EXPECT_EQ(conn->base_url, "https://k8s.example.com:6443");
  EXPECT_EQ(conn->path_prefix, "/prefix");
  EXPECT_TRUE(conn->http.tls_config.insecure_skip_verify);
  EXPECT_EQ(conn->own_namespace, "");

  cfg.api_server = "http://10.0.0.1";
  conn = ResolveConnection(cfg, {});
  ASSERT_TRUE(conn.ok()) << conn.status();
  EXPECT_EQ(conn->base_url, "http://10.0.0.1");
  EXPECT_EQ(conn->path_prefix, "");

  cfg.api_server = "ftp://10.0.0.1";
  EXPECT_EQ(ResolveConnection(cfg, {}).status().code(), absl::StatusCode::kFailedPrecondition);
  cfg.api_server = "https:///path";
  EXPECT_EQ(ResolveConnection(cfg, {}).status().code(), absl::StatusCode::kFailedPrecondition);
}

// A service account directory and environment for in-cluster tests.
struct InCluster {
  InCluster() : dir(TempDir("sa")) {
    std::ofstream(dir + "/token") << "sa-token";
    std::ofstream(dir + "/ca.crt") << "-----BEGIN CERTIFICATE-----\n";
    std::ofstream(dir + "/namespace") << "monitoring";
  }
  ResolveOptions Options() {
    return {.service_account_dir = dir, .getenv = [this](const char* name) -> const char* {
              auto it = env.find(name);
              return it == env.end() ? nullptr : it->second.c_str();
            }};
  }

  std::string dir;
  std::map<std::string, std::string> env = {{"KUBERNETES_SERVICE_HOST", "10.96.0.1"},
                                            {"KUBERNETES_SERVICE_PORT", "443"}};
};

TEST(ResolveConnection, InClusterFromServiceAccount) {
  InCluster in;
  config::KubernetesSdConfig cfg;
  absl::StatusOr<Connection> conn = ResolveConnection(cfg, in.Options());
  ASSERT_TRUE(conn.ok()) << conn.status();
  EXPECT_EQ(conn->base_url, "https://10.96.0.1:443");
  EXPECT_EQ(conn->path_prefix, "");
  EXPECT_EQ(conn->http.tls_config.ca_file, in.dir + "/ca.crt");
  ASSERT_TRUE(conn->http.authorization.has_value());
  EXPECT_EQ(conn->http.authorization->type, "Bearer");
  EXPECT_EQ(conn->http.authorization->credentials_file, in.dir + "/token");
  EXPECT_TRUE(conn->http.authorization->credentials.empty());
  EXPECT_EQ(conn->own_namespace, "");  // not asked for

  cfg.namespaces.own_namespace = true;
  in.env["KUBERNETES_SERVICE_HOST"] = "fd00::1";
  in.env["KUBERNETES_SERVICE_PORT"] = "6443";
  conn = ResolveConnection(cfg, in.Options());
  ASSERT_TRUE(conn.ok()) << conn.status();
  EXPECT_EQ(conn->base_url, "https://[fd00::1]:6443");
  EXPECT_EQ(conn->own_namespace, "monitoring");

  // Without ca.crt: the system's roots, as client-go.
  std::filesystem::remove(in.dir + "/ca.crt");
  conn = ResolveConnection(cfg, in.Options());
  ASSERT_TRUE(conn.ok()) << conn.status();
  EXPECT_EQ(conn->http.tls_config.ca_file, "");
}

TEST(ResolveConnection, InClusterErrors) {
  config::KubernetesSdConfig cfg;
  {
    InCluster in;
    in.env.erase("KUBERNETES_SERVICE_PORT");
    absl::Status s = ResolveConnection(cfg, in.Options()).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(s.message(),
              "unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and "
              "KUBERNETES_SERVICE_PORT must be defined");
  }
  {
    InCluster in;
    std::filesystem::remove(in.dir + "/token");
    absl::Status s = ResolveConnection(cfg, in.Options()).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(s.message(), "open " + in.dir + "/token: no such file or directory");
  }
  cfg.namespaces.own_namespace = true;
  {
    InCluster in;
    std::filesystem::remove(in.dir + "/namespace");
    absl::Status s = ResolveConnection(cfg, in.Options()).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(s.message(), "could not determine the pod's namespace: open " + in.dir +
                               "/namespace: no such file or directory");
  }
  {
    InCluster in;
    std::ofstream(in.dir + "/namespace", std::ios::trunc).close();
    absl::Status s = ResolveConnection(cfg, in.Options()).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(s.message(), "could not read own namespace name (empty file)");
  }
}

}  // namespace
}  // namespace sextant::discovery::kubernetes
