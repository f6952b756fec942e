#pragma once

// Go's fmt package over template values: fmt.Sprint, Sprintln and Sprintf as the `print`,
// `println` and `printf` template functions call them, and the %v rendering the template engine
// uses to print an action's value. Verbs: %v %+v %s %q %d %b %o %O %x %X %c %U %e %E %f %F %g %G
// %t %T %%, with flags + - # space 0, width and precision (also *). Bad verbs and argument counts
// print as Go does: %!d(string=x), %!d(MISSING), %!(EXTRA int=1), %!(NOVERB).
// Not supported: explicit argument indexes (%[1]d) and Go-syntax %#v.

#include <span>
#include <string>
#include <string_view>

#include "rules/template/go_fmt_number.h"  // FormatFloatV, FormatFloatG
#include "rules/template/value.h"

namespace sextant::rules::tmpl {

// How text/template prints an action's value: pointers are followed first (a *sample prints as
// its struct, a nil one as <nil>), a missing value prints as <no value>, Stringers as String().
std::string PrintTemplateValue(const Value& v);

// fmt.Sprint(args...): spaces between operands when neither side is a string.
std::string GoSprint(std::span<const Value> args);

// fmt.Sprintln(args...): spaces between all operands and a trailing newline.
std::string GoSprintln(std::span<const Value> args);

// fmt.Sprintf(format, args...).
std::string GoSprintf(std::string_view format, std::span<const Value> args);

}  // namespace sextant::rules::tmpl
