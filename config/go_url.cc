#include "config/go_url.h"

#include <cctype>

#include "util/go_format.h"
#include "util/strings.h"

namespace sextant::config::internal {
namespace {

using util::QuoteGo;
using util::StrCat;

enum class Mode { kPath, kHost, kZone, kUserPassword, kFragment };

bool IsAlnum(unsigned char c) { return std::isalnum(c) != 0 && c < 0x80; }

// net/url's shouldEscape, for the modes unescape consults it in.
bool ShouldEscape(unsigned char c, Mode mode) {
  if (IsAlnum(c)) return false;
  if (mode == Mode::kHost || mode == Mode::kZone) {
    switch (c) {
      case '!':
      case '$':
      case '&':
      case '\'':
      case '(':
      case ')':
      case '*':
      case '+':
      case ',':
      case ';':
      case '=':
      case ':':
      case '[':
      case ']':
      case '<':
      case '>':
      case '"':
        return false;
      default:
        break;
    }
  }
  switch (c) {
    case '-':
    case '_':
    case '.':
    case '~':
      return false;
    case '$':
    case '&':
    case '+':
    case ',':
    case '/':
    case ':':
    case ';':
    case '=':
    case '?':
    case '@':
      switch (mode) {
        case Mode::kPath:
          return c == '?';
        case Mode::kUserPassword:
          return c == '@' || c == '/' || c == '?' || c == ':';
        case Mode::kFragment:
          return false;
        default:
          break;
      }
      break;
    default:
      break;
  }
  if (mode == Mode::kFragment && (c == '!' || c == '(' || c == ')' || c == '*')) return false;
  return true;
}

int Unhex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// net/url's unescape, for its errors only.
std::string CheckEscapes(std::string_view s, Mode mode) {
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '%') {
      if (i + 2 >= s.size() || Unhex(s[i + 1]) < 0 || Unhex(s[i + 2]) < 0) {
        return StrCat("invalid URL escape ", QuoteGo(s.substr(i, 3)));
      }
      const std::string_view escape = s.substr(i, 3);
      if (mode == Mode::kHost && Unhex(s[i + 1]) < 8 && escape != "%25") {
        return StrCat("invalid URL escape ", QuoteGo(escape));
      }
      if (mode == Mode::kZone) {
        const auto v = static_cast<unsigned char>(Unhex(s[i + 1]) << 4 | Unhex(s[i + 2]));
        if (escape != "%25" && v != ' ' && ShouldEscape(v, Mode::kHost)) {
          return StrCat("invalid URL escape ", QuoteGo(escape));
        }
      }
      i += 3;
      continue;
    }
    if ((mode == Mode::kHost || mode == Mode::kZone) && c < 0x80 && ShouldEscape(c, mode)) {
      return StrCat("invalid character ", QuoteGo(s.substr(i, 1)), " in host name");
    }
    ++i;
  }
  return "";
}

