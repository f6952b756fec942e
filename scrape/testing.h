#pragma once

// Helpers for the scrape tests: threads and background work, and a scrape target.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>

#include <httplib.h>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace sextant::scrape::testing {

// The threads of this process.
inline size_t ThreadCount() {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/task")) ++n;
  return n;
}

// Polls `f` until it holds or `within` has passed; its last answer.
template <typename F>
bool Eventually(F f, absl::Duration within = absl::Seconds(10)) {
  const absl::Time end = absl::Now() + within;
  while (absl::Now() < end) {
    if (f()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return f();
}

// A target: serves `page` (changeable) on /metrics, or a 500 when `fail`.
class FakeTarget {
 public:
  FakeTarget() {
    server_.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
      ++hits_;
      if (fail_) {
        res.status = 500;
        return;
      }
      std::lock_guard<std::mutex> l(mu_);
      res.set_content(page_, "text/plain; version=0.0.4");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~FakeTarget() {
    server_.stop();
    thread_.join();
  }
  void SetPage(std::string p) {
    std::lock_guard<std::mutex> l(mu_);
    page_ = std::move(p);
  }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  std::atomic<bool> fail_{false};
  std::atomic<int> hits_{0};

 private:
  httplib::Server server_;
  std::mutex mu_;
  std::string page_ = "a 1\nb 2\n";
  int port_ = 0;
  std::thread thread_;
};

}  // namespace sextant::scrape::testing
