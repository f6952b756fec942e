#pragma once

// HttpServer: an event-driven HTTP/1.1 server (Boost.Beast over Boost.Asio, C++20 coroutines)
// serving a Router (api/http/router.h), optionally over TLS.
//
// Threads. `io_threads` threads run every connection: accepting, TLS, reading and parsing
// requests, inline handlers, compression of inline responses, writing. Handlers routed to
// Executor::kQuery run on a pool of `query_threads` threads and those routed to
// Executor::kBlocking on a pool of `blocking_threads`, so that slow work never holds an I/O
// thread: health checks and /metrics answer while every query slot is busy, and a slow or idle
// client costs a socket and a coroutine frame, not a thread. One more thread runs the slow
// authentication checks (WebHooks::authenticate_blocking).
//
// Connections. HTTP/1.1 keep-alive (HTTP/1.0 and "Connection: close" close after the response),
// TCP_NODELAY on every accepted socket. At most `max_connections` are open at once; beyond that
// the server stops accepting (new clients wait in the listen backlog) until one closes, as
// Prometheus's netutil.LimitListener does.
//
// Timeouts. A new connection must send its request line and headers within `header_timeout`; a
// kept-alive connection may then wait `idle_timeout` for its next request, which again has
// `header_timeout` for its headers once its first byte arrived. A request's whole read (headers
// and body) is bounded by `read_timeout` from its first byte. Writing a response is bounded by
// `write_timeout`. A timed-out connection is closed without an answer, as Go's server does.
//
// Parsing (strict, with Go net/http's answers; the connection is closed after an error):
//   - request line and headers over `max_header_bytes`: 431 Request Header Fields Too Large
//   - Content-Length given twice (even with equal values), as a list, or not a number; both
//     Content-Length and Transfer-Encoding; malformed chunked bodies; any syntax error: 400
//   - a Transfer-Encoding other than "chunked": 501 Not Implemented
//   - a body over `max_body_bytes`: 413 Payload Too Large
//   - "Expect: 100-continue" is answered with 100 Continue before the body is read.
//   A request with neither Content-Length nor Transfer-Encoding has an empty body (RFC 9112).
//
// Responses. Compressed with gzip when the client accepts it and the content type is textual
// (api/http/gzip.h), unless the handler set Content-Encoding. HEAD gets GET's headers, no body.
//
// Cancellation. While a kQuery or kBlocking handler runs, its connection watches the socket; if
// the client closes it, Request::cancel becomes true (handlers pass it to the PromQL engine).
// Stop() sets it for every running handler too.
//
// Lifecycle: construct, Start(), Stop() (also done by the destructor). Thread-safety: Start() and
// Stop() from one controlling thread; handlers and hooks are called concurrently from the I/O
// threads and pools, so they must be thread-safe.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "api/http/request.h"
#include "api/http/router.h"

namespace boost::asio::ssl {
class context;
}

namespace sextant::api::http {

// What an authentication check decides for one request.
struct AuthResult {
  bool allowed = true;
  // Set by WebHooks::authenticate when it cannot decide without slow work (a bcrypt check whose
  // outcome is not cached): the server then asks WebHooks::authenticate_blocking off the I/O
  // threads, and the other fields are ignored.
  bool deferred = false;
  // When refused: the answer, e.g. 401 with {"WWW-Authenticate", "Basic"} and "Unauthorized\n".
  int status = 401;
  std::vector<Header> headers;
  std::string body = "Unauthorized\n";
};

// The hooks that decide one request (--web.config.file; implemented in api/web/). Each is
// optional. They are called concurrently from the I/O threads (authenticate_blocking from the
// authentication thread) and must be thread-safe; all but authenticate_blocking must be quick.
struct RequestHooks {
  // Checks every request (headers read, body read) before routing, on the I/O thread; a refusal
  // is sent as given and counted nowhere else. When it returns `deferred`, the request waits
  // (costing no I/O thread) for authenticate_blocking, which runs on the server's one
  // authentication thread (bcrypt is one at a time anyway, as in exporter-toolkit, and a flood
  // of bad passwords then delays neither the I/O threads nor the pools); a deferred request with
  // no authenticate_blocking is refused with the result's status, headers and body.
  std::function<AuthResult(const Request&)> authenticate;
  // The slow check of a deferred request (e.g. bcrypt); its result is final (`deferred` there is
  // ignored). Not called once Stop() has begun: the request is then refused.
  std::function<AuthResult(const Request&)> authenticate_blocking;
  // Headers added to every response, 401s included (e.g. Strict-Transport-Security), except
  // those the response already has: as in exporter-toolkit, which sets them before the handler
  // runs, the handler's value wins.
  std::function<std::vector<Header>()> response_headers;
};

// The web configuration's hooks: the RequestHooks serve every request, unless for_request is
// set. Each is optional; all must be thread-safe.
struct WebHooks : RequestHooks {
  // The TLS context for a newly accepted connection, or null to serve it as plain HTTP. Called
  // once per connection, so a provider may swap contexts when the file changes; the connection
  // keeps the one it got. Certificates, client CA, versions and ciphers are the context's.
  std::function<std::shared_ptr<boost::asio::ssl::context>()> tls_context;
  // Called once per request, before its other hooks, on the I/O thread (quick): the hooks it
  // returns serve that request instead of the inherited ones, so that a configuration that
  // changes while the request is served is seen by it as one version.
  std::function<RequestHooks()> for_request;
};

// A listen address ("host:port"), split once by ParseListenAddress.
struct ListenAddress {
  std::string address = "0.0.0.0:9090";  // as given, for messages
  std::string host = "0.0.0.0";          // "0.0.0.0" when the address has none
  int port = 9090;
};

// Splits "host:port" (host may be empty or a bracketed IPv6 literal) as Go's net.SplitHostPort;
// an empty host is "0.0.0.0". Errors: InvalidArgument.
absl::StatusOr<ListenAddress> ParseListenAddress(std::string_view address);

struct HttpServerOptions {
  ListenAddress listen_address;  // port 0 picks a free one
  int io_threads = 2;
  int query_threads = 20;         // Executor::kQuery pool (--query.max-concurrency)
  int blocking_threads = 4;       // Executor::kBlocking pool
  int64_t max_connections = 512;  // open connections at once; 0 means no limit
  absl::Duration header_timeout = absl::Minutes(1);
  absl::Duration idle_timeout = absl::Minutes(5);
  absl::Duration read_timeout = absl::Minutes(5);  // --web.read-timeout
  absl::Duration write_timeout = absl::Minutes(5);
  size_t max_header_bytes = 1 << 20;  // request line and headers, as Go's DefaultMaxHeaderBytes
  size_t max_body_bytes = 32 << 20;
  WebHooks web;
  // Called with each accepted socket's descriptor before it is served (tests and diagnostics).
  std::function<void(int fd)> on_accept;
};

class HttpServer {
 public:
  // `router` must outlive the server.
  HttpServer(HttpServerOptions options, const Router* router);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens on the address (SO_REUSEADDR, never SO_REUSEPORT), then serves on the
  // server's threads. Errors: Unavailable when it cannot be resolved or bound. Call once.
  absl::Status Start();
  // Stops accepting, cancels running handlers (Request::cancel), waits up to 10 s for requests in
  // flight to be answered, then closes every connection and joins all threads. Idempotent.
  void Stop();
  // The bound port; valid after Start().
  int port() const;
  // Connections open now (for tests and the connection limit).
  int64_t open_connections() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sextant::api::http
