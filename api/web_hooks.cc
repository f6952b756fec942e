#include "api/web_hooks.h"

#include <optional>
#include <string>
#include <string_view>
#include <utility>  // before Asio: 1.74's awaitable.hpp uses std::exchange without including it
#include <vector>

#include <boost/asio/ssl/context.hpp>
#include <openssl/ssl.h>

#include "util/mutex.h"

namespace sextant::api {
namespace {

std::optional<std::string_view> HeaderValue(const http::Request& req, std::string_view name) {
  if (!req.HasHeader(name)) return std::nullopt;
  return req.GetHeader(name);
}

http::AuthResult Decision(web::AuthResult result) {
  http::AuthResult out;
  out.allowed = result == web::AuthResult::kAllowed;
  if (!out.allowed) {
    for (const auto& [name, value] : web::UnauthorizedHeaders())
      out.headers.push_back({name, value});
    out.body = std::string(web::kUnauthorizedBody);
  }
  return out;
}

// Wraps each SSL_CTX for Asio once; connections share the wrapper (Asio's context only holds the
// SSL_CTX, which OpenSSL lets many connections use at once).
class AsioContexts {
 public:
  std::shared_ptr<boost::asio::ssl::context> For(const web::SslCtxPtr& ctx) {
    util::MutexLock lock(&mu_);
    // A version without a context cannot happen once TLS is on (the watcher keeps the last good
    // one); keep serving TLS with the previous context rather than fall back to plain HTTP.
    if (ctx == nullptr || ctx.get() == raw_) return current_;
    SSL_CTX_up_ref(ctx.get());  // Asio's context takes over this reference
    current_ = std::make_shared<boost::asio::ssl::context>(ctx.get());
    // The wrapper holds its own reference, so raw_ cannot be freed and reused while cached.
    raw_ = ctx.get();
    return current_;
  }

 private:
  util::Mutex mu_;
  const SSL_CTX* raw_ ABSL_GUARDED_BY(mu_) = nullptr;
  std::shared_ptr<boost::asio::ssl::context> current_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

http::WebHooks MakeWebHooks(std::shared_ptr<web::WebConfigWatcher> watcher) {
  http::WebHooks hooks;
  if (watcher->tls_enabled()) {
    hooks.tls_context = [watcher, contexts = std::make_shared<AsioContexts>()] {
      return contexts->For(watcher->Current()->tls_context());
    };
  }
  hooks.for_request = [watcher] {
    // Taken once: every hook of the request answers from this version.
    std::shared_ptr<const web::WebSnapshot> snap = watcher->Current();
    http::RequestHooks request;
    request.authenticate = [snap](const http::Request& req) {
      const std::optional<web::AuthResult> result =
          snap->auth().CheckCached(HeaderValue(req, "Authorization"));
      if (!result) {
        http::AuthResult deferred;
        deferred.deferred = true;
        return deferred;
      }
      return Decision(*result);
    };
    request.authenticate_blocking = [snap](const http::Request& req) {
      return Decision(snap->auth().Check(HeaderValue(req, "Authorization")));
    };
    request.response_headers = [snap = std::move(snap)] {
      std::vector<http::Header> out;
      for (const auto& [name, value] : snap->extra_headers()) out.push_back({name, value});
      return out;
    };
    return request;
  };
  return hooks;
}

std::function<void(const http::Request&, http::Response&)> MakeCorsHook(web::CorsPolicy policy) {
  return [policy = std::move(policy)](const http::Request& req, http::Response& res) {
    for (const auto& [name, value] : policy.Headers(HeaderValue(req, "Origin"))) {
      res.SetHeader(name, value);
    }
  };
}

}  // namespace sextant::api
