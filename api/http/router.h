#pragma once

// Router: maps a request's method and path to a handler, and says where the handler runs.
//
// Patterns are paths whose segments are literals, ":name" (one non-empty segment) or a final
// "*name" (the rest of the path, possibly empty), e.g. "/api/v1/label/:name/values". The values
// of the variable segments go to Request::path_params in pattern order. Every pattern is served
// under the route prefix given at construction ("" or e.g. "/sextant"); paths outside it are not
// found. GET routes also answer HEAD (the server sends the headers without the body).
//
// Thread-safety: Add() before the server starts; Find() is const and safe from any thread.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http/request.h"

namespace sextant::api::http {

// Where a route's handler runs (api/http/server.h). Handlers that may take long (PromQL, series
// and label lookups, federation, remote read and write, reloads) must not run on the I/O threads,
// or every connection would wait for them.
enum class Executor {
  kInline,    // on the I/O thread that read the request: cheap handlers only
  kQuery,     // on the query pool (--query.max-concurrency threads), with disconnect cancellation
  kBlocking,  // on the blocking pool: slow but not a query (remote write, reload, admin)
};

struct Route {
  std::string method;
  std::string pattern;  // without the route prefix
  Handler handler;
  Executor executor = Executor::kInline;
};

class Router {
 public:
  explicit Router(std::string route_prefix = "") : prefix_(std::move(route_prefix)) {}

  // Registers `handler` for `method` (upper case) on `pattern` (see above). A later route for the
  // same method and pattern is never reached.
  void Add(std::string_view method, std::string_view pattern, Handler handler,
           Executor executor = Executor::kInline);
  // The handler for requests no route matches (default: 404 "404 page not found\n").
  void SetNotFound(Handler handler) { not_found_ = std::move(handler); }

  struct Match {
    const Route* route;
    std::vector<std::string> path_params;
  };
  // The first route matching `method` (HEAD matches GET routes) and the decoded `path`.
  std::optional<Match> Find(std::string_view method, std::string_view path) const;
  const Handler& not_found() const { return not_found_; }
  const std::string& prefix() const { return prefix_; }

 private:
  const std::string prefix_;
  std::vector<Route> routes_;
  Handler not_found_;
};

}  // namespace sextant::api::http
