// The alert template API: ExpandAlertTemplate and CheckAlertTemplate as Prometheus's alerting
// rule expands labels and annotations (expected values from promtool 2.42).

#include "rules/template/template.h"

#include "gtest/gtest.h"
#include "rules/template/test_util.h"

namespace sextant::rules::tmpl {
namespace {

using test_util::AlertOutput;

TEST(ExpandAlertTemplate, RealisticAnnotation) {
  AlertData data = test_util::TestData();
  data.value = 1;
  EXPECT_EQ(ExpandAlertTemplate("__alert_InstanceDown",
                                "{{ $labels.instance }} of job {{ $labels.job }} has been down "
                                "for more than 5 minutes. Value: {{ $value | humanizePercentage }}",
                                data, test_util::TestContext()),
            "host:9090 of job node has been down for more than 5 minutes. Value: 100%");
}

TEST(ExpandAlertTemplate, QueryAnnotation) {
  EXPECT_EQ(AlertOutput(R"({{ with query "up" }}{{ . | first | value | humanize }}{{ end }})"),
            "500m");
}

TEST(ExpandAlertTemplate, Variables) {
  EXPECT_EQ(AlertOutput("{{ $value }} {{ $externalLabels.dc }} {{ $externalURL }} {{ $labels }}"),
            "0.25 eu http://prom.example:9090/prefix "
            "map[__name__:up instance:host:9090 job:node]");
}

TEST(ExpandAlertTemplate, PlainTextUnchanged) {
  EXPECT_EQ(AlertOutput("no actions here"), "no actions here");
}

TEST(ExpandAlertTemplate, ExecutionErrorColumnsIncludeThePrefix) {
  EXPECT_EQ(AlertOutput(R"({{ humanize "abc" }})"),
            R"(<error expanding template: error executing template t: template: t:1:115: )"
            R"(executing "t" at <humanize "abc">: error calling humanize: strconv.ParseFloat: )"
            R"(parsing "abc": invalid syntax>)");
}

TEST(ExpandAlertTemplate, ExecutionErrorOnLaterLine) {
  EXPECT_EQ(AlertOutput("line one\n{{ $value | toUpper }}"),
            R"(<error expanding template: error executing template t: template: t:2:12: )"
            R"(executing "t" at <toUpper>: wrong type for value; expected string; got float64>)");
}

TEST(ExpandAlertTemplate, ParseError) {
  EXPECT_EQ(AlertOutput("{{ nosuch }}"),
            R"(<error expanding template: error parsing template t: template: t:1: function )"
            R"("nosuch" not defined>)");
}

TEST(ExpandAlertTemplate, OutputBeforeAnErrorIsDiscarded) {
  EXPECT_EQ(AlertOutput("partial {{ .Nosuch }}"),
            "<error expanding template: error executing template t: template: t:1:123: executing "
            "\"t\" at <.Nosuch>: can't evaluate field Nosuch in type struct { Labels "
            "map[string]string; ExternalLabels map[string]string; ExternalURL string; Value "
            "interface {} }>");
}

TEST(CheckAlertTemplate, AcceptsValidTemplate) {
  EXPECT_TRUE(CheckAlertTemplate("__alert_X", "{{ $labels.job }} {{ $value | humanize }}").ok());
}

TEST(CheckAlertTemplate, ReportsGoParseError) {
  const absl::Status status = CheckAlertTemplate("__alert_X", "{{ humanize \"a\" }");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), R"(template: __alert_X:1: unexpected "}" in operand)");
}

TEST(CheckAlertTemplate, DoesNotExecute) {
  EXPECT_TRUE(CheckAlertTemplate("__alert_X", "{{ .Nosuch }} {{ humanize \"a\" }}").ok());
}

TEST(Template, ParseOnceExecuteTwice) {
  auto tmpl = Template::Parse("t", "{{ .Labels.job }}={{ .Value }}");
  ASSERT_TRUE(tmpl.ok());
  AlertData data = test_util::TestData();
  EXPECT_EQ(*(*tmpl)->Execute(data, {}), "node=0.25");
  data.value = 3;
  EXPECT_EQ(*(*tmpl)->Execute(data, {}), "node=3");
}

TEST(Template, DefinitionsOnlyTextExecutesToSpaces) {
  EXPECT_EQ(test_util::Output("{{ define \"x\" }}y{{ end }}\n"), "\n");
}

TEST(Template, RecursionIsBounded) {
  EXPECT_EQ(
      test_util::ExecError(R"({{ define "r" }}{{ template "r" }}{{ end }}{{ template "r" }})"),
      R"(template: t:1:28: executing "r" at <{{template "r"}}>: exceeded maximum template )"
      R"(depth (1000))");
}

}  // namespace
}  // namespace sextant::rules::tmpl
