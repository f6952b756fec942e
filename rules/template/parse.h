#pragma once

// The parser of Go's text/template: builds the trees of a template text (its body and every
// {{define}}/{{block}}) with Go's grammar and Go's error messages, including the line numbers Go
// reports (the line of the parser's latest token).

#include <functional>
#include <string_view>

#include "absl/status/statusor.h"
#include "rules/template/ast.h"

namespace sextant::rules::tmpl {

// Parses `text` as the template `name`. `has_function` says whether an identifier names a
// function (Go checks this while parsing). Errors: InvalidArgument with Go's message, e.g.
//   template: NAME:3: function "nosuch" not defined
absl::StatusOr<std::unique_ptr<TreeSet>> ParseTemplate(
    std::string_view name, std::string_view text,
    const std::function<bool(std::string_view)>& has_function);

}  // namespace sextant::rules::tmpl
