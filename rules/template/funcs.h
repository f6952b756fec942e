#pragma once

// The function table of the template engine: Go's builtins (funcs_builtin.cc) and Prometheus's
// template functions (funcs_prometheus.cc), each with its Go signature. The executor checks and
// converts arguments against the signature exactly as text/template does with reflection, so the
// errors ("wrong type for value; expected string; got float64", "wrong number of args for
// humanize: want 1 got 2") are Go's.

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "rules/template/template.h"
#include "rules/template/value.h"

namespace sextant::rules::tmpl {

// The Go parameter types that occur in the table.
enum class ParamType {
  kNone,         // no type check (the receiver of a chain)
  kValue,        // reflect.Value: any value, missing values stay missing (builtins)
  kAny,          // interface {}: a missing value becomes nil
  kString,       // string
  kFloat64,      // float64
  kInt,          // int
  kSamplePtr,    // *template.sample
  kQueryResult,  // template.queryResult
};

// Go's name of the type, e.g. "interface {}" or "*template.sample".
std::string_view ParamTypeName(ParamType t);

// What a function can see besides its arguments.
struct CallEnv {
  const FuncContext* ctx;
};

// A function's result, or its Go error text (which the executor wraps as
// `error calling NAME: TEXT`).
using FuncImpl = std::function<absl::StatusOr<Value>(std::span<const Value> args, const CallEnv&)>;

struct FuncDef {
  std::string_view name;
  std::vector<ParamType> params;  // with variadic, the last is the element type of the ...
  bool variadic = false;
  bool builtin = false;  // and/or short-circuit only as builtins
  FuncImpl impl;
};

// The function or nullptr. Prometheus's functions shadow no builtin.
const FuncDef* FindFunction(std::string_view name);

// The methods of *time.Time, time.Time and *time.Duration that templates may call
// (.Unix, .Format "2006-01-02", .Seconds, ...), or nullptr.
const FuncDef* FindMethod(const Value& receiver, std::string_view name);

// Tables, defined in their own files.
std::span<const FuncDef> BuiltinFunctions();
std::span<const FuncDef> PrometheusFunctions();

// The error of a function that panicked dereferencing a nil pointer, as safeCall reports it.
absl::Status NilDereferenceError();

// A function error: InvalidArgument with Go's text.
absl::Status FuncError(std::string_view text);

// Go's url.QueryEscape: spaces as '+', everything but A-Z a-z 0-9 - _ . ~ as %XX.
std::string GoQueryEscape(std::string_view s);

}  // namespace sextant::rules::tmpl
