#include "rules/notifier/notifier.h"

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <thread>

#include <httplib.h>
#include <unistd.h>

#include "config/loader.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "rules/notifier/alert_json.h"

namespace sextant::rules {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// Polls `done` for up to 10 seconds.
bool WaitFor(const std::function<bool()>& done) {
  for (int i = 0; i < 2000; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return done();
}

// An Alertmanager: records every POST to `path`; holds requests while its gate is closed.
class FakeAlertmanager {
 public:
  struct Request {
    httplib::Headers headers;
    std::string body;
    nlohmann::json alerts;
  };

  explicit FakeAlertmanager(std::string path = "/api/v2/alerts") : path_(std::move(path)) {
    server_.Post(path_, [this](const httplib::Request& req, httplib::Response& res) {
      std::unique_lock<std::mutex> l(mu_);
      requests_.push_back({req.headers, req.body, nlohmann::json::parse(req.body, nullptr, false)});
      gate_cv_.wait(l, [this] { return open_; });
      res.status = status_;
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~FakeAlertmanager() {
    SetOpen(true);
    server_.stop();
    thread_.join();
  }

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  std::string url() const { return "http://" + address() + path_; }

  void SetOpen(bool open) {
    {
      std::lock_guard<std::mutex> l(mu_);
      open_ = open;
    }
    gate_cv_.notify_all();
  }
  void SetStatus(int status) {
    std::lock_guard<std::mutex> l(mu_);
    status_ = status;
  }
  std::vector<Request> requests() const {
    std::lock_guard<std::mutex> l(mu_);
    return requests_;
  }
  size_t alert_count() const {
    std::lock_guard<std::mutex> l(mu_);
    size_t n = 0;
    for (const Request& r : requests_) n += r.alerts.is_array() ? r.alerts.size() : 0;
    return n;
  }
  // The alertname of every alert received, in order.
  std::vector<std::string> names() const {
    std::lock_guard<std::mutex> l(mu_);
    std::vector<std::string> out;
    for (const Request& r : requests_) {
      for (const auto& a : r.alerts) out.push_back(a["labels"].value("alertname", ""));
    }
    return out;
  }

 private:
  const std::string path_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mu_;
  std::condition_variable gate_cv_;
  bool open_ = true;
  int status_ = 200;
  std::vector<Request> requests_;
};

config::Config Cfg(const std::string& yaml) {
  absl::StatusOr<config::Config> c = config::LoadConfig(yaml, "");
  EXPECT_TRUE(c.ok()) << c.status();
  return c.ok() ? *std::move(c) : config::Config{};
}

// One alerting.alertmanagers entry with static targets.
std::string Entry(const std::vector<std::string>& targets, const std::string& extra = "") {
  std::string t;
  for (const std::string& a : targets) t += (t.empty() ? "" : ", ") + a;
  return "    - static_configs: [{targets: [" + t + "]}]\n" + extra;
}

NotifierAlert Alert(
    const std::string& name,
    std::initializer_list<std::pair<std::string_view, std::string_view>> extra = {}) {
  NotifierAlert a;
  model::LabelsBuilder b(model::Labels::FromPairs(extra));
  b.Set("alertname", name);
  a.labels = b.Build();
  a.annotations = model::Labels::FromPairs({{"summary", name + " fired"}});
  a.starts_at = absl::FromUnixMillis(1767225600000);
  a.generator_url = "http://sextant:9090/graph";
  return a;
}

std::vector<NotifierAlert> Alerts(int n, const std::string& prefix = "a") {
  std::vector<NotifierAlert> out;
  for (int i = 0; i < n; ++i) out.push_back(Alert(prefix + std::to_string(i)));
  return out;
}

std::string Metric(const util::Registry& r, const std::string& name_and_labels) {
  const std::string text = r.WriteText();
  const size_t p = text.find("\n" + name_and_labels + " ");
  if (p == std::string::npos) return "";
  const size_t start = p + name_and_labels.size() + 2;
  return text.substr(start, text.find('\n', start) - start);
}

std::string Labelled(const std::string& name, const std::string& am) {
  return name + "{alertmanager=\"" + am + "\"}";
}

TEST(Notifier, PostsV2JsonWithHeadersAndExternalLabels) {
  FakeAlertmanager am;
  util::Registry registry;
  Notifier n({}, &registry);
  ASSERT_TRUE(n.ApplyConfig(Cfg("global: {external_labels: {cluster: eu, job: ext}}\n"
                                "alerting:\n  alertmanagers:\n" +
                                Entry({am.address()})))
                  .ok());
  n.Send({Alert("Down", {{"job", "node"}})});
  ASSERT_TRUE(WaitFor([&] { return am.alert_count() == 1; }));
  const FakeAlertmanager::Request r = am.requests().at(0);
  EXPECT_EQ(r.headers.find("Content-Type")->second, "application/json");
  EXPECT_THAT(r.headers.find("User-Agent")->second, StartsWith("Sextant/"));
  NotifierAlert expected = Alert("Down", {{"job", "node"}, {"cluster", "eu"}});
  EXPECT_EQ(r.body, EncodeAlerts({&expected, 1}));
  EXPECT_EQ(r.alerts[0]["labels"]["job"], "node");  // the alert's own label wins
  EXPECT_EQ(r.alerts[0]["startsAt"], "2026-01-01T00:00:00.000Z");
  EXPECT_EQ(r.alerts[0]["endsAt"], "0001-01-01T00:00:00.000Z");
  EXPECT_TRUE(WaitFor([&] {
    return Metric(registry, Labelled("prometheus_notifications_sent_total", am.url())) == "1";
  }));
  EXPECT_EQ(Metric(registry, "prometheus_notifications_queue_capacity"), "10000");
  EXPECT_EQ(Metric(registry, "prometheus_notifications_alertmanagers_discovered"), "1");
  EXPECT_EQ(Metric(registry, Labelled("prometheus_notifications_latency_seconds_count", am.url())),
            "1");
}

TEST(Notifier, BatchesOfAtMost256) {
  FakeAlertmanager am;
  util::Registry registry;
  Notifier n({}, &registry);
  ASSERT_TRUE(n.ApplyConfig(Cfg("alerting:\n  alertmanagers:\n" + Entry({am.address()}))).ok());
  n.Send(Alerts(600));
  ASSERT_TRUE(WaitFor([&] { return am.alert_count() == 600; }));
  std::vector<size_t> sizes;
  for (const auto& r : am.requests()) sizes.push_back(r.alerts.size());
  EXPECT_THAT(sizes, ElementsAre(256, 256, 88));
  EXPECT_EQ(am.names().front(), "a0");
  EXPECT_EQ(am.names().back(), "a599");
}

TEST(Notifier, AlertRelabellingGlobalAndPerEntry) {
  FakeAlertmanager all;
  FakeAlertmanager db_only;
  util::Registry registry;
  Notifier n({}, &registry);
  ASSERT_TRUE(
      n.ApplyConfig(
           Cfg("alerting:\n"
               "  alert_relabel_configs:\n"
               "    - {source_labels: [severity], regex: debug, action: drop}\n"
               "    - {source_labels: [team], target_label: owner, replacement: 'team-$1'}\n"
               "  alertmanagers:\n" +
               Entry({all.address()}) +
               Entry({db_only.address()},
                     "      alert_relabel_configs: [{source_labels: [team], regex: db, "
                     "action: keep}]\n")))
          .ok());
  n.Send({Alert("A", {{"severity", "debug"}, {"team", "db"}}), Alert("B", {{"team", "db"}}),
          Alert("C", {{"team", "web"}})});
  ASSERT_TRUE(WaitFor([&] { return all.alert_count() == 2 && db_only.alert_count() == 1; }));
  EXPECT_THAT(all.names(), ElementsAre("B", "C"));
  EXPECT_THAT(db_only.names(), ElementsAre("B"));
  EXPECT_EQ(db_only.requests()[0].alerts[0]["labels"]["owner"], "team-db");
}

TEST(Notifier, RelabelConfigsChooseThePathAndDropAlertmanagers) {
  FakeAlertmanager am("/custom/api/v2/alerts");
  util::Registry registry;
  Notifier n({}, &registry);
  ASSERT_TRUE(
      n.ApplyConfig(Cfg("alerting:\n  alertmanagers:\n" +
                        Entry({am.address(), "dropped:9093"},
                              "      path_prefix: /ignored\n"
                              "      relabel_configs:\n"
                              "        - {source_labels: [__address__], regex: 'dropped:.*', "
                              "action: drop}\n"
                              "        - {target_label: __alerts_path__, "
                              "replacement: /custom/api/v2/alerts}\n")))
          .ok());
  std::vector<AlertmanagerStatus> active = n.ActiveAlertmanagers();
  ASSERT_EQ(active.size(), 1u);
  EXPECT_EQ(active[0].url, am.url());
  std::vector<AlertmanagerStatus> dropped = n.DroppedAlertmanagers();
  ASSERT_EQ(dropped.size(), 1u);
  EXPECT_EQ(dropped[0].url, "http://dropped:9093/ignored/api/v2/alerts");
  n.Send({Alert("X")});
  EXPECT_TRUE(WaitFor([&] { return am.alert_count() == 1; }));
}

TEST(Notifier, UnreachableAlertmanagerIsCountedOthersStillReceive) {
  FakeAlertmanager up;
  FakeAlertmanager failing;
  failing.SetStatus(500);
  util::Registry registry;
  Notifier n({}, &registry);
  const std::string down = "http://127.0.0.1:1/api/v2/alerts";
  ASSERT_TRUE(n.ApplyConfig(Cfg("alerting:\n  alertmanagers:\n" +
                                Entry({up.address(), "127.0.0.1:1", failing.address()},
                                      "      timeout: 2s\n")))
                  .ok());
  n.Send(Alerts(3));
  ASSERT_TRUE(WaitFor([&] { return up.alert_count() == 3; }));
  ASSERT_TRUE(WaitFor([&] {
    return Metric(registry, Labelled("prometheus_notifications_errors_total", down)) == "3" &&
           Metric(registry, Labelled("prometheus_notifications_errors_total", failing.url())) ==
               "3";
  }));
  EXPECT_EQ(Metric(registry, Labelled("prometheus_notifications_sent_total", down)), "3");
  EXPECT_EQ(Metric(registry, Labelled("prometheus_notifications_errors_total", up.url())), "");
  EXPECT_EQ(Metric(registry, "prometheus_notifications_dropped_total"), "0");
}

TEST(Notifier, BatchNoAlertmanagerOfAnEntryTookIsDropped) {
  FakeAlertmanager up;
  util::Registry registry;
  Notifier n({}, &registry);
  ASSERT_TRUE(n.ApplyConfig(Cfg("alerting:\n  alertmanagers:\n" + Entry({up.address()}) +
                                Entry({"127.0.0.1:1"})))
                  .ok());
  n.Send(Alerts(4));
  ASSERT_TRUE(
      WaitFor([&] { return Metric(registry, "prometheus_notifications_dropped_total") == "4"; }));
  EXPECT_EQ(up.alert_count(), 4u);
}

TEST(Notifier, FullQueueDropsTheOldestAndSendNeverBlocks) {
  FakeAlertmanager am;
  am.SetOpen(false);
  util::Registry registry;
  Notifier n({.queue_capacity = 5}, &registry);
  ASSERT_TRUE(n.ApplyConfig(Cfg("alerting:\n  alertmanagers:\n" + Entry({am.address()}))).ok());
  n.Send({Alert("first")});
  ASSERT_TRUE(WaitFor([&] { return am.requests().size() == 1; }));  // held by the Alertmanager
  n.Send(Alerts(10, "b"));  // returns although the sender is stuck
  EXPECT_EQ(Metric(registry, "prometheus_notifications_dropped_total"), "5");
  EXPECT_EQ(Metric(registry, "prometheus_notifications_queue_length"), "5");
  am.SetOpen(true);
  ASSERT_TRUE(WaitFor([&] { return am.alert_count() == 6; }));
  EXPECT_THAT(am.names(), ElementsAre("first", "b5", "b6", "b7", "b8", "b9"));
  EXPECT_EQ(Metric(registry, "prometheus_notifications_queue_length"), "0");
}

TEST(Notifier, FileDiscoveredAlertmanager) {
  FakeAlertmanager first;
  FakeAlertmanager second;
  const std::string dir = ::testing::TempDir() + "/notifier_sd_" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  const std::string file = dir + "/am.yml";
  auto write = [&](const std::string& address) {
    std::ofstream(file + ".tmp") << "- targets: ['" << address << "']\n";
    std::filesystem::rename(file + ".tmp", file);
  };
  write(first.address());
  util::Registry registry;
  Notifier n({.sd_check_period = absl::Milliseconds(10)}, &registry);
  ASSERT_TRUE(n.ApplyConfig(Cfg("alerting:\n  alertmanagers:\n"
                                "    - file_sd_configs: [{files: ['" +
                                dir + "/*.yml']}]\n"))
                  .ok());
  ASSERT_EQ(n.ActiveAlertmanagers().size(), 1u);
  EXPECT_EQ(n.ActiveAlertmanagers()[0].url, first.url());
  n.Send({Alert("one")});
  ASSERT_TRUE(WaitFor([&] { return first.alert_count() == 1; }));

  write(second.address());
  ASSERT_TRUE(WaitFor([&] {
    std::vector<AlertmanagerStatus> a = n.ActiveAlertmanagers();
    return a.size() == 1 && a[0].url == second.url();
  }));
  n.Send({Alert("two")});
  ASSERT_TRUE(WaitFor([&] { return second.alert_count() == 1; }));
  EXPECT_EQ(first.alert_count(), 1u);
  EXPECT_EQ(Metric(registry, "prometheus_notifications_alertmanagers_discovered"), "1");
  std::filesystem::remove_all(dir);
}

TEST(Notifier, BasicAuthAndBearerCredentials) {
  FakeAlertmanager basic;
  FakeAlertmanager bearer;
  util::Registry registry;
  Notifier n({}, &registry);
  ASSERT_TRUE(
      n.ApplyConfig(Cfg("alerting:\n  alertmanagers:\n" +
                        Entry({basic.address()}, "      basic_auth: {username: u, password: p}\n") +
                        Entry({bearer.address()}, "      authorization: {credentials: s3cret}\n")))
          .ok());
  n.Send({Alert("X")});
  ASSERT_TRUE(WaitFor([&] { return basic.alert_count() == 1 && bearer.alert_count() == 1; }));
  EXPECT_EQ(basic.requests()[0].headers.find("Authorization")->second, "Basic dTpw");
  EXPECT_EQ(bearer.requests()[0].headers.find("Authorization")->second, "Bearer s3cret");
}

TEST(Notifier, HttpsWithTheEntrysCa) {
  const std::string dir = ::testing::TempDir() + "/notifier_tls_" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  const std::string cmd =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
      "-addext subjectAltName=IP:127.0.0.1 -keyout " +
      dir + "/key.pem -out " + dir + "/cert.pem >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << "openssl is needed (scripts/setup installs it)";
  httplib::SSLServer server((dir + "/cert.pem").c_str(), (dir + "/key.pem").c_str());
  std::atomic<int> received{0};
  server.Post("/api/v2/alerts", [&](const httplib::Request&, httplib::Response&) { ++received; });
  const int port = server.bind_to_any_port("127.0.0.1");
  std::thread t([&] { server.listen_after_bind(); });
  while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const std::string address = "127.0.0.1:" + std::to_string(port);
  util::Registry registry;
  {
    Notifier n({}, &registry);
    ASSERT_TRUE(
        n.ApplyConfig(Cfg("alerting:\n  alertmanagers:\n" +
                          Entry({address}, "      scheme: https\n      timeout: 2s\n") +
                          Entry({address}, "      scheme: https\n      tls_config: {ca_file: " +
                                               dir + "/cert.pem}\n")))
            .ok());
    n.Send({Alert("X")});
    const std::string url = "https://" + address + "/api/v2/alerts";
    // Both entries post to the same URL: the one without the CA fails, the other gets through.
    ASSERT_TRUE(WaitFor([&] {
      return received == 1 &&
             Metric(registry, Labelled("prometheus_notifications_errors_total", url)) == "1" &&
             Metric(registry, Labelled("prometheus_notifications_sent_total", url)) == "2";
    }));
  }
  server.stop();
  t.join();
  std::filesystem::remove_all(dir);
}

// Holds the first batch at the Alertmanager, queues `queued` more, stops while it is held.
void StopWithQueuedAlerts(Notifier& n, FakeAlertmanager& am, int queued) {
  am.SetOpen(false);
  n.Send({Alert("held")});
  ASSERT_TRUE(WaitFor([&] { return am.requests().size() == 1; }));
  n.Send(Alerts(queued));
  std::thread stopper([&] { n.Stop(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  am.SetOpen(true);
  stopper.join();
}

TEST(Notifier, DrainsTheQueueOnShutdown) {
  FakeAlertmanager am;
  util::Registry registry;
  Notifier n({}, &registry);
  ASSERT_TRUE(n.ApplyConfig(Cfg("alerting:\n  alertmanagers:\n" + Entry({am.address()}))).ok());
  StopWithQueuedAlerts(n, am, 300);
  EXPECT_EQ(am.alert_count(), 301u);  // all sent before Stop() returned
  std::vector<size_t> sizes;
  for (const auto& r : am.requests()) sizes.push_back(r.alerts.size());
  EXPECT_THAT(sizes, ElementsAre(1, 256, 44));
  EXPECT_EQ(Metric(registry, "prometheus_notifications_dropped_total"), "0");
  n.Send({Alert("late")});  // after Stop: dropped
  EXPECT_EQ(Metric(registry, "prometheus_notifications_dropped_total"), "1");
}

TEST(Notifier, WithoutDrainingQueuedAlertsAreDropped) {
  FakeAlertmanager am;
  util::Registry registry;
  Notifier n({.drain_on_shutdown = false}, &registry);
  ASSERT_TRUE(n.ApplyConfig(Cfg("alerting:\n  alertmanagers:\n" + Entry({am.address()}))).ok());
  StopWithQueuedAlerts(n, am, 300);
  EXPECT_EQ(am.alert_count(), 1u);
  EXPECT_EQ(Metric(registry, "prometheus_notifications_dropped_total"), "300");
}

TEST(Notifier, UnusableEntryChangesNothing) {
  FakeAlertmanager am;
  util::Registry registry;
  Notifier n({}, &registry);
  ASSERT_TRUE(n.ApplyConfig(Cfg("alerting:\n  alertmanagers:\n" + Entry({am.address()}))).ok());
  config::Config bad = Cfg("alerting:\n  alertmanagers:\n" + Entry({"other:9093"}));
  bad.alerting.alertmanagers[0].api_version = "v1";
  const absl::Status s = n.ApplyConfig(bad);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("[v2]"));
  ASSERT_EQ(n.ActiveAlertmanagers().size(), 1u);
  EXPECT_EQ(n.ActiveAlertmanagers()[0].url, am.url());
}

TEST(Notifier, NoAlertmanagersNothingSentNothingDropped) {
  util::Registry registry;
  Notifier n({}, &registry);
  n.Send(Alerts(3));
  ASSERT_TRUE(
      WaitFor([&] { return Metric(registry, "prometheus_notifications_queue_length") == "0"; }));
  EXPECT_EQ(Metric(registry, "prometheus_notifications_dropped_total"), "0");
}

}  // namespace
}  // namespace sextant::rules