bool ValidOptionalPort(std::string_view port) {
  if (port.empty()) return true;
  if (port[0] != ':') return false;
  for (const char c : port.substr(1)) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::string CheckHost(std::string_view host) {
  if (!host.empty() && host[0] == '[') {
    const size_t close = host.rfind(']');
    if (close == std::string_view::npos) return "missing ']' in host";
    const std::string_view port = host.substr(close + 1);
    if (!ValidOptionalPort(port)) return StrCat("invalid port ", QuoteGo(port), " after host");
    if (const size_t zone = host.substr(0, close).find("%25"); zone != std::string_view::npos) {
      if (std::string e = CheckEscapes(host.substr(0, zone), Mode::kHost); !e.empty()) return e;
      if (std::string e = CheckEscapes(host.substr(zone, close - zone), Mode::kZone); !e.empty()) {
        return e;
      }
      return CheckEscapes(host.substr(close), Mode::kHost);
    }
  } else if (const size_t colon = host.rfind(':'); colon != std::string_view::npos) {
    const std::string_view port = host.substr(colon);
    if (!ValidOptionalPort(port)) return StrCat("invalid port ", QuoteGo(port), " after host");
  }
  return CheckEscapes(host, Mode::kHost);
}

bool ValidUserinfo(std::string_view s) {
  static constexpr std::string_view kAllowed = "-._:~!$&'()*+,;=%@";
  for (const char c : s) {
    if (!IsAlnum(static_cast<unsigned char>(c)) && kAllowed.find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

std::string CheckAuthority(std::string_view authority, GoUrl* url) {
  const size_t at = authority.rfind('@');
  const std::string_view host = at == std::string_view::npos ? authority : authority.substr(at + 1);
  if (std::string e = CheckHost(host); !e.empty()) return e;
  url->host = std::string(host);
  if (at == std::string_view::npos) return "";
  const std::string_view userinfo = authority.substr(0, at);
  if (!ValidUserinfo(userinfo)) return "net/url: invalid userinfo";
  const size_t colon = userinfo.find(':');
  url->has_password = colon != std::string_view::npos;
  if (std::string e = CheckEscapes(userinfo.substr(0, colon), Mode::kUserPassword); !e.empty()) {
    return e;
  }
  if (colon != std::string_view::npos) {
    return CheckEscapes(userinfo.substr(colon + 1), Mode::kUserPassword);
  }
  return "";
}

// net/url's parse(rawURL, false): "" or the reason it fails.
std::string Parse(std::string_view raw, GoUrl* url) {
  for (const char c : raw) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return "net/url: invalid control character in URL";
    }
  }
  if (raw == "*") return "";
  // getScheme: letters, then letters, digits, '+', '-' or '.', then ':'.
  std::string_view rest = raw;
  for (size_t i = 0; i < raw.size(); ++i) {
    const auto c = static_cast<unsigned char>(raw[i]);
    if (std::isalpha(c) && c < 0x80) continue;
    if ((std::isdigit(c) || c == '+' || c == '-' || c == '.') && i > 0) continue;
    if (c == ':') {
      if (i == 0) return "missing protocol scheme";
      url->scheme = util::AsciiLower(raw.substr(0, i));
      rest = raw.substr(i + 1);
    }
    break;
  }
  if (!rest.empty() && rest.back() == '?' && rest.find('?') == rest.size() - 1) {
    rest.remove_suffix(1);
  } else {
    rest = rest.substr(0, rest.find('?'));
  }
  if (rest.empty() || rest[0] != '/') {
    if (!url->scheme.empty()) return "";  // opaque
    if (rest.substr(0, rest.find('/')).find(':') != std::string_view::npos) {
      return "first path segment in URL cannot contain colon";
    }
  }
  if ((!url->scheme.empty() || rest.substr(0, 3) != "///") && rest.substr(0, 2) == "//") {
    std::string_view authority = rest.substr(2);
    const size_t slash = authority.find('/');
    rest = slash == std::string_view::npos ? "" : authority.substr(slash);
    authority = authority.substr(0, slash);
    url->has_authority = true;
    if (std::string e = CheckAuthority(authority, url); !e.empty()) return e;
  }
  return CheckEscapes(rest, Mode::kPath);
}

}  // namespace

absl::StatusOr<GoUrl> ParseGoUrl(std::string_view raw) {
  const size_t hash = raw.find('#');
  const std::string_view u = raw.substr(0, hash);
  GoUrl url;
  if (std::string e = Parse(u, &url); !e.empty()) {
    return absl::InvalidArgumentError(StrCat("parse ", QuoteGo(u), ": ", e));
  }
  if (hash != std::string_view::npos) {
    if (std::string e = CheckEscapes(raw.substr(hash + 1), Mode::kFragment); !e.empty()) {
      return absl::InvalidArgumentError(StrCat("parse ", QuoteGo(raw), ": ", e));
    }
  }
  return url;
}

std::string RedactGoUrl(std::string_view raw) {
  auto parsed = ParseGoUrl(raw);
  if (!parsed.ok() || !parsed->has_password) return std::string(raw);
  // The password runs from the userinfo's first ':' to its last '@'.
  const size_t authority = raw.find("//") + 2;
  const size_t end = raw.find_first_of("/?#", authority);
  const size_t at = raw.substr(0, end).rfind('@');
  const size_t colon = raw.find(':', authority);
  return StrCat(raw.substr(0, colon + 1), "xxxxx", raw.substr(at));
}

}  // namespace sextant::config::internal
