// End-to-end: starts the real `sextant` binary on a free port and talks to it over HTTP, as a
// user would: health, build info, reloads (good and broken), lifecycle, signals, bad flags.

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nlohmann/json.hpp"

extern char** environ;

namespace sextant {
namespace {

using ::testing::HasSubstr;

constexpr char kBinary[] = SEXTANT_BINARY;

// Runs the binary with `args`; stdout+stderr go to `log_path`.
pid_t Spawn(const std::vector<std::string>& args, const std::string& log_path) {
  std::vector<char*> argv;
  std::string binary = kBinary;
  argv.push_back(binary.data());
  std::vector<std::string> copy = args;
  for (std::string& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = -1;
  EXPECT_EQ(posix_spawn(&pid, kBinary, &actions, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

// Waits up to `timeout` for the process to exit and reaps it; returns its exit code and sets
// *pid to -1, or returns -1 (still running) and leaves *pid alone.
int WaitExit(pid_t* pid, std::chrono::seconds timeout = std::chrono::seconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  do {
    int status = 0;
    if (*pid > 0 && waitpid(*pid, &status, WNOHANG) == *pid) {
      *pid = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  } while (std::chrono::steady_clock::now() < deadline);
  return -1;
}

// A port that was free a moment ago (bound to port 0, read back, released).
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    return -1;
  }
  close(fd);
  return ntohs(addr.sin_port);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class ServerE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("sextant_e2e_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    port_ = FreePort();
  }

  void TearDown() override {
    if (pid_ > 0 && WaitExit(&pid_, std::chrono::seconds(0)) == -1) {
      kill(pid_, SIGKILL);
      WaitExit(&pid_);
    }
    std::filesystem::remove_all(dir_);
  }

  void WriteConfig(const std::string& yaml) { std::ofstream(dir_ / "prometheus.yml") << yaml; }

  // Starts sextant and waits until /-/ready answers 200.
  void Start(std::vector<std::string> extra) {
    std::vector<std::string> args = {"--web.listen-address=127.0.0.1:" + std::to_string(port_),
                                     "--storage.tsdb.path=" + (dir_ / "data").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    pid_ = Spawn(args, log_path());
    client_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
    client_->set_connection_timeout(1);
    client_->set_read_timeout(2);
    for (int i = 0; i < 200; ++i) {
      if (WaitExit(&pid_, std::chrono::seconds(0)) != -1) break;  // died at start
      auto res = client_->Get("/-/ready");
      if (res && res->status == 200) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    FAIL() << "sextant did not become ready; log:\n" << ReadFile(log_path());
  }

  nlohmann::json Json(const std::string& path) {
    auto res = client_->Get(path.c_str());
    EXPECT_TRUE(res && res->status == 200) << path;
    return res ? nlohmann::json::parse(res->body) : nlohmann::json();
  }

  std::string ConfigYaml() { return Json("/api/v1/status/config")["data"]["yaml"]; }
  std::string Metrics() { return client_->Get("/metrics")->body; }
  std::string log_path() const { return (dir_ / "sextant.log").string(); }

  std::filesystem::path dir_;
  int port_ = 0;
  pid_t pid_ = -1;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(ServerE2E, ServesHealthBuildInfoAndItsOwnMetrics) {
  Start({});
  auto healthy = client_->Get("/-/healthy");
  ASSERT_TRUE(healthy);
  EXPECT_EQ(healthy->status, 200);
  const nlohmann::json build = Json("/api/v1/status/buildinfo");
  EXPECT_EQ(build["status"], "success");
  EXPECT_FALSE(build["data"]["version"].get<std::string>().empty());
  // Grafana's health check POSTs buildinfo with an empty form body.
  EXPECT_EQ(
      client_->Post("/api/v1/status/buildinfo", "", "application/x-www-form-urlencoded")->status,
      200);
  // The embedded default config scrapes Sextant itself on its own port.
  EXPECT_THAT(ConfigYaml(), HasSubstr("localhost:" + std::to_string(port_)));
  const std::string metrics = Metrics();
  EXPECT_THAT(metrics, HasSubstr("prometheus_build_info{"));
  EXPECT_THAT(metrics, HasSubstr("prometheus_config_last_reload_successful 1\n"));
  EXPECT_THAT(metrics, HasSubstr("process_resident_memory_bytes "));
  EXPECT_EQ(Json("/api/v1/status/flags")["data"]["storage.tsdb.retention.time"], "90d");
  EXPECT_TRUE(std::filesystem::is_directory(dir_ / "data"));
}

TEST_F(ServerE2E, BrokenReloadKeepsOldConfigThenGoodReloadApplies) {
  WriteConfig("scrape_configs:\n  - job_name: first\n    static_configs: [{targets: ['a:1']}]\n");
  Start({"--config.file=" + (dir_ / "prometheus.yml").string(), "--web.enable-lifecycle"});
  EXPECT_THAT(ConfigYaml(), HasSubstr("job_name: first"));

  WriteConfig("scrape_configs:\n  - job_name: second\n    scrape_interval: banana\n");
  auto res = client_->Post("/-/reload");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 500);
  EXPECT_THAT(res->body, HasSubstr("prometheus.yml:3: scrape_configs[0].scrape_interval: not a "
                                   "valid duration string: \"banana\""));
  EXPECT_THAT(ConfigYaml(), HasSubstr("job_name: first"));
  EXPECT_THAT(Metrics(), HasSubstr("prometheus_config_last_reload_successful 0\n"));
  EXPECT_EQ(Json("/api/v1/status/runtimeinfo")["data"]["reloadConfigSuccess"], false);

  // SIGHUP reloads too.
  WriteConfig("scrape_configs:\n  - job_name: third\n");
  kill(pid_, SIGHUP);
  for (int i = 0; i < 100 && ConfigYaml().find("job_name: third") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_THAT(ConfigYaml(), HasSubstr("job_name: third"));
  EXPECT_THAT(Metrics(), HasSubstr("prometheus_config_last_reload_successful 1\n"));

  kill(pid_, SIGTERM);
  EXPECT_EQ(WaitExit(&pid_), 0);
  const std::string log = ReadFile(log_path());
  EXPECT_THAT(log, HasSubstr("level=error component=config msg=\"Error reloading config\""));
  EXPECT_THAT(log, HasSubstr("msg=\"Received SIGTERM, exiting gracefully...\""));
  EXPECT_THAT(log, HasSubstr("msg=\"See you next time!\""));
}

TEST_F(ServerE2E, LifecycleEndpointsNeedTheFlag) {
  Start({});
  auto res = client_->Post("/-/reload");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403);
  EXPECT_EQ(res->body, "Lifecycle API is not enabled.");
  EXPECT_EQ(client_->Post("/-/quit")->status, 403);
  EXPECT_EQ(WaitExit(&pid_, std::chrono::seconds(0)), -1);  // still running
}

TEST_F(ServerE2E, QuitShutsDownCleanly) {
  Start({"--web.enable-lifecycle", "--log.format=json"});
  auto res = client_->Post("/-/quit");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body, "Requesting termination... Goodbye!");
  EXPECT_EQ(WaitExit(&pid_), 0);
  EXPECT_THAT(ReadFile(log_path()), HasSubstr("\"level\":\"info\",\"msg\":\"See you next time!\""));
}

TEST_F(ServerE2E, StartupErrorsExitNonZeroWithAClearMessage) {
  pid_ = Spawn({"--storage.tsdb.retention.time=banana"}, log_path());
  EXPECT_EQ(WaitExit(&pid_), 2);
  EXPECT_THAT(ReadFile(log_path()),
              HasSubstr("invalid value \"banana\" for flag --storage.tsdb.retention.time"));

  WriteConfig("global: {scrape_timeout: 2m}\n");
  pid_ = Spawn({"--config.file=" + (dir_ / "prometheus.yml").string(),
                "--web.listen-address=127.0.0.1:" + std::to_string(port_)},
               log_path());
  EXPECT_EQ(WaitExit(&pid_), 1);
  EXPECT_THAT(ReadFile(log_path()),
              HasSubstr("global scrape timeout greater than scrape interval"));
}

TEST_F(ServerE2E, StorageIsOpenLockedAndClosedCleanly) {
  Start({"--storage.tsdb.retention.size=512MB"});
  const std::string metrics = Metrics();
  EXPECT_THAT(metrics, HasSubstr("prometheus_tsdb_head_series "));
  EXPECT_THAT(metrics, HasSubstr("prometheus_tsdb_wal_corruptions_total 0\n"));
  EXPECT_THAT(metrics, HasSubstr("prometheus_tsdb_retention_limit_bytes 5.36870912e+08\n"));
  EXPECT_TRUE(std::filesystem::exists(dir_ / "data" / "lock"));
  EXPECT_TRUE(std::filesystem::is_directory(dir_ / "data" / "wal"));
  EXPECT_TRUE(std::filesystem::is_directory(dir_ / "data" / "partitions"));

  // A second server on the same directory fails at start, naming the lock.
  const std::string second_log = (dir_ / "second.log").string();
  pid_t second = Spawn({"--web.listen-address=127.0.0.1:" + std::to_string(FreePort()),
                        "--storage.tsdb.path=" + (dir_ / "data").string()},
                       second_log);
  EXPECT_EQ(WaitExit(&second), 1);
  EXPECT_THAT(ReadFile(second_log), HasSubstr("Opening storage failed"));
  EXPECT_THAT(ReadFile(second_log), HasSubstr("lock"));

  kill(pid_, SIGTERM);
  EXPECT_EQ(WaitExit(&pid_), 0);
  // The lock is released with the process: the directory opens again.
  Start({});
  EXPECT_THAT(ReadFile(log_path()), HasSubstr("TSDB started"));
}

}  // namespace
}  // namespace sextant
