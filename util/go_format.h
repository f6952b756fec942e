#pragma once

// Text formatting that must match Go's standard library byte for byte, because Prometheus's
// outputs (label sets, logs, the exposition format) are produced by it.

#include <string>
#include <string_view>

namespace sextant::util {

// Go's strconv.Quote: a double-quoted string with \a \b \f \n \r \t \v \\ \" escaped, other
// control bytes as \x.., and bytes that are not valid UTF-8 as \x.. . Valid multi-byte UTF-8 is
// kept as is.
std::string QuoteGo(std::string_view s);

// A JSON string literal (RFC 8259): \" \\ \b \f \n \r \t escaped, other control bytes as \u00XX.
std::string QuoteJson(std::string_view s);

// Go's strconv.FormatFloat(v, 'g', -1, 64): the shortest representation that round-trips, in
// exponent form ("1.5e+09", "1e-05") when the decimal exponent is < -4 or >= 6 (Go's rule for
// shortest %g), and "NaN", "+Inf", "-Inf". This is how Prometheus's client library writes sample
// values in the text exposition format.
std::string FormatFloatGo(double v);

// Go's syscall.Errno text for `err`: strerror's (glibc's) with a lower-case first letter ("no
// such file or directory", "permission denied", "is a directory").
std::string GoErrnoText(int err);

// True when `s` is valid UTF-8.
bool IsValidUtf8(std::string_view s);

}  // namespace sextant::util
