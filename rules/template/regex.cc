#include "rules/template/regex.h"

#include <memory>
#include <vector>

#include "model/regex.h"
#include "re2/re2.h"
#include "rules/template/lexer.h"
#include "util/go_format.h"
#include "util/strings.h"

namespace sextant::rules::tmpl {
namespace {

absl::StatusOr<std::unique_ptr<RE2>> Compile(std::string_view pattern) {
  RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_unique<RE2>(model::ToRe2(pattern), options);
  if (!re->ok()) return absl::InvalidArgumentError(model::GoRegexpError(*re, pattern));
  return re;
}

bool IsNameByte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Appends the expansion of `repl` for one match (Go's Regexp.expand).
void Expand(const RE2& re, std::string_view repl, const std::vector<re2::StringPiece>& groups,
            std::string* out) {
  while (!repl.empty()) {
    const size_t dollar = repl.find('$');
    if (dollar == std::string_view::npos) break;
    out->append(repl.substr(0, dollar));
    repl.remove_prefix(dollar + 1);
    if (!repl.empty() && repl[0] == '$') {
      out->push_back('$');
      repl.remove_prefix(1);
      continue;
    }
    // A name: ${name} or the longest run of letters, digits and '_'.
    const bool brace = !repl.empty() && repl[0] == '{';
    std::string_view rest = brace ? repl.substr(1) : repl;
    size_t n = 0;
    while (n < rest.size() && IsNameByte(rest[n])) ++n;
    if (n == 0 || (brace && (n >= rest.size() || rest[n] != '}'))) {
      out->push_back('$');  // malformed: the $ is literal
      continue;
    }
    const std::string_view name = rest.substr(0, n);
    repl = rest.substr(n + (brace ? 1 : 0));
    int index = -1;
    bool numeric = true;
    int64_t num = 0;
    for (char c : name) {
      if (c < '0' || c > '9' || num >= 100000000) {
        numeric = false;
        break;
      }
      num = num * 10 + (c - '0');
    }
    if (numeric) {
      index = static_cast<int>(num);
    } else {
      const auto& names = re.NamedCapturingGroups();
      auto it = names.find(std::string(name));
      if (it != names.end()) index = it->second;
    }
    if (index >= 0 && static_cast<size_t>(index) < groups.size() &&
        groups[index].data() != nullptr) {
      out->append(groups[index].data(), groups[index].size());
    }
  }
  out->append(repl);
}

}  // namespace

absl::StatusOr<bool> RegexMatch(std::string_view pattern, std::string_view text) {
  auto re = Compile(pattern);
  if (!re.ok()) return re.status();
  return RE2::PartialMatch(model::ToRe2(text), **re);
}

absl::StatusOr<std::string> RegexReplaceAll(std::string_view pattern, std::string_view repl,
                                            std::string_view text) {
  auto re = Compile(pattern);
  if (!re.ok()) {
    const std::string quoted = pattern.find('`') == std::string_view::npos
                                   ? util::StrCat("`", pattern, "`")
                                   : util::QuoteGo(pattern);
    return absl::InvalidArgumentError(util::ToAbsl(
        util::StrCat("regexp: Compile(", quoted, "): ", util::FromAbsl(re.status().message()))));
  }
  const RE2& regex = **re;
  const int ngroups = regex.NumberOfCapturingGroups() + 1;
  std::vector<re2::StringPiece> groups(ngroups);
  std::string out;
  size_t last_match_end = 0;
  size_t search_pos = 0;
  const re2::StringPiece input = model::ToRe2(text);
  while (search_pos <= text.size()) {
    if (!regex.Match(input, search_pos, text.size(), RE2::UNANCHORED, groups.data(), ngroups)) {
      break;
    }
    const size_t start = groups[0].data() - text.data();
    const size_t end = start + groups[0].size();
    out.append(text.substr(last_match_end, start - last_match_end));
    // No replacement for an empty match right after the previous match.
    if (end > last_match_end || start == 0) Expand(regex, repl, groups, &out);
    last_match_end = end;
    size_t width = 1;
    if (search_pos < text.size()) DecodeRune(text, search_pos, &width);
    if (search_pos + width > end) {
      search_pos += width;
    } else if (search_pos + 1 > end) {
      ++search_pos;
    } else {
      search_pos = end;
    }
  }
  out.append(text.substr(last_match_end));
  return out;
}

}  // namespace sextant::rules::tmpl
