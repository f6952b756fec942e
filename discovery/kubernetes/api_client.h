#pragma once

// The Kubernetes API client of kubernetes_sd_configs: where the API server is and how to
// authenticate (ResolveConnection), and the two requests discovery makes, a paged list and a
// watch (ApiClient), in JSON.
//
//   Connection conn = *ResolveConnection(cfg, {});
//   ApiClient client(conn);
//   auto page = client.List(CollectionPath("pods", "default"), {.limit = 500});
//   client.Watch(CollectionPath("pods", "default"),
//                {.resource_version = rv, .allow_bookmarks = true},
//                [&](const WatchEvent& e) { ...; return true; });
//
// Errors are absl::Status: a 410 Gone (a list's `continue` token or a watch's resourceVersion that
// the server no longer has, as an HTTP status or as a watch ERROR event with code 410) is
// OutOfRange (IsResourceExpired); other failures are Unavailable (connection, 5xx, 429),
// PermissionDenied (401, 403) or InvalidArgument (other 4xx, malformed JSON), each with a message
// naming the URL and the server's reason.
//
// Thread-safety: ResolveConnection and CollectionPath are pure. An ApiClient makes one request at
// a time; Interrupt() may be called from any other thread.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "config/config.h"
#include "nlohmann/json.hpp"

namespace sextant::scrape {
class HttpClient;
}

namespace sextant::discovery::kubernetes {

// Where the API server is and how to talk to it.
struct Connection {
  std::string base_url;           // scheme://host[:port], no trailing slash
  std::string path_prefix;        // the server URL's path without a trailing slash ("" usually)
  config::HttpClientConfig http;  // TLS and authentication
  // In-cluster only: the pod's own namespace, read when namespaces.own_namespace is set.
  std::string own_namespace;
};

struct ResolveOptions {
  // The in-cluster service account directory (token, ca.crt, namespace); tests point it at a
  // directory of their own.
  std::string service_account_dir = "/var/run/secrets/kubernetes.io/serviceaccount";
  // Environment lookup for KUBERNETES_SERVICE_HOST/PORT; getenv when empty.
  std::function<const char*(const char*)> getenv;
};

// The connection of one kubernetes_sd_configs entry, as Prometheus builds it:
//   - api_server: that URL with the entry's HttpClientConfig;
//   - kubeconfig_file: the current context's cluster (`server`, `certificate-authority` or
//     `-data`, `insecure-skip-tls-verify`, `tls-server-name`) and user (`token`, `tokenFile`,
//     `client-certificate`/`client-key` or their `-data`, `username`/`password`); relative
//     paths are relative to the kubeconfig file;
//   - neither: in-cluster, https://KUBERNETES_SERVICE_HOST:KUBERNETES_SERVICE_PORT with the
//     service account's token file (re-read at every request) and ca.crt; with
//     namespaces.own_namespace, the namespace file's content as own_namespace.
// Errors (FailedPrecondition) as client-go words them, e.g. "unable to load in-cluster
// configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined".
// As Prometheus, kubeconfig_file is looked at first, then api_server (the config loader allows
// only one of them).
absl::StatusOr<Connection> ResolveConnection(const config::KubernetesSdConfig& cfg,
                                             const ResolveOptions& options);

// The connection to the API server at `url` (http or https://[userinfo@]host[:port][/path]; the
// userinfo, query and fragment are dropped) with `http`: base_url is scheme://host[:port] and
// path_prefix the path without a trailing slash. Errors: FailedPrecondition for another scheme
// or no host.
absl::StatusOr<Connection> ConnectionForUrl(std::string_view url,
                                            const config::HttpClientConfig& http);

// The API path of a resource collection, optionally in one namespace ("" = all namespaces):
// nodes and namespaces are cluster-wide (/api/v1/nodes); pods, services and endpoints are core
// (/api/v1/namespaces/<ns>/pods); endpointslices are under /apis/discovery.k8s.io/v1 and
// ingresses under /apis/networking.k8s.io/v1.
std::string CollectionPath(std::string_view resource, std::string_view ns);

struct ListOptions {
  std::string label_selector;  // sent as labelSelector when not empty
  std::string field_selector;  // sent as fieldSelector when not empty
  int64_t limit = 0;           // page size; 0 = no limit
  std::string continue_token;  // from the previous page
  // resourceVersion, sent when not empty and no continue token is: "0" lets the API server
  // answer from its watch cache (client-go's first list), "" asks for a consistent read.
  std::string resource_version;
};

struct WatchOptions {
  std::string label_selector;
  std::string field_selector;
  std::string resource_version;  // watch changes after this version
  bool allow_bookmarks = true;   // allowWatchBookmarks=true
  // timeoutSeconds: the server ends the watch after this long (client-go picks 5 to 10 min).
  absl::Duration timeout = absl::Minutes(5);
};

enum class EventType { kAdded, kModified, kDeleted, kBookmark };

struct WatchEvent {
  EventType type;
  nlohmann::json object;  // for a bookmark, only metadata.resourceVersion matters
};

// True for the OutOfRange status of a 410 Gone.
bool IsResourceExpired(const absl::Status& status);

class ApiClient {
 public:
  explicit ApiClient(const Connection& connection);
  ~ApiClient();
  ApiClient(const ApiClient&) = delete;
  ApiClient& operator=(const ApiClient&) = delete;

  // One page of a list: the whole response object ({"metadata": {"resourceVersion", "continue"},
  // "items": [...]}). Times out after 60 s (connecting: after 10 s).
  //
  // Requests are GETs of connection.path_prefix + `path` with the options as URL-encoded query
  // parameters, `Accept: application/json`, `User-Agent: Sextant/<version>` and the connection's
  // authentication (its *_file secrets read at every request).
  absl::StatusOr<nlohmann::json> List(std::string_view path, const ListOptions& options);

  // Streams a watch (GET with watch=1), calling `on_event` for each event as it arrives, in
  // order. Returns OK when the server ends the stream or `on_event` returns false; an error when
  // the request fails, the stream breaks, an event is malformed, or the server sends an ERROR
  // event (410 → IsResourceExpired); Cancelled after Interrupt(). A stream silent for longer than
  // `options.timeout` plus a minute counts as broken.
  absl::Status Watch(std::string_view path, const WatchOptions& options,
                     const std::function<bool(const WatchEvent&)>& on_event);

  // Makes a List() or Watch() in progress return soon (Cancelled), and every later one at once.
  // Waits for a connection attempt in progress (TCP connect and TLS handshake, at most 10 s) to
  // end; the request then fails at once.
  void Interrupt();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sextant::discovery::kubernetes
