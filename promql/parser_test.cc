// Tests of ParseExpr: canonical rendering of valid queries (Prometheus's printer_test.go and
// parse_test.go cases, re-typed), Prometheus's exact error messages for invalid ones, and every
// eval expression of Prometheus's own test scripts.

#include "promql/parser.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "promql/printer.h"
#include "promql/testing/script.h"
#include "util/strings.h"

namespace sextant::promql {
namespace {

std::string Describe(const absl::Status& s) { return std::string(util::FromAbsl(s.message())); }

// ---- Valid queries and their canonical form. ----

struct FormatCase {
  const char* input;
  const char* want;
};

class ValidQuery : public ::testing::TestWithParam<FormatCase> {};

TEST_P(ValidQuery, FormatsCanonically) {
  absl::StatusOr<std::unique_ptr<Expr>> e = ParseExpr(GetParam().input);
  ASSERT_TRUE(e.ok()) << GetParam().input << "\n  " << Describe(e.status());
  EXPECT_EQ(Format(**e), GetParam().want) << GetParam().input;
}

INSTANTIATE_TEST_SUITE_P(
    Parser, ValidQuery,
    ::testing::Values(
        // Numbers (parse_test.go: literals).
        FormatCase{"1", "1"}, FormatCase{"+Inf", "+Inf"}, FormatCase{"-Inf", "-Inf"},
        FormatCase{"inf", "+Inf"}, FormatCase{"NaN", "NaN"}, FormatCase{"nAN", "NaN"},
        FormatCase{".5", "0.5"}, FormatCase{"5.", "5"}, FormatCase{"123.4567", "123.4567"},
        FormatCase{"5e-3", "0.005"}, FormatCase{"5e3", "5000"}, FormatCase{"0xc", "12"},
        FormatCase{"0755", "493"}, FormatCase{"+5.5e-3", "0.0055"}, FormatCase{"-0755", "-493"},
        FormatCase{"1_000", "1000"}, FormatCase{"0x_ff", "255"}, FormatCase{"- - 1", "1"},
        FormatCase{"-(1)", "-(1)"}, FormatCase{"1 + 1", "1 + 1"}, FormatCase{"1 - 1", "1 - 1"},
        FormatCase{"1 * 1", "1 * 1"}, FormatCase{"1 % 1", "1 % 1"}, FormatCase{"1 / 1", "1 / 1"},
        FormatCase{"1 == bool 1", "1 == bool 1"}, FormatCase{"1 != bool 1", "1 != bool 1"},
        FormatCase{"1 > bool 1", "1 > bool 1"}, FormatCase{"1 >= bool 1", "1 >= bool 1"},
        FormatCase{"1 < bool 1", "1 < bool 1"}, FormatCase{"1 <= bool 1", "1 <= bool 1"},
        FormatCase{"-1^2", "-1 ^ 2"}, FormatCase{"-1*2", "-1 * 2"}, FormatCase{"2^-1", "2 ^ -1"},
        FormatCase{"+1 + -2 * 1", "1 + -2 * 1"}, FormatCase{"1 + 2/(3*1)", "1 + 2 / (3 * 1)"},
        FormatCase{"1 < bool 2 - 1 * 2", "1 < bool 2 - 1 * 2"},
        FormatCase{"2 ^ 3 ^ 2", "2 ^ 3 ^ 2"}, FormatCase{"(2 ^ 3) ^ 2", "(2 ^ 3) ^ 2"},
        FormatCase{"1 atan2 2", "1 atan2 2"},
        // Durations as numbers (3.x).
        FormatCase{"5m", "300"}, FormatCase{"1h30m", "5400"},
        // Strings.
        FormatCase{R"("double-quoted string \" with escaped quote")",
                   R"("double-quoted string \" with escaped quote")"},
        FormatCase{R"('single-quoted string \' with escaped quote')",
                   R"("single-quoted string ' with escaped quote")"},
        FormatCase{"`backtick-quoted string`", R"("backtick-quoted string")"},
        FormatCase{R"("\a\b\f\n\r\t\v\\\" - \xFF\377\u1234\U00010111\U0001011111☺")",
                   R"("\a\b\f\n\r\t\v\\\" - \xff\xffሴ𐄑𐄑11☺")"},
        FormatCase{"`\\a\\b\\f\\n\\r\\t\\v\\\\\\\"' - \\xFF\\377\\u1234`",
                   R"("\\a\\b\\f\\n\\r\\t\\v\\\\\\\"' - \\xFF\\377\\u1234")"},
        // Vector binary operations and modifiers (printer_test.go).
        FormatCase{"foo * bar", "foo * bar"}, FormatCase{"foo * sum", "foo * sum"},
        FormatCase{"foo == 1", "foo == 1"}, FormatCase{"foo == bool 1", "foo == bool 1"},
        FormatCase{"2.5 / bar", "2.5 / bar"}, FormatCase{"foo and bar", "foo and bar"},
        FormatCase{"foo or bar", "foo or bar"}, FormatCase{"foo unless bar", "foo unless bar"},
        FormatCase{"foo + bar or bla and blub", "foo + bar or bla and blub"},
        FormatCase{"foo and bar unless baz or qux", "foo and bar unless baz or qux"},
        FormatCase{"bar + on(foo) bla / on(baz, buz) group_right(test) blub",
                   "bar + on (foo) bla / on (baz, buz) group_right (test) blub"},
        FormatCase{"foo * on(test,blub) bar", "foo * on (test, blub) bar"},
        FormatCase{"foo * on(test,blub) group_left bar", "foo * on (test, blub) group_left () bar"},
        FormatCase{"foo and on(test,blub) bar", "foo and on (test, blub) bar"},
        FormatCase{"foo and on() bar", "foo and on () bar"},
        FormatCase{"foo and ignoring(test,blub) bar", "foo and ignoring (test, blub) bar"},
        FormatCase{"foo and ignoring() bar", "foo and bar"},
        FormatCase{"foo unless on(bar) baz", "foo unless on (bar) baz"},
        FormatCase{"foo / on(test,blub) group_left(bar) bar",
                   "foo / on (test, blub) group_left (bar) bar"},
        FormatCase{"foo / ignoring(test,blub) group_left(blub) bar",
                   "foo / ignoring (test, blub) group_left (blub) bar"},
        FormatCase{"foo - on(test,blub) group_right(bar,foo) bar",
                   "foo - on (test, blub) group_right (bar, foo) bar"},
        FormatCase{"foo - ignoring(test,blub) group_right(bar,foo) bar",
                   "foo - ignoring (test, blub) group_right (bar, foo) bar"},
        FormatCase{"a - on(b) group_left (c) d", "a - on (b) group_left (c) d"},
        FormatCase{"foo > bool on(x) group_left(y) bar", "foo > bool on (x) group_left (y) bar"},
        FormatCase{"-some_metric", "-some_metric"}, FormatCase{"+some_metric", "+some_metric"},
        FormatCase{" +some_metric", "+some_metric"},
        // Selectors.
        FormatCase{"foo", "foo"}, FormatCase{"min", "min"},
        FormatCase{"foo offset 5m", "foo offset 5m"},
        FormatCase{"foo offset -7m", "foo offset -7m"},
        FormatCase{"foo OFFSET 1h30m", "foo offset 1h30m"},
        FormatCase{"foo OFFSET 1m30ms", "foo offset 1m30ms"},
        FormatCase{"foo offset 300", "foo offset 5m"},
        FormatCase{"foo @ 1603774568", "foo @ 1603774568.000"},
        FormatCase{"foo @ -100", "foo @ -100.000"}, FormatCase{"foo @ .3", "foo @ 0.300"},
        FormatCase{"foo @ 3.", "foo @ 3.000"}, FormatCase{"foo @ 3.33", "foo @ 3.330"},
        FormatCase{"foo @ 3.3333", "foo @ 3.333"}, FormatCase{"foo @ 3.3335", "foo @ 3.334"},
        FormatCase{"foo @ 3e2", "foo @ 300.000"}, FormatCase{"foo @ 3e-1", "foo @ 0.300"},
        FormatCase{"foo @ 0xA", "foo @ 10.000"}, FormatCase{"foo @ -3.3e1", "foo @ -33.000"},
        FormatCase{"foo @ start()", "foo @ start()"}, FormatCase{"foo @ end()", "foo @ end()"},
        FormatCase{"foo offset 5m @ 10", "foo @ 10.000 offset 5m"},
        FormatCase{"foo @ 10 offset 5m", "foo @ 10.000 offset 5m"},
        FormatCase{"foo:bar{a=\"bc\"}", "foo:bar{a=\"bc\"}"},
        FormatCase{R"(foo{NaN='bc'})", R"(foo{NaN="bc"})"},
        FormatCase{R"(foo{bar='}'})", R"(foo{bar="}"})"},
        FormatCase{R"(foo{a="b", foo!="bar", test=~"test", bar!~"baz"})",
                   R"(foo{a="b",bar!~"baz",foo!="bar",test=~"test"})"},
        FormatCase{R"(foo{a="b", foo!="bar", test=~"test", bar!~"baz",})",
                   R"(foo{a="b",bar!~"baz",foo!="bar",test=~"test"})"},
        FormatCase{R"({__name__=~"foo.+"})", R"({__name__=~"foo.+"})"},
        FormatCase{R"({__name__="foo",a="b"})", R"({__name__="foo",a="b"})"},
        FormatCase{R"({"foo"})", R"({__name__="foo"})"},
        FormatCase{R"(foo{"a.b"="c"})", R"(foo{"a.b"="c"})"},
        FormatCase{R"(foo{by="x", on="y"})", R"(foo{by="x",on="y"})"},
        FormatCase{"test[5s]", "test[5s]"}, FormatCase{"test[5m]", "test[5m]"},
        FormatCase{"test[5m30s]", "test[5m30s]"},
        FormatCase{"test[5h] OFFSET 5m", "test[5h] offset 5m"},
        FormatCase{"test[5d] OFFSET 10s", "test[5d] offset 10s"},
        FormatCase{"test[5w] offset 2w", "test[5w] offset 2w"}, FormatCase{"test[300]", "test[5m]"},
        FormatCase{"test[1.5]", "test[1s500ms]"},
        FormatCase{R"(test{a="b"}[5y] OFFSET 3d)", R"(test{a="b"}[5y] offset 3d)"},
        FormatCase{"foo[5m] @ 10", "foo[5m] @ 10.000"},
        FormatCase{"foo[5m] @ end() offset 1m", "foo[5m] @ end() offset 1m"},
        // Aggregations.
        FormatCase{"sum by (foo)(some_metric)", "sum by (foo) (some_metric)"},
        FormatCase{"avg by (foo)(some_metric)", "avg by (foo) (some_metric)"},
        FormatCase{"max by (foo)(some_metric)", "max by (foo) (some_metric)"},
        FormatCase{"sum without (foo) (some_metric)", "sum without (foo) (some_metric)"},
        FormatCase{"sum (some_metric) without (foo)", "sum without (foo) (some_metric)"},
        FormatCase{"stddev(some_metric)", "stddev(some_metric)"},
        FormatCase{"stdvar by (foo)(some_metric)", "stdvar by (foo) (some_metric)"},
        FormatCase{"sum by ()(some_metric)", "sum(some_metric)"},
        FormatCase{"sum by (foo,bar,)(some_metric)", "sum by (foo, bar) (some_metric)"},
        FormatCase{"sum by (foo,)(some_metric)", "sum by (foo) (some_metric)"},
        FormatCase{"topk(5, some_metric)", "topk(5, some_metric)"},
        FormatCase{"topk by (job) (5, some_metric)", "topk by (job) (5, some_metric)"},
        FormatCase{R"(count_values("value", some_metric))",
                   R"(count_values("value", some_metric))"},
        FormatCase{"sum without(and, by, avg, count, alert, annotations)(some_metric)",
                   "sum without (and, by, avg, count, alert, annotations) (some_metric)"},
        FormatCase{"sum(sum)", "sum(sum)"}, FormatCase{"SUM(foo) BY (job)", "sum by (job) (foo)"},
        FormatCase{"quantile(0.9, foo)", "quantile(0.9, foo)"},
        FormatCase{R"(sum by ("foo.bar") (x))", R"(sum by ("foo.bar") (x))"},
        // Functions.
        FormatCase{"time()", "time()"},
        FormatCase{"floor(some_metric{foo!=\"bar\"})", "floor(some_metric{foo!=\"bar\"})"},
        FormatCase{"rate(some_metric[5m])", "rate(some_metric[5m])"},
        FormatCase{"round(some_metric)", "round(some_metric)"},
        FormatCase{"round(some_metric, 5)", "round(some_metric, 5)"},
        FormatCase{R"(label_join(foo, "a", ",", "b", "c", "d"))",
                   R"(label_join(foo, "a", ",", "b", "c", "d"))"},
        FormatCase{"hour()", "hour()"},
        FormatCase{"sum(rate(foo[5m])) by (job)", "sum by (job) (rate(foo[5m]))"},
        // Subqueries.
        FormatCase{R"(foo{bar="baz"}[10m:6s])", R"(foo{bar="baz"}[10m:6s])"},
        FormatCase{R"(foo{bar="baz"}[10m5s:1h6ms])", R"(foo{bar="baz"}[10m5s:1h6ms])"},
        FormatCase{"foo[10m:]", "foo[10m:]"},
        FormatCase{R"(min_over_time(rate(foo{bar="baz"}[2s])[5m:5s]))",
                   R"(min_over_time(rate(foo{bar="baz"}[2s])[5m:5s]))"},
        FormatCase{R"(min_over_time(rate(foo{bar="baz"}[2s])[5m:])[4m:3s])",
                   R"(min_over_time(rate(foo{bar="baz"}[2s])[5m:])[4m:3s])"},
        FormatCase{R"(min_over_time(rate(foo{bar="baz"}[2s])[5m:] offset 4m)[4m:3s])",
                   R"(min_over_time(rate(foo{bar="baz"}[2s])[5m:] offset 4m)[4m:3s])"},
        FormatCase{"sum without(and, by, avg, count, alert, annotations)(some_metric) [30m:10s]",
                   "sum without (and, by, avg, count, alert, annotations) (some_metric)[30m:10s]"},
        FormatCase{"some_metric OFFSET 1m [10m:5s]", "some_metric offset 1m[10m:5s]"},
        FormatCase{"some_metric @ 123 [10m:5s]", "some_metric @ 123.000[10m:5s]"},
        FormatCase{"(foo + bar{nm=\"val\"})[5m:]", "(foo + bar{nm=\"val\"})[5m:]"},
        FormatCase{"(foo + bar{nm=\"val\"})[5m:] offset 10m",
                   "(foo + bar{nm=\"val\"})[5m:] offset 10m"},
        FormatCase{"(foo + bar{nm=\"val\"} @ 1234)[5m:] @ 1603775019",
                   "(foo + bar{nm=\"val\"} @ 1234.000)[5m:] @ 1603775019.000"},
        FormatCase{"foo[5m:1m] @ start() offset -1h", "foo[5m:1m] @ start() offset -1h"},
        // Comments and whitespace.
        FormatCase{"foo # comment", "foo"}, FormatCase{"#comment\nfoo", "foo"},
        FormatCase{"sum(\n  foo # c\n) by (job)", "sum by (job) (foo)"}));

