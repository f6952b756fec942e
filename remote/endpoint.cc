#include "remote/endpoint.h"

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

}  // namespace sextant::remote
