#include "api/http/router.h"

namespace sextant::api::http {
namespace {

// Matches `path` against `pattern` segment by segment; appends variable segments to `params`.
bool MatchPattern(std::string_view pattern, std::string_view path,
                  std::vector<std::string>* params) {
  while (!pattern.empty()) {
    if (path.empty() || pattern[0] != '/' || path[0] != '/') return false;
    pattern.remove_prefix(1);
    path.remove_prefix(1);
    const size_t pat_end = std::min(pattern.find('/'), pattern.size());
    const std::string_view seg = pattern.substr(0, pat_end);
    if (!seg.empty() && seg[0] == '*') {
      params->emplace_back(path);
      return pat_end == pattern.size();
    }
    const size_t path_end = std::min(path.find('/'), path.size());
    const std::string_view value = path.substr(0, path_end);
    if (!seg.empty() && seg[0] == ':') {
      if (value.empty()) return false;
      params->emplace_back(value);
    } else if (seg != value) {
      return false;
    }
    pattern.remove_prefix(pat_end);
    path.remove_prefix(path_end);
  }
  return path.empty();
}

}  // namespace

void Router::Add(std::string_view method, std::string_view pattern, Handler handler,
                 Executor executor) {
  routes_.push_back(Route{std::string(method), std::string(pattern), std::move(handler), executor});
}

std::optional<Router::Match> Router::Find(std::string_view method, std::string_view path) const {
  if (path.substr(0, prefix_.size()) != prefix_) return std::nullopt;
  path.remove_prefix(prefix_.size());
  if (method == "HEAD") method = "GET";
  for (const Route& route : routes_) {
    if (route.method != method) continue;
    Match m{&route, {}};
    if (MatchPattern(route.pattern, path, &m.path_params)) return m;
  }
  return std::nullopt;
}

}  // namespace sextant::api::http
