#include "scrape/parser/text_parser.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <utility>

#include "scrape/parser/parse_float.h"
#include "util/go_format.h"
#include "util/strings.h"

namespace sextant::scrape {
namespace {

// Go's strings.Replacer as Prometheus builds it: left to right, \\ -> \, \n -> newline, and (for
// names and label values, not HELP texts) \" -> "; any other backslash stays as it is.
void Unescape(std::string_view in, bool quote, std::string* out) {
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '\\' && i + 1 < in.size()) {
      const char next = in[i + 1];
      if (next == '\\' || (quote && next == '"')) {
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

bool HasBackslash(std::string_view s) { return s.find('\\') != std::string_view::npos; }

// HELP texts are long and nearly always ASCII; IsValidUtf8 walks them a byte at a time.
bool IsValidUtf8Fast(std::string_view s) {
  uint64_t high = 0;
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, s.data() + i, 8);
    high |= word;
  }
  for (; i < s.size(); ++i) high |= static_cast<unsigned char>(s[i]);
  return (high & 0x8080808080808080ULL) == 0 || util::IsValidUtf8(s);
}

}  // namespace

TextParser::TextParser(std::string_view input) : input_(input), lexer_(input) {}

absl::Status TextParser::status() const {
  if (last_ != Entry::kError) return absl::OkStatus();
  return absl::InvalidArgumentError(util::ToAbsl(util::StrCat("line ", line_, ": ", error_)));
}

Entry TextParser::Fail(std::string message) {
  error_ = std::move(message);
  // The line of the token the error is about; errors are rare, so count them here.
  const size_t at = std::min(lexer_.begin(), input_.size());
  line_ = 1 + static_cast<int>(std::count(input_.begin(), input_.begin() + at, '\n'));
  done_ = true;
  last_ = Entry::kError;
  return Entry::kError;
}

Entry TextParser::FailToken(std::string_view expected, TextToken got) {
  // Go's PromParser.parseError: the bytes quoted run one past where the lexer stopped.
  const size_t end = std::min(lexer_.pos() + 1, input_.size() + 1);
  return Fail(util::StrCat(expected, ", got ", util::QuoteGo(lexer_.Bytes(lexer_.begin(), end)),
                           " (", util::QuoteGo(TextTokenName(got)),
                           ") while parsing: ", util::QuoteGo(lexer_.Bytes(entry_begin_, end))));
}

Entry TextParser::NextEntry(std::string_view expected) {
  matched_expected_ = false;
  if (done_) return last_;
  while (true) {
    entry_begin_ = lexer_.pos();
    line_ = lexer_.newlines() + 1;
    if (!expected.empty() && lexer_.SkipSeries(expected)) {
      // The labels were parsed when the text was first seen; only the value and timestamp are new.
      matched_expected_ = true;
      has_timestamp_ = false;
      name_set_ = true;
      series_ = input_.substr(entry_begin_, expected.size());
      last_ = ParseSuffix(lexer_.Next());
      return last_;
    }
    const TextToken t = lexer_.Next();
    switch (t) {
      case TextToken::kEof:
        done_ = true;
        last_ = Entry::kEof;
        return last_;
      case TextToken::kLinebreak:
        continue;  // a blank line
      case TextToken::kComment: {
        const TextToken t2 = lexer_.Next();
        if (t2 != TextToken::kLinebreak) return FailToken("linebreak expected after comment", t2);
        continue;
      }
      case TextToken::kHelp:
      case TextToken::kType:
        last_ = ParseMeta(t);
        return last_;
      case TextToken::kMName:
        last_ = ParseSample(/*name_first=*/true);
        return last_;
      case TextToken::kBraceOpen:
        last_ = ParseSample(/*name_first=*/false);
        return last_;
      default:
        return FailToken("expected a valid start token", t);
    }
  }
}

TextParser::Span TextParser::NameSpan(size_t begin, size_t end) const {
  if (input_[begin] == '"') {
    const std::string_view inner = input_.substr(begin + 1, end - begin - 2);
    return {begin + 1, end - 1, HasBackslash(inner)};
  }
  return {begin, end, false};
}

Entry TextParser::ParseMeta(TextToken kind) {
  const std::string_view word = TextTokenName(kind);
  TextToken t = lexer_.Next();
  if (t != TextToken::kMName)
    return FailToken(util::StrCat("expected metric name after ", word), t);
  const Span name = NameSpan(lexer_.begin(), lexer_.pos());
  meta_name_ = input_.substr(name.begin, name.end - name.begin);  // escapes kept, as in Go
  t = lexer_.Next();
  if (t != TextToken::kText) {
    return Fail(util::StrCat("expected text in ", word, ", got ", TextTokenName(t)));
  }
  // Prometheus drops the TEXT token's first byte, the blank after the name as a rule.
  const std::string_view raw = lexer_.text();
  const std::string_view text = raw.size() > 1 ? raw.substr(1) : std::string_view();
  if (kind == TextToken::kType) {
    static constexpr std::pair<std::string_view, MetricType> kTypes[] = {
        {"counter", MetricType::kCounter},     {"gauge", MetricType::kGauge},
        {"histogram", MetricType::kHistogram}, {"summary", MetricType::kSummary},
        {"untyped", MetricType::kUnknown},
    };
    const auto* it = std::find_if(std::begin(kTypes), std::end(kTypes),
                                  [&](const auto& e) { return e.first == text; });
    if (it == std::end(kTypes))
      return Fail(util::StrCat("invalid metric type ", util::QuoteGo(text)));
    type_ = it->second;
  } else if (!IsValidUtf8Fast(text)) {
    return Fail(util::StrCat("help text ", util::QuoteGo(text), " is not a valid utf8 string"));
  }
  t = lexer_.Next();
  if (t != TextToken::kLinebreak) return FailToken("linebreak expected after metadata", t);
  if (kind == TextToken::kType) return Entry::kType;
  if (HasBackslash(text)) {
    help_buf_.clear();
    Unescape(text, /*quote=*/false, &help_buf_);
    help_ = help_buf_;
  } else {
    help_ = text;
  }
  return Entry::kHelp;
}

Entry TextParser::ParseSample(bool name_first) {
  raw_labels_.clear();
  has_timestamp_ = false;
  name_set_ = name_first;
  size_t series_end = lexer_.pos();
  TextToken t;
  if (name_first) {
    // Go takes the name from where the line's lexing began: leading blanks included.
    name_span_ = {entry_begin_, lexer_.pos(), false};
    t = lexer_.Next();
    if (t == TextToken::kBraceOpen) {
      if (!ParseLabels()) return Entry::kError;
      series_end = lexer_.pos();
      t = lexer_.Next();
    }
  } else {
    if (!ParseLabels()) return Entry::kError;
    series_end = lexer_.pos();
    t = lexer_.Next();
  }
  series_ = input_.substr(entry_begin_, series_end - entry_begin_);
  return ParseSuffix(t);
}

bool TextParser::ParseLabels() {
  TextToken t = lexer_.Next();
  while (true) {
    const size_t begin = lexer_.begin();
    const size_t end = lexer_.pos();
    switch (t) {
      case TextToken::kBraceClose:
        return true;
      case TextToken::kLName:
      case TextToken::kQString:
        break;
      default:
        FailToken("expected label name", t);
        return false;
    }
    const bool quoted = t == TextToken::kQString;
    t = lexer_.Next();
    // A quoted string followed by ',' or '}' is the metric name.
    if (quoted && (t == TextToken::kComma || t == TextToken::kBraceClose)) {
      if (name_set_) {
        Fail(util::StrCat("metric name already set while parsing: ",
                          util::QuoteGo(lexer_.Bytes(entry_begin_, lexer_.pos()))));
        return false;
      }
      name_set_ = true;
      name_span_ = NameSpan(begin, end);
      if (t == TextToken::kBraceClose) return true;
      t = lexer_.Next();
      continue;
    }
    const Span name = NameSpan(begin, end);
    if (t != TextToken::kEqual) {
      FailToken("expected equal", t);
      return false;
    }
    t = lexer_.Next();
    if (t != TextToken::kLValue) {
      FailToken("expected label value", t);
      return false;
    }
    const std::string_view token = lexer_.text();
    if (lexer_.quoted_non_ascii() && !util::IsValidUtf8(token)) {
      Fail(util::StrCat("invalid UTF-8 label value: ", util::QuoteGo(token)));
      return false;
    }
    // Strips the token's first and last bytes: the quotes, unless NULs followed the closing
    // quote (Go's lexer puts them in the token; the value then keeps the quote, as in Go).
    const size_t vbegin = lexer_.begin() + 1;
    const size_t vend = lexer_.pos() - 1;
    raw_labels_.push_back(
        {name, {vbegin, vend, HasBackslash(input_.substr(vbegin, vend - vbegin))}});
    t = lexer_.Next();
    if (t == TextToken::kComma) t = lexer_.Next();  // separators are optional
  }
}

Entry TextParser::ParseSuffix(TextToken t) {
  if (!name_set_) {
    return Fail(util::StrCat("metric name not set while parsing: ",
                             util::QuoteGo(lexer_.Bytes(entry_begin_, lexer_.pos()))));
  }
  if (t != TextToken::kValue) return FailToken("expected value after metric", t);
  if (!ParseGoFloat(lexer_.text(), &value_, &error_)) {
    return Fail(util::StrCat(
        error_, " while parsing: ", util::QuoteGo(lexer_.Bytes(entry_begin_, lexer_.pos()))));
  }
  t = lexer_.Next();
  switch (t) {
    case TextToken::kLinebreak:
      break;
    case TextToken::kTimestamp: {
      const std::string_view digits = lexer_.text();
      const auto res = std::from_chars(digits.data(), digits.data() + digits.size(), timestamp_);
      if (res.ec != std::errc() || res.ptr != digits.data() + digits.size()) {
        // Only digits reach here, so the one failure is overflow.
        return Fail(util::StrCat("strconv.ParseInt: parsing ", util::QuoteGo(digits),
                                 ": value out of range while parsing: ",
                                 util::QuoteGo(lexer_.Bytes(entry_begin_, lexer_.pos()))));
      }
      has_timestamp_ = true;
      const TextToken t2 = lexer_.Next();
      if (t2 != TextToken::kLinebreak) {
        return FailToken("expected next entry after timestamp", t2);
      }
      break;
    }
    default:
      return FailToken("expected timestamp or new record", t);
  }
  if (matched_expected_) {
    name_ = {};
    labels_.clear();
  } else {
    MaterializeLabels();
  }
  return Entry::kSeries;
}

void TextParser::MaterializeLabels() {
  labels_.clear();
  unescaped_.clear();
  // Unescape first, then take views: unescaped_ must not grow once views into it exist.
  auto unescape = [&](Span& s) {
    if (!s.escaped) return;
    const size_t begin = unescaped_.size();
    Unescape(input_.substr(s.begin, s.end - s.begin), /*quote=*/true, &unescaped_);
    s.begin = begin;
    s.end = unescaped_.size();
  };
  unescape(name_span_);
  for (RawLabel& l : raw_labels_) {
    unescape(l.name);
    unescape(l.value);
  }
  const std::string_view buf = unescaped_;
  auto view = [&](const Span& s) {
    return (s.escaped ? buf : input_).substr(s.begin, s.end - s.begin);
  };
  name_ = view(name_span_);
  for (const RawLabel& l : raw_labels_) labels_.push_back({view(l.name), view(l.value)});
}

}  // namespace sextant::scrape
