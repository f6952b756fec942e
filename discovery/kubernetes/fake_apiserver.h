#pragma once

// FakeApiServer: a small Kubernetes API server for tests of kubernetes_sd_configs, in process on
// 127.0.0.1 (HTTP, or HTTPS with a certificate signed by a CA it generates with the openssl
// command). It serves JSON lists and watches of the resources discovery reads, as the real API
// server does:
//
//   GET /api/v1/{nodes,namespaces}                         cluster-wide resources
//   GET /api/v1/[namespaces/<ns>/]{pods,services,endpoints}
//   GET /apis/discovery.k8s.io/v1/[namespaces/<ns>/]endpointslices
//   GET /apis/networking.k8s.io/v1/[namespaces/<ns>/]ingresses
//
//   - lists: `limit` and `continue` (pages in name order; a token of a compacted version is 410),
//     `labelSelector` (k=v, k==v, k!=v, k, !k, `k in (a,b)`, `k notin (a,b)`, comma-separated)
//     and `fieldSelector` (metadata.name, metadata.namespace, spec.nodeName with = == !=);
//     the response's metadata.resourceVersion is the server's current version;
//   - watches (`watch=1` or `watch=true`): from `resourceVersion` every later change to matching
//     objects, one JSON event per line ({"type": "ADDED"|"MODIFIED"|"DELETED", "object": ...}),
//     BOOKMARK events every bookmark_interval when allowWatchBookmarks=true, the stream ended
//     after timeoutSeconds; a resourceVersion older than the last Compact() gets one ERROR event
//     with a Status of code 410 ("too old resource version");
//   - a bearer token, when set, is required (401 otherwise).
//
// Every change bumps one global resourceVersion (a decimal string) and stores it in the object's
// metadata.resourceVersion. Lists and watches see an object's namespace and name from its
// metadata.
//
// Thread-safety: every method may be called from any thread while the server serves.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "nlohmann/json.hpp"

namespace sextant::discovery::kubernetes::testing {

class FakeApiServer {
 public:
  struct Options {
    bool tls = false;
    std::string bearer_token;  // required when not empty
    absl::Duration bookmark_interval = absl::Milliseconds(200);
  };

  // Starts serving on an ephemeral port. With tls, GTEST_SKIP-worthy failure (no openssl) shows
  // as ok() == false.
  explicit FakeApiServer(Options options);
  FakeApiServer() : FakeApiServer(Options{}) {}
  ~FakeApiServer();  // ends every watch and stops
  FakeApiServer(const FakeApiServer&) = delete;
  FakeApiServer& operator=(const FakeApiServer&) = delete;

  bool ok() const;
  std::string url() const;      // http(s)://127.0.0.1:<port>
  std::string ca_file() const;  // with tls: the CA certificate's PEM file

  // Adds or replaces an object of `resource` ("pods", "nodes", "services", "endpoints",
  // "endpointslices", "ingresses", "namespaces"), keyed by its metadata namespace and name;
  // watchers get ADDED or MODIFIED. Returns the new resourceVersion.
  int64_t Upsert(std::string_view resource, nlohmann::json object);
  // Deletes an object (no-op when absent); watchers get DELETED with its last state.
  int64_t Delete(std::string_view resource, std::string_view ns, std::string_view name);

  // Forgets the change history: watches from older versions, and list continue tokens issued
  // before, now get 410 Gone.
  void Compact();
  // Ends every open watch stream now (clients must re-watch).
  void CloseWatches();
  // While down, every request is answered 503 and open watches are ended.
  void SetDown(bool down);

  // Requests received, "GET <path>?<query>", in order.
  std::vector<std::string> requests() const;
  // Watches currently streaming.
  int active_watches() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sextant::discovery::kubernetes::testing
