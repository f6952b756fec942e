#pragma once

// For tests of remote/read: a real remote-read server (api/remote's Read over a MemStorage),
// served by httplib on 127.0.0.1 with a free port, that records what it was asked.
//
// Thread-safety: requests are served on httplib's threads; the recorded requests and the
// switches are guarded by a mutex, so the test may read and set them from its own thread.

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include <httplib.h>
#include <snappy.h>

#include "api/remote/prompb/remote.pb.h"
#include "api/remote/remote.h"
#include "tsdb/mem_storage.h"
#include "util/mutex.h"

namespace sextant::remote::testing {

class RemoteReadServer {
 public:
  RemoteReadServer() {
    server_.Post("/api/v1/read", [this](const httplib::Request& req, httplib::Response& res) {
      std::string body = req.body;
      prometheus::ReadRequest decoded;
      std::string raw;
      if (snappy::Uncompress(body.data(), body.size(), &raw) && decoded.ParseFromString(raw)) {
        util::MutexLock lock(&mu_);
        last_request_ = decoded;
        ++requests_;
        last_headers_ = req.headers;
      }
      if (samples_only_) {  // an old server: it ignores accepted_response_types
        decoded.clear_accepted_response_types();
        raw = decoded.SerializeAsString();
        body.clear();
        snappy::Compress(raw.data(), raw.size(), &body);
      }
      if (fail_status_ != 0) {
        res.status = fail_status_;
        res.set_content("something broke\n", "text/plain");
        return;
      }
      api::remote::ReadOptions options;
      options.external_labels = external_labels_;
      absl::StatusOr<api::remote::ReadAnswer> answer = api::remote::Read(body, storage, options);
      if (!answer.ok()) {
        res.status = 400;
        res.set_content(std::string(answer.status().message()), "text/plain");
        return;
      }
      if (!answer->content_encoding.empty()) {
        res.set_header("Content-Encoding", answer->content_encoding);
      }
      res.set_content(answer->body, answer->content_type.c_str());
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // stop() before the accept loop runs would be lost, and the destructor would wait forever.
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~RemoteReadServer() {
    server_.stop();
    thread_.join();
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/api/v1/read"; }
  int requests() {
    util::MutexLock lock(&mu_);
    return requests_;
  }
  prometheus::ReadRequest last_request() {
    util::MutexLock lock(&mu_);
    return last_request_;
  }
  httplib::Headers last_headers() {
    util::MutexLock lock(&mu_);
    return last_headers_;
  }

  // Set before the first request.
  void set_samples_only(bool on) { samples_only_ = on; }
  void set_fail_status(int status) { fail_status_ = status; }
  void set_external_labels(model::Labels l) { external_labels_ = std::move(l); }

  tsdb::MemStorage storage;

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::atomic<bool> samples_only_{false};
  std::atomic<int> fail_status_{0};
  model::Labels external_labels_;
  util::Mutex mu_;
  int requests_ ABSL_GUARDED_BY(mu_) = 0;
  prometheus::ReadRequest last_request_ ABSL_GUARDED_BY(mu_);
  httplib::Headers last_headers_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sextant::remote::testing
