#include "remote/endpoint.h"

#include <utility>

#include "scrape/http_client.h"
#include "util/go_format.h"
#include "util/strings.h"

namespace sextant::remote {

absl::StatusOr<Endpoint> SplitEndpoint(std::string_view url, std::string_view section) {
  const size_t authority = url.find("://");
  if (authority == std::string_view::npos ||
      (url.substr(0, authority) != "http" && url.substr(0, authority) != "https")) {
    return absl::InvalidArgumentError(
        util::StrCat(section, " url ", util::QuoteGo(url), ": scheme must be http or https"));
  }
  const size_t path_at = url.find_first_of("/?#", authority + 3);
  Endpoint e;
  e.base = std::string(url.substr(0, path_at));
  e.path = path_at == std::string_view::npos ? "/" : std::string(url.substr(path_at));
  if (const size_t hash = e.path.find('#'); hash != std::string::npos) e.path.resize(hash);
  if (e.path.empty() || e.path[0] != '/') e.path.insert(0, "/");
  // Userinfo is not part of the address (httplib would take it for the host).
  if (const size_t at = e.base.rfind('@'); at != std::string::npos) {
    e.base.erase(authority + 3, at - authority - 2);
  }
  if (e.base.size() <= authority + 3) {
    return absl::InvalidArgumentError(
        util::StrCat(section, " url ", util::QuoteGo(url), ": no host"));
  }
  return e;
}

HttpClientPool::HttpClientPool(std::string base, config::HttpClientConfig http,
                               absl::Duration timeout,
                               std::function<void(scrape::HttpClient&)> configure)
    : base_(std::move(base)),
      http_(std::move(http)),
      timeout_(timeout),
      configure_(std::move(configure)) {}

HttpClientPool::~HttpClientPool() = default;

std::unique_ptr<scrape::HttpClient> HttpClientPool::Acquire() {
  {
    util::MutexLock lock(&mu_);
    if (!idle_.empty()) {
      std::unique_ptr<scrape::HttpClient> c = std::move(idle_.back());
      idle_.pop_back();
      return c;
    }
  }
  auto c = std::make_unique<scrape::HttpClient>(base_, http_);
  c->SetTimeout(timeout_);
  c->client().set_keep_alive(true);
  if (configure_) configure_(*c);
  return c;
}

absl::Status HttpClientPool::Probe() {
  std::unique_ptr<scrape::HttpClient> c = Acquire();
  absl::Status s = c->init_status();
  Release(std::move(c));
  return s;
}

void HttpClientPool::Release(std::unique_ptr<scrape::HttpClient> client) {
  util::MutexLock lock(&mu_);
  idle_.push_back(std::move(client));
}

}  // namespace sextant::remote
