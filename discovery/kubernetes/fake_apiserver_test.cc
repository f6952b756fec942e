#include "discovery/kubernetes/fake_apiserver.h"

#include <chrono>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sextant::discovery::kubernetes::testing {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

json Pod(const std::string& ns, const std::string& name, json labels = json::object(),
         const std::string& node = "") {
  json pod{{"metadata", {{"namespace", ns}, {"name", name}, {"labels", std::move(labels)}}}};
  if (!node.empty()) pod["spec"]["nodeName"] = node;
  return pod;
}

// Percent-encodes a query parameter value.
std::string Encode(std::string_view value) {
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      absl::StrAppend(&out, "%", absl::Hex(c, absl::kZeroPad2));
    }
  }
  return out;
}

std::unique_ptr<httplib::Client> Client(const FakeApiServer& server) {
  auto client = std::make_unique<httplib::Client>(server.url());
  client->set_read_timeout(5, 0);
  return client;
}

struct Reply {
  int status = -1;
  json body;
};

Reply Get(const FakeApiServer& server, const std::string& path,
          const httplib::Headers& headers = {}) {
  httplib::Result r = Client(server)->Get(path, headers);
  if (!r) return {};
  return {r->status, json::parse(r->body, nullptr, /*allow_exceptions=*/false)};
}

std::vector<std::string> Names(const json& list) {
  std::vector<std::string> names;
  for (const json& item : list["items"]) {
    names.push_back(item["metadata"]["namespace"].get<std::string>() + "/" +
                    item["metadata"]["name"].get<std::string>());
  }
  return names;
}

// A watch read on a thread of its own, one JSON event per line.
class WatchStream {
 public:
  WatchStream(const FakeApiServer& server, std::string path, httplib::Headers headers = {}) {
    thread_ = std::thread(
        [this, url = server.url(), path = std::move(path), headers = std::move(headers)] {
          httplib::Client client(url);
          client.set_read_timeout(5, 0);
          httplib::Result r = client.Get(path, headers, [this](const char* data, size_t n) {
            std::lock_guard<std::mutex> lock(mu_);
            buffer_.append(data, n);
            for (size_t eol; (eol = buffer_.find('\n')) != std::string::npos;) {
              events_.push_back(json::parse(buffer_.substr(0, eol), nullptr, false));
              buffer_.erase(0, eol + 1);
            }
            cv_.notify_all();
            return true;
          });
          std::lock_guard<std::mutex> lock(mu_);
          status_ = r ? r->status : -1;
          done_ = true;
          cv_.notify_all();
        });
  }
  ~WatchStream() { thread_.join(); }

  // The events once there are at least n, or after 5 s.
  std::vector<json> WaitForEvents(size_t n) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(5), [&] { return events_.size() >= n || done_; });
    return events_;
  }
  // Whether the stream ended within 5 s.
  bool WaitForEnd() {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(5), [&] { return done_; });
  }
  int status() {
    std::lock_guard<std::mutex> lock(mu_);
    return status_;
  }

 private:
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::string buffer_;
  std::vector<json> events_;
  bool done_ = false;
  int status_ = 0;
};

