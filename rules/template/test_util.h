#pragma once

// Shared fixtures of the template tests: the alert data and fake query every test runs against,
// and helpers that return a template's output or its error text.
//
// Expected values in the tests come from Go 1.19's text/template run with the same data and
// functions, and from promtool (Prometheus 2.42) for Prometheus's functions.

#include <string>
#include <string_view>

#include "rules/template/template.h"

namespace sextant::rules::tmpl::test_util {

// Labels {__name__="up", instance="host:9090", job="node"}, external labels {dc="eu"},
// external URL http://prom.example:9090/prefix, value 0.25.
AlertData TestData();

// external_url as in TestData; `query` answers "err" with the error "query failed", "none" with
// no samples, and anything else with up{instance="i2",job="b"} 0.5, up{instance="i1",job="a"} 1.
FuncContext TestContext();

// Parses `text` as the template "t" and executes it on TestData(); the output, or
// "PARSE ERROR" / "EXEC ERROR" followed by the message, so a test fails clearly on the wrong kind.
std::string Output(std::string_view text);
// The parse error's message, or "NO PARSE ERROR: <output or execution error>".
std::string ParseError(std::string_view text);
// The execution error's message, or "NO EXEC ERROR: ...".
std::string ExecError(std::string_view text);

// The same for an alert template (ExpandAlertTemplate with the variable definitions) named "t".
std::string AlertOutput(std::string_view text);

}  // namespace sextant::rules::tmpl::test_util
