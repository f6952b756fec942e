#pragma once

// String helpers that take std::string_view.
//
// Debian's Abseil is built with its own absl::string_view (ABSL_OPTION_USE_STD_STRING_VIEW 0), so
// absl::StrCat and friends do not accept std::string_view. Sextant uses std::string_view
// everywhere and these helpers instead; ToAbsl/FromAbsl convert at the few Abseil boundaries
// (absl::Status messages, absl::ParseTime).

#include <charconv>
#include <concepts>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/string_view.h"

namespace sextant::util {

inline absl::string_view ToAbsl(std::string_view s) { return {s.data(), s.size()}; }
inline std::string_view FromAbsl(absl::string_view s) { return {s.data(), s.size()}; }

// One argument of StrCat: text, a character, an integer, or a double (formatted as Go's %g).
class StrPiece {
 public:
  StrPiece(std::string_view s) : view_(s) {}
  StrPiece(const char* s) : view_(s) {}
  StrPiece(const std::string& s) : view_(s) {}
  StrPiece(absl::string_view s) : view_(s.data(), s.size()) {}
  StrPiece(char c) : view_(buf_, 1) { buf_[0] = c; }
  template <std::integral Int>
  requires(!std::same_as<Int, char> && !std::same_as<Int, bool>) StrPiece(Int v) {
    const auto res = std::to_chars(buf_, buf_ + sizeof(buf_), v);
    view_ = std::string_view(buf_, res.ptr - buf_);
  }
  StrPiece(double v);
  StrPiece(const StrPiece&) = delete;
  StrPiece& operator=(const StrPiece&) = delete;

  std::string_view view() const { return view_; }

 private:
  char buf_[32];
  std::string_view view_;
  std::string owned_;
};

void StrAppendPieces(std::string* out, std::initializer_list<std::string_view> pieces);

template <typename... Args>
std::string StrCat(const Args&... args) {
  std::string out;
  StrAppendPieces(&out, {StrPiece(args).view()...});
  return out;
}

template <typename... Args>
void StrAppend(std::string* out, const Args&... args) {
  StrAppendPieces(out, {StrPiece(args).view()...});
}

// ASCII lower-casing (bytes >= 0x80 unchanged), for case-insensitive keywords and headers.
std::string AsciiLower(std::string_view s);

// Splits on every `sep`; "" gives one empty piece, as Go's strings.Split does.
std::vector<std::string_view> StrSplit(std::string_view s, char sep);

template <typename Range>
std::string StrJoin(const Range& parts, std::string_view sep) {
  std::string out;
  bool first = true;
  for (const auto& p : parts) {
    if (!first) out.append(sep);
    first = false;
    out.append(std::string_view(p));
  }
  return out;
}

}  // namespace sextant::util
