#include "discovery/kubernetes/informer.h"

#include <chrono>
#include <mutex>
#include <thread>

#include "discovery/kubernetes/fake_apiserver.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sextant::discovery::kubernetes {
namespace {

using nlohmann::json;
using testing::FakeApiServer;
using ::testing::HasSubstr;

json Pod(std::string_view ns, std::string_view name, std::string_view ip = "") {
  json pod = {{"metadata", {{"namespace", ns}, {"name", name}, {"labels", {{"app", "a"}}}}}};
  if (!ip.empty()) pod["status"]["podIP"] = ip;
  return pod;
}

// What the handler was told, with a view of the objects it would keep.
struct Recorder {
  std::mutex mu;
  std::vector<std::string> log;  // "add ml/p1", "update ml/p1", "delete ml/p1"
  std::map<std::string, json> objects;
  int batches = 0;

  Informer::Handler Handler() {
    return [this](const std::vector<Informer::Event>& batch) {
      std::lock_guard<std::mutex> l(mu);
      ++batches;
      for (const Informer::Event& e : batch) {
        const char* verb = e.type == EventType::kAdded     ? "add"
                           : e.type == EventType::kDeleted ? "delete"
                                                           : "update";
        log.push_back(std::string(verb) + " " + e.key);
        if (e.type == EventType::kDeleted) {
          objects.erase(e.key);
        } else {
          objects[e.key] = *e.object;
        }
      }
    };
  }
  std::vector<std::string> Log() {
    std::lock_guard<std::mutex> l(mu);
    return log;
  }
  size_t Size() {
    std::lock_guard<std::mutex> l(mu);
    return objects.size();
  }
};

template <typename Done>
bool Eventually(Done done) {
  for (int i = 0; i < 500; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

InformerOptions Fast() {
  InformerOptions o;
  o.min_backoff = absl::Milliseconds(10);
  o.max_backoff = absl::Milliseconds(50);
  o.page_size = 2;
  return o;
}

Connection To(const FakeApiServer& server) {
  Connection c;
  c.base_url = server.url();
  return c;
}

TEST(Informer, ListsInPagesThenWatchesChangesInOrder) {
  FakeApiServer server;
  ASSERT_TRUE(server.ok());
  for (int i = 0; i < 5; ++i) server.Upsert("pods", Pod("ml", "p" + std::to_string(i)));
  server.Upsert("pods", Pod("other", "x"));
  Recorder r;
  Informer informer(To(server), {.resource = "pods", .ns = "ml"}, Fast(), r.Handler());
  EXPECT_FALSE(informer.synced());
  informer.Start();
  ASSERT_TRUE(Eventually([&] { return informer.synced(); }));
  EXPECT_EQ(r.Log(), (std::vector<std::string>{"add ml/p0", "add ml/p1", "add ml/p2", "add ml/p3",
                                               "add ml/p4"}));
  EXPECT_EQ(r.batches, 1);  // the whole list at once
  const std::vector<std::string> requests = server.requests();
  ASSERT_GE(requests.size(), 3u);
  EXPECT_THAT(requests[0], HasSubstr("/api/v1/namespaces/ml/pods?"));
  EXPECT_THAT(requests[0], HasSubstr("limit=2"));
  EXPECT_THAT(requests[0], HasSubstr("resourceVersion=0"));  // the watch cache, as client-go
  EXPECT_THAT(requests[1], HasSubstr("continue="));

  ASSERT_TRUE(Eventually([&] { return server.active_watches() == 1; }));
  server.Upsert("pods", Pod("ml", "p5"));
  server.Upsert("pods", Pod("ml", "p0", "10.0.0.1"));
  server.Delete("pods", "ml", "p1");
  server.Upsert("pods", Pod("other", "y"));  // another namespace: not this informer's
  ASSERT_TRUE(Eventually([&] { return r.Log().size() == 8; }));
  const std::vector<std::string> log = r.Log();
  EXPECT_EQ(std::vector<std::string>(log.begin() + 5, log.end()),
            (std::vector<std::string>{"add ml/p5", "update ml/p0", "delete ml/p1"}));
  std::lock_guard<std::mutex> l(r.mu);
  EXPECT_EQ(r.objects["ml/p0"]["status"]["podIP"], "10.0.0.1");
}

TEST(Informer, SelectorsGoToTheServer) {
  FakeApiServer server;
  json labelled = Pod("ml", "keep");
  labelled["metadata"]["labels"]["tier"] = "gpu";
  server.Upsert("pods", labelled);
  server.Upsert("pods", Pod("ml", "drop"));
  Recorder r;
  Informer informer(To(server),
                    {.resource = "pods",
                     .ns = "",
                     .label_selector = "tier=gpu",
                     .field_selector = "metadata.namespace=ml"},
                    Fast(), r.Handler());
  informer.Start();
  ASSERT_TRUE(Eventually([&] { return informer.synced(); }));
  EXPECT_EQ(r.Log(), (std::vector<std::string>{"add ml/keep"}));
  EXPECT_THAT(server.requests()[0], HasSubstr("/api/v1/pods?"));
  EXPECT_THAT(server.requests()[0], HasSubstr("labelSelector=tier"));
  EXPECT_THAT(server.requests()[0], HasSubstr("fieldSelector=metadata.namespace"));
}

// An outage during which history was compacted: the informer's watch gets 410 Gone, it lists
// again, and what was deleted meanwhile is handed over as deleted.
TEST(Informer, RelistsAfterGoneAndDeliversMissedDeletes) {
  FakeApiServer server;
  server.Upsert("pods", Pod("ml", "a"));
  server.Upsert("pods", Pod("ml", "b"));
  Recorder r;
  int failures = 0;
  std::mutex failures_mu;
  InformerOptions options = Fast();
  options.on_failure = [&] {
    std::lock_guard<std::mutex> l(failures_mu);
    ++failures;
  };
  Informer informer(To(server), {.resource = "pods", .ns = "ml"}, options, r.Handler());
  informer.Start();
  ASSERT_TRUE(Eventually([&] { return server.active_watches() == 1; }));

  server.SetDown(true);
  ASSERT_TRUE(Eventually([&] {
    std::lock_guard<std::mutex> l(failures_mu);
    return failures >= 2;
  }));
  EXPECT_EQ(r.Size(), 2u);  // a dead server keeps what was known
  server.Delete("pods", "ml", "a");
  server.Upsert("pods", Pod("ml", "c"));
  server.Compact();
  server.SetDown(false);
  ASSERT_TRUE(Eventually([&] { return r.Size() == 2 && r.Log().size() == 4; }));
  // The list after the 410 is a consistent read: no resourceVersion.
  std::vector<std::string> lists;
  for (const std::string& req : server.requests()) {
    if (req.find("watch=") == std::string::npos && req.find("continue=") == std::string::npos) {
      lists.push_back(req);
    }
  }
  ASSERT_GE(lists.size(), 2u);
  EXPECT_THAT(lists.back(), ::testing::Not(HasSubstr("resourceVersion")));
  EXPECT_EQ(r.Log(), (std::vector<std::string>{"add ml/a", "add ml/b", "add ml/c", "delete ml/a"}));
}

TEST(Informer, RewatchesFromTheLastVersionWhenTheStreamEnds) {
  FakeApiServer server;
  server.Upsert("nodes", json{{"metadata", {{"name", "n1"}}}});
  Recorder r;
  Informer informer(To(server), {.resource = "nodes"}, Fast(), r.Handler());
  informer.Start();
  ASSERT_TRUE(Eventually([&] { return server.active_watches() == 1; }));
  server.CloseWatches();
  server.Upsert("nodes", json{{"metadata", {{"name", "n2"}}}});
  ASSERT_TRUE(Eventually([&] { return r.Size() == 2; }));
  // Not listed again: the change came through a new watch.
  int lists = 0;
  for (const std::string& req : server.requests()) {
    if (req.find("watch=") == std::string::npos) ++lists;
  }
  EXPECT_EQ(lists, 1);
  EXPECT_EQ(r.Log(), (std::vector<std::string>{"add n1", "add n2"}));
}

TEST(Informer, StopEndsAHangingWatchPromptly) {
  FakeApiServer server;
  Recorder r;
  auto informer =
      std::make_unique<Informer>(To(server), InformerSpec{.resource = "pods"}, Fast(), r.Handler());
  informer->Start();
  ASSERT_TRUE(Eventually([&] { return server.active_watches() == 1; }));
  const auto start = std::chrono::steady_clock::now();
  informer.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
}

TEST(Informer, DropsManagedFields) {
  FakeApiServer server;
  json pod = Pod("ml", "p");
  pod["metadata"]["managedFields"] = json::array({{{"manager", "kubectl"}}});
  server.Upsert("pods", pod);
  Recorder r;
  Informer informer(To(server), {.resource = "pods"}, Fast(), r.Handler());
  informer.Start();
  ASSERT_TRUE(Eventually([&] { return server.active_watches() == 1; }));
  {
    std::lock_guard<std::mutex> l(r.mu);
    EXPECT_FALSE(r.objects["ml/p"]["metadata"].contains("managedFields"));  // from the list
  }
  pod["metadata"]["labels"]["v"] = "2";
  server.Upsert("pods", pod);  // through the watch
  ASSERT_TRUE(Eventually([&] { return r.Log().size() == 2; }));
  std::lock_guard<std::mutex> l(r.mu);
  EXPECT_EQ(r.objects["ml/p"]["metadata"]["labels"]["v"], "2");
  EXPECT_FALSE(r.objects["ml/p"]["metadata"].contains("managedFields"));
}

TEST(Informer, ObjectKeys) {
  EXPECT_EQ(ObjectKey(Pod("ml", "p")), "ml/p");
  EXPECT_EQ(ObjectKey(json{{"metadata", {{"name", "n"}}}}), "n");
}

}  // namespace
}  // namespace sextant::discovery::kubernetes
