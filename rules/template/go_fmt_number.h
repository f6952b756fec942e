#pragma once

// The number-formatting half of Go's fmt (its format.go): padding to a width, integers in a base
// and floats, under the flags of one verb. go_fmt.cc's printer (print.go's half) chooses what to
// call for each operand and verb; FormatFloatV and FormatFloatG serve the template functions.

#include <cstdint>
#include <string>
#include <string_view>

namespace sextant::rules::tmpl {

// The flags, width and precision of one Printf verb (Go's fmtFlags, wid and prec).
struct FmtFlags {
  bool plus = false;
  bool minus = false;
  bool sharp = false;
  bool space = false;
  bool zero = false;
  bool plus_v = false;  // %+v: struct fields print with their names
  bool wid_present = false;
  bool prec_present = false;
  int wid = 0;
  int prec = 0;
};

// Appends `s` to *buf, padded to the width (counted in runes) with spaces, or zeros with the 0
// flag; on the right with the - flag.
void FmtPad(const FmtFlags& f, std::string_view s, std::string* buf);

// fmt's fmtInteger: appends the magnitude `u` (the value is -u when `negative`) in `base` (2, 8,
// 10 or 16; `upper` for %X digits), with precision, # prefixes, %O's 0o, sign and padding.
void FmtUnsigned(const FmtFlags& f, uint64_t u, bool negative, int base, bool upper, char verb,
                 std::string* buf);

// fmt's fmtFloat for verb e E f F g G with precision `prec` (-1: the shortest that round-trips)
// unless the flags carry one; +Inf, -Inf and NaN as Go prints them.
void FmtFloat(const FmtFlags& f, double v, char verb, int prec, std::string* buf);

// Go's %v of a float64: strconv.FormatFloat(f, 'g', -1, 64) with "+Inf", "-Inf", "NaN".
std::string FormatFloatV(double f);

// fmt.Sprintf("%.<prec>g", f), e.g. for humanize's %.4g.
std::string FormatFloatG(double f, int prec);

}  // namespace sextant::rules::tmpl
