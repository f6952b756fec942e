#include "scrape/relabel.h"

#include <array>
#include <cassert>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <locale.h>
#include <openssl/evp.h>
#include <wctype.h>

#include "model/regex.h"
#include "re2/re2.h"
#include "util/strings.h"
#include "util/utf8.h"

namespace sextant::scrape {
namespace {

using config::RelabelAction;
using config::RelabelConfig;

constexpr std::string_view kDefaultRegex = "(.*)";
constexpr uint32_t kRuneError = 0xFFFD;

struct Rune {
  uint32_t value;
  size_t width;  // bytes consumed; an invalid byte is consumed alone as kRuneError
};

// Go's utf8.DecodeRuneInString: rejects overlong forms, surrogates and code points past
// U+10FFFF, and consumes a single byte of any malformed sequence.
Rune DecodeRune(std::string_view s, size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return {b0, 1};
  size_t n = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return {kRuneError, 1};
  }
  if (i + n > s.size()) return {kRuneError, 1};
  const auto b1 = static_cast<unsigned char>(s[i + 1]);
  if (b1 < lo || b1 > hi) return {kRuneError, 1};
  uint32_t r = b0 & (0xFF >> (n + 1));
  r = (r << 6) | (b1 & 0x3F);
  for (size_t k = 2; k < n; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if (b < 0x80 || b > 0xBF) return {kRuneError, 1};
    r = (r << 6) | (b & 0x3F);
  }
  return {r, n};
}

bool IsValidUtf8LabelName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size();) {
    const Rune r = DecodeRune(name, i);
    if (r.value == kRuneError && r.width == 1) return false;
    i += r.width;
  }
  return true;
}

// Width of the rune at s[i] if it may be part of a group name in an expansion template (Go's
// unicode.IsLetter, unicode.IsDigit or '_'), else 0.
size_t GroupNameRuneWidth(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) {
    const bool word =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    return word ? 1 : 0;
  }
  const Rune r = DecodeRune(s, i);
  if (r.value == kRuneError) return 0;  // neither a letter nor a digit, valid or not
  // Rare enough that a regex is the simplest exact source of Unicode categories L and Nd.
  static const RE2 kLetterOrDigit(R"([\pL\p{Nd}])");
  return RE2::FullMatch(model::ToRe2(s.substr(i, r.width)), kLetterOrDigit) ? r.width : 0;
}

// The submatches of one anchored match, without a heap allocation for up to 15 groups.
class Submatches {
 public:
  explicit Submatches(const RE2& re)
      : size_(static_cast<size_t>(re.NumberOfCapturingGroups()) + 1) {
    if (size_ > inline_.size()) heap_.resize(size_);
  }
  re2::StringPiece* data() { return size_ > inline_.size() ? heap_.data() : inline_.data(); }
  int size() const { return static_cast<int>(size_); }
  // Group `i`, or nullopt when it does not exist or did not take part in the match.
  std::optional<std::string_view> Group(size_t i) const {
    if (i >= size_) return std::nullopt;
    const re2::StringPiece& g = size_ > inline_.size() ? heap_[i] : inline_[i];
    if (g.data() == nullptr) return std::nullopt;
    return std::string_view(g.data(), g.size());
  }

 private:
  size_t size_;
  std::array<re2::StringPiece, 16> inline_;
  std::vector<re2::StringPiece> heap_;
};

bool FullMatch(const RE2& re, std::string_view text) {
  return re.Match(model::ToRe2(text), 0, text.size(), RE2::ANCHOR_BOTH, nullptr, 0);
}

bool FullMatch(const RE2& re, std::string_view text, Submatches* groups) {
  return re.Match(model::ToRe2(text), 0, text.size(), RE2::ANCHOR_BOTH, groups->data(),
                  groups->size());
}

// Parses the group reference after a '$' the way Go's regexp.extract does: `name` or `{name}`,
// where a name is a non-empty run of letters, digits and '_'. Returns false when malformed.
bool ExtractGroupRef(std::string_view s, std::string_view* name, std::string_view* rest) {
  if (s.empty()) return false;
  const bool brace = s.front() == '{';
  if (brace) s.remove_prefix(1);
  size_t i = 0;
  while (i < s.size()) {
    const size_t width = GroupNameRuneWidth(s, i);
    if (width == 0) break;
    i += width;
  }
  if (i == 0) return false;
  *name = s.substr(0, i);
  if (brace) {
    if (i >= s.size() || s[i] != '}') return false;
    ++i;
  }
  *rest = s.substr(i);
  return true;
}

