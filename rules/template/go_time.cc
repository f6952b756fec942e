#include "rules/template/go_time.h"

#include <cstdio>

namespace sextant::rules::tmpl {
namespace {

constexpr int64_t kNanosPerSecond = 1000000000;
constexpr std::string_view kMonths[] = {"January",   "February", "March",    "April",
                                        "May",       "June",     "July",     "August",
                                        "September", "October",  "November", "December"};
constexpr std::string_view kDays[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                      "Thursday", "Friday", "Saturday"};

// Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
void CivilFromDays(int64_t z, int64_t* y, int* m, int* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

bool IsLeap(int64_t y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

std::string Pad(int64_t v, int width) {
  char buf[32];
  if (v < 0) {
    std::snprintf(buf, sizeof(buf), "-%0*lld", width, static_cast<long long>(-v));
  } else {
    std::snprintf(buf, sizeof(buf), "%0*lld", width, static_cast<long long>(v));
  }
  return buf;
}

// The fraction of a second as ".ddddddddd", cut to `digits`; with `trim`, trailing zeros (and
// the dot, if nothing is left) are dropped.
std::string Fraction(int nanos, int digits, bool trim) {
  std::string f = Pad(nanos, 9).substr(0, digits);
  if (trim) {
    while (!f.empty() && f.back() == '0') f.pop_back();
    if (f.empty()) return "";
  }
  return "." + f;
}

}  // namespace

CivilTime ToCivil(int64_t unix_nanos) {
  int64_t secs = unix_nanos / kNanosPerSecond;
  int64_t nanos = unix_nanos % kNanosPerSecond;
  if (nanos < 0) {
    nanos += kNanosPerSecond;
    --secs;
  }
  int64_t days = secs / 86400;
  int64_t rem = secs % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  CivilTime c{};
  CivilFromDays(days, &c.year, &c.month, &c.day);
  c.hour = static_cast<int>(rem / 3600);
  c.minute = static_cast<int>(rem % 3600 / 60);
  c.second = static_cast<int>(rem % 60);
  c.nanosecond = static_cast<int>(nanos);
  c.weekday = static_cast<int>(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday
  static constexpr int kCumulative[] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
  c.year_day = kCumulative[c.month - 1] + c.day + (c.month > 2 && IsLeap(c.year) ? 1 : 0);
  return c;
}

std::string FormatGoTime(int64_t unix_nanos) {
  return FormatGoTimeLayout(unix_nanos, "2006-01-02 15:04:05.999999999 -0700 MST");
}

std::string FormatGoTimeLayout(int64_t unix_nanos, std::string_view layout) {
  const CivilTime c = ToCivil(unix_nanos);
  std::string out;
  size_t i = 0;
  auto take = [&](std::string_view elem) {
    if (layout.substr(i).starts_with(elem)) {
      i += elem.size();
      return true;
    }
    return false;
  };
  const int hour12 = c.hour % 12 == 0 ? 12 : c.hour % 12;
  while (i < layout.size()) {
    if (take("January")) {
      out += kMonths[c.month - 1];
    } else if (take("Jan")) {
      out += kMonths[c.month - 1].substr(0, 3);
    } else if (take("Monday")) {
      out += kDays[c.weekday];
    } else if (take("Mon")) {
      out += kDays[c.weekday].substr(0, 3);
    } else if (take("MST")) {
      out += "UTC";
    } else if (take("2006")) {
      out += Pad(c.year, 4);
    } else if (take("01")) {
      out += Pad(c.month, 2);
    } else if (take("02")) {
      out += Pad(c.day, 2);
    } else if (take("_2")) {
      out += c.day < 10 ? " " + std::to_string(c.day) : std::to_string(c.day);
    } else if (take("002")) {
      out += Pad(c.year_day, 3);
    } else if (take("06")) {
      out += Pad(c.year % 100, 2);
    } else if (take("03")) {
      out += Pad(hour12, 2);
    } else if (take("04")) {
      out += Pad(c.minute, 2);
    } else if (take("05")) {
      out += Pad(c.second, 2);
    } else if (take("15")) {
      out += Pad(c.hour, 2);
    } else if (take("-07:00:00") || take("-07:00") || take("-0700") || take("-07")) {
      const std::string_view prev = layout.substr(0, i);
      if (prev.ends_with("-07:00:00")) {
        out += "+00:00:00";
      } else if (prev.ends_with("-07:00")) {
        out += "+00:00";
      } else if (prev.ends_with("-0700")) {
        out += "+0000";
      } else {
        out += "+00";
      }
    } else if (take("Z07:00:00") || take("Z07:00") || take("Z0700") || take("Z07")) {
      out += "Z";
    } else if (take("PM")) {
      out += c.hour >= 12 ? "PM" : "AM";
    } else if (take("pm")) {
      out += c.hour >= 12 ? "pm" : "am";
    } else if ((layout[i] == '.' || layout[i] == ',') && i + 1 < layout.size() &&
               (layout[i + 1] == '0' || layout[i + 1] == '9')) {
      // .000 / .999: a fraction, if followed by no more digits.
      const char digit = layout[i + 1];
      size_t j = i + 1;
      while (j < layout.size() && layout[j] == digit) ++j;
      if (j < layout.size() && layout[j] >= '0' && layout[j] <= '9') {
        out += layout[i++];
        continue;
      }
      const int n = static_cast<int>(std::min<size_t>(j - i - 1, 9));
      std::string f = Fraction(c.nanosecond, n, digit == '9');
      if (!f.empty()) f[0] = layout[i];
      out += f;
      i = j;
    } else if (take("1")) {
      out += std::to_string(c.month);
    } else if (take("2")) {
      out += std::to_string(c.day);
    } else if (take("3")) {
      out += std::to_string(hour12);
    } else if (take("4")) {
      out += std::to_string(c.minute);
    } else if (take("5")) {
      out += std::to_string(c.second);
    } else {
      out += layout[i++];
    }
  }
  return out;
}

std::string FormatGoDuration(int64_t nanos) {
  if (nanos == 0) return "0s";
  const bool neg = nanos < 0;
  // The magnitude as unsigned, so that the minimum int64 works.
  uint64_t u = neg ? 0 - static_cast<uint64_t>(nanos) : static_cast<uint64_t>(nanos);
  std::string out;
  auto frac = [](uint64_t v, int prec, std::string* digits) {
    // v with `prec` decimal places, trailing zeros dropped; returns the integer part.
    std::string f;
    bool print = false;
    for (int i = 0; i < prec; ++i) {
      const int digit = static_cast<int>(v % 10);
      print = print || digit != 0;
      if (print) f.insert(f.begin(), static_cast<char>('0' + digit));
      v /= 10;
    }
    if (print) f.insert(f.begin(), '.');
    *digits = f;
    return v;
  };
  std::string fraction;
  if (u < static_cast<uint64_t>(kNanosPerSecond)) {
    // Under a second: ns, µs or ms with a fraction.
    int prec = 0;
    std::string unit;
    if (u < 1000) {
      return (neg ? "-" : "") + std::to_string(u) + "ns";
    } else if (u < 1000000) {
      prec = 3;
      unit = "\xC2\xB5s";
    } else {
      prec = 6;
      unit = "ms";
    }
    const uint64_t whole = frac(u, prec, &fraction);
    return (neg ? "-" : "") + std::to_string(whole) + fraction + unit;
  }
  uint64_t secs = frac(u, 9, &fraction);
  out = std::to_string(secs % 60) + fraction + "s";
  secs /= 60;
  if (secs > 0) {
    out = std::to_string(secs % 60) + "m" + out;
    secs /= 60;
    if (secs > 0) out = std::to_string(secs) + "h" + out;
  }
  return (neg ? "-" : "") + out;
}

}  // namespace sextant::rules::tmpl