bool WaitForWatches(const FakeApiServer& server, int n) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (server.active_watches() != n) {
    if (std::chrono::steady_clock::now() > give_up) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

std::vector<std::string> Types(const std::vector<json>& events) {
  std::vector<std::string> types;
  for (const json& e : events) types.push_back(e.value("type", "<none>"));
  return types;
}

TEST(FakeApiServer, ListFiltersByNamespaceAndSelectors) {
  FakeApiServer server;
  ASSERT_TRUE(server.ok());
  server.Upsert("pods", Pod("a", "web-1", {{"app", "web"}, {"tier", "front"}}, "node-1"));
  server.Upsert("pods", Pod("a", "db-1", {{"app", "db"}}, "node-2"));
  server.Upsert("pods", Pod("b", "web-2", {{"app", "web"}}, "node-2"));
  const int64_t rv = server.Upsert("services", Pod("a", "svc"));

  Reply all = Get(server, "/api/v1/pods");
  ASSERT_EQ(all.status, 200);
  EXPECT_EQ(all.body["kind"], "PodList");
  EXPECT_EQ(all.body["apiVersion"], "v1");
  EXPECT_EQ(all.body["metadata"]["resourceVersion"], std::to_string(rv));
  EXPECT_FALSE(all.body["metadata"].contains("continue"));
  EXPECT_THAT(Names(all.body), ElementsAre("a/db-1", "a/web-1", "b/web-2"));
  EXPECT_EQ(all.body["items"][0]["metadata"]["resourceVersion"], "2");

  EXPECT_THAT(Names(Get(server, "/api/v1/namespaces/a/pods").body),
              ElementsAre("a/db-1", "a/web-1"));
  const auto labels = [&](std::string_view selector) {
    return Names(Get(server, "/api/v1/pods?labelSelector=" + Encode(selector)).body);
  };
  EXPECT_THAT(labels("app=web"), ElementsAre("a/web-1", "b/web-2"));
  EXPECT_THAT(labels("app==web,tier"), ElementsAre("a/web-1"));
  EXPECT_THAT(labels("app!=web"), ElementsAre("a/db-1"));
  EXPECT_THAT(labels("!tier"), ElementsAre("a/db-1", "b/web-2"));
  EXPECT_THAT(labels("app in (db, cache),!tier"), ElementsAre("a/db-1"));
  EXPECT_THAT(labels("app notin (db)"), ElementsAre("a/web-1", "b/web-2"));
  const auto fields = [&](std::string_view selector) {
    return Names(Get(server, "/api/v1/pods?fieldSelector=" + Encode(selector)).body);
  };
  EXPECT_THAT(fields("spec.nodeName=node-2"), ElementsAre("a/db-1", "b/web-2"));
  EXPECT_THAT(fields("spec.nodeName==node-2,metadata.namespace!=b"), ElementsAre("a/db-1"));
  EXPECT_THAT(fields("metadata.name=web-1"), ElementsAre("a/web-1"));
  EXPECT_EQ(Get(server, "/api/v1/services").body["kind"], "ServiceList");
}

TEST(FakeApiServer, BadSelectorIs400) {
  FakeApiServer server;
  EXPECT_EQ(Get(server, "/api/v1/pods?labelSelector=" + Encode("app in web")).status, 400);
  Reply r = Get(server, "/api/v1/pods?fieldSelector=" + Encode("status.phase=Running"));
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body.value("message", ""), HasSubstr("status.phase"));
}

TEST(FakeApiServer, GroupResourcesAndClusterResources) {
  FakeApiServer server;
  server.Upsert("endpointslices", Pod("a", "s1"));
  server.Upsert("ingresses", Pod("a", "i1"));
  server.Upsert("nodes", json{{"metadata", {{"name", "n1"}}}});
  Reply slices = Get(server, "/apis/discovery.k8s.io/v1/namespaces/a/endpointslices");
  ASSERT_EQ(slices.status, 200);
  EXPECT_EQ(slices.body["kind"], "EndpointSliceList");
  EXPECT_EQ(slices.body["apiVersion"], "discovery.k8s.io/v1");
  EXPECT_EQ(slices.body["items"].size(), 1u);
  Reply ingresses = Get(server, "/apis/networking.k8s.io/v1/ingresses");
  EXPECT_EQ(ingresses.body["kind"], "IngressList");
  EXPECT_EQ(ingresses.body["items"].size(), 1u);
  Reply nodes = Get(server, "/api/v1/nodes");
  EXPECT_EQ(nodes.body["kind"], "NodeList");
  EXPECT_EQ(nodes.body["items"].size(), 1u);
  EXPECT_EQ(server.Upsert("widgets", Pod("a", "w")), -1);
  EXPECT_EQ(server.Upsert("pods", json{{"metadata", json::object()}}), -1);
}

TEST(FakeApiServer, UnknownPathIs404) {
  FakeApiServer server;
  for (const char* path :
       {"/api/v1/widgets", "/api/v1/namespaces/a/nodes", "/apis/networking.k8s.io/v1/pods",
        "/apis/discovery.k8s.io/v1beta1/"
        "endpointslices",
        "/healthz"}) {
    Reply r = Get(server, path);
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(r.body["kind"], "Status") << path;
    EXPECT_EQ(r.body["code"], 404) << path;
  }
}

