#include "rules/template/test_util.h"

#include "util/strings.h"

namespace sextant::rules::tmpl::test_util {

AlertData TestData() {
  AlertData data;
  data.labels =
      model::Labels::FromPairs({{"__name__", "up"}, {"instance", "host:9090"}, {"job", "node"}});
  data.external_labels = model::Labels::FromPairs({{"dc", "eu"}});
  data.external_url = "http://prom.example:9090/prefix";
  data.value = 0.25;
  return data;
}

FuncContext TestContext() {
  FuncContext ctx;
  ctx.external_url = "http://prom.example:9090/prefix";
  ctx.query = [](std::string_view q) -> absl::StatusOr<std::vector<QuerySample>> {
    if (q == "err") return absl::InvalidArgumentError("query failed");
    std::vector<QuerySample> out;
    if (q == "none") return out;
    out.push_back(
        {model::Labels::FromPairs({{"__name__", "up"}, {"instance", "i2"}, {"job", "b"}}), 0.5});
    out.push_back(
        {model::Labels::FromPairs({{"__name__", "up"}, {"instance", "i1"}, {"job", "a"}}), 1});
    return out;
  };
  return ctx;
}

namespace {

enum class Outcome { kOk, kParseError, kExecError };

Outcome Evaluate(std::string_view text, std::string* result) {
  auto tmpl = Template::Parse("t", text);
  if (!tmpl.ok()) {
    *result = std::string(util::FromAbsl(tmpl.status().message()));
    return Outcome::kParseError;
  }
  auto out = (*tmpl)->Execute(TestData(), TestContext());
  if (!out.ok()) {
    *result = std::string(util::FromAbsl(out.status().message()));
    return Outcome::kExecError;
  }
  *result = *std::move(out);
  return Outcome::kOk;
}

std::string Label(Outcome o, const std::string& text) {
  switch (o) {
    case Outcome::kOk:
      return "OUTPUT " + text;
    case Outcome::kParseError:
      return "PARSE ERROR " + text;
    case Outcome::kExecError:
      return "EXEC ERROR " + text;
  }
  return text;
}

}  // namespace

std::string Output(std::string_view text) {
  std::string result;
  const Outcome o = Evaluate(text, &result);
  return o == Outcome::kOk ? result : Label(o, result);
}

std::string ParseError(std::string_view text) {
  std::string result;
  const Outcome o = Evaluate(text, &result);
  return o == Outcome::kParseError ? result : "NO " + Label(o, result);
}

std::string ExecError(std::string_view text) {
  std::string result;
  const Outcome o = Evaluate(text, &result);
  return o == Outcome::kExecError ? result : "NO " + Label(o, result);
}

std::string AlertOutput(std::string_view text) {
  return ExpandAlertTemplate("t", text, TestData(), TestContext());
}

}  // namespace sextant::rules::tmpl::test_util
