#pragma once

// The executor of parsed templates: Go's text/template evaluation (fields, variables, pipelines,
// function calls with Go's argument checks, if/with/range/template, break/continue) with the
// "missingkey=zero" option Prometheus sets, and Go's execution error messages:
//   template: NAME:LINE:COL: executing "NAME" at <NODE>: MESSAGE

#include <string>

#include "absl/status/statusor.h"
#include "rules/template/ast.h"
#include "rules/template/template.h"
#include "rules/template/value.h"

namespace sextant::rules::tmpl {

// Executes the tree named set.name with `dot` as data. Errors: InvalidArgument with Go's text.
absl::StatusOr<std::string> ExecuteTemplate(const TreeSet& set, const Value& dot,
                                            const FuncContext& ctx);

}  // namespace sextant::rules::tmpl
