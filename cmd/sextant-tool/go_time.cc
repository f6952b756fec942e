#include "cmd/sextant-tool/go_time.h"

#include <cstdio>
#include <ctime>

#include "util/strings.h"

namespace sextant::tool {
namespace {

// Writes v/10^prec's fraction (".123", trailing zeros dropped, nothing when 0) before `end` in
// buf and returns the new start and v/10^prec.
size_t FormatFraction(char* buf, size_t end, uint64_t* v, int prec) {
  bool print = false;
  for (int i = 0; i < prec; ++i) {
    const uint64_t digit = *v % 10;
    print = print || digit != 0;
    if (print) buf[--end] = static_cast<char>('0' + digit);
    *v /= 10;
  }
  if (print) buf[--end] = '.';
  return end;
}

size_t FormatUint(char* buf, size_t end, uint64_t v) {
  if (v == 0) {
    buf[--end] = '0';
    return end;
  }
  while (v > 0) {
    buf[--end] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  return end;
}

absl::Status Invalid(std::string_view orig) {
  return absl::InvalidArgumentError(
      util::ToAbsl(util::StrCat("time: invalid duration \"", orig, "\"")));
}

}  // namespace

std::string FormatGoDuration(int64_t nanos) {
  char buf[40];
  size_t w = sizeof(buf);
  uint64_t u = static_cast<uint64_t>(nanos);
  const bool negative = nanos < 0;
  if (negative) u = ~u + 1;
  if (u < 1'000'000'000ULL) {
    // Below a second: the largest unit that keeps an integer part, with a fraction.
    int prec = 0;
    buf[--w] = 's';
    if (u == 0) return "0s";
    if (u < 1'000ULL) {
      buf[--w] = 'n';
    } else if (u < 1'000'000ULL) {
      prec = 3;
      w -= 2;
      buf[w] = '\xC2';  // U+00B5 MICRO SIGN, as Go writes it
      buf[w + 1] = '\xB5';
    } else {
      prec = 6;
      buf[--w] = 'm';
    }
    w = FormatFraction(buf, w, &u, prec);
    w = FormatUint(buf, w, u);
  } else {
    buf[--w] = 's';
    w = FormatFraction(buf, w, &u, 9);
    w = FormatUint(buf, w, u % 60);  // seconds
    u /= 60;
    if (u > 0) {
      buf[--w] = 'm';
      w = FormatUint(buf, w, u % 60);
      u /= 60;
      if (u > 0) {  // hours; Go stops there because days vary in length
        buf[--w] = 'h';
        w = FormatUint(buf, w, u);
      }
    }
  }
  if (negative) buf[--w] = '-';
  return std::string(buf + w, sizeof(buf) - w);
}

absl::StatusOr<int64_t> ParseGoDuration(std::string_view text) {
  const std::string_view orig = text;
  bool negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  if (text == "0") return 0;
  if (text.empty()) return Invalid(orig);
  constexpr uint64_t kMax = 1ULL << 63;
  uint64_t total = 0;
  auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  while (!text.empty()) {
    if (!(text[0] == '.' || is_digit(text[0]))) return Invalid(orig);
    uint64_t whole = 0;
    size_t i = 0;
    for (; i < text.size() && is_digit(text[i]); ++i) {
      if (whole > (kMax - 1) / 10) return Invalid(orig);
      whole = whole * 10 + static_cast<uint64_t>(text[i] - '0');
      if (whole > kMax) return Invalid(orig);
    }
    const bool pre = i > 0;
    text.remove_prefix(i);
    uint64_t frac = 0;
    double scale = 1;
    bool post = false;
    if (!text.empty() && text[0] == '.') {
      text.remove_prefix(1);
      size_t j = 0;
      bool overflow = false;
      for (; j < text.size() && is_digit(text[j]); ++j) {
        if (overflow) continue;
        if (frac > (kMax - 1) / 10) {
          overflow = true;  // Go stops adding precision here
          continue;
        }
        frac = frac * 10 + static_cast<uint64_t>(text[j] - '0');
        scale *= 10;
      }
      post = j > 0;
      text.remove_prefix(j);
    }
    if (!pre && !post) return Invalid(orig);
    size_t u = 0;
    while (u < text.size() && text[u] != '.' && !is_digit(text[u])) ++u;
    if (u == 0) {
      return absl::InvalidArgumentError(
          util::ToAbsl(util::StrCat("time: missing unit in duration \"", orig, "\"")));
    }
    const std::string_view unit_name = text.substr(0, u);
    text.remove_prefix(u);
    uint64_t unit = 0;
    if (unit_name == "ns") {
      unit = 1;
    } else if (unit_name == "us" || unit_name == "\xC2\xB5s" || unit_name == "\xCE\xBCs") {
      unit = 1'000;
    } else if (unit_name == "ms") {
      unit = 1'000'000;
    } else if (unit_name == "s") {
      unit = 1'000'000'000;
    } else if (unit_name == "m") {
      unit = 60'000'000'000ULL;
    } else if (unit_name == "h") {
      unit = 3'600'000'000'000ULL;
    } else {
      return absl::InvalidArgumentError(util::ToAbsl(
          util::StrCat("time: unknown unit \"", unit_name, "\" in duration \"", orig, "\"")));
    }
    if (whole > kMax / unit) return Invalid(orig);
    whole *= unit;
    if (frac > 0) {
      whole +=
          static_cast<uint64_t>(static_cast<double>(frac) * (static_cast<double>(unit) / scale));
      if (whole > kMax) return Invalid(orig);
    }
    total += whole;
    if (total > kMax) return Invalid(orig);
  }
  if (negative) return -static_cast<int64_t>(total - 1) - 1;
  if (total > kMax - 1) return Invalid(orig);
  return static_cast<int64_t>(total);
}

std::string FormatGoUnixUtc(int64_t seconds) {
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02d %02d:%02d:%02d +0000 UTC", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

}  // namespace sextant::tool