// Go's regexp.Expand: appends `tmpl` to `out` with $n, ${n}, $name, ${name} replaced by the
// groups of `re`'s match and $$ by '$'. A '$' not followed by a well-formed reference is literal.
void Expand(std::string_view tmpl, const RE2& re, const Submatches& groups, std::string* out) {
  while (!tmpl.empty()) {
    const size_t dollar = tmpl.find('$');
    if (dollar == std::string_view::npos) break;
    out->append(tmpl.substr(0, dollar));
    tmpl.remove_prefix(dollar + 1);
    if (!tmpl.empty() && tmpl.front() == '$') {
      out->push_back('$');
      tmpl.remove_prefix(1);
      continue;
    }
    std::string_view name;
    std::string_view rest;
    if (!ExtractGroupRef(tmpl, &name, &rest)) {
      out->push_back('$');
      continue;
    }
    tmpl = rest;
    // A name of only ASCII digits, without a leading zero and below 1e8, is a group number.
    int64_t num = 0;
    for (const char c : name) {
      if (c < '0' || c > '9' || num >= 100'000'000) {
        num = -1;
        break;
      }
      num = num * 10 + (c - '0');
    }
    if (name.size() > 1 && name.front() == '0') num = -1;
    std::optional<std::string_view> group;
    if (num >= 0) {
      group = groups.Group(static_cast<size_t>(num));
    } else {
      for (const auto& [group_name, index] : re.NamedCapturingGroups()) {
        if (group_name == name) {
          group = groups.Group(static_cast<size_t>(index));
          break;
        }
      }
    }
    if (group) out->append(*group);
  }
  out->append(tmpl);
}

// Go's strings.ToLower / ToUpper: Unicode simple case mapping per code point; bytes that are not
// valid UTF-8 become U+FFFD. glibc's C.UTF-8 locale carries the same simple mappings.
std::string ChangeCase(std::string_view s, bool upper) {
  static const locale_t kUtf8Locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", locale_t{});
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (upper && c >= 'a' && c <= 'z') {
        out.push_back(static_cast<char>(c - 'a' + 'A'));
      } else if (!upper && c >= 'A' && c <= 'Z') {
        out.push_back(static_cast<char>(c - 'A' + 'a'));
      } else {
        out.push_back(static_cast<char>(c));
      }
      ++i;
      continue;
    }
    const Rune r = DecodeRune(s, i);
    uint32_t mapped = r.value;
    if (r.value != kRuneError && kUtf8Locale != locale_t{}) {
      mapped = static_cast<uint32_t>(upper ? towupper_l(static_cast<wint_t>(r.value), kUtf8Locale)
                                           : towlower_l(static_cast<wint_t>(r.value), kUtf8Locale));
    }
    util::AppendUtf8(&out, mapped);
    i += r.width;
  }
  return out;
}

// Prometheus's hashmod: the last 8 bytes of the MD5 sum as a big-endian integer, mod `modulus`.
// Returns false when OpenSSL refuses MD5 (a FIPS-only provider).
bool HashMod(std::string_view value, uint64_t modulus, uint64_t* result) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(value.data(), value.size(), digest, &length, EVP_md5(), nullptr) != 1 ||
      length != 16) {
    return false;
  }
  uint64_t tail = 0;
  for (unsigned int i = 8; i < 16; ++i) tail = (tail << 8) | digest[i];
  *result = tail % modulus;
  return true;
}

std::string SourceValue(const RelabelConfig& c, const model::LabelsBuilder& builder) {
  std::string value;
  for (size_t i = 0; i < c.source_labels.size(); ++i) {
    if (i > 0) value.append(c.separator);
    value.append(builder.Get(c.source_labels[i]));
  }
  return value;
}

