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
    case RE2::ErrorUnexpectedParen:
      return "unexpected )";
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
    case RE2::ErrorPatternTooLarge:
      return "expression too large";
    default:
      return "internal error";
  }
}

}  // namespace

std::string GoRegexpError(const RE2& re, std::string_view pattern) {
  const RE2::ErrorCode code = re.error_code();
  const std::string_view arg = code == RE2::ErrorMissingParen || code == RE2::ErrorUnexpectedParen
                                   ? pattern
                                   : std::string_view(re.error_arg());
  return util::StrCat("error parsing regexp: ", GoErrorText(code), ": `", arg, "`");
}

absl::StatusOr<std::shared_ptr<const RE2>> CompileAnchoredRegex(std::string_view pattern) {
  RE2::Options options;
  options.set_dot_nl(true);
  options.set_log_errors(false);
  auto re = std::make_shared<const RE2>(ToRe2(pattern), options);
  if (!re->ok()) return absl::InvalidArgumentError(GoRegexpError(*re, pattern));
  return re;
}

}  // namespace sextant::model
