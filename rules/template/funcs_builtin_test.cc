// Go's builtin functions and fmt verbs. Expected values are Go 1.19's output.

#include "gtest/gtest.h"
#include "rules/template/test_util.h"

namespace sextant::rules::tmpl {
namespace {

using test_util::ExecError;
using test_util::Output;
using test_util::ParseError;

TEST(Builtins, AndReturnsFirstFalseOrLast) {
  EXPECT_EQ(Output(R"({{ and 1 0 2 }} {{ and 1 2 }} {{ and .Labels.job "" }})"), R"(0 2 )");
}

TEST(Builtins, OrReturnsFirstTrueOrLast) {
  EXPECT_EQ(Output(R"({{ or 0 "" "x" }} {{ or 0 "" }} {{ or .Labels.nosuch "default" }})"),
            R"(x  default)");
}

TEST(Builtins, AndShortCircuits) {
  EXPECT_EQ(Output(R"({{ and false (humanize "x") }})"), R"(false)");
}

TEST(Builtins, OrShortCircuits) { EXPECT_EQ(Output(R"({{ or true (humanize "x") }})"), R"(true)"); }

TEST(Builtins, AndWithPipelineValue) {
  EXPECT_EQ(Output(R"({{ 0 | and 1 }} {{ 3 | and 1 }})"), R"(0 3)");
}

TEST(Builtins, Not) {
  EXPECT_EQ(Output(R"({{ not 0 }} {{ not "" }} {{ not .Labels }} {{ not .Labels.nosuch }})"),
            R"(true true false true)");
}

TEST(Builtins, Len) {
  EXPECT_EQ(
      Output(R"({{ len .Labels }} {{ len "abc" }} {{ len (query "up") }} {{ .Labels | len }})"),
      R"(3 3 2 3)");
}

TEST(Builtins, LenOfNumberFails) {
  EXPECT_EQ(
      ExecError(R"({{ len .Value }})"),
      R"(template: t:1:3: executing "t" at <len .Value>: error calling len: len of type float64)");
}

TEST(Builtins, LenOfNilInterfaceFails) {
  EXPECT_EQ(
      ExecError(R"({{ len (args).x }})"),
      R"(template: t:1:3: executing "t" at <len (args).x>: error calling len: len of nil pointer)");
}

TEST(Builtins, LenOfNoValueFails) {
  EXPECT_EQ(
      ExecError(R"({{ len (index (args) "x") }})"),
      R"(template: t:1:3: executing "t" at <len (index (args) "x")>: error calling len: reflect: call of reflect.Value.Type on zero Value)");
}

TEST(Builtins, IndexMapStringAndSlice) {
  EXPECT_EQ(
      Output(
          R"({{ index .Labels "job" }} {{ index "abc" 1 }} {{ (index (query "up") 1).Labels.job }})"),
      R"(node 98 a)");
}

TEST(Builtins, IndexMissingKeyIsEmpty) {
  EXPECT_EQ(Output(R"([{{ index .Labels "nosuch" }}])"), R"([])");
}

TEST(Builtins, IndexMapWithIntFails) {
  EXPECT_EQ(
      ExecError(R"({{ index .Labels 1 }})"),
      R"(template: t:1:3: executing "t" at <index .Labels 1>: error calling index: value has type int; should be string)");
}

TEST(Builtins, IndexOutOfRangeFails) {
  EXPECT_EQ(
      ExecError(R"({{ index "abc" 5 }})"),
      R"(template: t:1:3: executing "t" at <index "abc" 5>: error calling index: index out of range: 5)");
}

TEST(Builtins, IndexAtLengthFailsAsReflectPanics) {
  EXPECT_EQ(ExecError(R"({{ index "abc" 3 }})"),
            R"(template: t:1:3: executing "t" at <index "abc" 3>: error calling index: reflect: )"
            R"(string index out of range)");
}

TEST(Builtins, IndexOfNumberFails) {
  EXPECT_EQ(
      ExecError(R"({{ index .Value 1 }})"),
      R"(template: t:1:3: executing "t" at <index .Value 1>: error calling index: can't index item of type float64)");
}

TEST(Builtins, IndexOfNilFails) {
  EXPECT_EQ(
      ExecError(R"({{ index nil 1 }})"),
      R"(template: t:1:3: executing "t" at <index nil 1>: error calling index: index of untyped nil)");
}

TEST(Builtins, IndexWithoutIndexesReturnsItem) {
  EXPECT_EQ(Output(R"({{ index "abc" }})"), R"(abc)");
}

TEST(Builtins, Slice) {
  EXPECT_EQ(
      Output(
          R"({{ slice "abcdef" 1 3 }} {{ slice "abcdef" 2 }} {{ slice "abc" }} {{ len (slice (query "up") 1) }})"),
      R"(bc cdef abc 1)");
}

TEST(Builtins, SliceInvalidIndexesFail) {
  EXPECT_EQ(
      ExecError(R"({{ slice "abc" 2 1 }})"),
      R"(template: t:1:3: executing "t" at <slice "abc" 2 1>: error calling slice: invalid slice index: 2 > 1)");
}

TEST(Builtins, SliceOfNumberFails) {
  EXPECT_EQ(
      ExecError(R"({{ slice .Value 1 }})"),
      R"(template: t:1:3: executing "t" at <slice .Value 1>: error calling slice: can't slice item of type float64)");
}

TEST(Builtins, EqWithSeveralArguments) {
  EXPECT_EQ(Output(R"({{ eq 1 2 1 }} {{ eq "a" "b" "c" }} {{ eq .Labels.job "x" "node" }})"),
            R"(true false true)");
}

TEST(Builtins, EqFloatWithFloat) { EXPECT_EQ(Output(R"({{ eq .Value 0.25 }})"), R"(true)"); }

TEST(Builtins, EqIntWithFloatFails) {
  EXPECT_EQ(
      ExecError(R"({{ eq 1 1.0 }})"),
      R"(template: t:1:3: executing "t" at <eq 1 1.0>: error calling eq: incompatible types for comparison)");
}

TEST(Builtins, GtFloatWithIntFails) {
  EXPECT_EQ(
      ExecError(R"({{ gt .Value 1 }})"),
      R"(template: t:1:3: executing "t" at <gt .Value 1>: error calling gt: incompatible types for comparison)");
}

TEST(Builtins, Comparisons) {
  EXPECT_EQ(
      Output(
          R"({{ ne 1 2 }} {{ lt 1 2 }} {{ le 2 2 }} {{ gt "b" "a" }} {{ ge 1.5 2.5 }} {{ lt "a" "b" }})"),
      R"(true true true true false true)");
}

TEST(Builtins, CompareMapFails) {
  EXPECT_EQ(
      ExecError(R"({{ lt .Labels 1 }})"),
      R"(template: t:1:3: executing "t" at <lt .Labels 1>: error calling lt: invalid type for comparison)");
}

TEST(Builtins, EqNeedsTwoArguments) {
  EXPECT_EQ(
      ExecError(R"({{ eq 1 }})"),
      R"(template: t:1:3: executing "t" at <eq 1>: error calling eq: missing argument for comparison)");
}

TEST(Builtins, EqWithNilIsFalse) {
  EXPECT_EQ(Output(R"({{ eq (args).x "" }} {{ eq nil nil }})"), R"(false true)");
}

TEST(Builtins, NonComparableMaps) {
  EXPECT_EQ(
      ExecError(R"({{ eq .Labels .Labels }})"),
      R"(template: t:1:3: executing "t" at <eq .Labels .Labels>: error calling eq: non-comparable type map[__name__:up instance:host:9090 job:node]: map[string]string)");
}

TEST(Builtins, PrintSpacing) {
  EXPECT_EQ(Output(R"({{ print 1 2 "a" "b" 3 }} {{ print "a" 1 "b" }} {{ print 1.5 true }})"),
            R"(1 2ab3 a1b 1.5 true)");
}

TEST(Builtins, PrintNilAndMissing) {
  EXPECT_EQ(Output(R"({{ print nil (args).x .Labels.nosuch }})"), R"(<nil> <nil>)");
}

TEST(Builtins, Println) { EXPECT_EQ(Output(R"({{ println 1 "a" }})"), "1 a\n"); }

TEST(Builtins, Printf) { EXPECT_EQ(Output(R"({{ printf "%s=%d" "a" 1 }})"), R"(a=1)"); }

TEST(Builtins, HtmlEscapes) {
  EXPECT_EQ(Output(R"({{ html "<a href=\"x\">&'</a>" }})"),
            R"(&lt;a href=&#34;x&#34;&gt;&amp;&#39;&lt;/a&gt;)");
}

