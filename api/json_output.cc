#include "api/json_output.h"

#include <charconv>
#include <cmath>

#include "util/go_format.h"

namespace sextant::api {

void AppendJsonString(std::string* out, std::string_view s) { out->append(util::QuoteJson(s)); }

void AppendGoJsonString(std::string* out, std::string_view s) {
  const std::string quoted = util::QuoteJson(s);
  for (size_t i = 0; i < quoted.size(); ++i) {
    const char c = quoted[i];
    if (c == '\xe2' && i + 2 < quoted.size() && quoted[i + 1] == '\x80' &&
        (quoted[i + 2] == '\xa8' || quoted[i + 2] == '\xa9')) {
      out->append(quoted[i + 2] == '\xa8' ? "\\u2028" : "\\u2029");
      i += 2;
    } else if (c == '<') {
      out->append("\\u003c");
    } else if (c == '>') {
      out->append("\\u003e");
    } else if (c == '&') {
      out->append("\\u0026");
    } else {
      out->push_back(c);
    }
  }
}

void AppendTimestamp(std::string* out, int64_t ms) {
  uint64_t abs = ms < 0 ? 0 - static_cast<uint64_t>(ms) : static_cast<uint64_t>(ms);
  if (ms < 0) out->push_back('-');
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), abs / 1000);
  out->append(buf, r.ptr);
  const uint64_t frac = abs % 1000;
  if (frac != 0) {
    out->push_back('.');
    out->push_back(static_cast<char>('0' + frac / 100));
    out->push_back(static_cast<char>('0' + frac / 10 % 10));
    out->push_back(static_cast<char>('0' + frac % 10));
  }
}

namespace {

// strconv.AppendFloat(v, 'f', -1, 64), or 'e' below 1e-6 and from 1e21 in magnitude: how both
// Prometheus's jsonutil and Go's JSON encoders write a finite float. Returns whether it used 'e'.
bool AppendShortestFloat(std::string* out, double v) {
  const double abs = std::fabs(v);
  const bool exponent = abs != 0 && (abs < 1e-6 || abs >= 1e21);
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), v,
                         exponent ? std::chars_format::scientific : std::chars_format::fixed);
  out->append(buf, r.ptr);
  return exponent;
}

}  // namespace

void AppendSampleValue(std::string* out, double v) {
  out->push_back('"');
  if (std::isnan(v)) {
    out->append("NaN");
  } else if (std::isinf(v)) {
    out->append(v > 0 ? "+Inf" : "-Inf");
  } else {
    AppendShortestFloat(out, v);
  }
  out->push_back('"');
}

void AppendJsonNumber(std::string* out, double v) {
  if (!std::isfinite(v)) {
    out->append("null");
    return;
  }
  if (AppendShortestFloat(out, v)) {
    // Go's encoders clean up e-09 to e-9 (but keep e+21).
    const size_t n = out->size();
    if (n >= 4 && (*out)[n - 4] == 'e' && (*out)[n - 3] == '-' && (*out)[n - 2] == '0') {
      (*out)[n - 2] = (*out)[n - 1];
      out->pop_back();
    }
  }
}

void AppendLabelsObject(std::string* out, const model::Labels& labels) {
  out->push_back('{');
  bool first = true;
  for (const model::Label& l : labels) {
    if (!first) out->push_back(',');
    first = false;
    AppendJsonString(out, l.name);
    out->push_back(':');
    AppendJsonString(out, l.value);
  }
  out->push_back('}');
}

void AppendPoint(std::string* out, int64_t ms, double v) {
  out->push_back('[');
  AppendTimestamp(out, ms);
  out->push_back(',');
  AppendSampleValue(out, v);
  out->push_back(']');
}

}  // namespace sextant::api
