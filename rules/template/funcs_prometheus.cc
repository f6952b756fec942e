// Prometheus's template functions (template/template.go), with its error texts.

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <arpa/inet.h>

#include "absl/time/clock.h"
#include "rules/template/funcs.h"
#include "rules/template/go_fmt.h"
#include "rules/template/go_strconv.h"
#include "rules/template/go_time.h"
#include "rules/template/regex.h"
#include "util/go_format.h"
#include "util/strings.h"

namespace sextant::rules::tmpl {
namespace {

using Args = std::span<const Value>;
using P = ParamType;

// common/helpers/templates.ConvertToFloat: numbers and numeric strings.
absl::StatusOr<double> ConvertToFloat(const Value& v) {
  switch (v.kind()) {
    case Kind::kFloat:
      return v.float_value();
    case Kind::kString:
      return GoParseFloat(v.string_value());
    case Kind::kInt:
    case Kind::kInt64:
      return static_cast<double>(v.int_value());
    default: {
      const std::string type = v.kind() == Kind::kNilInterface ? "<nil>" : v.TypeName();
      return FuncError(util::StrCat("can't convert ", type, " to float"));
    }
  }
}

// humanize's loop: scale by `base` with SI-like prefixes while |v| >= base.
std::string ScaleUp(double v, double base, std::span<const std::string_view> prefixes) {
  std::string_view prefix;
  for (std::string_view p : prefixes) {
    if (std::fabs(v) < base) break;
    prefix = p;
    v /= base;
  }
  return FormatFloatG(v, 4) + std::string(prefix);
}

std::string ScaleDown(double v, std::string_view suffix) {
  static constexpr std::string_view kPrefixes[] = {"m", "u", "n", "p", "f", "a", "z", "y"};
  std::string_view prefix;
  for (std::string_view p : kPrefixes) {
    if (std::fabs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return util::StrCat(FormatFloatG(v, 4), prefix, suffix);
}

absl::StatusOr<Value> Humanize(Args args, const CallEnv&) {
  auto v = ConvertToFloat(args[0]);
  if (!v.ok()) return v.status();
  if (*v == 0 || std::isnan(*v) || std::isinf(*v)) return Value::String(FormatFloatG(*v, 4));
  if (std::fabs(*v) >= 1) {
    static constexpr std::string_view kPrefixes[] = {"k", "M", "G", "T", "P", "E", "Z", "Y"};
    return Value::String(ScaleUp(*v, 1000, kPrefixes));
  }
  return Value::String(ScaleDown(*v, ""));
}

absl::StatusOr<Value> Humanize1024(Args args, const CallEnv&) {
  auto v = ConvertToFloat(args[0]);
  if (!v.ok()) return v.status();
  if (std::fabs(*v) <= 1 || std::isnan(*v) || std::isinf(*v)) {
    return Value::String(FormatFloatG(*v, 4));
  }
  static constexpr std::string_view kPrefixes[] = {"ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"};
  return Value::String(ScaleUp(*v, 1024, kPrefixes));
}

// Go's int64(f) on amd64: out-of-range and NaN give the minimum int64.
int64_t GoFloatToInt64(double f) {
  if (std::isnan(f) || f >= 9223372036854775808.0 || f < -9223372036854775808.0) {
    return INT64_MIN;
  }
  return static_cast<int64_t>(f);
}

absl::StatusOr<Value> HumanizeDuration(Args args, const CallEnv&) {
  auto v = ConvertToFloat(args[0]);
  if (!v.ok()) return v.status();
  double d = *v;
  if (std::isnan(d) || std::isinf(d)) return Value::String(FormatFloatG(d, 4));
  if (d == 0) return Value::String(FormatFloatG(d, 4) + "s");
  if (std::fabs(d) >= 1) {
    std::string sign;
    if (d < 0) {
      sign = "-";
      d = -d;
    }
    const int64_t duration = GoFloatToInt64(d);
    const int64_t seconds = duration % 60;
    const int64_t minutes = (duration / 60) % 60;
    const int64_t hours = (duration / 60 / 60) % 24;
    const int64_t days = duration / 60 / 60 / 24;
    if (days != 0) {
      return Value::String(
          util::StrCat(sign, days, "d ", hours, "h ", minutes, "m ", seconds, "s"));
    }
    if (hours != 0) {
      return Value::String(util::StrCat(sign, hours, "h ", minutes, "m ", seconds, "s"));
    }
    if (minutes != 0) return Value::String(util::StrCat(sign, minutes, "m ", seconds, "s"));
    return Value::String(util::StrCat(sign, FormatFloatG(d, 4), "s"));
  }
  return Value::String(ScaleDown(d, "s"));
}

absl::StatusOr<Value> HumanizePercentage(Args args, const CallEnv&) {
  auto v = ConvertToFloat(args[0]);
  if (!v.ok()) return v.status();
  return Value::String(FormatFloatG(*v * 100, 4) + "%");
}

constexpr std::string_view kNaNOrInf = "value is NaN or Inf";

// FloatToTime: seconds to a UTC time at millisecond precision (model.Time), as Unix nanoseconds.
absl::StatusOr<int64_t> FloatToTime(double v) {
  if (std::isnan(v) || std::isinf(v)) return FuncError(kNaNOrInf);
  const double ns = v * 1e9;
  if (ns > 9223372036854775807.0 || ns < -9223372036854775808.0) {
    return FuncError(util::StrCat(FormatFloatV(v),
                                  " cannot be represented as a nanoseconds timestamp since it "
                                  "overflows int64"));
  }
  const int64_t ms = GoFloatToInt64(ns) / 1000000;
  return ms * 1000000;
}

absl::StatusOr<Value> HumanizeTimestamp(Args args, const CallEnv&) {
  auto v = ConvertToFloat(args[0]);
  if (!v.ok()) return v.status();
  if (std::isnan(*v) || std::isinf(*v)) return Value::String(FormatFloatG(*v, 4));
  auto t = FloatToTime(*v);
  if (!t.ok()) return t.status();
  return Value::String(FormatGoTime(*t));
}

absl::StatusOr<Value> ToTime(Args args, const CallEnv&) {
  auto v = ConvertToFloat(args[0]);
  if (!v.ok()) return v.status();
  auto t = FloatToTime(*v);
  if (!t.ok()) return t.status();
  return Value::TimePtr(*t);
}

absl::StatusOr<Value> ToDuration(Args args, const CallEnv&) {
  auto v = ConvertToFloat(args[0]);
  if (!v.ok()) return v.status();
  return Value::DurationPtr(GoFloatToInt64(*v * 1e9));
}

absl::StatusOr<Value> Query(Args args, const CallEnv& env) {
  if (env.ctx->query == nullptr) return FuncError("no query function available");
  auto result = env.ctx->query(args[0].string_value());
  if (!result.ok()) return FuncError(util::FromAbsl(result.status().message()));
  auto samples = std::make_shared<SampleList>();
  samples->reserve(result->size());
  for (const QuerySample& q : *result) {
    auto s = std::make_shared<Sample>();
    for (const model::Label& l : q.labels) s->labels.emplace(l.name, l.value);
    s->value = q.value;
    samples->push_back(std::move(s));
  }
  return Value::Samples(std::move(samples));
}

absl::StatusOr<Value> First(Args args, const CallEnv&) {
  if (args[0].samples().empty()) return FuncError("first() called on vector with no elements");
  return Value::SamplePtr(args[0].samples()[0]);
}

absl::StatusOr<Value> Label(Args args, const CallEnv&) {
  const Sample* s = args[1].sample();
  if (s == nullptr) return NilDereferenceError();
  auto it = s->labels.find(args[0].string_value());
  return Value::String(it == s->labels.end() ? "" : it->second);
}

absl::StatusOr<Value> SampleValue(Args args, const CallEnv&) {
  if (args[0].sample() == nullptr) return NilDereferenceError();
  return Value::Float(args[0].sample()->value);
}

absl::StatusOr<Value> StrValue(Args args, const CallEnv&) {
  const Sample* s = args[0].sample();
  if (s == nullptr) return NilDereferenceError();
  auto it = s->labels.find("__value__");
  return Value::String(it == s->labels.end() ? "" : it->second);
}

absl::StatusOr<Value> ArgsMap(Args args, const CallEnv&) {
  auto m = std::make_shared<AnyMap>();
  for (size_t i = 0; i < args.size(); ++i) (*m)[util::StrCat("arg", i)] = args[i];
  return Value::AnyMapOf(std::move(m));
}

absl::StatusOr<Value> SortByLabel(Args args, const CallEnv&) {
  auto sorted = std::make_shared<SampleList>(args[1].samples());
  const std::string& label = args[0].string_value();
  auto get = [&](const std::shared_ptr<const Sample>& s) -> std::string_view {
    if (s == nullptr) return "";
    auto it = s->labels.find(label);
    return it == s->labels.end() ? std::string_view() : std::string_view(it->second);
  };
  std::stable_sort(sorted->begin(), sorted->end(),
                   [&](const auto& a, const auto& b) { return get(a) < get(b); });
  return Value::Samples(std::move(sorted));
}

// net.SplitHostPort; false where Go returns an error.
bool SplitHostPort(std::string_view hostport, std::string* host, std::string* port) {
  const size_t i = hostport.rfind(':');
  if (i == std::string_view::npos) return false;
  size_t j = 0;
  size_t k = 0;
  if (hostport[0] == '[') {
    const size_t end = hostport.find(']');
    if (end == std::string_view::npos || end + 1 != i) return false;
    *host = std::string(hostport.substr(1, end - 1));
    j = 1;
    k = end + 1;
  } else {
    *host = std::string(hostport.substr(0, i));
    if (host->find(':') != std::string::npos) return false;
  }
  if (hostport.substr(j).find('[') != std::string_view::npos) return false;
  if (hostport.substr(k).find(']') != std::string_view::npos) return false;
  *port = std::string(hostport.substr(i + 1));
  return true;
}

// net.ParseIP(s) != nil.
bool IsIp(const std::string& s) {
  unsigned char buf[16];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

absl::StatusOr<Value> StripPort(Args args, const CallEnv&) {
  std::string host;
  std::string port;
  if (!SplitHostPort(args[0].string_value(), &host, &port)) return args[0];
  return Value::String(std::move(host));
}

absl::StatusOr<Value> StripDomain(Args args, const CallEnv&) {
  const std::string& hostport = args[0].string_value();
  std::string host;
  std::string port;
  if (!SplitHostPort(hostport, &host, &port)) host = hostport;
  if (IsIp(host)) return args[0];
  host = host.substr(0, host.find('.'));
  if (port.empty()) return Value::String(std::move(host));
  if (host.find(':') != std::string::npos) return Value::String("[" + host + "]:" + port);
  return Value::String(host + ":" + port);
}

// Word-initial letters upper-cased, the rest kept (cases.Title with cases.NoLower, as Prometheus
// 2.x and 3.x render it): a word starts after anything but a letter, digit or '_', so "o'neil"
// becomes "O'Neil". Letters outside Latin-1 are kept as they are.
absl::StatusOr<Value> Title(Args args, const CallEnv&) {
  std::string s = args[0].string_value();
  bool in_word = false;
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      // A Latin-1 lower-case letter at a word start: U+00E0..U+00FE (not U+00F7) is 0xC3 0xA0..BE.
      if (!in_word && c == 0xC3 && i + 1 < s.size()) {
        const auto d = static_cast<unsigned char>(s[i + 1]);
        if (d >= 0xA0 && d <= 0xBE && d != 0xB7) s[i + 1] = static_cast<char>(d - 32);
      }
      in_word = true;
      while (i + 1 < s.size() && (static_cast<unsigned char>(s[i + 1]) & 0xC0) == 0x80) ++i;
      continue;
    }
    if (!in_word && c >= 'a' && c <= 'z') s[i] = static_cast<char>(c - 'a' + 'A');
    in_word = std::isalnum(c) || c == '_';
  }
  return Value::String(std::move(s));
}

// strings.ToUpper / ToLower for ASCII and Latin-1; other runes are kept as they are.
std::string MapCase(std::string_view in, bool upper) {
  std::string out(in);
  for (size_t i = 0; i < out.size(); ++i) {
    const auto c = static_cast<unsigned char>(out[i]);
    if (c < 0x80) {
      if (upper && c >= 'a' && c <= 'z') out[i] = static_cast<char>(c - 32);
      if (!upper && c >= 'A' && c <= 'Z') out[i] = static_cast<char>(c + 32);
    } else if (c == 0xC3 && i + 1 < out.size()) {
      // U+00C0..U+00DE <-> U+00E0..U+00FE, except the multiplication and division signs.
      const auto d = static_cast<unsigned char>(out[i + 1]);
      if (upper && d >= 0xA0 && d <= 0xBE && d != 0xB7) out[i + 1] = static_cast<char>(d - 32);
      if (!upper && d >= 0x80 && d <= 0x9E && d != 0x97) out[i + 1] = static_cast<char>(d + 32);
      ++i;
    }
  }
  return out;
}

// model.ParseDurationAllowNegative, in seconds.
absl::StatusOr<Value> ParseDurationFunc(Args args, const CallEnv&) {
  std::string_view s = args[0].string_value();
  bool negative = false;
  if (!s.empty() && s[0] == '-') {
    negative = true;
    s.remove_prefix(1);
  }
  const std::string orig = util::QuoteGo(s);
  if (s == "0") return Value::Float(0);
  if (s.empty()) return FuncError("empty duration string");
  struct Unit {
    std::string_view name;
    uint64_t mult;  // milliseconds
    int pos;
  };
  static constexpr Unit kUnits[] = {{"y", 365ULL * 24 * 3600 * 1000, 1},
                                    {"w", 7ULL * 24 * 3600 * 1000, 2},
                                    {"d", 24ULL * 3600 * 1000, 3},
                                    {"h", 3600ULL * 1000, 4},
                                    {"m", 60ULL * 1000, 5},
                                    {"s", 1000, 6},
                                    {"ms", 1, 7}};
  const std::string invalid = util::StrCat("not a valid duration string: ", orig);
  uint64_t total_ms = 0;
  int last_pos = 0;
  auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  while (!s.empty()) {
    if (!is_digit(s[0])) return FuncError(invalid);
    size_t i = 0;
    while (i < s.size() && is_digit(s[i])) ++i;
    uint64_t v = 0;
    for (size_t k = 0; k < i; ++k) {
      if (v > (UINT64_MAX - 9) / 10) return FuncError(invalid);
      v = v * 10 + static_cast<uint64_t>(s[k] - '0');
    }
    s.remove_prefix(i);
    size_t u = 0;
    while (u < s.size() && !is_digit(s[u])) ++u;
    if (u == 0) return FuncError(invalid);
    const std::string_view unit_name = s.substr(0, u);
    s.remove_prefix(u);
    const Unit* unit = nullptr;
    for (const Unit& candidate : kUnits) {
      if (candidate.name == unit_name) unit = &candidate;
    }
    if (unit == nullptr) {
      return FuncError(
          util::StrCat("unknown unit ", util::QuoteGo(unit_name), " in duration ", orig));
    }
    if (unit->pos <= last_pos) return FuncError(invalid);
    last_pos = unit->pos;
    // model.Duration counts nanoseconds; ms here, so the limit is scaled.
    const uint64_t limit_ms = (1ULL << 63) / 1000000;
    if (v > limit_ms / unit->mult) return FuncError("duration out of range");
    total_ms += v * unit->mult;
    if (total_ms > ((1ULL << 63) - 1) / 1000000) return FuncError("duration out of range");
  }
  const double seconds = static_cast<double>(total_ms) / 1000.0;
  return Value::Float(negative ? -seconds : seconds);
}

// The path of the external URL (url.URL.Path: percent-decoded).
std::string UrlPath(std::string_view url) {
  size_t start = 0;
  const size_t scheme = url.find("://");
  if (scheme != std::string_view::npos) {
    start = url.find('/', scheme + 3);
    if (start == std::string_view::npos) return "";
  }
  std::string_view path = url.substr(start);
  path = path.substr(0, path.find_first_of("?#"));
  std::string out;
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '%' && i + 2 < path.size() && std::isxdigit(path[i + 1]) &&
        std::isxdigit(path[i + 2])) {
      out += static_cast<char>(std::stoi(std::string(path.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += path[i];
    }
  }
  return out;
}

absl::StatusOr<Value> Now(Args, const CallEnv& env) {
  const absl::Time t =
      env.ctx->eval_time == absl::InfinitePast() ? absl::Now() : env.ctx->eval_time;
  return Value::Float(static_cast<double>(absl::ToUnixMillis(t)) / 1000.0);
}

absl::StatusOr<Value> StringFn(std::string s) { return Value::String(std::move(s)); }

const std::vector<FuncDef>& Table() {
  static const std::vector<FuncDef> table = {
      {"query", {P::kString}, false, false, Query},
      {"first", {P::kQueryResult}, false, false, First},
      {"label", {P::kString, P::kSamplePtr}, false, false, Label},
      {"value", {P::kSamplePtr}, false, false, SampleValue},
      {"strvalue", {P::kSamplePtr}, false, false, StrValue},
      {"args", {P::kAny}, true, false, ArgsMap},
      {"reReplaceAll",
       {P::kString, P::kString, P::kString},
       false,
       false,
       [](Args a, const CallEnv&) -> absl::StatusOr<Value> {
         auto out = RegexReplaceAll(a[0].string_value(), a[1].string_value(), a[2].string_value());
         if (!out.ok()) return out.status();
         return Value::String(*std::move(out));
       }},
      {"safeHtml",
       {P::kString},
       false,
       false,
       [](Args a, const CallEnv&) {
         return absl::StatusOr<Value>(Value::Html(a[0].string_value()));
       }},
      {"match",
       {P::kString, P::kString},
       false,
       false,
       [](Args a, const CallEnv&) -> absl::StatusOr<Value> {
         auto m = RegexMatch(a[0].string_value(), a[1].string_value());
         if (!m.ok()) return m.status();
         return Value::Bool(*m);
       }},
      {"title", {P::kString}, false, false, Title},
      {"toUpper",
       {P::kString},
       false,
       false,
       [](Args a, const CallEnv&) { return StringFn(MapCase(a[0].string_value(), true)); }},
      {"toLower",
       {P::kString},
       false,
       false,
       [](Args a, const CallEnv&) { return StringFn(MapCase(a[0].string_value(), false)); }},
      {"graphLink",
       {P::kString},
       false,
       false,
       [](Args a, const CallEnv&) {
         return StringFn(
             util::StrCat("/graph?g0.expr=", GoQueryEscape(a[0].string_value()), "&g0.tab=0"));
       }},
      {"tableLink",
       {P::kString},
       false,
       false,
       [](Args a, const CallEnv&) {
         return StringFn(
             util::StrCat("/graph?g0.expr=", GoQueryEscape(a[0].string_value()), "&g0.tab=1"));
       }},
      {"sortByLabel", {P::kString, P::kQueryResult}, false, false, SortByLabel},
      {"stripPort", {P::kString}, false, false, StripPort},
      {"stripDomain", {P::kString}, false, false, StripDomain},
      {"humanize", {P::kAny}, false, false, Humanize},
      {"humanize1024", {P::kAny}, false, false, Humanize1024},
      {"humanizeDuration", {P::kAny}, false, false, HumanizeDuration},
      {"humanizePercentage", {P::kAny}, false, false, HumanizePercentage},
      {"humanizeTimestamp", {P::kAny}, false, false, HumanizeTimestamp},
      {"toTime", {P::kAny}, false, false, ToTime},
      {"toDuration", {P::kAny}, false, false, ToDuration},
      {"now", {}, false, false, Now},
      {"pathPrefix",
       {},
       false,
       false,
       [](Args, const CallEnv& env) { return StringFn(UrlPath(env.ctx->external_url)); }},
      {"externalURL",
       {},
       false,
       false,
       [](Args, const CallEnv& env) { return StringFn(env.ctx->external_url); }},
      {"parseDuration", {P::kString}, false, false, ParseDurationFunc},
      {"urlQueryEscape",
       {P::kString},
       false,
       false,
       [](Args a, const CallEnv&) { return StringFn(GoQueryEscape(a[0].string_value())); }},
  };
  return table;
}

}  // namespace

std::span<const FuncDef> PrometheusFunctions() { return Table(); }

std::string GoQueryEscape(std::string_view s) {
  std::string out;
  constexpr char kHex[] = "0123456789ABCDEF";
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out += ch;
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace sextant::rules::tmpl