// ---- Invalid queries and Prometheus's exact message. ----

struct ErrorCase {
  const char* input;
  const char* error;
};

class InvalidQuery : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(InvalidQuery, FailsWithPrometheusMessage) {
  absl::StatusOr<std::unique_ptr<Expr>> e = ParseExpr(GetParam().input);
  ASSERT_FALSE(e.ok()) << GetParam().input << " parsed as " << Format(**e);
  EXPECT_EQ(e.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Describe(e.status()), GetParam().error) << GetParam().input;
}

INSTANTIATE_TEST_SUITE_P(
    Parser, InvalidQuery,
    ::testing::Values(
        // Lexer-level problems.
        ErrorCase{"", "1:1: parse error: no expression found in input"},
        ErrorCase{"# just a comment\n\n", "1:1: parse error: no expression found in input"},
        ErrorCase{"2.5.", "1:1: parse error: bad number or duration syntax: \"2.5.\""},
        ErrorCase{"100..4", "1:1: parse error: bad number or duration syntax: \"100..\""},
        ErrorCase{"@@", "1:1: parse error: unexpected <op:@>"},
        ErrorCase{"foo[5mm]", "1:5: parse error: bad number or duration syntax: \"5mm\""},
        ErrorCase{"foo[5m1]", "1:5: parse error: bad number or duration syntax: \"5m1\""},
        ErrorCase{"foo[5m:1m1]", "1:8: parse error: bad number or duration syntax: \"1m1\""},
        ErrorCase{"foo[5m1m]", "1:5: parse error: not a valid duration string: \"5m1m\""},
        ErrorCase{"foo[0m]", "1:5: parse error: duration must be greater than 0"},
        ErrorCase{"foo[0:1m]", "1:5: parse error: duration must be greater than 0"},
        ErrorCase{"foo[\"5m\"]",
                  "1:5: parse error: unexpected character in duration expression: '\"'"},
        ErrorCase{"foo{bar=\"baz\"}[",
                  "1:16: parse error: unexpected end of input in duration expression"},
        ErrorCase{"`\\``", "1:4: parse error: unterminated raw string"},
        ErrorCase{"\"\\", "1:1: parse error: escape sequence not terminated"},
        ErrorCase{R"("\c")", "1:1: parse error: unknown escape sequence U+0063 'c'"},
        ErrorCase{R"("\x.")", "1:1: parse error: illegal character U+002E '.' in escape sequence"},
        ErrorCase{"sum by (\"foo)(some_metric{})", "1:9: parse error: unterminated quoted string"},
        ErrorCase{"sum () by (test)",
                  "1:1: parse error: no arguments for aggregate expression provided"},
        ErrorCase{"MIN keep_common (some_metric)",
                  "1:5: parse error: unexpected identifier \"keep_common\""},
        ErrorCase{"MIN (some_metric) keep_common",
                  "1:19: parse error: unexpected identifier \"keep_common\""},
        ErrorCase{"sum without (test) (some_metric) by (test)",
                  "1:34: parse error: unexpected <by>"},
        ErrorCase{"topk(some_metric,)",
                  "1:17: parse error: trailing commas not allowed in function call args"},
        ErrorCase{"rate(food[1m])[1h] @ 100",
                  "1:15: parse error: ranges only allowed for vector selectors"},
        ErrorCase{"floor(some_metric, 1)",
                  "1:1: parse error: expected 1 argument(s) in call to \"floor\", got 2"},
        ErrorCase{"1+", "1:3: parse error: unexpected end of input"},
        ErrorCase{".", "1:1: parse error: unexpected character: '.'"},
        ErrorCase{"1 /", "1:4: parse error: unexpected end of input"},
        ErrorCase{"*1", "1:1: parse error: unexpected <op:*>"},
        ErrorCase{"(1))", "1:4: parse error: unexpected right parenthesis ')'"},
        ErrorCase{"((1)", "1:5: parse error: unclosed left parenthesis"},
        ErrorCase{"(", "1:2: parse error: unclosed left parenthesis"},
        ErrorCase{"1 !~ 1", "1:3: parse error: unexpected character after '!': '~'"},
        ErrorCase{"1 =~ 1", "1:3: parse error: unexpected character after '=': '~'"},
        ErrorCase{"-=", "1:2: parse error: unexpected \"=\""},
        ErrorCase{"++-++-+-+-<", "1:11: parse error: unexpected <op:<>"},
        ErrorCase{"e-+=/(0)", "1:4: parse error: unexpected \"=\""},
        ErrorCase{"0deadbeef", "1:1: parse error: bad number or duration syntax: \"0de\""},
        ErrorCase{"5x", "1:1: parse error: bad number or duration syntax: \"5x\""},
        ErrorCase{"{", "1:2: parse error: unexpected end of input inside braces"},
        ErrorCase{"}", "1:1: parse error: unexpected character: '}'"},
        ErrorCase{"some}", "1:5: parse error: unexpected character: '}'"},
        ErrorCase{"some_metric{a:b=\"b\"}",
                  "1:14: parse error: unexpected character inside braces: ':'"},
        ErrorCase{"foo{a*\"b\"}", "1:6: parse error: unexpected character inside braces: '*'"},
        ErrorCase{"foo{a>=\"b\"}", "1:6: parse error: unexpected character inside braces: '>'"},
        ErrorCase{"foo{1}", "1:5: parse error: unexpected character inside braces: '1'"},
        ErrorCase{"foo]", "1:4: parse error: unexpected right bracket ']'"},
        ErrorCase{"foo[5m", "1:7: parse error: unexpected end of input in duration expression"},
        ErrorCase{"\"unterminated", "1:1: parse error: unterminated quoted string"},
        ErrorCase{"`unterminated", "1:1: parse error: unterminated raw string"},
        ErrorCase{"\"a\nb\"", "1:1: parse error: unterminated quoted string"},
        ErrorCase{R"("\q")", "1:1: parse error: unknown escape sequence U+0071 'q'"},
        ErrorCase{R"("\x4g")", "1:1: parse error: illegal character U+0067 'g' in escape sequence"},
        ErrorCase{R"("\uD800")",
                  "1:1: parse error: escape sequence is an invalid Unicode code point"},
        ErrorCase{"foo\n  +\n  $", "3:3: parse error: unexpected character: '$'"},
        // Parser-level problems.
        ErrorCase{"a - on(b) ignoring(c) d", "1:11: parse error: unexpected <ignoring>"},
        ErrorCase{"foo + group_left(baz) bar", "1:7: parse error: unexpected <group_left>"},
        ErrorCase{"some_metric{a=b}",
                  "1:15: parse error: unexpected identifier \"b\" in label matching, expected "
                  "string"},
        ErrorCase{"foo{gibberish}",
                  "1:14: parse error: unexpected \"}\" in label matching, expected label matching "
                  "operator"},
        ErrorCase{"foo{,}",
                  "1:5: parse error: unexpected \",\" in label matching, expected identifier or "
                  "\"}\""},
        ErrorCase{"foo{__name__=\"bar\" lol}",
                  "1:20: parse error: unexpected identifier \"lol\" in label matching, expected "
                  "\",\" or \"}\""},
        ErrorCase{"sum without(==)(some_metric)",
                  "1:13: parse error: unexpected <op:==> in grouping opts, expected label"},
        ErrorCase{"sum without(,)(some_metric)",
                  "1:13: parse error: unexpected \",\" in grouping opts, expected label"},
        ErrorCase{"sum without(foo,,)(some_metric)",
                  "1:17: parse error: unexpected \",\" in grouping opts, expected label"},
        ErrorCase{"sum some_metric by (test)",
                  "1:5: parse error: unexpected identifier \"some_metric\""},
        ErrorCase{"sum (some_metric) without (test) by (test)",
                  "1:34: parse error: unexpected <by>"},
        ErrorCase{"sum (some_metric) by test",
                  "1:22: parse error: unexpected identifier \"test\" in grouping opts, expected "
                  "\"(\""},
        ErrorCase{"some_metric OFFSET",
                  "1:19: parse error: unexpected end of input in offset, expected number or "
                  "duration"},
        ErrorCase{"foo @ bar",
                  "1:7: parse error: unexpected identifier \"bar\" in @, expected "
                  "timestamp"},
        ErrorCase{"foo[]",
                  "1:5: parse error: unexpected \"]\" in subquery selector, expected "
                  "duration"},
        ErrorCase{"foo[5m:1m:1m]",
                  "1:10: parse error: unexpected \":\" in subquery selector, expected \"]\""},
        ErrorCase{"rate(some_metric[5m],)",
                  "1:21: parse error: trailing commas not allowed in function call args"},
        ErrorCase{"a * on(x) group_left (b)", "1:25: parse error: unexpected end of input"},
        ErrorCase{"a * on(x) group_left (b + c)",
                  "1:25: parse error: unexpected <op:+> in grouping opts, expected \",\" or "
                  "\")\""},
        // Checks while building the tree.
        ErrorCase{"some_metric OFFSET 1m[5m]",
                  "1:22: parse error: no offset modifiers allowed before range"},
        ErrorCase{"some_metric @ 123 [5m]",
                  "1:19: parse error: no @ modifiers allowed before range"},
        ErrorCase{"(foo + bar)[5m]", "1:12: parse error: ranges only allowed for vector selectors"},
        ErrorCase{"rate(food[1m])[1h] offset 1h",
                  "1:15: parse error: ranges only allowed for vector selectors"},
        ErrorCase{"foo[5m][5m]", "1:8: parse error: ranges only allowed for vector selectors"},
        ErrorCase{"some_metric[5m] OFFSET 1mm",
                  "1:24: parse error: bad number or duration syntax: \"1mm\""},
        ErrorCase{"foo[1m1h]", "1:5: parse error: not a valid duration string: \"1m1h\""},
        ErrorCase{"foo offset 1s offset 2s",
                  "1:1: parse error: offset may not be set multiple times"},
        ErrorCase{"1 offset 1d",
                  "1:1: parse error: offset modifier must be preceded by an instant vector "
                  "selector or range vector selector or a subquery"},
        ErrorCase{"rate(some_metric[5m]) @ 1234",
                  "1:1: parse error: @ modifier must be preceded by an instant vector selector or "
                  "range vector selector or a subquery"},
        ErrorCase{"foo @ 1 @ 2", "1:1: parse error: @ <timestamp> may not be set multiple times"},
        ErrorCase{"foo @ start() @ end()",
                  "1:1: parse error: @ <timestamp> may not be set multiple times"},
        ErrorCase{"foo @ +Inf", "1:1: parse error: timestamp out of bounds for @ modifier: +Inf"},
        ErrorCase{"foo @ -Inf", "1:1: parse error: timestamp out of bounds for @ modifier: -Inf"},
        ErrorCase{"foo @ NaN", "1:1: parse error: timestamp out of bounds for @ modifier: NaN"},
        ErrorCase{"foo @ 9223372036854775808",
                  "1:1: parse error: timestamp out of bounds for @ modifier: "
                  "9223372036854775808.000000"},
        ErrorCase{"1e999",
                  "1:1: parse error: error parsing number: strconv.ParseFloat: parsing "
                  "\"1e999\": value out of range"},
        ErrorCase{"non_existent_function_far_bar()",
                  "1:1: parse error: unknown function with name \"non_existent_function_far_bar\""},
        ErrorCase{"a>b()", "1:3: parse error: unknown function with name \"b\""},
        ErrorCase{"topk(some_metric)",
                  "1:1: parse error: wrong number of arguments for aggregate expression provided, "
                  "expected 2, got 1"},
        ErrorCase{"sum(some_metric, other_metric)",
                  "1:1: parse error: wrong number of arguments for aggregate expression provided, "
                  "expected 1, got 2"},
        ErrorCase{"sum()", "1:1: parse error: no arguments for aggregate expression provided"},
        ErrorCase{"limitk(2, foo)",
                  "1:1: parse error: limitk() is experimental and must be enabled with "
                  "--enable-feature=promql-experimental-functions"},
        ErrorCase{"foo[5m] smoothed",
                  "1:1: parse error: smoothed modifier is experimental and not "
                  "enabled"},
        ErrorCase{R"(foo{a=~"(b"})",
                  "1:5: parse error: error parsing regexp: missing closing ): `(b`"},
        // Type checks.
        ErrorCase{"1 and 1",
                  "1:1: parse error: set operator \"and\" not allowed in binary scalar expression"},
        ErrorCase{"1 == 1", "1:3: parse error: comparisons between scalars must use BOOL modifier"},
        ErrorCase{"1 or 1",
                  "1:1: parse error: set operator \"or\" not allowed in binary scalar expression"},
        ErrorCase{"1 unless 1",
                  "1:1: parse error: set operator \"unless\" not allowed in binary scalar "
                  "expression"},
        ErrorCase{"foo and 1",
                  "1:1: parse error: set operator \"and\" not allowed in binary scalar expression"},
        ErrorCase{"1 or foo",
                  "1:1: parse error: set operator \"or\" not allowed in binary scalar expression"},
        ErrorCase{"1 or on(bar) foo",
                  "1:1: parse error: vector matching only allowed between instant vectors"},
        ErrorCase{"foo == on(bar) 10",
                  "1:1: parse error: vector matching only allowed between instant vectors"},
        ErrorCase{"foo and on(bar) group_left(baz) bar",
                  "1:1: parse error: no grouping allowed for \"and\" operation"},
        ErrorCase{"foo and on(bar) group_right(baz) bar",
                  "1:1: parse error: no grouping allowed for \"and\" operation"},
        ErrorCase{"foo or on(bar) group_left(baz) bar",
                  "1:1: parse error: no grouping allowed for \"or\" operation"},
        ErrorCase{"foo unless on(bar) group_left(baz) bar",
                  "1:1: parse error: no grouping allowed for \"unless\" operation"},
        ErrorCase{
            R"(http_requests{group="production"} + on(instance) group_left(job,instance) cpu_count{type="smp"})",
            "1:35: parse error: label \"instance\" must not occur in ON and GROUP clause at "
            "once"},
        ErrorCase{"foo + bool bar",
                  "1:5: parse error: bool modifier can only be used on comparison operators"},
        ErrorCase{"foo + bool 10",
                  "1:5: parse error: bool modifier can only be used on comparison operators"},
        ErrorCase{"foo and bool 10",
                  "1:5: parse error: bool modifier can only be used on comparison operators"},
        ErrorCase{"-\"string\"",
                  "1:1: parse error: unary expression only allowed on expressions of type scalar "
                  "or instant vector, got \"string\""},
        ErrorCase{"-test[5m]",
                  "1:1: parse error: unary expression only allowed on expressions of type scalar "
                  "or instant vector, got \"range vector\""},
        ErrorCase{"foo[5m] + 1",
                  "1:1: parse error: binary expression must contain only scalar and instant "
                  "vector types"},
        ErrorCase{"1 + foo[5m]",
                  "1:5: parse error: binary expression must contain only scalar and instant "
                  "vector types"},
        ErrorCase{"{}",
                  "1:1: parse error: vector selector must contain at least one non-empty "
                  "matcher"},
        ErrorCase{"{x=\"\"}",
                  "1:1: parse error: vector selector must contain at least one "
                  "non-empty matcher"},
        ErrorCase{"{x=~\".*\"}",
                  "1:1: parse error: vector selector must contain at least one "
                  "non-empty matcher"},
        ErrorCase{"{x!~\".+\"}",
                  "1:1: parse error: vector selector must contain at least one "
                  "non-empty matcher"},
        ErrorCase{"{x!=\"a\"}",
                  "1:1: parse error: vector selector must contain at least one "
                  "non-empty matcher"},
        ErrorCase{R"({__name__=~".*"})",
                  "1:1: parse error: vector selector must contain at least "
                  "one non-empty matcher"},
        ErrorCase{"foo{__name__=\"bar\"}",
                  "1:1: parse error: metric name must not be set twice: \"foo\" or \"bar\""},
        ErrorCase{"foo{__name__= =}",
                  "1:15: parse error: unexpected \"=\" in label matching, expected string"},
        ErrorCase{"topk(some_metric, other_metric)",
                  "1:6: parse error: expected type scalar in aggregation parameter, got instant "
                  "vector"},
        ErrorCase{"count_values(5, other_metric)",
                  "1:14: parse error: expected type string in aggregation parameter, got scalar"},
        ErrorCase{"sum(some_metric[5m])",
                  "1:5: parse error: expected type instant vector in aggregation expression, got "
                  "range vector"},
        ErrorCase{"floor()",
                  "1:1: parse error: expected 1 argument(s) in call to \"floor\", got 0"},
        ErrorCase{"floor(some_metric, other_metric)",
                  "1:1: parse error: expected 1 argument(s) in call to \"floor\", got 2"},
        ErrorCase{"floor(1)",
                  "1:7: parse error: expected type instant vector in call to function \"floor\", "
                  "got scalar"},
        ErrorCase{"hour(some_metric, some_metric, some_metric)",
                  "1:1: parse error: expected at most 1 argument(s) in call to \"hour\", got 3"},
        ErrorCase{"time(some_metric)",
                  "1:1: parse error: expected 0 argument(s) in call to \"time\", got 1"},
        ErrorCase{"rate(some_metric)",
                  "1:6: parse error: expected type range vector in call to function \"rate\", got "
                  "instant vector"},
        ErrorCase{"rate(avg)",
                  "1:6: parse error: expected type range vector in call to function \"rate\", got "
                  "instant vector"},
        ErrorCase{"rate(foo[5m], 1)",
                  "1:1: parse error: expected 1 argument(s) in call to \"rate\", got 2"},
        ErrorCase{"label_join()",
                  "1:1: parse error: expected at least 3 argument(s) in call to \"label_join\", "
                  "got 0"},
        ErrorCase{"test[5d] OFFSET 10s [10m:5s]",
                  "1:1: parse error: subquery is only allowed on instant vector, got matrix "
                  "instead"},
        ErrorCase{"(foo + bar{nm=\"val\"})[5m:][10m:5s]",
                  "1:1: parse error: subquery is only allowed on instant vector, got matrix "
                  "instead"},
        ErrorCase{"rate(some_metric[5m])[1h:] + 1",
                  "1:1: parse error: binary expression must contain only scalar and instant "
                  "vector types"}));

// ---- Node positions. ----

TEST(Parser, SetsPositionRanges) {
  absl::StatusOr<std::unique_ptr<Expr>> e = ParseExpr("sum(rate(foo[5m] offset 1m)) + -1");
  ASSERT_TRUE(e.ok()) << Describe(e.status());
  const auto& bin = As<BinaryExpr>(**e);
  EXPECT_EQ(bin.pos_range, (PositionRange{0, 33}));
  EXPECT_EQ(bin.lhs->pos_range, (PositionRange{0, 28}));
  EXPECT_EQ(bin.rhs->pos_range, (PositionRange{31, 33}));
  const auto& call = As<Call>(*As<AggregateExpr>(*bin.lhs).expr);
  EXPECT_EQ(call.pos_range, (PositionRange{4, 27}));
  const auto& matrix = As<MatrixSelector>(*call.args[0]);
  EXPECT_EQ(matrix.pos_range, (PositionRange{9, 26}));
  EXPECT_EQ(matrix.vector_selector->pos_range, (PositionRange{9, 12}));
}

TEST(Parser, MultiByteCharactersCountAsBytesInPositions) {
  absl::StatusOr<std::unique_ptr<Expr>> e = ParseExpr("foo{a=\"é\"} + $");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(Describe(e.status()), "1:15: parse error: unexpected character: '$'");
}

TEST(Parser, VectorMatchingOnlyBetweenVectors) {
  absl::StatusOr<std::unique_ptr<Expr>> e = ParseExpr("foo + 1");
  ASSERT_TRUE(e.ok());
  EXPECT_FALSE(As<BinaryExpr>(**e).matching.has_value());
  e = ParseExpr("foo and bar");
  ASSERT_TRUE(e.ok());
  ASSERT_TRUE(As<BinaryExpr>(**e).matching.has_value());
  EXPECT_EQ(As<BinaryExpr>(**e).matching->card, VectorMatchCardinality::kManyToMany);
}

TEST(Parser, DeepNestingIsACleanError) {
  std::string q(20000, '(');
  q += "1";
  q += std::string(20000, ')');
  absl::StatusOr<std::unique_ptr<Expr>> e = ParseExpr(q);
  ASSERT_FALSE(e.ok());
  EXPECT_THAT(Describe(e.status()), ::testing::HasSubstr("maximum depth"));
  std::string u(20000, '-');
  EXPECT_FALSE(ParseExpr(u + "1").ok());
}

TEST(Parser, LongOperatorChainsParseUpToTheLimit) {
  std::string q = "a";
  for (int i = 0; i < kMaxOperators; ++i) q += " + a";
  absl::StatusOr<std::unique_ptr<Expr>> e = ParseExpr(q);
  EXPECT_TRUE(e.ok()) << Describe(e.status());
  q += " or a";
  e = ParseExpr(q);
  ASSERT_FALSE(e.ok());
  EXPECT_THAT(Describe(e.status()), ::testing::HasSubstr("maximum of 2000 operators"));
}

TEST(Parser, LongPostfixChainsAreACleanError) {
  std::string q = "foo";
  for (int i = 0; i < 10000; ++i) q += "[1m:]";
  EXPECT_FALSE(ParseExpr(q).ok());
  // Prometheus's own fuzzing regression input (parse_test.go).
  std::string f = "(";
  for (int i = 0; i < 10000; ++i) f += "-{}-1";
  f += ")";
  for (int i = 0; i < 1000; ++i) f += "[1m:]";
  EXPECT_FALSE(ParseExpr(f).ok());
}

TEST(Parser, HundredKilobyteQueryIsHandled) {
  std::string q = "a";
  while (q.size() < 100000) q += " + a";
  EXPECT_FALSE(ParseExpr(q).ok());  // a clean error, not a crash
  std::string regex = "foo{a=~\"" + std::string(100000, 'x') + "\"}";
  absl::StatusOr<std::unique_ptr<Expr>> e = ParseExpr(regex);
  EXPECT_TRUE(e.ok()) << Describe(e.status());
}

TEST(Parser, InvalidUtf8IsAnError) {
  // Inside a string Prometheus reports the string's start (parse_test.go).
  absl::StatusOr<std::unique_ptr<Expr>> e = ParseExpr("label_replace(a, `b`, `c\xff`, `d`, `.*`)");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(Describe(e.status()), "1:23: parse error: invalid UTF-8 rune");
  e = ParseExpr("foo + \xff");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(Describe(e.status()), "1:7: parse error: invalid UTF-8 rune");
}

// ---- Every eval expression of Prometheus's own test scripts. ----

struct EvalLine {
  std::string file;
  int line = 0;
  std::string expr;
  bool expect_fail = false;
  std::string fail_msg;  // `expect fail msg: ...`, empty when none
};

// The eval commands of every script, read with the script parser the conformance test uses.
namespace scripts = ::sextant::promql::testing;
std::vector<EvalLine> ReadEvalLines(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".test") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<EvalLine> evals;
  for (const auto& path : files) {
    absl::StatusOr<scripts::Script> script = scripts::ReadScript(path.string());
    EXPECT_TRUE(script.ok()) << script.status();
    if (!script.ok()) continue;
    for (const scripts::Command& command : script->commands) {
      const auto* ev = std::get_if<scripts::EvalCommand>(&command);
      if (ev == nullptr) continue;
      evals.push_back({path.filename().string(), ev->line, ev->expr, ev->IsFail(),
                       scripts::ExpectedFailMessage(*ev).value_or("")});
    }
  }
  return evals;
}

