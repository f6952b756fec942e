#pragma once

// Go's strconv.ParseInt(s, 0, 64) and ParseUint(s, 0, 64): the integer syntax of Go literals,
// which the template engine parses and which yaml.v2/yaml.v3 resolve plain scalars with.

#include <cstdint>
#include <string_view>

namespace sextant::util {

// The value of hex digit `c` (either case), or -1.
int HexDigitValue(char c);

// strconv.underscoreOK: '_' in number literal `s` (integer or float, optional sign) stands only
// between digits or between a base prefix and a digit.
bool GoUnderscoresOk(std::string_view s);

// strconv.ParseUint(s, 0, 64): 0x, 0o, 0b and leading-0 octal prefixes (either case), '_'
// separators only where Go allows them (between digits, or after a base prefix). No sign. False
// on bad syntax or overflow; *out is written only on success.
bool ParseGoUint(std::string_view s, uint64_t* out);

// strconv.ParseInt(s, 0, 64): ParseGoUint's syntax after an optional '+' or '-', within int64.
bool ParseGoInt(std::string_view s, int64_t* out);

}  // namespace sextant::util