TEST(FakeApiServer, ListPagesShowTheFirstPagesSnapshot) {
  FakeApiServer server;
  for (const char* name : {"p1", "p2", "p3", "p4", "p5"}) server.Upsert("pods", Pod("a", name));
  Reply first = Get(server, "/api/v1/namespaces/a/pods?limit=2");
  ASSERT_EQ(first.status, 200);
  EXPECT_THAT(Names(first.body), ElementsAre("a/p1", "a/p2"));
  const std::string snapshot = first.body["metadata"]["resourceVersion"];
  ASSERT_TRUE(first.body["metadata"].contains("continue"));

  // Changes after the first page do not show in the next ones.
  server.Delete("pods", "a", "p3");
  server.Upsert("pods", Pod("a", "p4", {{"changed", "yes"}}));
  server.Upsert("pods", Pod("a", "p6"));
  server.Delete("pods", "a", "missing");  // no-op

  Reply second = Get(server, "/api/v1/namespaces/a/pods?limit=2&continue=" +
                                 Encode(first.body["metadata"]["continue"].get<std::string>()));
  ASSERT_EQ(second.status, 200);
  EXPECT_THAT(Names(second.body), ElementsAre("a/p3", "a/p4"));
  EXPECT_FALSE(second.body["items"][1]["metadata"]["labels"].contains("changed"));
  EXPECT_EQ(second.body["metadata"]["resourceVersion"], snapshot);
  Reply third = Get(server, "/api/v1/namespaces/a/pods?limit=2&continue=" +
                                Encode(second.body["metadata"]["continue"].get<std::string>()));
  EXPECT_THAT(Names(third.body), ElementsAre("a/p5"));
  EXPECT_FALSE(third.body["metadata"].contains("continue"));

  // A new list sees the changes.
  EXPECT_THAT(Names(Get(server, "/api/v1/namespaces/a/pods").body),
              ElementsAre("a/p1", "a/p2", "a/p4", "a/p5", "a/p6"));
  EXPECT_EQ(Get(server, "/api/v1/pods?continue=garbage").status, 400);
}

TEST(FakeApiServer, WatchStreamsChangesInOrder) {
  FakeApiServer server;
  server.Upsert("pods", Pod("a", "old"));
  WatchStream watch(server, "/api/v1/namespaces/a/pods?watch=1");
  ASSERT_TRUE(WaitForWatches(server, 1));
  const int64_t added = server.Upsert("pods", Pod("a", "p1"));
  server.Upsert("pods", Pod("b", "elsewhere"));
  server.Upsert("services", Pod("a", "not-a-pod"));
  const int64_t modified = server.Upsert("pods", Pod("a", "p1", {{"v", "2"}}));
  const int64_t deleted = server.Delete("pods", "a", "p1");
  const std::vector<json> events = watch.WaitForEvents(3);
  ASSERT_THAT(Types(events), ElementsAre("ADDED", "MODIFIED", "DELETED"));
  EXPECT_EQ(events[0]["object"]["metadata"]["resourceVersion"], std::to_string(added));
  EXPECT_EQ(events[0]["object"]["kind"], "Pod");
  EXPECT_EQ(events[0]["object"]["apiVersion"], "v1");
  EXPECT_EQ(events[1]["object"]["metadata"]["resourceVersion"], std::to_string(modified));
  EXPECT_EQ(events[1]["object"]["metadata"]["labels"]["v"], "2");
  // DELETED: the last state at the new version.
  EXPECT_EQ(events[2]["object"]["metadata"]["resourceVersion"], std::to_string(deleted));
  EXPECT_EQ(events[2]["object"]["metadata"]["labels"]["v"], "2");
  server.CloseWatches();
  EXPECT_TRUE(watch.WaitForEnd());
  EXPECT_EQ(watch.status(), 200);
  EXPECT_TRUE(WaitForWatches(server, 0));
}

TEST(FakeApiServer, WatchFromResourceVersionReplaysLaterChanges) {
  FakeApiServer server;
  server.Upsert("pods", Pod("a", "p1"));
  const std::string rv = Get(server, "/api/v1/pods").body["metadata"]["resourceVersion"];
  server.Upsert("pods", Pod("a", "p2"));
  server.Delete("pods", "a", "p1");
  WatchStream watch(server, "/api/v1/pods?watch=true&timeoutSeconds=0.1&resourceVersion=" + rv);
  EXPECT_TRUE(watch.WaitForEnd());
  const std::vector<json> events = watch.WaitForEvents(2);
  ASSERT_THAT(Types(events), ElementsAre("ADDED", "DELETED"));
  EXPECT_EQ(events[0]["object"]["metadata"]["name"], "p2");
  EXPECT_EQ(events[1]["object"]["metadata"]["name"], "p1");
}

