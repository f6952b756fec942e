// Prometheus's template functions. Expected values are promtool 2.42's output for the same
// templates (and Prometheus 3.x's code for the functions 2.42 lacks: toDuration, now,
// urlQueryEscape, and parseDuration's unit errors).

#include "gtest/gtest.h"
#include "rules/template/template.h"
#include "rules/template/test_util.h"

namespace sextant::rules::tmpl {
namespace {

using test_util::ExecError;
using test_util::Output;

TEST(Query, FirstValueHumanize) {
  EXPECT_EQ(Output(R"({{ with query "up" }}{{ . | first | value | humanize }}{{ end }})"), "500m");
}

TEST(Query, KeepsTheQueryOrder) {
  EXPECT_EQ(Output(R"({{ range query "up" }}{{ .Labels.job }}={{ .Value }} {{ end }})"),
            "b=0.5 a=1 ");
}

TEST(Query, EmptyResultPrintsEmptySlice) { EXPECT_EQ(Output(R"({{ query "none" }})"), "[]"); }

TEST(Query, ErrorFailsTheExpansion) {
  EXPECT_EQ(
      ExecError(R"({{ query "err" }})"),
      R"(template: t:1:3: executing "t" at <query "err">: error calling query: query failed)");
}

TEST(Query, WithoutQueryFunctionFails) {
  auto tmpl = Template::Parse("t", R"({{ query "up" }})");
  ASSERT_TRUE(tmpl.ok());
  auto out = (*tmpl)->Execute(test_util::TestData(), FuncContext{});
  EXPECT_FALSE(out.ok());
}

TEST(Query, SampleFields) {
  EXPECT_EQ(Output(R"({{ (query "up" | first).Labels }} {{ (query "up" | first).Value }})"),
            "map[__name__:up instance:i2 job:b] 0.5");
}

TEST(Query, SamplePrintsAsStruct) {
  EXPECT_EQ(Output(R"({{ query "up" | first }})"), "{map[__name__:up instance:i2 job:b] 0.5}");
}

TEST(First, OfEmptyResultFails) {
  EXPECT_EQ(ExecError(R"({{ query "none" | first }})"),
            R"(template: t:1:18: executing "t" at <first>: error calling first: first() called )"
            R"(on vector with no elements)");
}

TEST(First, OfWrongTypeFails) {
  EXPECT_EQ(ExecError(R"({{ 1 | first }})"),
            R"(template: t:1:7: executing "t" at <first>: wrong type for value; expected )"
            R"(template.queryResult; got int)");
}

TEST(Label, ReadsOneLabel) {
  EXPECT_EQ(
      Output(R"({{ query "up" | first | label "instance" }}|{{ label "x" (query "up" | first) }})"),
      "i2|");
}

TEST(Label, OfStringFails) {
  EXPECT_EQ(ExecError(R"({{ label "a" "b" }})"),
            R"(template: t:1:13: executing "t" at <"b">: can't handle "b" for arg of type )"
            R"(*template.sample)");
}

TEST(Label, OfNilFails) {
  EXPECT_EQ(ExecError(R"({{ label "a" nil }})"),
            R"(template: t:1:3: executing "t" at <label "a" nil>: error calling label: runtime )"
            R"(error: invalid memory address or nil pointer dereference)");
}

TEST(StrValue, ReadsValueLabel) {
  EXPECT_EQ(Output(R"([{{ query "up" | first | strvalue }}])"), "[]");
}

TEST(SortByLabel, SortsStably) {
  EXPECT_EQ(Output(R"({{ range query "up" | sortByLabel "job" }}{{ .Labels.job }}{{ end }})"),
            "ab");
}

TEST(Args, MapsArguments) {
  EXPECT_EQ(Output(R"({{ args 1 "a" nil 2.5 }})"), "map[arg0:1 arg1:a arg2:<nil> arg3:2.5]");
}

TEST(Args, MissingArgumentHasNoValue) {
  EXPECT_EQ(Output(R"({{ (args 1).arg1 }} {{ (args 1).arg0 }})"), "<no value> 1");
}

TEST(Humanize, Prefixes) {
  EXPECT_EQ(
      Output(R"({{ humanize 1234567 }} {{ humanize 0.00012 }} {{ humanize -1234567 }} )"
             R"({{ humanize 0 }} {{ humanize 1e30 }} {{ humanize 999.95 }} {{ humanize 1e-30 }})"),
      "1.235M 120u -1.235M 0 1e+06Y 1000 1e-06y");
}

TEST(Humanize, AcceptsNumericStrings) {
  EXPECT_EQ(Output(R"({{ humanize "1234" }} {{ humanize "1e3" }})"), "1.234k 1k");
}

TEST(Humanize, OfNonNumberFails) {
  EXPECT_EQ(ExecError(R"({{ humanize "a" }})"),
            R"(template: t:1:3: executing "t" at <humanize "a">: error calling humanize: )"
            R"(strconv.ParseFloat: parsing "a": invalid syntax)");
}

TEST(Humanize, OfMapFails) {
  EXPECT_EQ(ExecError(R"({{ humanize .Labels }})"),
            R"(template: t:1:3: executing "t" at <humanize .Labels>: error calling humanize: )"
            R"(can't convert map[string]string to float)");
}

TEST(Humanize, OfNilFails) {
  EXPECT_EQ(ExecError(R"({{ humanize nil }})"),
            R"(template: t:1:3: executing "t" at <humanize nil>: error calling humanize: can't )"
            R"(convert <nil> to float)");
}

TEST(Humanize, NaNAndInf) {
  EXPECT_EQ(Output(R"({{ humanize "NaN" }} {{ humanize "+Inf" }} {{ humanize "-Inf" }})"),
            "NaN +Inf -Inf");
}

TEST(Humanize1024, Prefixes) {
  EXPECT_EQ(Output(R"({{ humanize1024 2048 }} {{ humanize1024 0.5 }} {{ humanize1024 -3000 }})"),
            "2ki 0.5 -2.93ki");
}

TEST(HumanizeDuration, Units) {
  EXPECT_EQ(Output(R"({{ humanizeDuration 3700.5 }} {{ humanizeDuration 0.0015 }} )"
                   R"({{ humanizeDuration -90 }} {{ humanizeDuration 86400.7 }} )"
                   R"({{ humanizeDuration 59.999 }} {{ humanizeDuration 0 }})"),
            "1h 1m 40s 1.5ms -1m 30s 1d 0h 0m 0s 60s 0s");
}

TEST(HumanizeDuration, OfNonNumberFails) {
  EXPECT_EQ(ExecError(R"({{ humanizeDuration "x" }})"),
            R"(template: t:1:3: executing "t" at <humanizeDuration "x">: error calling )"
            R"(humanizeDuration: strconv.ParseFloat: parsing "x": invalid syntax)");
}

TEST(HumanizePercentage, Formats) {
  EXPECT_EQ(Output(R"({{ humanizePercentage 0.123456 }} {{ humanizePercentage "0.5" }})"),
            "12.35% 50%");
}

TEST(HumanizePercentage, OfBoolFails) {
  EXPECT_EQ(ExecError(R"({{ humanizePercentage true }})"),
            R"(template: t:1:3: executing "t" at <humanizePercentage true>: error calling )"
            R"(humanizePercentage: can't convert bool to float)");
}

TEST(HumanizeTimestamp, GoTimeFormatInUtc) {
  EXPECT_EQ(Output(R"({{ humanizeTimestamp 1700000000.123 }} {{ humanizeTimestamp 0 }})"),
            "2023-11-14 22:13:20.122 +0000 UTC 1970-01-01 00:00:00 +0000 UTC");
}

TEST(HumanizeTimestamp, OverflowFails) {
  EXPECT_EQ(ExecError(R"({{ humanizeTimestamp 1e20 }})"),
            R"(template: t:1:3: executing "t" at <humanizeTimestamp 1e20>: error calling )"
            R"(humanizeTimestamp: 1e+20 cannot be represented as a nanoseconds timestamp since )"
            R"(it overflows int64)");
}

TEST(HumanizeTimestamp, NaNPrintsAsNumber) {
  EXPECT_EQ(Output(R"({{ humanizeTimestamp "NaN" }})"), "NaN");
}

TEST(ToTime, PrintsGoTime) {
  EXPECT_EQ(Output(R"({{ toTime 1.5 }} {{ toTime "1e9" }})"),
            "1970-01-01 00:00:01.5 +0000 UTC 2001-09-09 01:46:40 +0000 UTC");
}

TEST(ToTime, Methods) {
  EXPECT_EQ(
      Output(R"({{ (toTime 1700000000.5).Unix }} {{ (toTime 1700000000).Year }} )"
             R"({{ (toTime 1700000000).Format "2006-01-02T15:04:05Z07:00 Mon Jan _2 3PM .000" }})"),
      "1700000000 2023 2023-11-14T22:13:20Z Tue Nov 14 10PM .000");
}

TEST(ToTime, OfNaNFails) {
  EXPECT_EQ(ExecError(R"({{ toTime "NaN" }})"),
            R"(template: t:1:3: executing "t" at <toTime "NaN">: error calling toTime: value is )"
            R"(NaN or Inf)");
}

TEST(ToDuration, PrintsGoDuration) {
  EXPECT_EQ(Output(R"({{ toDuration 90 }} {{ toDuration 0.0015 }} {{ toDuration 3600 }} )"
                   R"({{ toDuration -1.5 }} {{ toDuration 0 }} {{ toDuration 0.000000001 }})"),
            "1m30s 1.5ms 1h0m0s -1.5s 0s 1ns");
}

TEST(ToDuration, Methods) {
  EXPECT_EQ(Output(R"({{ (toDuration 90).Seconds }} {{ (toDuration 90).Minutes }})"), "90 1.5");
}

TEST(Title, UpperCasesWordStarts) {
  EXPECT_EQ(Output(R"({{ title "hello world-foo_bar o'neil 1st élan x.y" }})"),
            "Hello World-Foo_bar O'Neil 1st Élan X.Y");
}

TEST(ToUpperToLower, ChangeCase) {
  EXPECT_EQ(Output(R"({{ toUpper "abcé" }} {{ toLower "ABCÉ" }})"), "ABCÉ abcé");
}

TEST(ToUpper, OfNumberFails) {
  EXPECT_EQ(ExecError(R"({{ $value := 1.5 }}{{ $value | toUpper }})"),
            R"(template: t:1:31: executing "t" at <toUpper>: wrong type for value; expected )"
            R"(string; got float64)");
}

TEST(Match, SearchesUnanchored) {
  EXPECT_EQ(
      Output(R"({{ match "^h.*:90" .Labels.instance }} {{ match "x" "y" }} {{ match "o" "foo" }})"),
      "true false true");
}

TEST(Match, BadPatternFails) {
  EXPECT_EQ(ExecError(R"({{ match "(" "y" }})"),
            R"(template: t:1:3: executing "t" at <match "(" "y">: error calling match: error )"
            R"(parsing regexp: missing closing ): `(`)");
}

TEST(Match, GoRegexpErrorTexts) {
  EXPECT_EQ(ExecError(R"({{ match "x**" "y" }})"),
            R"(template: t:1:3: executing "t" at <match "x**" "y">: error calling match: error )"
            R"(parsing regexp: invalid nested repetition operator: `**`)");
}

TEST(ReReplaceAll, ExpandsGroups) {
  EXPECT_EQ(Output(R"({{ reReplaceAll "(a)(b)?" "[$1|$2|${1}x|$1x|$$]" "ab a c" }})"),
            "[a|b|ax||$] [a||ax||$] c");
}

TEST(ReReplaceAll, NamedGroups) {
  EXPECT_EQ(
      Output(R"x({{ reReplaceAll "(?P<host>\\w+):(?P<port>\\d+)" "$port@$host" "host:9090" }})x"),
      "9090@host");
}

TEST(ReReplaceAll, EmptyMatches) {
  EXPECT_EQ(Output(R"({{ reReplaceAll "" "-" "abc" }} {{ reReplaceAll "a*" "-" "baaac" }})"),
            "-a-b-c- -b-c-");
}

TEST(ReReplaceAll, BadPatternFailsAsMustCompilePanics) {
  EXPECT_EQ(ExecError(R"({{ reReplaceAll "(" "x" "y" }})"),
            R"(template: t:1:3: executing "t" at <reReplaceAll "(" "x" "y">: error calling )"
            R"(reReplaceAll: regexp: Compile(`(`): error parsing regexp: missing closing ): `(`)");
}

TEST(StripPort, RemovesPort) {
  EXPECT_EQ(
      Output(R"({{ stripPort "host:9090" }} {{ stripPort "host" }} {{ stripPort "[::1]:80" }} )"
             R"({{ stripPort "::1" }} {{ stripPort "a:b:c" }})"),
      "host host ::1 ::1 a:b:c");
}

TEST(StripDomain, KeepsFirstLabelAndPort) {
  EXPECT_EQ(
      Output(
          R"({{ stripDomain "foo.example.com:9090" }} {{ stripDomain "10.0.0.1:80" }} )"
          R"({{ stripDomain "foo.bar" }} {{ stripDomain "[::1]:80" }} {{ stripDomain "a.b.c:1" }})"),
      "foo:9090 10.0.0.1:80 foo [::1]:80 a:1");
}

TEST(SafeHtml, IsTemplateHtml) {
  EXPECT_EQ(Output(R"({{ safeHtml "<b>" }} {{ printf "%T" (safeHtml "x") }})"),
            "<b> template.HTML");
}

TEST(Links, GraphAndTable) {
  EXPECT_EQ(Output(R"x({{ graphLink "up{a=\"b\"}" }} {{ tableLink "rate(x[5m])" }})x"),
            "/graph?g0.expr=up%7Ba%3D%22b%22%7D&g0.tab=0 "
            "/graph?g0.expr=rate%28x%5B5m%5D%29&g0.tab=1");
}

TEST(ExternalUrl, AndPathPrefix) {
  EXPECT_EQ(Output(R"({{ externalURL }} {{ pathPrefix }})"),
            "http://prom.example:9090/prefix /prefix");
}

TEST(ParseDuration, ToSeconds) {
  EXPECT_EQ(
      Output(R"({{ parseDuration "1h30m" }} {{ parseDuration "0" }} {{ parseDuration "500ms" }} )"
             R"({{ parseDuration "1d2h" }} {{ parseDuration "-1m" }})"),
      "5400 0 0.5 93600 -60");
}

TEST(ParseDuration, InvalidFails) {
  EXPECT_EQ(ExecError(R"({{ parseDuration "abc" }})"),
            R"(template: t:1:3: executing "t" at <parseDuration "abc">: error calling )"
            R"(parseDuration: not a valid duration string: "abc")");
}

TEST(ParseDuration, UnknownUnitFails) {
  EXPECT_EQ(ExecError(R"({{ parseDuration "1x" }})"),
            R"(template: t:1:3: executing "t" at <parseDuration "1x">: error calling )"
            R"(parseDuration: unknown unit "x" in duration "1x")");
}

TEST(ParseDuration, UnitsOutOfOrderFail) {
  EXPECT_EQ(ExecError(R"({{ parseDuration "1m1h" }})"),
            R"(template: t:1:3: executing "t" at <parseDuration "1m1h">: error calling )"
            R"(parseDuration: not a valid duration string: "1m1h")");
}

TEST(UrlQueryEscape, Escapes) {
  EXPECT_EQ(Output(R"({{ urlQueryEscape "a b/c?d=é" }})"), "a+b%2Fc%3Fd%3D%C3%A9");
}

TEST(Now, IsTheEvaluationTime) {
  auto tmpl = Template::Parse("t", "{{ now }} {{ now | humanizeTimestamp }}");
  ASSERT_TRUE(tmpl.ok());
  FuncContext ctx = test_util::TestContext();
  ctx.eval_time = absl::FromUnixMillis(1700000000500);
  auto out = (*tmpl)->Execute(test_util::TestData(), ctx);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(*out, "1.7000000005e+09 2023-11-14 22:13:20.5 +0000 UTC");
}

}  // namespace
}  // namespace sextant::rules::tmpl
