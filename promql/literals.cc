#include "promql/literals.h"

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "absl/time/time.h"
#include "model/duration.h"
#include "util/go_format.h"
#include "util/strings.h"
#include "util/utf8.h"

namespace sextant::promql {
namespace {

int HexVal(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 99;
}

std::string StripUnderscores(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c != '_') out.push_back(c);
  }
  return out;
}

// Go's strconv.ParseInt(s, 0, 64) for the unsigned literals the lexer produces; false when Go
// would return an error (syntax or range).
bool ParseGoInt(std::string_view text, int64_t* out) {
  std::string s = StripUnderscores(text);
  int base = 10;
  size_t i = 0;
  if (s.size() > 1 && s[0] == '0') {
    const char p = s[1];
    if (p == 'x' || p == 'X') {
      base = 16;
      i = 2;
    } else if (p == 'o' || p == 'O') {
      base = 8;
      i = 2;
    } else if (p == 'b' || p == 'B') {
      base = 2;
      i = 2;
    } else {
      base = 8;
      i = 1;
    }
  }
  if (i >= s.size()) return false;
  uint64_t v = 0;
  for (; i < s.size(); ++i) {
    const int d = HexVal(s[i]);
    if (d >= base) return false;
    if (v > (static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) - d) / base) return false;
    v = v * base + d;
  }
  *out = static_cast<int64_t>(v);
  return true;
}

// Go's %#U of the character starting at s[0]: "U+0071 'q'" (or "U+000A" when not printable).
std::string GoRuneDesc(std::string_view s) {
  if (s.empty()) return "U+FFFFFFFF";  // Go's eof rune (-1) never printed in practice
  const unsigned char c = static_cast<unsigned char>(s[0]);
  uint32_t r = c;
  size_t len = 1;
  if (c >= 0xF0 && s.size() >= 4) {
    r = ((c & 0x07) << 18) | ((s[1] & 0x3F) << 12) | ((s[2] & 0x3F) << 6) | (s[3] & 0x3F);
    len = 4;
  } else if (c >= 0xE0 && s.size() >= 3) {
    r = ((c & 0x0F) << 12) | ((s[1] & 0x3F) << 6) | (s[2] & 0x3F);
    len = 3;
  } else if (c >= 0xC0 && s.size() >= 2) {
    r = ((c & 0x1F) << 6) | (s[1] & 0x3F);
    len = 2;
  }
  char buf[32];
  std::snprintf(buf, sizeof(buf), "U+%04X", r);
  std::string out = buf;
  if (r >= 0x20 && r != 0x7F) util::StrAppend(&out, " '", s.substr(0, len), "'");
  return out;
}

}  // namespace

absl::StatusOr<double> ParseNumber(std::string_view text) {
  int64_t i = 0;
  if (ParseGoInt(text, &i)) return static_cast<double>(i);
  const std::string s = StripUnderscores(text);
  auto syntax_error = [&](std::string_view why) {
    return absl::InvalidArgumentError(util::ToAbsl(util::StrCat(
        "error parsing number: strconv.ParseFloat: parsing ", util::QuoteGo(text), ": ", why)));
  };
  if (s.size() > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    // Go's ParseFloat needs a `p` exponent for hex; an int64-overflowing hex literal fails.
    return syntax_error("invalid syntax");
  }
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return syntax_error("invalid syntax");
  if (std::isinf(v) && s.find_first_of("iI") == std::string::npos) {
    return syntax_error("value out of range");
  }
  return v;
}

