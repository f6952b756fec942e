#include "scrape/parser/openmetrics_parser.h"

#include <cmath>

#include "scrape/parser/openmetrics_lexer.h"
#include "scrape/parser/parse_float.h"
#include "util/go_format.h"
#include "util/strings.h"

namespace sextant::scrape {
namespace {

// Go's lvalReplacer: \\ -> \, \" -> ", \n -> newline; any other backslash stays as it is.
void Unescape(std::string_view in, std::string* out) {
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '\\' && i + 1 < in.size()) {
      const char next = in[i + 1];
      if (next == '\\' || next == '"') {
        out->push_back(next);
        ++i;
        continue;
      }
      if (next == 'n') {
        out->push_back('\n');
        ++i;
        continue;
      }
    }
    out->push_back(in[i]);
  }
}

// Go's string(byte): the byte as a code point, encoded in UTF-8.
std::string ByteAsRune(unsigned char c) {
  if (c < 0x80) return std::string(1, static_cast<char>(c));
  return {static_cast<char>(0xC0 | (c >> 6)), static_cast<char>(0x80 | (c & 0x3F))};
}

}  // namespace

OpenMetricsParser::OpenMetricsParser(std::string_view input) : input_(input), lexer_(input) {}

absl::Status OpenMetricsParser::status() const {
  if (last_ != Entry::kError) return absl::OkStatus();
  return absl::InvalidArgumentError(util::ToAbsl(util::StrCat("line ", line_, ": ", error_)));
}

Entry OpenMetricsParser::Fail(std::string message) {
  error_ = std::move(message);
  done_ = true;
  last_ = Entry::kError;
  return Entry::kError;
}

Entry OpenMetricsParser::FailToken(std::string_view expected, OmToken got) {
  return Fail(util::StrCat(expected, ", got ", util::QuoteGo(OmTokenName(got))));
}

Entry OpenMetricsParser::Next() {
  if (done_) return last_;
  entry_begin_ = lexer_.pos();
  line_ = lexer_.newlines() + 1;
  const OmToken t = lexer_.Next();
  switch (t) {
    case OmToken::kEofWord:
      if (lexer_.Next() != OmToken::kEof) {
        line_ = lexer_.newlines() + 1;
        return Fail("unexpected data after # EOF");
      }
      done_ = true;
      last_ = Entry::kEof;
      return Entry::kEof;
    case OmToken::kEof:
      return Fail("data does not end with # EOF");
    case OmToken::kHelp:
    case OmToken::kType:
    case OmToken::kUnit:
      last_ = ParseMeta(t);
      return last_;
    case OmToken::kMName:
      last_ = ParseSample();
      return last_;
    default: {
      const std::string cur = lexer_.pos() < input_.size()
                                  ? ByteAsRune(static_cast<unsigned char>(input_[lexer_.pos()]))
                                  : std::string(" ");
      return Fail(util::StrCat(util::QuoteGo(OmTokenName(t)), " ", util::QuoteGo(cur),
                               " is not a valid start token"));
    }
  }
}

Entry OpenMetricsParser::ParseMeta(OmToken kind) {
  const std::string_view word =
      kind == OmToken::kHelp ? "HELP" : (kind == OmToken::kType ? "TYPE" : "UNIT");
  OmToken t = lexer_.Next();
  if (t != OmToken::kMName) return FailToken(util::StrCat("expected metric name after ", word), t);
  meta_name_ = lexer_.text();
  t = lexer_.Next();
  if (t != OmToken::kText) return Fail(util::StrCat("expected text in ", word));
  const std::string_view raw = lexer_.text();
  const std::string_view text = raw.substr(1, raw.size() - 2);  // between ' ' and '\n'
  switch (kind) {
    case OmToken::kType:
      for (int i = 0; i <= static_cast<int>(MetricType::kStateset); ++i) {
        if (text == MetricTypeName(static_cast<MetricType>(i))) {
          type_ = static_cast<MetricType>(i);
          return Entry::kType;
        }
      }
      return Fail(util::StrCat("invalid metric type ", util::QuoteGo(text)));
    case OmToken::kHelp:
      if (!util::IsValidUtf8(text)) return Fail("help text is not a valid utf8 string");
      if (text.find('\\') == std::string_view::npos) {
        help_ = text;
      } else {
        help_buf_.clear();
        Unescape(text, &help_buf_);
        help_ = help_buf_;
      }
      return Entry::kHelp;
    default: {
      const std::string_view m = meta_name_;
      if (!text.empty() && (m.size() < text.size() + 1 || !m.ends_with(text) ||
                            m[m.size() - text.size() - 1] != '_')) {
        return Fail(util::StrCat("unit not a suffix of metric ", util::QuoteGo(m)));
      }
      unit_ = text;
      return Entry::kUnit;
    }
  }
}

