// Parse errors with Go's exact messages and line numbers.

#include "gtest/gtest.h"
#include "rules/template/test_util.h"

namespace sextant::rules::tmpl {
namespace {

using test_util::ExecError;
using test_util::Output;
using test_util::ParseError;

TEST(ParseErrors, UndefinedFunction) {
  EXPECT_EQ(ParseError(R"({{ nosuch 1 }})"), R"(template: t:1: function "nosuch" not defined)");
}

TEST(ParseErrors, UnclosedAction) {
  EXPECT_EQ(ParseError(R"({{ .Labels.job)"), R"(template: t:1: unclosed action)");
}

TEST(ParseErrors, UnclosedActionOnLaterLine) {
  EXPECT_EQ(ParseError("{{ .Labels.job \n\n"), R"(template: t:3: unclosed action started at t:1)");
}

TEST(ParseErrors, UnexpectedBrace) {
  EXPECT_EQ(ParseError(R"({{ humanize "a" })"), R"(template: t:1: unexpected "}" in operand)");
}

TEST(ParseErrors, UnterminatedString) {
  EXPECT_EQ(ParseError(R"({{ "abc }})"), R"(template: t:1: unterminated quoted string)");
}

TEST(ParseErrors, UnterminatedRawString) {
  EXPECT_EQ(ParseError(R"({{ `abc }})"), R"(template: t:1: unterminated raw quoted string)");
}

TEST(ParseErrors, MalformedCharConstant) {
  EXPECT_EQ(ParseError(R"({{ 'ab' }})"), R"(template: t:1: malformed character constant: 'ab')");
}

TEST(ParseErrors, BadNumber) {
  EXPECT_EQ(ParseError(R"({{ 1a }})"), R"(template: t:1: bad number syntax: "1a")");
}

TEST(ParseErrors, UndefinedVariable) {
  EXPECT_EQ(ParseError(R"({{ $undefined }})"), R"(template: t:1: undefined variable "$undefined")");
}

TEST(ParseErrors, BreakOutsideRange) {
  EXPECT_EQ(ParseError(R"({{ break }})"), R"(template: t:1: {{break}} outside {{range}})");
}

TEST(ParseErrors, BreakWithArgument) {
  EXPECT_EQ(ParseError(R"({{ range . }}{{ break 1 }}{{ end }})"),
            R"(template: t:1: unexpected "1" in {{break}})");
}

TEST(ParseErrors, BadCharacterInField) {
  EXPECT_EQ(ParseError(R"({{ .a-b }})"), R"(template: t:1: bad character U+002D '-')");
}

TEST(ParseErrors, MissingCommand) {
  EXPECT_EQ(ParseError(R"({{ | }})"), R"(template: t:1: unexpected "|" in command)");
}

TEST(ParseErrors, EmptyAction) {
  EXPECT_EQ(ParseError(R"({{ }})"), R"(template: t:1: missing value for command)");
}

TEST(ParseErrors, BasePrefixWithoutDigits) {
  EXPECT_EQ(ParseError(R"({{ 0o }})"), R"(template: t:1: illegal number syntax: "0o")");
}

TEST(ParseErrors, StrayEnd) {
  EXPECT_EQ(ParseError(R"({{ end }})"), R"(template: t:1: unexpected {{end}})");
}

TEST(ParseErrors, StrayElse) {
  EXPECT_EQ(ParseError(R"({{ else }})"), R"(template: t:1: unexpected {{else}})");
}

TEST(ParseErrors, MissingEnd) {
  EXPECT_EQ(ParseError(R"({{ if 1 }})"), R"(template: t:1: unexpected EOF)");
}

TEST(ParseErrors, MissingEndReportsLastLine) {
  EXPECT_EQ(ParseError("{{ if 1 }}\na\n"), R"(template: t:3: unexpected EOF)");
}

TEST(ParseErrors, TwoElses) {
  EXPECT_EQ(ParseError(R"({{ if 1 }}{{ else }}{{ else }}{{ end }})"),
            R"(template: t:1: expected end; found {{else}})");
}

TEST(ParseErrors, MissingIfCondition) {
  EXPECT_EQ(ParseError(R"({{ if }}{{ end }})"), R"(template: t:1: missing value for if)");
}

TEST(ParseErrors, TooManyRangeVariables) {
  EXPECT_EQ(ParseError(R"({{ range $a, $b, $c := . }}{{ end }})"),
            R"(template: t:1: too many declarations in range)");
}

TEST(ParseErrors, DuplicateDefinition) {
  EXPECT_EQ(ParseError(R"({{ define "a" }}x{{ end }}{{ define "a" }}y{{ end }})"),
            R"(template: t:1: template: multiple definition of template "a")");
}

TEST(ParseErrors, DefineNeedsString) {
  EXPECT_EQ(ParseError(R"({{ define 1 }}{{ end }})"),
            R"(template: t:1: unexpected "1" in define clause)");
}

TEST(ParseErrors, TemplateNeedsString) {
  EXPECT_EQ(ParseError(R"({{ template x }})"),
            R"(template: t:1: unexpected "x" in template clause)");
}

TEST(ParseErrors, UnclosedParen) {
  EXPECT_EQ(ParseError(R"({{ ( 1 }})"), R"(template: t:1: unclosed left paren)");
}

TEST(ParseErrors, UnexpectedRightParen) {
  EXPECT_EQ(ParseError(R"({{ ) }})"), R"x(template: t:1: unexpected ")" in command)x");
}

TEST(ParseErrors, FieldOnLiteral) {
  EXPECT_EQ(ParseError(R"({{ "a".b }})"), R"(template: t:1: unexpected . after term "\"a\"")");
}

TEST(ParseErrors, UnclosedComment) {
  EXPECT_EQ(ParseError(R"({{/* x }})"), R"(template: t:1: unclosed comment)");
}

TEST(ParseErrors, CommentNotClosingAction) {
  EXPECT_EQ(ParseError(R"({{/* x */ 1 }})"),
            R"(template: t:1: comment ends before closing delimiter)");
}

TEST(ParseErrors, ExpectedDeclare) {
  EXPECT_EQ(ParseError(R"({{ $x : 1 }})"), R"(template: t:1: undefined variable "$x")");
}

TEST(ParseErrors, BadEscape) {
  EXPECT_EQ(ParseError(R"({{ "\q" }})"), R"(template: t:1: invalid syntax)");
}

TEST(ParseErrors, UnrecognizedCharacter) {
  EXPECT_EQ(ParseError(R"({{ € }})"),
            R"(template: t:1: unrecognized character in action: U+20AC '€')");
}

TEST(ParseErrors, LongTokenTruncated) {
  EXPECT_EQ(ParseError(R"({{ define "x" "abcdefghijklmnop" }}{{ end }})"),
            R"(template: t:1: unexpected "\"abcdefghi"... in define clause)");
}

TEST(ParseErrors, ErrorLineIsLatestToken) {
  EXPECT_EQ(ParseError("a\nb\n{{ if 1 }}\n{{ nosuch }}"),
            R"(template: t:4: function "nosuch" not defined)");
}

TEST(ParseErrors, UnclosedActionInActionStarted) {
  EXPECT_EQ(ParseError("{{ printf \n \"a \n }}"),
            R"(template: t:2: unterminated quoted string in action started at t:1)");
}

TEST(ParseErrors, ElseIfInWithIsUnexpected) {
  EXPECT_EQ(ParseError(R"({{ with 1 }}{{ else if 2 }}{{ end }})"),
            R"(template: t:1: unexpected <if> in input)");
}

}  // namespace
}  // namespace sextant::rules::tmpl
