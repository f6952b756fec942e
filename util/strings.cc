#include "util/strings.h"

#include "util/go_format.h"

namespace sextant::util {

StrPiece::StrPiece(double v) : owned_(FormatFloatGo(v)) { view_ = owned_; }

void StrAppendPieces(std::string* out, std::initializer_list<std::string_view> pieces) {
  size_t total = out->size();
  for (std::string_view p : pieces) total += p.size();
  out->reserve(total);
  for (std::string_view p : pieces) out->append(p);
}

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::vector<std::string_view> StrSplit(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      parts.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

}  // namespace sextant::util
