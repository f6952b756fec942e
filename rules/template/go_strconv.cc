#include "rules/template/go_strconv.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "rules/template/lexer.h"
#include "util/go_format.h"
#include "util/go_parse_int.h"
#include "util/strings.h"
#include "util/utf8.h"

namespace sextant::rules::tmpl {
namespace {

absl::Status InvalidSyntax() { return absl::InvalidArgumentError("invalid syntax"); }

// One character or escape of a quoted literal at s[*pos], appended to out. Returns false on bad
// syntax. `quote` is the enclosing quote character: the other quote may not be escaped.
bool UnquoteOne(std::string_view s, size_t* pos, char quote, std::string* out, int32_t* rune) {
  const char c = s[*pos];
  if (c == quote && (quote == '\'' || quote == '"')) return false;
  if (c != '\\') {
    size_t width = 0;
    *rune = DecodeRune(s, *pos, &width);
    out->append(s.substr(*pos, width));
    *pos += width;
    return true;
  }
  if (*pos + 1 >= s.size()) return false;
  const char e = s[*pos + 1];
  *pos += 2;
  auto simple = [&](char v) {
    out->push_back(v);
    *rune = static_cast<unsigned char>(v);
    return true;
  };
  switch (e) {
    case 'a':
      return simple('\a');
    case 'b':
      return simple('\b');
    case 'f':
      return simple('\f');
    case 'n':
      return simple('\n');
    case 'r':
      return simple('\r');
    case 't':
      return simple('\t');
    case 'v':
      return simple('\v');
    case '\\':
      return simple('\\');
    case '\'':
    case '"':
      if (e != quote) return false;
      return simple(e);
    case 'x':
    case 'u':
    case 'U': {
      const size_t n = e == 'x' ? 2 : (e == 'u' ? 4 : 8);
      if (*pos + n > s.size()) return false;
      int32_t v = 0;
      for (size_t i = 0; i < n; ++i) {
        const int h = util::HexDigitValue(s[*pos + i]);
        if (h < 0) return false;
        v = v * 16 + h;
      }
      *pos += n;
      if (e == 'x') {
        // A byte, not a rune; in a character constant it is the rune value.
        out->push_back(static_cast<char>(v));
        *rune = v;
        return true;
      }
      if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return false;
      AppendUtf8(v, out);
      *rune = v;
      return true;
    }
    default:
      if (e >= '0' && e <= '7') {
        if (*pos + 2 > s.size()) return false;
        int v = e - '0';
        for (int i = 0; i < 2; ++i) {
          const char d = s[*pos + i];
          if (d < '0' || d > '7') return false;
          v = v * 8 + (d - '0');
        }
        if (v > 255) return false;
        *pos += 2;
        out->push_back(static_cast<char>(v));
        *rune = v;
        return true;
      }
      return false;
  }
}

}  // namespace

void AppendUtf8(int32_t r, std::string* out) {
  if (r < 0 || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) r = 0xFFFD;
  util::AppendUtf8(out, static_cast<uint32_t>(r));
}

absl::StatusOr<std::string> GoUnquote(std::string_view quoted) {
  if (quoted.size() < 2 || quoted.front() != quoted.back()) return InvalidSyntax();
  const char quote = quoted.front();
  const std::string_view body = quoted.substr(1, quoted.size() - 2);
  std::string out;
  if (quote == '`') {
    if (body.find('`') != std::string_view::npos) return InvalidSyntax();
    for (char c : body) {
      if (c != '\r') out.push_back(c);
    }
    return out;
  }
  if (quote != '"' && quote != '\'') return InvalidSyntax();
  if (body.find('\n') != std::string_view::npos) return InvalidSyntax();
  size_t pos = 0;
  int count = 0;
  while (pos < body.size()) {
    int32_t rune = 0;
    if (!UnquoteOne(body, &pos, quote, &out, &rune)) return InvalidSyntax();
    ++count;
  }
  if (quote == '\'' && count != 1) return InvalidSyntax();
  return out;
}

absl::StatusOr<int32_t> GoUnquoteCharConstant(std::string_view quoted) {
  if (quoted.size() < 2 || quoted[0] != '\'') return InvalidSyntax();
  size_t pos = 1;
  std::string scratch;
  int32_t rune = 0;
  if (quoted[1] == '\'' || !UnquoteOne(quoted, &pos, '\'', &scratch, &rune)) {
    return InvalidSyntax();
  }
  if (quoted.substr(pos) != "'") {
    return absl::InvalidArgumentError(
        util::ToAbsl(util::StrCat("malformed character constant: ", quoted)));
  }
  return rune;
}

absl::StatusOr<double> GoParseFloat(std::string_view s) {
  auto error = [&](std::string_view what) {
    return absl::InvalidArgumentError(
        util::ToAbsl(util::StrCat("strconv.ParseFloat: parsing ", util::QuoteGo(s), ": ", what)));
  };
  std::string_view body = s;
  bool neg = false;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) {
    neg = body[0] == '-';
    body.remove_prefix(1);
  }
  const std::string lower = util::AsciiLower(body);
  if (lower == "inf" || lower == "infinity") return neg ? -HUGE_VAL : HUGE_VAL;
  if (lower == "nan" && body.size() == s.size()) return std::nan("");
  // Validate Go's grammar before handing the digits to strtod, which is more lenient.
  bool hex = lower.size() > 2 && lower[0] == '0' && lower[1] == 'x';
  std::string clean;
  size_t i = hex ? 2 : 0;
  bool digits = false;
  bool dot = false;
  bool exp = false;
  for (; i < lower.size(); ++i) {
    const char c = lower[i];
    if (c == '_') continue;
    if ((c >= '0' && c <= '9') || (hex && !exp && c >= 'a' && c <= 'f')) {
      digits = true;
    } else if (c == '.' && !dot && !exp) {
      dot = true;
    } else if (((!hex && c == 'e') || (hex && c == 'p')) && digits && !exp) {
      exp = true;
      if (i + 1 < lower.size() && (lower[i + 1] == '+' || lower[i + 1] == '-')) ++i;
      if (i + 1 >= lower.size()) return error("invalid syntax");
    } else {
      return error("invalid syntax");
    }
  }
  if (!digits || (hex && !exp)) return error("invalid syntax");
  if (body.find('_') != std::string_view::npos && !util::GoUnderscoresOk(s)) {
    return error("invalid syntax");
  }
  for (char c : std::string_view(s)) {
    if (c != '_') clean.push_back(c);
  }
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(clean.c_str(), &end);
  if (end != clean.c_str() + clean.size()) return error("invalid syntax");
  if (errno == ERANGE && std::isinf(v)) return error("value out of range");
  return v;
}

}  // namespace sextant::rules::tmpl
