#include "model/regex.h"

#include "util/strings.h"

namespace sextant::model {
namespace {

// Go's regexp/syntax messages for RE2's error codes.
std::string_view GoErrorText(RE2::ErrorCode code) {
  switch (code) {
    case RE2::ErrorBadEscape:
      return "invalid escape sequence";
    case RE2::ErrorBadCharClass:
      return "invalid character class";
    case RE2::ErrorBadCharRange:
      return "invalid character class range";
    case RE2::ErrorMissingBracket:
      return "missing closing ]";
    case RE2::ErrorMissingParen:
      return "missing closing )";
    case RE2::ErrorTrailingBackslash:
      return "trailing backslash at end of expression";
    case RE2::ErrorRepeatArgument:
      return "missing argument to repetition operator";
    case RE2::ErrorRepeatSize:
      return "invalid repeat count";
    case RE2::ErrorRepeatOp:
      return "invalid nested repetition operator";
    case RE2::ErrorBadPerlOp:
      return "invalid or unsupported Perl syntax";
    case RE2::ErrorBadUTF8:
      return "invalid UTF-8";
    case RE2::ErrorBadNamedCapture:
      return "invalid named capture";
    default:
      return "invalid regular expression";
  }
}

}  // namespace

absl::StatusOr<std::shared_ptr<const RE2>> CompileAnchoredRegex(std::string_view pattern) {
  RE2::Options options;
  options.set_dot_nl(true);
  options.set_log_errors(false);
  auto re = std::make_shared<const RE2>(ToRe2(pattern), options);
  if (!re->ok()) {
    // Go quotes the whole expression for unbalanced parentheses and the offending part otherwise.
    const std::string_view arg =
        re->error_code() == RE2::ErrorMissingParen ? pattern : std::string_view(re->error_arg());
    return absl::InvalidArgumentError(
        util::StrCat("error parsing regexp: ", GoErrorText(re->error_code()), ": `", arg, "`"));
  }
  return re;
}

}  // namespace sextant::model