bool OpenMetricsParser::ParseLabels(bool exemplar) {
  bool first = true;
  while (true) {
    OmToken t = lexer_.Next();
    switch (t) {
      case OmToken::kBraceClose:
        return true;
      case OmToken::kComma:
        if (first) {
          FailToken("expected label name or left brace", t);
          return false;
        }
        t = lexer_.Next();
        if (t != OmToken::kLName) {
          FailToken("expected label name", t);
          return false;
        }
        break;
      case OmToken::kLName:
        if (!first) {
          FailToken("expected comma", t);
          return false;
        }
        break;
      default:
        // "left brace" is Prometheus's wording, though it means the closing one.
        FailToken(first ? "expected label name or left brace" : "expected comma or left brace", t);
        return false;
    }
    first = false;
    const size_t name_begin = lexer_.begin();
    const size_t name_end = lexer_.pos();
    t = lexer_.Next();
    if (t != OmToken::kEqual) {
      FailToken("expected equal", t);
      return false;
    }
    t = lexer_.Next();
    if (t != OmToken::kLValue) {
      FailToken("expected label value", t);
      return false;
    }
    const std::string_view value =
        input_.substr(lexer_.begin() + 1, lexer_.pos() - lexer_.begin() - 2);
    if (!util::IsValidUtf8(value)) {
      Fail("invalid UTF-8 label value");
      return false;
    }
    if (!exemplar) {
      raw_labels_.push_back({name_begin, name_end, lexer_.begin() + 1, lexer_.pos() - 1,
                             value.find('\\') != std::string_view::npos});
    }
  }
}

bool OpenMetricsParser::ParseFloatToken(OmToken t, std::string_view after, double* out) {
  if (t != OmToken::kValue) {
    FailToken(util::StrCat("expected value after ", after), t);
    return false;
  }
  const std::string_view text = lexer_.text().substr(1);
  if (!ParseGoFloat(text, out, &error_)) {
    Fail(std::move(error_));
    return false;
  }
  return true;
}

bool OpenMetricsParser::ParseTimestampToken(std::string_view invalid_message, int64_t* out) {
  double seconds = 0;
  if (!ParseGoFloat(lexer_.text().substr(1), &seconds, &error_)) {
    Fail(std::move(error_));
    return false;
  }
  if (std::isnan(seconds) || std::isinf(seconds)) {
    Fail(std::string(invalid_message));
    return false;
  }
  // Go's int64(ts * 1000): truncation toward zero of the product. Out of range it is undefined
  // in Go (and made promtool loop forever), so it is an error here.
  const double ms = seconds * 1000;
  if (!(ms >= -9223372036854775808.0 && ms < 9223372036854775808.0)) {
    Fail(util::StrCat("timestamp out of range: ", util::QuoteGo(lexer_.text().substr(1))));
    return false;
  }
  *out = static_cast<int64_t>(ms);
  return true;
}