TEST(Builtins, HtmlOfSeveralArguments) {
  EXPECT_EQ(Output(R"({{ html 1 2 }} {{ html nil }})"), R"(1 2 &lt;no value&gt;)");
}

TEST(Builtins, JsEscapes) {
  EXPECT_EQ(Output(R"({{ js "a'b\"c<d>\\=&\n" }})"), R"(a\'b\"c\u003Cd\u003E\\\u003D\u0026\u000A)");
}

TEST(Builtins, UrlQueryEscapes) {
  EXPECT_EQ(Output(R"({{ urlquery "a b&c=d/é" }})"), R"(a+b%26c%3Dd%2F%C3%A9)");
}

TEST(Builtins, CallOfNonFunctionFails) {
  EXPECT_EQ(
      ExecError(R"({{ call 1 }})"),
      R"(template: t:1:3: executing "t" at <call 1>: error calling call: non-function of type int)");
}

TEST(Builtins, CallOfNilFails) {
  EXPECT_EQ(ExecError(R"({{ call nil }})"),
            R"(template: t:1:3: executing "t" at <call nil>: error calling call: call of nil)");
}

TEST(Format, Verbs) {
  EXPECT_EQ(
      Output(R"({{ printf "%d %s %v %5.2f|%-5s|%q %x" 3 "a" .Labels 3.14159 "ab" "q" 255 }})"),
      R"(3 a map[__name__:up instance:host:9090 job:node]  3.14|ab   |"q" ff)");
}

TEST(Format, BadVerbs) {
  EXPECT_EQ(
      Output(
          R"({{ printf "%d" "x" }} {{ printf "%s" 1.5 }} {{ printf "%z" 1 }} {{ printf "%t" 1 }})"),
      R"(%!d(string=x) %!s(float64=1.5) %!z(int=1) %!t(int=1))");
}

TEST(Format, MissingAndExtraArguments) {
  EXPECT_EQ(Output(R"({{ printf "%d %d" 1 }} {{ printf "%d" 1 2 "a" }} {{ printf "%" }})"),
            R"(1 %!d(MISSING) 1%!(EXTRA int=2, string=a) %!(NOVERB))");
}

TEST(Format, ValueVerbs) {
  EXPECT_EQ(Output(R"({{ printf "%v %v %v %v" true nil 1.0 .Labels }})"),
            R"(true <nil> 1 map[__name__:up instance:host:9090 job:node])");
}

TEST(Format, PlusVStruct) {
  EXPECT_EQ(
      Output(R"({{ printf "%+v" . }})"),
      R"({Labels:map[__name__:up instance:host:9090 job:node] ExternalLabels:map[dc:eu] ExternalURL:http://prom.example:9090/prefix Value:0.25})");
}

TEST(Format, Types) {
  EXPECT_EQ(Output(R"({{ printf "%T %T %T %T %T %T" 1 1.5 "a" .Labels nil (query "up") }})"),
            R"(int float64 string map[string]string <nil> template.queryResult)");
}

TEST(Format, Integers) {
  EXPECT_EQ(
      Output(
          R"({{ printf "%05d|%-5d|%+d|% d|%x|%X|%o|%b|%c|%q|%U|%#x|%#o|%.3d" 42 42 42 42 255 255 8 5 65 65 65 255 8 7 }})"),
      R"(00042|42   |+42| 42|ff|FF|10|101|A|'A'|U+0041|0xff|010|007)");
}

TEST(Format, NegativeIntegers) {
  EXPECT_EQ(Output(R"({{ printf "%d|%x|%05d|%+d" -42 -255 -42 -3 }})"), R"(-42|-ff|-0042|-3)");
}

TEST(Format, Floats) {
  EXPECT_EQ(
      Output(
          R"({{ printf "%8.3f|%-8.2f|%08.3f|%e|%E|%g|%G|%.3e|%.0f|%+.1f" 3.14159 2.5 -3.14159 123456.789 0.000123 1e21 1e-7 123456.789 2.5 1.25 }})"),
      R"(   3.142|2.50    |-003.142|1.234568e+05|1.230000E-04|1e+21|1E-07|1.235e+05|2|+1.2)");
}

TEST(Format, FloatShortestForms) {
  EXPECT_EQ(Output(R"({{ printf "%v %v %v %g" 1e20 123456789.0 0.000001 100000.0 }})"),
            R"(1e+20 1.23456789e+08 1e-06 100000)");
}

TEST(Format, Strings) {
  EXPECT_EQ(
      Output(
          R"({{ printf "%.2s|%5s|%-5s|%q|%x|% x|%#x|%X|%05s" "abcdef" "ab" "ab" "a\"b\n" "hi" "hi" "hi" "hi" "ab" }})"),
      R"(ab|   ab|ab   |"a\"b\n"|6869|68 69|0x6869|6869|000ab)");
}

TEST(Format, StarWidthAndPrecision) {
  EXPECT_EQ(Output(R"({{ printf "%*d|%-*d|%.*f" 5 1 5 2 2 3.14159 }})"), R"(    1|2    |3.14)");
}

TEST(Format, WidthOnValueVerb) {
  EXPECT_EQ(Output(R"({{ printf "%6.2v|%.3v|%10v|%-4v|" 3.14159 3.14159 "abc" true }})"),
            R"(   3.1|3.14|       abc|true|)");
}

TEST(Format, PercentLiteral) { EXPECT_EQ(Output(R"({{ printf "100%%" }})"), R"(100%)"); }

TEST(Format, SampleStruct) {
  EXPECT_EQ(
      Output(R"({{ query "up" | first }} {{ printf "%v" (query "up" | first) }})"),
      R"({map[__name__:up instance:i2 job:b] 0.5} &{map[__name__:up instance:i2 job:b] 0.5})");
}

}  // namespace
}  // namespace sextant::rules::tmpl
