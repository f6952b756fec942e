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
//   - lists: `limit` and `continue` (pages in (namespace, name) order, so name order within a
//     namespace; a token issued before the last Compact() is 410 Gone with a Status of reason
//     "Expired"), `labelSelector` (k=v, k==v, k!=v, k, !k, `k in (a,b)`, `k notin (a,b)`,
//     comma-separated) and `fieldSelector` (metadata.name, metadata.namespace, spec.nodeName with
//     = == !=; another field or a malformed selector is 400). The response is
//     {"kind": "<Kind>List", "apiVersion": ..., "metadata": {"resourceVersion", "continue"},
//     "items"}. Every page of a paged list shows the objects as of its first page (a consistent
//     snapshot), and its metadata.resourceVersion is that snapshot's version: the server's current
//     version for a first page;
//   - watches (`watch=1` or `watch=true`): from `resourceVersion` every later change to matching
//     objects, one JSON event per line ({"type": "ADDED"|"MODIFIED"|"DELETED", "object": ...},
//     the object with "kind" and "apiVersion"), BOOKMARK events every bookmark_interval when
//     allowWatchBookmarks=true ({"type": "BOOKMARK", "object": {"kind", "apiVersion", "metadata":
//     {"resourceVersion": <current>}}}), the stream ended after timeoutSeconds (here it may be
//     fractional, "0.2", to keep tests fast); a resourceVersion older than the current one at
//     the last Compact() gets, with HTTP 200, one ERROR event with a Status of code 410 ("too old
//     resource version: <asked> (<compacted>)", reason "Expired") and the end of the stream.
//     Simplifications: resourceVersion "0" or absent watches from now (the real server first
//     sends an ADDED event for every existing object); a change that makes an object match the
//     selectors is ADDED and one that makes it stop matching is DELETED, as the real server does.
//     A watch's Content-Type is "application/json;stream=watch", which keeps httplib from
//     compressing (and so buffering) the stream when the client accepts gzip;
//   - a bearer token, when set, is required (401 with a Status otherwise); an unknown path is 404
//     with a Status. Every connection serves one request (the response says Connection: close),
//     so that no idle keep-alive connection delays the destructor.
//
// Every change bumps one global resourceVersion (a decimal string) and stores it in the object's
// metadata.resourceVersion. Lists and watches see an object's namespace and name from its
// metadata (an object without metadata.namespace has the namespace "").
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
  // as ok() == false; the key and certificates live in a private temporary directory that the
  // destructor removes.
  explicit FakeApiServer(Options options);
  FakeApiServer() : FakeApiServer(Options{}) {}
  // Ends every watch (cleanly, with the stream's last chunk) and stops; returns promptly even
  // with watches open.
  ~FakeApiServer();
  FakeApiServer(const FakeApiServer&) = delete;
  FakeApiServer& operator=(const FakeApiServer&) = delete;

  bool ok() const;
  std::string url() const;      // http(s)://127.0.0.1:<port>
  std::string ca_file() const;  // with tls: the CA certificate's PEM file

  // Adds or replaces an object of `resource` ("pods", "nodes", "services", "endpoints",
  // "endpointslices", "ingresses", "namespaces"), keyed by its metadata namespace and name;
  // watchers get ADDED or MODIFIED. Returns the new resourceVersion; an unknown resource, or an
  // object that is not a JSON object with a string metadata.name, changes nothing and returns -1.
  int64_t Upsert(std::string_view resource, nlohmann::json object);
  // Deletes an object (no-op when absent: returns the current resourceVersion unchanged);
  // watchers get DELETED with its last state, whose metadata.resourceVersion is the new one.
  int64_t Delete(std::string_view resource, std::string_view ns, std::string_view name);

  // Answers GET `path` with `body` as a text exposition page (behind the bearer token like every
  // path): the API server's own /metrics, or a node's /api/v1/nodes/<name>/proxy/metrics.
  void ServeText(std::string path, std::string body);

  // Forgets the change history: watches from older versions than the current one, and list
  // continue tokens issued before, now get 410 Gone. Open watches are not affected.
  void Compact();
  // Ends every open watch stream now (clients must re-watch).
  void CloseWatches();
  // While down, every request is answered 503 (with a Status) and open watches are ended.
  void SetDown(bool down);

  // Requests received, "<method> <target as received>" (so "GET <path>?<query>", or
  // "GET <path>" without a query), in order; recorded before authentication and SetDown.
  std::vector<std::string> requests() const;
  // Watches currently streaming. A watch whose client went away counts until the server next
  // writes to it (an event, a bookmark, or its end).
  int active_watches() const;
  // The current resourceVersion (0 before the first change).
  int64_t resource_version() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sextant::discovery::kubernetes::testing
