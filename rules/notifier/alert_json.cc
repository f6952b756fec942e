#include "rules/notifier/alert_json.h"

#include <cstdint>

#include "util/strings.h"

namespace sextant::rules {
namespace {

// The length of the valid UTF-8 sequence at s[i], or 0 when it is not valid.
size_t Utf8Length(std::string_view s, size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  auto cont = [&](size_t k) {
    return i + k < s.size() && (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
  };
  if (b0 < 0x80) return 1;
  if (b0 >= 0xC2 && b0 <= 0xDF) return cont(1) ? 2 : 0;
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    const auto b1 = static_cast<unsigned char>(s[i + 1]);
    if (b0 == 0xE0 && b1 < 0xA0) return 0;   // overlong
    if (b0 == 0xED && b1 >= 0xA0) return 0;  // surrogates
    return 3;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    const auto b1 = static_cast<unsigned char>(s[i + 1]);
    if (b0 == 0xF0 && b1 < 0x90) return 0;   // overlong
    if (b0 == 0xF4 && b1 >= 0x90) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

// Go's encoding/json string encoding with HTML escaping (json.Marshal's default).
void AppendString(std::string* out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '"':
          out->append("\\\"");
          break;
        case '\\':
          out->append("\\\\");
          break;
        case '\b':
          out->append("\\b");
          break;
        case '\f':
          out->append("\\f");
          break;
        case '\n':
          out->append("\\n");
          break;
        case '\r':
          out->append("\\r");
          break;
        case '\t':
          out->append("\\t");
          break;
        default:
          if (c < 0x20 || c == '<' || c == '>' || c == '&') {
            out->append("\\u00");
            out->push_back(kHex[c >> 4]);
            out->push_back(kHex[c & 15]);
          } else {
            out->push_back(static_cast<char>(c));
          }
      }
      ++i;
      continue;
    }
    const size_t n = Utf8Length(s, i);
    if (n == 0) {
      out->append("\\ufffd");
      ++i;
      continue;
    }
    const std::string_view seq = s.substr(i, n);
    if (seq == "\xE2\x80\xA8") {
      out->append("\\u2028");
    } else if (seq == "\xE2\x80\xA9") {
      out->append("\\u2029");
    } else {
      out->append(seq);
    }
    i += n;
  }
  out->push_back('"');
}

// A label set as a JSON object; Labels are sorted by name, as Go sorts map keys.
void AppendLabelSet(std::string* out, const model::Labels& labels) {
  out->push_back('{');
  bool first = true;
  for (const model::Label& l : labels) {
    if (!first) out->push_back(',');
    first = false;
    AppendString(out, l.name);
    out->push_back(':');
    AppendString(out, l.value);
  }
  out->push_back('}');
}

}  // namespace

std::string FormatAlertTime(absl::Time t) {
  if (t == absl::InfinitePast()) return "0001-01-01T00:00:00.000Z";
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", t, absl::UTCTimeZone());
}

std::string EncodeAlerts(std::span<const NotifierAlert> alerts) {
  std::string out = "[";
  for (size_t i = 0; i < alerts.size(); ++i) {
    const NotifierAlert& a = alerts[i];
    if (i > 0) out.push_back(',');
    out.push_back('{');
    // go-swagger concatenates PostableAlert's own fields (annotations, endsAt, startsAt) with
    // those of the embedded Alert (generatorURL, labels), each part in declaration order.
    if (!a.annotations.empty()) {
      out.append("\"annotations\":");
      AppendLabelSet(&out, a.annotations);
      out.push_back(',');
    }
    util::StrAppend(&out, "\"endsAt\":\"", FormatAlertTime(a.ends_at), "\",\"startsAt\":\"",
                    FormatAlertTime(a.starts_at), "\",");
    if (!a.generator_url.empty()) {
      out.append("\"generatorURL\":");
      AppendString(&out, a.generator_url);
      out.push_back(',');
    }
    out.append("\"labels\":");
    AppendLabelSet(&out, a.labels);
    out.push_back('}');
  }
  out.push_back(']');
  return out;
}

}  // namespace sextant::rules
