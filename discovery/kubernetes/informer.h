#pragma once

// Informer: keeps one Kubernetes resource collection (one resource, in one namespace or all, with
// the entry's selectors) in step with the API server, as client-go's reflector does, and tells
// its handler what changed:
//
//   1. list in pages (`limit`, `continue`); a 410 while paging restarts the list unpaged. As
//      client-go's reflector, the first list asks for resourceVersion=0 (the API server answers
//      from its watch cache, sparing etcd) and a list after a 410 for a consistent read;
//   2. hand the handler one batch: every listed object as added or modified, and every object
//      known before but no longer listed as deleted (so a relist after an outage converges);
//   3. watch from the list's resourceVersion with bookmarks; each event is one batch; a stream
//      the server ends (timeoutSeconds, 5 to 10 minutes) is re-watched from the last version
//      seen; a 410 Gone relists (1.);
//   4. a failed list or watch is logged, counted (`on_failure`) and retried after a backoff that
//      doubles from min_backoff to max_backoff and resets after a success. The handler's objects
//      stay as they were: a dead API server keeps the last known targets.
//
// Objects are keyed "<namespace>/<name>" (namespaced) or "<name>" (nodes, namespaces).
// metadata.managedFields is dropped from every object as it arrives (discovery never reads it).
//
// Thread-safety: Start() and Stop() from the owner; the handler runs on the informer's thread,
// one batch at a time; synced() from any thread.

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/time.h"
#include "discovery/kubernetes/api_client.h"
#include "nlohmann/json.hpp"

namespace sextant::discovery::kubernetes {

using ObjectPtr = std::shared_ptr<const nlohmann::json>;

// The key of an object: "<namespace>/<name>", or "<name>" without a namespace.
std::string ObjectKey(const nlohmann::json& object);

struct InformerSpec {
  std::string resource;  // "pods", "nodes", ... (api_client.h CollectionPath)
  std::string ns;        // "" = all namespaces (and the cluster-wide resources)
  std::string label_selector;
  std::string field_selector;
};

struct InformerOptions {
  int64_t page_size = 500;
  absl::Duration min_backoff = absl::Milliseconds(800);
  absl::Duration max_backoff = absl::Seconds(30);
  // The watch's timeoutSeconds is drawn between this and twice this.
  absl::Duration watch_timeout = absl::Minutes(5);
  // Called after every failed list or watch (prometheus_sd_kubernetes_failures_total).
  std::function<void()> on_failure;
};

class Informer {
 public:
  struct Event {
    EventType type;  // kAdded, kModified or kDeleted
    std::string key;
    ObjectPtr object;  // for kDeleted, the last state known
  };
  using Handler = std::function<void(const std::vector<Event>& batch)>;

  Informer(const Connection& connection, InformerSpec spec, InformerOptions options,
           Handler handler);
  ~Informer();  // Stop()
  Informer(const Informer&) = delete;
  Informer& operator=(const Informer&) = delete;

  const InformerSpec& spec() const { return spec_; }
  // Starts the thread. Call once.
  void Start();
  // Stops and joins the thread; a handler call in progress finishes first. Idempotent.
  void Stop();
  // True once the first list was handed to the handler.
  bool synced() const { return synced_.load(std::memory_order_acquire); }

 private:
  void Run();
  // Lists everything (from `version`: "0" for the API server's cache, "" for a consistent
  // read); on success hands the batch over and returns the list's resourceVersion.
  absl::StatusOr<std::string> ListAndReplace(const std::string& version);
  // Waits `d` unless stopped first; returns false when stopped.
  bool Sleep(absl::Duration d);
  bool stopping() const { return stopping_.load(std::memory_order_acquire); }

  const InformerSpec spec_;
  const InformerOptions options_;
  const Handler handler_;
  const std::string path_;
  ApiClient client_;
  std::map<std::string, ObjectPtr> known_;  // the informer thread's view
  std::atomic<bool> synced_{false};
  std::atomic<bool> stopping_{false};
  std::mutex mu_;  // for the backoff sleep
  std::condition_variable cv_;
  std::thread thread_;
};

}  // namespace sextant::discovery::kubernetes