void Replace(const RelabelConfig& c, std::string_view value, model::LabelsBuilder* builder) {
  const bool has_vars =
      c.target_label.find('$') != std::string::npos || c.replacement.find('$') != std::string::npos;
  if (c.regex == kDefaultRegex && !has_vars) {
    // Prometheus's fast path (taken there for an empty value): "(.*)" matches anything and the
    // templates expand to themselves. Taking it for every value also keeps Go's behaviour for a
    // value that is not valid UTF-8, which RE2's `.` would not match.
    if (value.empty() || IsValidUtf8LabelName(c.target_label)) {
      builder->Set(c.target_label, c.replacement);
    }
    return;
  }
  const RE2& re = *c.compiled;
  Submatches groups(re);
  if (!FullMatch(re, value, &groups)) return;
  std::string target;
  Expand(c.target_label, re, groups, &target);
  if (!IsValidUtf8LabelName(target)) return;
  std::string replacement;
  Expand(c.replacement, re, groups, &replacement);
  // Set() with an empty value deletes the label, as Prometheus does for an empty expansion.
  builder->Set(target, replacement);
}

void LabelMap(const RelabelConfig& c, model::LabelsBuilder* builder) {
  const RE2& re = *c.compiled;
  Submatches groups(re);
  // Iterate over a snapshot: labels added here must not be visited again.
  const model::Labels snapshot = builder->Build();
  std::string name;
  for (const model::Label l : snapshot) {
    // An empty value stands for an absent label (Prometheus's builder never holds one); copying
    // it would delete the target label instead.
    if (l.value.empty() || !FullMatch(re, l.name, &groups)) continue;
    name.clear();
    Expand(c.replacement, re, groups, &name);
    builder->Set(name, l.value);
  }
}

void LabelFilter(const RelabelConfig& c, bool drop_matching, model::LabelsBuilder* builder) {
  const model::Labels snapshot = builder->Build();
  for (const model::Label l : snapshot) {
    if (FullMatch(*c.compiled, l.name) == drop_matching) builder->Del(l.name);
  }
}

// Applies one config; returns false when it drops the label set.
bool Apply(const RelabelConfig& c, model::LabelsBuilder* builder) {
  const bool needs_regex =
      c.action != RelabelAction::kKeepEqual && c.action != RelabelAction::kDropEqual &&
      c.action != RelabelAction::kHashMod && c.action != RelabelAction::kLowercase &&
      c.action != RelabelAction::kUppercase;
  assert(!needs_regex || c.compiled != nullptr);
  (void)needs_regex;
  const std::string value = SourceValue(c, *builder);
  switch (c.action) {
    case RelabelAction::kKeep:
      return FullMatch(*c.compiled, value);
    case RelabelAction::kDrop:
      return !FullMatch(*c.compiled, value);
    case RelabelAction::kKeepEqual:
      return builder->Get(c.target_label) == value;
    case RelabelAction::kDropEqual:
      return builder->Get(c.target_label) != value;
    case RelabelAction::kReplace:
      Replace(c, value, builder);
      return true;
    case RelabelAction::kHashMod: {
      uint64_t mod = 0;
      if (c.modulus != 0 && HashMod(value, c.modulus, &mod)) {
        builder->Set(c.target_label, util::StrCat(mod));
      }
      return true;
    }
    case RelabelAction::kLabelMap:
      LabelMap(c, builder);
      return true;
    case RelabelAction::kLabelDrop:
      LabelFilter(c, /*drop_matching=*/true, builder);
      return true;
    case RelabelAction::kLabelKeep:
      LabelFilter(c, /*drop_matching=*/false, builder);
      return true;
    case RelabelAction::kLowercase:
      builder->Set(c.target_label, ChangeCase(value, /*upper=*/false));
      return true;
    case RelabelAction::kUppercase:
      builder->Set(c.target_label, ChangeCase(value, /*upper=*/true));
      return true;
  }
  return true;
}

}  // namespace

std::optional<model::Labels> Relabel(const model::Labels& labels,
                                     std::span<const config::RelabelConfig> configs) {
  model::LabelsBuilder builder(labels);
  // A label set cannot hold empty values; Prometheus's builder drops them on Reset.
  for (const model::Label l : labels) {
    if (l.value.empty()) builder.Del(l.name);
  }
  if (!RelabelInPlace(&builder, configs)) return std::nullopt;
  return builder.Build();
}

bool RelabelInPlace(model::LabelsBuilder* builder, std::span<const config::RelabelConfig> configs) {
  for (const RelabelConfig& c : configs) {
    if (!Apply(c, builder)) return false;
  }
  return true;
}

}  // namespace sextant::scrape