// Experimental functions Prometheus's runner enables but Sextant's function table does not have
// (yet); core scripts use some of them.
const std::set<std::string> kExperimentalFunctions = {"sort_by_label",
                                                      "sort_by_label_desc",
                                                      "mad_over_time",
                                                      "double_exponential_smoothing",
                                                      "holt_winters",
                                                      "info",
                                                      "ts_of_max_over_time",
                                                      "ts_of_min_over_time",
                                                      "ts_of_last_over_time",
                                                      "ts_of_first_over_time",
                                                      "first_over_time",
                                                      "histogram_quantiles",
                                                      "step",
                                                      "range",
                                                      "start",
                                                      "end",
                                                      "min_of",
                                                      "max_of"};

bool IsExperimentalFailure(const std::string& message) {
  static const std::regex kUnknown(R"(unknown function with name "([^"]+)\")");
  std::smatch m;
  if (std::regex_search(message, m, kUnknown)) return kExperimentalFunctions.count(m[1].str()) > 0;
  return message.find("is experimental") != std::string::npos;
}

TEST(PrometheusScripts, EveryCoreEvalExpressionParses) {
  const std::filesystem::path dir = SEXTANT_PROMQL_TESTS_DIR;
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir << " is missing";
  std::vector<EvalLine> evals = ReadEvalLines(dir);
  ASSERT_GT(evals.size(), 1000u) << "too few eval lines found in " << dir;

  int core = 0, parsed = 0, experimental_skipped = 0, expected_fail_parsed = 0;
  int expected_parse_failures = 0;
  int experimental_files = 0, experimental_files_parsed = 0;
  std::ostringstream skipped;
  for (const EvalLine& e : evals) {
    absl::StatusOr<std::unique_ptr<Expr>> r = ParseExpr(e.expr);
    if (!scripts::IsCoreScript(e.file)) {
      ++experimental_files;
      experimental_files_parsed += r.ok() ? 1 : 0;
      continue;
    }
    ++core;
    if (r.ok()) {
      ++parsed;
      expected_fail_parsed += e.expect_fail ? 1 : 0;
      continue;
    }
    const std::string msg = Describe(r.status());
    if (IsExperimentalFailure(msg)) {
      ++experimental_skipped;
      skipped << "  " << e.file << ":" << e.line << ": " << e.expr << "\n    " << msg << "\n";
      continue;
    }
    if (e.expect_fail && !e.fail_msg.empty()) {
      // The script expects this query to fail; when it fails at parse time, the message must
      // be the expected one.
      EXPECT_THAT(msg, ::testing::HasSubstr(e.fail_msg)) << e.file << ":" << e.line;
      ++expected_parse_failures;
      continue;
    }
    ADD_FAILURE() << e.file << ":" << e.line << ": " << e.expr << "\n  " << msg;
  }
  std::cout << "core eval expressions: " << core << ", parsed and type-checked: " << parsed
            << " (of which " << expected_fail_parsed
            << " expect a non-parse failure), not parsed for using experimental features: "
            << experimental_skipped << ", expected parse failures: " << expected_parse_failures
            << "\n"
            << skipped.str()
            << "experimental-file eval expressions parsed: " << experimental_files_parsed << " of "
            << experimental_files << "\n";
  EXPECT_GT(parsed, 1000);
}

}  // namespace
}  // namespace sextant::promql
