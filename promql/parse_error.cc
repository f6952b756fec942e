#include "promql/parse_error.h"

#include "util/strings.h"

namespace sextant::promql {

std::string PositionString(std::string_view query, int pos) {
  if (pos < 0 || pos > static_cast<int>(query.size())) return "invalid position";
  int line = 1;
  int last_line_break = -1;
  for (int i = 0; i < pos; ++i) {
    if (query[i] == '\n') {
      last_line_break = i;
      ++line;
    }
  }
  return util::StrCat(line, ":", pos - last_line_break);
}

absl::Status ParseError(std::string_view query, int pos, std::string_view message) {
  return absl::InvalidArgumentError(
      util::ToAbsl(util::StrCat(PositionString(query, pos), ": parse error: ", message)));
}

}  // namespace sextant::promql
