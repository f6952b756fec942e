#pragma once

// Go's net/url.Parse, as far as config validation needs it: whether Go accepts a URL, its error
// text when it does not, and the parts Prometheus's checks look at. Internal to config/.
//
// Thread-safety: pure functions.

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace sextant::config::internal {

// The parts of a parsed URL that config checks use.
struct GoUrl {
  std::string scheme;  // lower-cased, as Go stores it; "" when the URL has none
  std::string host;    // the authority after any userinfo, port included, as written
  bool has_authority = false;
  bool has_password = false;  // userinfo with a ':'
};

// Go's url.Parse(url). On failure the status is InvalidArgument with Go's text, e.g.
// `parse "http://a:b": invalid port ":b" after host`. Unlike Go 1.24+, IP literals in brackets
// are not checked to be IPv6 addresses.
absl::StatusOr<GoUrl> ParseGoUrl(std::string_view url);

// Prometheus's config.URL.Redacted: `url` with the userinfo password (if any) replaced by
// "xxxxx". The rest is kept as written (Go would also re-encode it, e.g. lower-case the scheme).
std::string RedactGoUrl(std::string_view url);

}  // namespace sextant::config::internal
