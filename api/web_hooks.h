#pragma once

// The adapters from api/web/ to the HTTP server's hooks (api/http/server.h, api/server.h):
// --web.config.file (a WebConfigWatcher) becomes http::WebHooks, --web.cors.origin (a CorsPolicy)
// becomes ServerOptions::cors. As exporter-toolkit's webHandler wraps Prometheus's whole mux,
// the hooks cover every endpoint, /-/healthy and /metrics included.
//
//   tls_context             the current version's SSL_CTX (set only when the file enabled TLS
//                           at start); each version is wrapped for Asio once, not per connection
//   for_request             the version current when the request arrives, taken once; its
//                           hooks answer the whole request:
//     authenticate            BasicAuthenticator::CheckCached on the I/O thread; deferred when
//                             it would need bcrypt
//     authenticate_blocking   BasicAuthenticator::Check (bcrypt) on the authentication thread
//     response_headers        http_server_config.headers
//   a refusal               401, UnauthorizedHeaders(), kUnauthorizedBody (plus the headers)
//
// Thread-safety: the returned functions are thread-safe; they keep the watcher alive.

#include <functional>
#include <memory>

#include "api/http/request.h"
#include "api/http/server.h"
#include "api/web/cors.h"
#include "api/web/web_config_watcher.h"

namespace sextant::api {

// The hooks serving `watcher`'s current version. `watcher` must not be null.
http::WebHooks MakeWebHooks(std::shared_ptr<web::WebConfigWatcher> watcher);

// ServerOptions::cors for `policy`: sets its Access-Control-* headers and Vary on the response.
std::function<void(const http::Request&, http::Response&)> MakeCorsHook(web::CorsPolicy policy);

}  // namespace sextant::api
