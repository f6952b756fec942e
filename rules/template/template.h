#pragma once

// The template engine used for alert labels and annotations: Go's text/template semantics
// (https://pkg.go.dev/text/template) with the functions Prometheus adds (template/template.go in
// Prometheus). Its own small library: it knows nothing of rules, only a query callback.
//
// Prometheus expands an alert's label or annotation `text` as the template
//   {{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}
//   {{$value := .Value}}<text>
// named `name` (e.g. "__alert_HighLatency"), and Expander does the same.
//
// Thread-safety: a parsed Template is immutable and may be executed from many threads at once.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "model/labels.h"

namespace sextant::rules::tmpl {

// One element of a `query` result, as Prometheus's template `sample`: `.Labels` (a map of label
// name to value, including __name__) and `.Value`.
struct QuerySample {
  model::Labels labels;
  double value = 0;
};

// Runs an instant PromQL query at the expansion's time. Errors come back into the template as
// Go errors (the expansion fails with them). For a scalar result Prometheus returns one sample
// with no labels; a string result is an error ("got string ... expected vector or scalar").
using QueryFunc = std::function<absl::StatusOr<std::vector<QuerySample>>(std::string_view query)>;

// What the Prometheus functions need besides the data.
struct FuncContext {
  QueryFunc query;           // nullptr: `query` fails with an error
  std::string external_url;  // --web.external-url, for pathPrefix / graphLink / tableLink
  // The evaluation time, for `now`; InfinitePast means the time of the call.
  absl::Time eval_time = absl::InfinitePast();
};

// The data an alert template sees.
struct AlertData {
  model::Labels labels;  // the alert's labels ($labels / .Labels)
  model::Labels external_labels;
  std::string external_url;
  double value = 0;  // $value / .Value
};

class Template {
 public:
  // Parses `text` as a Go text/template named `name` (also the name in error messages).
  // Errors: InvalidArgument with Go's message, e.g.
  //   `template: __alert_X:1: function "nosuch" not defined`
  //   `template: __alert_X:1: unexpected "}" in operand`
  static absl::StatusOr<std::unique_ptr<Template>> Parse(std::string_view name,
                                                         std::string_view text);
  ~Template();

  // Executes with `data` as dot (`.`). Errors: InvalidArgument with Go's execution error, e.g.
  // `template: __alert_X:1:3: executing "__alert_X" at <humanize "a">: error calling humanize: ...`
  // The output written before an error is discarded.
  absl::StatusOr<std::string> Execute(const AlertData& data, const FuncContext& ctx) const;

 private:
  struct Impl;
  explicit Template(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Prometheus's template.Expander for alerting rules: prepends the variable definitions above,
// parses and executes. On failure the result is what Prometheus puts in the label or annotation:
//   <error expanding template: error parsing template NAME: template: NAME:1: ...>
//   <error expanding template: error executing template NAME: template: NAME:1:...: ...>
std::string ExpandAlertTemplate(std::string_view name, std::string_view text, const AlertData& data,
                                const FuncContext& ctx);

// Whether `text` parses as an alert template (with the variable definitions prepended), for the
// rule-file loader. Errors: InvalidArgument with Go's parse message (`template: NAME:1: ...`).
absl::Status CheckAlertTemplate(std::string_view name, std::string_view text);

}  // namespace sextant::rules::tmpl