bool OpenMetricsParser::ParseExemplar() {
  // Prometheus accepts exemplars only on counters' and histogram buckets' samples.
  if (!name_.ends_with("_total") && !name_.ends_with("_bucket")) {
    Fail(util::StrCat("metric name ", name_, " does not support exemplars"));
    return false;
  }
  if (!ParseLabels(/*exemplar=*/true)) return false;
  double value = 0;
  if (!ParseFloatToken(lexer_.Next(), "exemplar labels", &value)) return false;
  const OmToken t = lexer_.Next();
  switch (t) {
    case OmToken::kEof:
      Fail("data does not end with # EOF");
      return false;
    case OmToken::kLinebreak:
      break;
    case OmToken::kTimestamp: {
      int64_t ts = 0;
      if (!ParseTimestampToken("invalid exemplar timestamp", &ts)) return false;
      const OmToken t3 = lexer_.Next();
      if (t3 != OmToken::kLinebreak) {
        FailToken("expected next entry after exemplar timestamp", t3);
        return false;
      }
      break;
    }
    default:
      FailToken("expected timestamp or comment", t);
      return false;
  }
  has_exemplar_ = true;
  return true;
}

Entry OpenMetricsParser::ParseSample() {
  name_ = lexer_.text();
  raw_labels_.clear();
  has_timestamp_ = false;
  has_exemplar_ = false;
  OmToken t = lexer_.Next();
  if (t == OmToken::kBraceOpen) {
    if (!ParseLabels(/*exemplar=*/false)) return Entry::kError;
    series_ = input_.substr(entry_begin_, lexer_.pos() - entry_begin_);
    t = lexer_.Next();
  } else {
    series_ = name_;
  }
  if (!ParseFloatToken(t, "metric", &value_)) return Entry::kError;
  t = lexer_.Next();
  switch (t) {
    case OmToken::kEof:
      return Fail("data does not end with # EOF");
    case OmToken::kLinebreak:
      break;
    case OmToken::kComment:
      if (!ParseExemplar()) return Entry::kError;
      break;
    case OmToken::kTimestamp: {
      if (!ParseTimestampToken("invalid timestamp", &timestamp_)) return Entry::kError;
      has_timestamp_ = true;
      const OmToken t3 = lexer_.Next();
      if (t3 == OmToken::kComment) {
        if (!ParseExemplar()) return Entry::kError;
      } else if (t3 != OmToken::kLinebreak) {
        return FailToken("expected next entry after timestamp", t3);
      }
      break;
    }
    default:
      return FailToken("expected timestamp or # symbol", t);
  }
  MaterializeLabels();
  return Entry::kSeries;
}

void OpenMetricsParser::MaterializeLabels() {
  labels_.clear();
  unescaped_.clear();
  // Unescape first, then take views: unescaped_ must not grow once views into it exist.
  std::vector<RawLabel>& raw = raw_labels_;
  for (RawLabel& l : raw) {
    if (!l.escaped) continue;
    const size_t begin = unescaped_.size();
    Unescape(input_.substr(l.value_begin, l.value_end - l.value_begin), &unescaped_);
    l.value_begin = begin;
    l.value_end = unescaped_.size();
  }
  const std::string_view buf = unescaped_;
  for (const RawLabel& l : raw) {
    const std::string_view source = l.escaped ? buf : input_;
    labels_.push_back({input_.substr(l.name_begin, l.name_end - l.name_begin),
                       source.substr(l.value_begin, l.value_end - l.value_begin)});
  }
}

std::string FormatOpenMetricsFloat(double v) {
  if (v == 1) return "1.0";
  if (v == 0) return "0.0";
  if (v == -1) return "-1.0";
  std::string s = util::FormatFloatGo(v);  // NaN, +Inf, -Inf included
  if (std::isnan(v) || std::isinf(v)) return s;
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

std::string_view NormalizeLabelValue(MetricType type, std::string_view name, std::string_view value,
                                     std::string* scratch) {
  if (!((type == MetricType::kSummary && name == "quantile") ||
        (type == MetricType::kHistogram && name == "le"))) {
    return value;
  }
  double v = 0;
  std::string ignored;
  if (!ParseGoFloat(value, &v, &ignored)) return value;
  *scratch = FormatOpenMetricsFloat(v);
  return *scratch;
}

}  // namespace sextant::scrape
