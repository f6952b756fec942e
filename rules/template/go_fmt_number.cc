#include "rules/template/go_fmt_number.h"

#include <cmath>
#include <cstdio>

#include "rules/template/lexer.h"
#include "util/go_format.h"

namespace sextant::rules::tmpl {
namespace {

size_t RuneCount(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size();) {
    size_t width = 0;
    DecodeRune(s, i, &width);
    i += width;
    ++n;
  }
  return n;
}

void WritePadding(const FmtFlags& f, size_t n, std::string* buf) {
  buf->append(n, f.zero ? '0' : ' ');
}

}  // namespace

void FmtPad(const FmtFlags& f, std::string_view s, std::string* buf) {
  if (!f.wid_present || f.wid == 0) {
    buf->append(s);
    return;
  }
  const size_t width = RuneCount(s);
  const size_t want = static_cast<size_t>(f.wid);
  if (width >= want) {
    buf->append(s);
    return;
  }
  if (!f.minus) {
    WritePadding(f, want - width, buf);
    buf->append(s);
  } else {
    buf->append(s);
    buf->append(want - width, ' ');
  }
}

void FmtUnsigned(const FmtFlags& f, uint64_t u, bool negative, int base, bool upper, char verb,
                 std::string* buf) {
  int prec = 0;
  if (f.prec_present) {
    prec = f.prec;
    if (prec == 0 && u == 0) {
      WritePadding(FmtFlags{}, f.wid_present ? f.wid : 0, buf);  // spaces, never zeros
      return;
    }
  } else if (f.zero && f.wid_present) {
    prec = f.wid;
    if (negative || f.plus || f.space) --prec;  // room for the sign
  }
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string s;
  do {
    s.insert(s.begin(), digits[u % base]);
    u /= base;
  } while (u > 0);
  while (static_cast<int>(s.size()) < prec) s.insert(s.begin(), '0');
  if (f.sharp) {
    if (base == 2) s.insert(0, "0b");
    if (base == 8 && s[0] != '0') s.insert(0, "0");
    if (base == 16) s.insert(0, upper ? "0X" : "0x");
  }
  if (verb == 'O') s.insert(0, "0o");
  if (negative) {
    s.insert(s.begin(), '-');
  } else if (f.plus) {
    s.insert(s.begin(), '+');
  } else if (f.space) {
    s.insert(s.begin(), ' ');
  }
  FmtFlags no_zero = f;  // the zeros are in s already
  no_zero.zero = false;
  FmtPad(no_zero, s, buf);
}

void FmtFloat(const FmtFlags& f, double v, char verb, int prec, std::string* buf) {
  if (f.prec_present) prec = f.prec;
  std::string num;
  if (std::isnan(v)) {
    num = "+NaN";
  } else if (std::isinf(v)) {
    num = v > 0 ? "+Inf" : "-Inf";
  } else {
    if (prec < 0) {
      num = util::FormatFloatGo(v);
      if (verb == 'G') {
        for (char& c : num) c = c == 'e' ? 'E' : c;
      }
    } else {
      const char c_verb = verb == 'F' ? 'f' : verb;
      const char fmt[] = {'%', '.', '*', c_verb, '\0'};
      char text[512];
      std::snprintf(text, sizeof(text), fmt, prec, v);
      num = text;
    }
    if (num[0] != '-' && num[0] != '+') num.insert(num.begin(), '+');
  }
  if (f.space && num[0] == '+' && !f.plus) num[0] = ' ';
  if (num[1] == 'I' || num[1] == 'N') {
    FmtFlags no_zero = f;  // infinities and NaN pad with spaces
    no_zero.zero = false;
    if (num[1] == 'N' && !f.space && !f.plus) num.erase(0, 1);
    FmtPad(no_zero, num, buf);
    return;
  }
  if (f.plus || num[0] != '+') {
    if (f.zero && f.wid_present && f.wid > static_cast<int>(num.size())) {
      buf->push_back(num[0]);
      WritePadding(f, f.wid - num.size(), buf);
      buf->append(num, 1);
      return;
    }
    FmtPad(f, num, buf);
    return;
  }
  FmtPad(f, std::string_view(num).substr(1), buf);
}

std::string FormatFloatV(double f) {
  if (std::isnan(f)) return "NaN";
  if (std::isinf(f)) return f > 0 ? "+Inf" : "-Inf";
  return util::FormatFloatGo(f);
}

std::string FormatFloatG(double f, int prec) {
  if (std::isnan(f)) return "NaN";
  if (std::isinf(f)) return f > 0 ? "+Inf" : "-Inf";
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*g", prec, f);
  return buf;
}

}  // namespace sextant::rules::tmpl
