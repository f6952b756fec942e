#include "api/web/cors.h"

#include "model/regex.h"
#include "util/strings.h"

namespace sextant::api::web {

absl::StatusOr<CorsPolicy> CorsPolicy::Create(std::string_view origin_regex) {
  auto re = model::CompileAnchoredRegex(origin_regex);
  if (!re.ok()) {
    return absl::InvalidArgumentError(util::StrCat("could not compile CORS regex string \"",
                                                   origin_regex,
                                                   "\": ", util::FromAbsl(re.status().message())));
  }
  // Prometheus compares the anchored expression's text with "^(?:.*)$".
  return CorsPolicy(*std::move(re), origin_regex == ".*");
}

bool CorsPolicy::Allows(std::string_view origin) const {
  return any_ || RE2::FullMatch(model::ToRe2(origin), *re_);
}

std::vector<std::pair<std::string_view, std::string>> CorsPolicy::Headers(
    std::optional<std::string_view> origin) const {
  std::vector<std::pair<std::string_view, std::string>> headers;
  if (!origin.has_value() || origin->empty()) return headers;
  headers.emplace_back("Access-Control-Allow-Headers",
                       "Accept, Authorization, Content-Type, Origin");
  headers.emplace_back("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
  headers.emplace_back("Access-Control-Expose-Headers", "Date");
  headers.emplace_back("Vary", "Origin");
  if (any_) {
    headers.emplace_back("Access-Control-Allow-Origin", "*");
  } else if (RE2::FullMatch(model::ToRe2(*origin), *re_)) {
    headers.emplace_back("Access-Control-Allow-Origin", std::string(*origin));
  }
  return headers;
}

}  // namespace sextant::api::web
