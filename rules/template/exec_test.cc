// Go text/template semantics: text, fields, variables, pipelines, control structures,
// templates, literals and execution errors. Expected values are Go 1.19's output.

#include "gtest/gtest.h"
#include "rules/template/test_util.h"

namespace sextant::rules::tmpl {
namespace {

using test_util::ExecError;
using test_util::Output;
using test_util::ParseError;

TEST(Text, PlainTextIsCopied) { EXPECT_EQ(Output(R"(hello, world)"), R"(hello, world)"); }

TEST(Text, ActionPrintsField) { EXPECT_EQ(Output(R"(job={{ .Labels.job }})"), R"(job=node)"); }

TEST(Text, TrimMarkersRemoveSurroundingSpace) {
  EXPECT_EQ(Output("a  {{- \"b\" -}}  \n c"), R"(abc)");
}

TEST(Text, MinusWithoutSpaceIsANumber) { EXPECT_EQ(Output(R"({{-3}})"), R"(-3)"); }

TEST(Text, CommentsProduceNothing) {
  EXPECT_EQ(Output(R"(a{{/* a comment */}}b{{- /* trimmed */ -}} c)"), R"(abc)");
}

TEST(Text, MultiLineComment) { EXPECT_EQ(Output("a{{/* one\ntwo */}}b"), R"(ab)"); }

TEST(Fields, ChainedMapFieldAccess) {
  EXPECT_EQ(Output(R"({{ .Labels.instance }})"), R"(host:9090)");
}

TEST(Fields, MissingMapKeyIsEmpty) { EXPECT_EQ(Output(R"([{{ .Labels.nosuch }}])"), R"([])"); }

TEST(Fields, MissingStructFieldFails) {
  EXPECT_EQ(
      ExecError(R"({{ .Nosuch }})"),
      R"(template: t:1:3: executing "t" at <.Nosuch>: can't evaluate field Nosuch in type struct { Labels map[string]string; ExternalLabels map[string]string; ExternalURL string; Value interface {} })");
}

TEST(Fields, FieldOfStringFails) {
  EXPECT_EQ(
      ExecError(R"({{ .Labels.job.foo }})"),
      R"(template: t:1:10: executing "t" at <.Labels.job.foo>: can't evaluate field foo in type string)");
}

TEST(Fields, FieldOfInterfaceValueNamesInterfaceType) {
  EXPECT_EQ(
      ExecError(R"({{ .Value.foo }})"),
      R"(template: t:1:9: executing "t" at <.Value.foo>: can't evaluate field foo in type interface {})");
}

TEST(Fields, DotPrintsStruct) {
  EXPECT_EQ(
      Output(R"({{ . }})"),
      R"({map[__name__:up instance:host:9090 job:node] map[dc:eu] http://prom.example:9090/prefix 0.25})");
}

TEST(Fields, MapPrintsSortedKeys) {
  EXPECT_EQ(Output(R"({{ .Labels }})"), R"(map[__name__:up instance:host:9090 job:node])");
}

TEST(Fields, FieldWithArgumentsFails) {
  EXPECT_EQ(
      ExecError(R"({{ .Labels.job "x" }})"),
      R"(template: t:1:10: executing "t" at <.Labels.job>: job is not a method but has arguments)");
}

TEST(Fields, StructFieldWithArgumentsFails) {
  EXPECT_EQ(
      ExecError(R"({{ "x" | .ExternalURL }})"),
      R"(template: t:1:9: executing "t" at <.ExternalURL>: ExternalURL has arguments but cannot be invoked as function)");
}

TEST(Fields, DollarIsTheData) {
  EXPECT_EQ(Output(R"({{ $.Labels.job }} {{ $.ExternalURL }})"),
            R"(node http://prom.example:9090/prefix)");
}

TEST(Fields, ParenthesizedPipelineField) { EXPECT_EQ(Output(R"({{ (.Labels).job }})"), R"(node)"); }

TEST(Variables, DeclareAndUse) {
  EXPECT_EQ(Output(R"({{ $x := .Labels.job }}{{ $x }})"), R"(node)");
}

TEST(Variables, AssignChangesValue) {
  EXPECT_EQ(Output(R"({{ $x := 1 }}{{ $x = 2 }}{{ $x }})"), R"(2)");
}

TEST(Variables, InnerDeclarationShadowsUntilEnd) {
  EXPECT_EQ(Output(R"({{ $x := 1 }}{{ if true }}{{ $x := 3 }}{{ $x }}{{ end }}{{ $x }})"), R"(31)");
}

TEST(Variables, AssignInsideIfChangesOuter) {
  EXPECT_EQ(Output(R"({{ $x := 1 }}{{ if true }}{{ $x = 3 }}{{ end }}{{ $x }})"), R"(3)");
}

TEST(Variables, DeclarationPrintsNothing) { EXPECT_EQ(Output(R"([{{ $x := "a" }}])"), R"([])"); }

TEST(Variables, FieldOfVariable) {
  EXPECT_EQ(Output(R"({{ $l := .Labels }}{{ $l.instance }})"), R"(host:9090)");
}

TEST(Variables, RangeVariablesScopedToRange) {
  EXPECT_EQ(ParseError(R"({{ range $i, $e := .Labels }}{{ $i }}{{ end }}{{ $i }})"),
            R"(template: t:1: undefined variable "$i")");
}

TEST(Pipelines, FinalArgument) { EXPECT_EQ(Output(R"({{ "a" | printf "%s-%s" "b" }})"), R"(b-a)"); }

TEST(Pipelines, ChainOfCommands) {
  EXPECT_EQ(Output(R"({{ .Labels.job | printf "%s" | printf "%q" }})"), R"("node")");
}

TEST(Pipelines, ParenthesizedArgument) {
  EXPECT_EQ(Output(R"({{ printf "%s!" (index .Labels "job") }})"), R"(node!)");
}

TEST(Pipelines, NonExecutableStageFails) {
  EXPECT_EQ(ParseError(R"({{ 1 | 2 }})"),
            R"(template: t:1: non executable command in pipeline stage 2)");
}

TEST(Pipelines, ArgumentToNonFunctionFails) {
  EXPECT_EQ(ExecError(R"({{ 3 4 }})"),
            R"(template: t:1:3: executing "t" at <3>: can't give argument to non-function 3)");
}

TEST(Pipelines, NilIsNotACommand) {
  EXPECT_EQ(ExecError(R"({{ nil }})"),
            R"(template: t:1:3: executing "t" at <nil>: nil is not a command)");
}

TEST(Pipelines, UndefinedFunctionFailsAtParse) {
  EXPECT_EQ(ParseError(R"({{ nosuch 1 }})"), R"(template: t:1: function "nosuch" not defined)");
}

TEST(If, TrueBranch) { EXPECT_EQ(Output(R"({{ if .Value }}yes{{ else }}no{{ end }})"), R"(yes)"); }

TEST(If, ElseIfChain) {
  EXPECT_EQ(
      Output(
          R"({{ if eq .Value 1.0 }}one{{ else if eq .Value 0.25 }}quarter{{ else }}other{{ end }})"),
      R"(quarter)");
}

TEST(If, EmptyStringIsFalse) {
  EXPECT_EQ(Output(R"({{ if "" }}yes{{ else }}no{{ end }})"), R"(no)");
}

TEST(If, ZeroIsFalse) {
  EXPECT_EQ(Output(R"({{ if 0 }}yes{{ else }}no{{ end }}{{ if 0.0 }}yes{{ else }}no{{ end }})"),
            R"(nono)");
}

TEST(If, EmptyMapIsFalse) {
  EXPECT_EQ(
      ExecError(R"({{ if .ExternalLabels }}yes{{ end }}{{ if (index . "x") }}{{ end }})"),
      R"(template: t:1:43: executing "t" at <index . "x">: error calling index: can't index item of type struct { Labels map[string]string; ExternalLabels map[string]string; ExternalURL string; Value interface {} })");
}

TEST(If, MissingValueIsFalse) {
  EXPECT_EQ(Output(R"({{ if .Labels.nosuch }}yes{{ else }}no{{ end }})"), R"(no)");
}

TEST(If, NonEmptyCollectionsAreTrue) {
  EXPECT_EQ(
      Output(R"({{ if .Labels }}a{{ end }}{{ if query "up" }}b{{ end }}{{ if . }}c{{ end }})"),
      R"(abc)");
}

TEST(With, SetsDot) {
  EXPECT_EQ(Output(R"({{ with .Labels.job }}[{{ . }}]{{ end }})"), R"([node])");
}

TEST(With, ElseOnEmpty) {
  EXPECT_EQ(Output(R"({{ with .Labels.missing }}has{{ else }}none{{ end }})"), R"(none)");
}

TEST(Range, MapInKeyOrder) {
  EXPECT_EQ(Output(R"({{ range $k, $v := .Labels }}{{ $k }}={{ $v }};{{ end }})"),
            R"(__name__=up;instance=host:9090;job=node;)");
}

TEST(Range, MapValuesAsDot) {
  EXPECT_EQ(Output(R"({{ range .Labels }}{{ . }},{{ end }})"), R"(up,host:9090,node,)");
}

TEST(Range, ElseOnEmpty) {
  EXPECT_EQ(
      ExecError(R"({{ range .ExternalURL }}{{ end }})"),
      R"(template: t:1:9: executing "t" at <.ExternalURL>: range can't iterate over http://prom.example:9090/prefix)");
}

TEST(Range, ElseWhenEmptyMap) {
  EXPECT_EQ(Output(R"({{ range (args).arg0 }}x{{ else }}empty{{ end }})"), R"(empty)");
}

TEST(Range, SliceWithIndex) {
  EXPECT_EQ(
      Output(
          R"({{ range $i, $s := query "up" }}{{ $i }}:{{ $s.Labels.job }}={{ $s.Value }} {{ end }})"),
      R"(0:b=0.5 1:a=1 )");
}

TEST(Range, BreakAndContinue) {
  EXPECT_EQ(
      Output(
          R"({{ range query "up" }}{{ if eq .Labels.job "b" }}{{ continue }}{{ end }}{{ .Labels.job }}{{ break }}{{ end }})"),
      R"(a)");
}

TEST(Range, BreakStopsLoop) {
  EXPECT_EQ(
      Output(
          R"({{ range $k, $v := .Labels }}{{ if eq $k "job" }}{{ break }}{{ end }}{{ $k }} {{ end }})"),
      R"(__name__ instance )");
}

TEST(Range, OverFloatFails) {
  EXPECT_EQ(ExecError(R"({{ range .Value }}x{{ end }})"),
            R"(template: t:1:9: executing "t" at <.Value>: range can't iterate over 0.25)");
}

TEST(Templates, DefineAndInvoke) {
  EXPECT_EQ(
      Output(
          R"({{ define "x" }}[{{ . }}]{{ end }}{{ template "x" .Labels.job }}{{ template "x" }})"),
      R"([node][<no value>])");
}

TEST(Templates, BlockDefinesAndRuns) {
  EXPECT_EQ(Output(R"({{ block "b" .Value }}<{{ . }}>{{ end }})"), R"(<0.25>)");
}

TEST(Templates, InvokedTemplateSeesOnlyDot) {
  EXPECT_EQ(Output(R"({{ define "x" }}{{ $.job }}{{ end }}{{ template "x" .Labels }})"), R"(node)");
}

TEST(Templates, UndefinedTemplateFails) {
  EXPECT_EQ(
      ExecError(R"({{ template "nosuch" }})"),
      R"(template: t:1:12: executing "t" at <{{template "nosuch"}}>: template "nosuch" not defined)");
}

TEST(Templates, ErrorInsideTemplateNamesIt) {
  EXPECT_EQ(ExecError(R"({{ define "x" }}{{ .foo }}{{ end }}{{ template "x" 1 }})"),
            R"(template: t:1:19: executing "x" at <.foo>: can't evaluate field foo in type int)");
}

TEST(Literals, Numbers) {
  EXPECT_EQ(
      Output(
          R"({{ 0x1F }} {{ 1_000 }} {{ 'a' }} {{ 1.5e3 }} {{ -5 }} {{ 0o17 }} {{ 0b101 }} {{ 017 }} {{ 1.0 }})"),
      R"(31 1000 97 1500 -5 15 5 15 1)");
}

TEST(Literals, Strings) {
  EXPECT_EQ(Output(R"({{ "a\tb\u00e9\x41" }} {{ `raw\n` }})"), "a\tbéA raw\\n");
}

TEST(Literals, Bools) { EXPECT_EQ(Output(R"({{ true }} {{ false }})"), R"(true false)"); }

TEST(Literals, FloatFormatting) {
  EXPECT_EQ(
      Output(
          R"({{ 1e6 }} {{ 100000.0 }} {{ 0.1 }} {{ 3.0 }} {{ 1e-5 }} {{ 123456789.0 }} {{ 1e21 }})"),
      R"(1e+06 100000 0.1 3 1e-05 1.23456789e+08 1e+21)");
}

TEST(Literals, ValueIsFloat64) {
  EXPECT_EQ(Output(R"({{ .Value }} {{ printf "%T" .Value }})"), R"(0.25 float64)");
}

TEST(Literals, IntegerOverflowFails) {
  EXPECT_EQ(ParseError(R"({{ 99999999999999999999 }})"),
            R"(template: t:1: integer overflow: "99999999999999999999")");
}

TEST(Errors, ExecutionErrorPositionOnLaterLine) {
  EXPECT_EQ(
      ExecError("a\nb {{ .Nosuch }}"),
      R"(template: t:2:5: executing "t" at <.Nosuch>: can't evaluate field Nosuch in type struct { Labels map[string]string; ExternalLabels map[string]string; ExternalURL string; Value interface {} })");
}

TEST(Errors, WrongArgumentType) {
  EXPECT_EQ(
      ExecError(R"({{ toUpper .Value }})"),
      R"(template: t:1:11: executing "t" at <.Value>: wrong type for value; expected string; got float64)");
}

TEST(Errors, WrongPipelineArgumentType) {
  EXPECT_EQ(
      ExecError(R"({{ .Value | toUpper }})"),
      R"(template: t:1:12: executing "t" at <toUpper>: wrong type for value; expected string; got float64)");
}

TEST(Errors, LiteralOfWrongType) {
  EXPECT_EQ(ExecError(R"({{ toUpper 1 }})"),
            R"(template: t:1:11: executing "t" at <1>: expected string; found 1)");
}

TEST(Errors, TooFewArguments) {
  EXPECT_EQ(
      ExecError(R"({{ humanize }})"),
      R"(template: t:1:3: executing "t" at <humanize>: wrong number of args for humanize: want 1 got 0)");
}

TEST(Errors, TooManyArguments) {
  EXPECT_EQ(
      ExecError(R"({{ humanize 1 2 }})"),
      R"(template: t:1:3: executing "t" at <humanize>: wrong number of args for humanize: want 1 got 2)");
}

TEST(Errors, FunctionError) {
  EXPECT_EQ(
      ExecError(R"({{ humanize "a" }})"),
      R"(template: t:1:3: executing "t" at <humanize "a">: error calling humanize: strconv.ParseFloat: parsing "a": invalid syntax)");
}

}  // namespace
}  // namespace sextant::rules::tmpl
