// Function lookup, and the methods of the time values toTime and toDuration return.

#include "rules/template/funcs.h"

#include "rules/template/go_time.h"
#include "util/strings.h"

namespace sextant::rules::tmpl {
namespace {

using Args = std::span<const Value>;
using P = ParamType;

absl::StatusOr<Value> Ok(Value v) { return v; }

// Methods of time.Time (reached through *time.Time too). args[0] is the receiver.
const std::vector<FuncDef>& TimeMethods() {
  static const std::vector<FuncDef> methods = {
      {"Unix",
       {},
       false,
       false,
       [](Args a, const CallEnv&) {
         int64_t ns = a[0].int_value();
         int64_t s = ns / 1000000000;
         if (ns % 1000000000 < 0) --s;
         return Ok(Value::Int64(s));
       }},
      {"UnixMilli",
       {},
       false,
       false,
       [](Args a, const CallEnv&) {
         int64_t ns = a[0].int_value();
         int64_t ms = ns / 1000000;
         if (ns % 1000000 < 0) --ms;
         return Ok(Value::Int64(ms));
       }},
      {"UnixNano",
       {},
       false,
       false,
       [](Args a, const CallEnv&) { return Ok(Value::Int64(a[0].int_value())); }},
      {"Year",
       {},
       false,
       false,
       [](Args a, const CallEnv&) { return Ok(Value::Int(ToCivil(a[0].int_value()).year)); }},
      {"YearDay",
       {},
       false,
       false,
       [](Args a, const CallEnv&) { return Ok(Value::Int(ToCivil(a[0].int_value()).year_day)); }},
      {"Day",
       {},
       false,
       false,
       [](Args a, const CallEnv&) { return Ok(Value::Int(ToCivil(a[0].int_value()).day)); }},
      {"Hour",
       {},
       false,
       false,
       [](Args a, const CallEnv&) { return Ok(Value::Int(ToCivil(a[0].int_value()).hour)); }},
      {"Minute",
       {},
       false,
       false,
       [](Args a, const CallEnv&) { return Ok(Value::Int(ToCivil(a[0].int_value()).minute)); }},
      {"Second",
       {},
       false,
       false,
       [](Args a, const CallEnv&) { return Ok(Value::Int(ToCivil(a[0].int_value()).second)); }},
      {"Nanosecond",
       {},
       false,
       false,
       [](Args a, const CallEnv&) { return Ok(Value::Int(ToCivil(a[0].int_value()).nanosecond)); }},
      {"String",
       {},
       false,
       false,
       [](Args a, const CallEnv&) { return Ok(Value::String(FormatGoTime(a[0].int_value()))); }},
      {"Format",
       {P::kString},
       false,
       false,
       [](Args a, const CallEnv&) {
         return Ok(Value::String(FormatGoTimeLayout(a[0].int_value(), a[1].string_value())));
       }},
      {"UTC",
       {},
       false,
       false,
       [](Args a, const CallEnv&) { return Ok(Value::TimeValue(a[0].int_value())); }},
  };
  return methods;
}

// Methods of time.Duration.
const std::vector<FuncDef>& DurationMethods() {
  static const std::vector<FuncDef> methods = {
      {"Seconds",
       {},
       false,
       false,
       [](Args a, const CallEnv&) { return Ok(Value::Float(a[0].int_value() / 1e9)); }},
      {"Minutes",
       {},
       false,
       false,
       [](Args a, const CallEnv&) { return Ok(Value::Float(a[0].int_value() / 60e9)); }},
      {"Hours",
       {},
       false,
       false,
       [](Args a, const CallEnv&) { return Ok(Value::Float(a[0].int_value() / 3600e9)); }},
      {"Milliseconds",
       {},
       false,
       false,
       [](Args a, const CallEnv&) { return Ok(Value::Int64(a[0].int_value() / 1000000)); }},
      {"Microseconds",
       {},
       false,
       false,
       [](Args a, const CallEnv&) { return Ok(Value::Int64(a[0].int_value() / 1000)); }},
      {"Nanoseconds",
       {},
       false,
       false,
       [](Args a, const CallEnv&) { return Ok(Value::Int64(a[0].int_value())); }},
      {"String",
       {},
       false,
       false,
       [](Args a, const CallEnv&) {
         return Ok(Value::String(FormatGoDuration(a[0].int_value())));
       }},
  };
  return methods;
}

const FuncDef* FindIn(std::span<const FuncDef> table, std::string_view name) {
  for (const FuncDef& f : table) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

}  // namespace

std::string_view ParamTypeName(ParamType t) {
  switch (t) {
    case ParamType::kNone:
      return "<nil>";
    case ParamType::kValue:
      return "reflect.Value";
    case ParamType::kAny:
      return "interface {}";
    case ParamType::kString:
      return "string";
    case ParamType::kFloat64:
      return "float64";
    case ParamType::kInt:
      return "int";
    case ParamType::kSamplePtr:
      return "*template.sample";
    case ParamType::kQueryResult:
      return "template.queryResult";
  }
  return "?";
}

const FuncDef* FindFunction(std::string_view name) {
  if (const FuncDef* f = FindIn(PrometheusFunctions(), name)) return f;
  return FindIn(BuiltinFunctions(), name);
}

const FuncDef* FindMethod(const Value& receiver, std::string_view name) {
  switch (receiver.kind()) {
    case Kind::kTime:
    case Kind::kTimeValue:
      return FindIn(TimeMethods(), name);
    case Kind::kDuration:
      return FindIn(DurationMethods(), name);
    default:
      return nullptr;
  }
}

absl::Status FuncError(std::string_view text) {
  return absl::InvalidArgumentError(util::ToAbsl(text));
}

absl::Status NilDereferenceError() {
  return FuncError("runtime error: invalid memory address or nil pointer dereference");
}

}  // namespace sextant::rules::tmpl