TEST(FakeApiServer, WatchFollowsObjectsIntoAndOutOfTheSelector) {
  FakeApiServer server;
  server.Upsert("pods", Pod("a", "p1", {{"app", "db"}}));
  WatchStream watch(server, "/api/v1/pods?watch=1&labelSelector=" + Encode("app=web"));
  ASSERT_TRUE(WaitForWatches(server, 1));
  server.Upsert("pods", Pod("a", "p1", {{"app", "web"}}));
  server.Upsert("pods", Pod("a", "p1", {{"app", "web"}, {"x", "y"}}));
  server.Upsert("pods", Pod("a", "p1", {{"app", "db"}}));
  const std::vector<json> events = watch.WaitForEvents(3);
  ASSERT_THAT(Types(events), ElementsAre("ADDED", "MODIFIED", "DELETED"));
  EXPECT_EQ(events[2]["object"]["metadata"]["labels"]["app"], "web");  // its last matching state
  server.CloseWatches();
  EXPECT_TRUE(watch.WaitForEnd());
}

TEST(FakeApiServer, WatchSendsBookmarks) {
  FakeApiServer server(FakeApiServer::Options{.bookmark_interval = absl::Milliseconds(20)});
  server.Upsert("pods", Pod("a", "p1"));
  WatchStream watch(server, "/api/v1/pods?watch=1&allowWatchBookmarks=true&timeoutSeconds=0.15");
  const std::vector<json> events = watch.WaitForEvents(2);
  ASSERT_GE(events.size(), 2u);
  EXPECT_EQ(events[0]["type"], "BOOKMARK");
  EXPECT_EQ(events[0]["object"]["kind"], "Pod");
  EXPECT_EQ(events[0]["object"]["apiVersion"], "v1");
  EXPECT_EQ(events[0]["object"]["metadata"]["resourceVersion"], "1");
  EXPECT_TRUE(watch.WaitForEnd());

  // Without allowWatchBookmarks, none.
  WatchStream plain(server, "/api/v1/pods?watch=1&timeoutSeconds=0.1");
  EXPECT_TRUE(plain.WaitForEnd());
  EXPECT_TRUE(plain.WaitForEvents(0).empty());
}

TEST(FakeApiServer, WatchEndsAfterTimeoutSeconds) {
  FakeApiServer server;
  WatchStream watch(server, "/api/v1/pods?watch=1&timeoutSeconds=0.05");
  EXPECT_TRUE(watch.WaitForEnd());  // long before the client's 5 s read timeout
  EXPECT_EQ(watch.status(), 200);
  EXPECT_TRUE(WaitForWatches(server, 0));
}

TEST(FakeApiServer, CompactExpiresOlderWatches) {
  FakeApiServer server;
  const int64_t old_rv = server.Upsert("pods", Pod("a", "p1"));
  const int64_t compacted = server.Upsert("pods", Pod("a", "p2"));
  server.Compact();
  WatchStream watch(server, absl::StrCat("/api/v1/pods?watch=1&resourceVersion=", old_rv));
  EXPECT_TRUE(watch.WaitForEnd());
  EXPECT_EQ(watch.status(), 200);
  const std::vector<json> events = watch.WaitForEvents(1);
  ASSERT_THAT(Types(events), ElementsAre("ERROR"));
  const json& status = events[0]["object"];
  EXPECT_EQ(status["kind"], "Status");
  EXPECT_EQ(status["code"], 410);
  EXPECT_EQ(status["reason"], "Expired");
  EXPECT_EQ(status["message"],
            absl::StrCat("too old resource version: ", old_rv, " (", compacted, ")"));

  // From the compacted version itself nothing was lost.
  WatchStream current(
      server, absl::StrCat("/api/v1/pods?watch=1&timeoutSeconds=0.05&resourceVersion=", compacted));
  EXPECT_TRUE(current.WaitForEnd());
  EXPECT_TRUE(current.WaitForEvents(0).empty());
}

