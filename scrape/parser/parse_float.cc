#include "scrape/parser/parse_float.h"

#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>

#include "model/sample.h"
#include "util/go_format.h"
#include "util/strings.h"

namespace sextant::scrape {
namespace {

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view s, std::string_view lower) {
  if (s.size() != lower.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (Lower(s[i]) != lower[i]) return false;
  }
  return true;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Go's special values: a signed or unsigned "inf"/"infinity", or an unsigned "nan".
bool ParseSpecial(std::string_view s, double* out) {
  std::string_view rest = s;
  bool negative = false;
  const bool signed_form = !rest.empty() && (rest[0] == '+' || rest[0] == '-');
  if (signed_form) {
    negative = rest[0] == '-';
    rest.remove_prefix(1);
  }
  if (EqualsIgnoreCase(rest, "inf") || EqualsIgnoreCase(rest, "infinity")) {
    *out = negative ? -std::numeric_limits<double>::infinity()
                    : std::numeric_limits<double>::infinity();
    return true;
  }
  if (!signed_form && EqualsIgnoreCase(rest, "nan")) {
    *out = std::bit_cast<double>(model::kNormalNaNBits);  // what Go's math.NaN() returns
    return true;
  }
  return false;
}

// [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?
bool IsDecimalSyntax(std::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
  size_t digits = 0;
  while (i < n && IsDigit(s[i])) ++i, ++digits;
  if (i < n && s[i] == '.') {
    ++i;
    while (i < n && IsDigit(s[i])) ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    size_t exp_digits = 0;
    while (i < n && IsDigit(s[i])) ++i, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  return i == n;
}

}  // namespace

bool ParseGoFloat(std::string_view s, double* out, std::string* error) {
  // The common case, counters and gauges that are whole numbers: up to 15 digits are exact in a
  // double, so the integer converts with no rounding to get right.
  if (!s.empty() && s.size() <= 15) {
    uint64_t v = 0;
    size_t i = 0;
    for (; i < s.size() && IsDigit(s[i]); ++i) v = v * 10 + static_cast<uint64_t>(s[i] - '0');
    if (i == s.size()) {
      *out = static_cast<double>(v);
      return true;
    }
  }
  if (s.find_first_of("pP_") != std::string_view::npos) {
    *error = "unsupported character in float";
    return false;
  }
  if (ParseSpecial(s, out)) return true;
  if (!IsDecimalSyntax(s)) {
    *error = util::StrCat("strconv.ParseFloat: parsing ", util::QuoteGo(s), ": invalid syntax");
    return false;
  }
  std::string_view digits = s;
  if (digits[0] == '+') digits.remove_prefix(1);  // from_chars takes only '-'
  const auto res = std::from_chars(digits.data(), digits.data() + digits.size(), *out,
                                   std::chars_format::general);
  if (res.ec == std::errc() && res.ptr == digits.data() + digits.size()) return true;
  if (res.ec == std::errc::result_out_of_range) {
    // Overflow is an error in Go, underflow is not (it rounds to 0 or a subnormal); strtod tells
    // them apart and rounds subnormals correctly. Rare, so the copy does not matter.
    const std::string copy(digits);
    const double v = std::strtod(copy.c_str(), nullptr);
    if (!std::isinf(v)) {
      *out = v;
      return true;
    }
    *error = util::StrCat("strconv.ParseFloat: parsing ", util::QuoteGo(s), ": value out of range");
    return false;
  }
  *error = util::StrCat("strconv.ParseFloat: parsing ", util::QuoteGo(s), ": invalid syntax");
  return false;
}

}  // namespace sextant::scrape