absl::StatusOr<std::string> UnquoteString(std::string_view text) {
  const auto invalid = [] { return absl::InvalidArgumentError("invalid syntax"); };
  if (text.size() < 2 || text.front() != text.back()) return invalid();
  const char quote = text.front();
  std::string_view body = text.substr(1, text.size() - 2);
  std::string out;
  if (quote == '`') {
    if (body.find('`') != std::string_view::npos) return invalid();
    for (char c : body) {
      if (c != '\r') out.push_back(c);  // Go drops carriage returns from raw strings
    }
    return out;
  }
  if (quote != '"' && quote != '\'') return invalid();
  for (size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (c == quote || c == '\n') return invalid();
    if (c != '\\') {
      out.push_back(c);
      continue;
    }
    if (++i >= body.size()) return invalid();
    const char e = body[i];
    switch (e) {
      case 'a':
        out.push_back('\a');
        continue;
      case 'b':
        out.push_back('\b');
        continue;
      case 'f':
        out.push_back('\f');
        continue;
      case 'n':
        out.push_back('\n');
        continue;
      case 'r':
        out.push_back('\r');
        continue;
      case 't':
        out.push_back('\t');
        continue;
      case 'v':
        out.push_back('\v');
        continue;
      case '\\':
        out.push_back('\\');
        continue;
      case '\'':
      case '"':
        if (e != quote) return invalid();
        out.push_back(e);
        continue;
      default:
        break;
    }
    int n = 0;
    int base = 16;
    if (e >= '0' && e <= '7') {
      n = 3;
      base = 8;
      --i;  // the first octal digit is part of the value
    } else if (e == 'x') {
      n = 2;
    } else if (e == 'u') {
      n = 4;
    } else if (e == 'U') {
      n = 8;
    } else {
      return invalid();
    }
    uint32_t v = 0;
    for (int k = 0; k < n; ++k) {
      if (++i >= body.size()) return invalid();
      const int d = HexVal(body[i]);
      if (d >= base) return invalid();
      v = v * base + d;
    }
    if (e == 'u' || e == 'U') {
      if (v > 0x10FFFF || (v >= 0xD800 && v < 0xE000)) return invalid();
      util::AppendUtf8(&out, v);
    } else {
      if (v > 255) return invalid();
      out.push_back(static_cast<char>(v));
    }
  }
  return out;
}

std::string StringLexError(std::string_view text) {
  if (text.empty()) return "unterminated quoted string";
  const char open = text[0];
  size_t i = 1;
  if (open == '`') {
    return text.find('`', 1) == std::string_view::npos ? "unterminated raw string" : "";
  }
  while (true) {
    if (i >= text.size() || text[i] == '\n') return "unterminated quoted string";
    const char c = text[i++];
    if (c == open) return "";
    if (c != '\\') continue;
    if (i >= text.size()) return "escape sequence not terminated";
    const char e = text[i++];
    int n = 0;
    int base = 16;
    uint32_t max = 255;
    switch (e) {
      case 'a':
      case 'b':
      case 'f':
      case 'n':
      case 'r':
      case 't':
      case 'v':
      case '\\':
        continue;
      case 'x':
        n = 2;
        break;
      case 'u':
        n = 4;
        max = 0x10FFFF;
        break;
      case 'U':
        n = 8;
        max = 0x10FFFF;
        break;
      default:
        if (e == open) continue;
        if (e >= '0' && e <= '7') {
          n = 3;
          base = 8;
          --i;
          break;
        }
        return util::StrCat("unknown escape sequence ", GoRuneDesc(text.substr(i - 1)));
    }
    uint32_t v = 0;
    for (int k = 0; k < n; ++k) {
      if (i >= text.size()) return "escape sequence not terminated";
      const int d = HexVal(text[i]);
      if (d >= base) {
        return util::StrCat("illegal character ", GoRuneDesc(text.substr(i)),
                            " in escape sequence");
      }
      v = v * base + d;
      ++i;
    }
    if (v > max || (v >= 0xD800 && v < 0xE000)) {
      return "escape sequence is an invalid Unicode code point";
    }
  }
}

absl::StatusOr<int64_t> DurationTokenMs(std::string_view text, bool is_duration_token) {
  if (is_duration_token) {
    absl::StatusOr<absl::Duration> d = model::ParseDuration(text);
    if (!d.ok()) return d.status();
    return absl::ToInt64Milliseconds(*d);
  }
  absl::StatusOr<double> secs = ParseNumber(text);
  if (!secs.ok()) return secs.status();
  // Prometheus's durationLiteralOutOfRange: the seconds must fit a Go time.Duration.
  if (!(*secs <= 9223372036.854775807 && *secs >= -9223372036.854775808)) {
    return absl::InvalidArgumentError("duration out of range");
  }
  return static_cast<int64_t>(std::llround(*secs * 1000.0));
}

}  // namespace sextant::promql