TEST(FakeApiServer, CompactExpiresContinueTokens) {
  FakeApiServer server;
  for (const char* name : {"p1", "p2", "p3"}) server.Upsert("pods", Pod("a", name));
  Reply first = Get(server, "/api/v1/pods?limit=1");
  const std::string token = first.body["metadata"]["continue"];
  server.Compact();
  Reply expired = Get(server, "/api/v1/pods?limit=1&continue=" + Encode(token));
  EXPECT_EQ(expired.status, 410);
  EXPECT_EQ(expired.body["kind"], "Status");
  EXPECT_EQ(expired.body["reason"], "Expired");
  EXPECT_EQ(expired.body["code"], 410);
  // A token issued after the compaction works.
  Reply again = Get(server, "/api/v1/pods?limit=1");
  Reply next = Get(server, "/api/v1/pods?limit=1&continue=" +
                               Encode(again.body["metadata"]["continue"].get<std::string>()));
  EXPECT_EQ(next.status, 200);
  EXPECT_THAT(Names(next.body), ElementsAre("a/p2"));
}

TEST(FakeApiServer, BearerTokenIsRequired) {
  FakeApiServer server(FakeApiServer::Options{.bearer_token = "s3cret"});
  Reply none = Get(server, "/api/v1/pods");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.body["kind"], "Status");
  EXPECT_EQ(none.body["code"], 401);
  EXPECT_EQ(Get(server, "/api/v1/pods", {{"Authorization", "Bearer wrong"}}).status, 401);
  EXPECT_EQ(Get(server, "/api/v1/pods", {{"Authorization", "Bearer s3cret"}}).status, 200);
}

TEST(FakeApiServer, ServesTlsWithItsCa) {
  FakeApiServer server(FakeApiServer::Options{.tls = true});
  if (!server.ok()) GTEST_SKIP() << "openssl not available";
  ASSERT_EQ(server.url().rfind("https://127.0.0.1:", 0), 0u) << server.url();
  const int port = std::stoi(server.url().substr(server.url().rfind(':') + 1));
  server.Upsert("pods", Pod("a", "p1"));

  httplib::SSLClient client("127.0.0.1", port);
  client.set_ca_cert_path(server.ca_file().c_str());
  client.enable_server_certificate_verification(true);
  client.set_read_timeout(5, 0);
  httplib::Result r = client.Get("/api/v1/pods");
  ASSERT_TRUE(r) << httplib::to_string(r.error());
  EXPECT_EQ(r->status, 200);
  EXPECT_THAT(r->body, HasSubstr("\"p1\""));

  // Without the CA the certificate is not trusted.
  httplib::SSLClient untrusting("127.0.0.1", port);
  untrusting.set_ca_cert_path("/nonexistent.pem");
  untrusting.enable_server_certificate_verification(true);
  EXPECT_FALSE(untrusting.Get("/api/v1/pods"));
}

TEST(FakeApiServer, DownAnswers503AndEndsWatches) {
  FakeApiServer server;
  WatchStream watch(server, "/api/v1/pods?watch=1");
  ASSERT_TRUE(WaitForWatches(server, 1));
  server.SetDown(true);
  EXPECT_TRUE(watch.WaitForEnd());
  Reply down = Get(server, "/api/v1/pods");
  EXPECT_EQ(down.status, 503);
  EXPECT_EQ(down.body["code"], 503);
  EXPECT_EQ(Get(server, "/api/v1/pods?watch=1").status, 503);
  server.SetDown(false);
  EXPECT_EQ(Get(server, "/api/v1/pods").status, 200);
}

TEST(FakeApiServer, DestructorEndsOpenWatchesPromptly) {
  auto server = std::make_unique<FakeApiServer>();
  std::vector<std::unique_ptr<WatchStream>> watches;
  for (int i = 0; i < 3; ++i) {
    watches.push_back(std::make_unique<WatchStream>(*server, "/api/v1/pods?watch=1"));
  }
  ASSERT_TRUE(WaitForWatches(*server, 3));
  std::future<void> destroyed = std::async(std::launch::async, [&] { server.reset(); });
  EXPECT_EQ(destroyed.wait_for(std::chrono::seconds(2)), std::future_status::ready);
  destroyed.wait();
  for (auto& watch : watches) EXPECT_TRUE(watch->WaitForEnd());
}

TEST(FakeApiServer, RecordsRequests) {
  FakeApiServer server(FakeApiServer::Options{.bearer_token = "t"});
  Get(server, "/api/v1/pods?limit=5&labelSelector=app%3Dweb");
  Get(server, "/api/v1/nodes");
  EXPECT_THAT(server.requests(),
              ElementsAre("GET /api/v1/pods?limit=5&labelSelector=app%3Dweb", "GET /api/v1/nodes"));
}

}  // namespace
}  // namespace sextant::discovery::kubernetes::testing
