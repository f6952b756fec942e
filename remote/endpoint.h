#pragma once

// A remote_write or remote_read URL split for scrape::HttpClient, which connects to
// scheme://host[:port] and sends requests with a path: the base without userinfo (credentials
// come from the entry's basic_auth), and the path with its query, without the fragment.
//
// Thread-safety: a pure function.

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace sextant::remote {

struct Endpoint {
  std::string base;  // "https://host:port"
  std::string path;  // "/api/v1/write?x=y", "/" at least
};

// Errors: InvalidArgument when the scheme is not http or https, or there is no host; the message
// starts with `section` ("remote_write url \"...\": no host").
absl::StatusOr<Endpoint> SplitEndpoint(std::string_view url, std::string_view section);

}  // namespace sextant::remote
