#pragma once

// The dynamic values a template computes with: the handful of Go types that Prometheus's alert
// templates can produce, each with its Go type name (for error messages) and Go's truthiness.
//
// Go type for each kind:
//   kInvalid       no value (reflect's zero Value): a missing map entry, an unset interface
//   kNilInterface  a nil interface{} (what `nil` or a missing value becomes as an `any` argument)
//   kBool, kInt (int), kInt64, kUint8 (a byte of a string), kFloat (float64), kString
//   kHtml          template.HTML (safeHtml's result): prints as its string
//   kStringMap     map[string]string (.Labels, .ExternalLabels, a sample's .Labels)
//   kAnyMap        map[string]interface {} (the result of `args`)
//   kSamples       template.queryResult, i.e. []*sample (the result of `query`)
//   kSample        *template.sample, with .Labels and .Value (possibly a nil pointer)
//   kAlertData     the struct Prometheus passes as dot to alert templates
//   kTime          *time.Time (toTime), kTimeValue time.Time (from its methods)
//   kDuration      *time.Duration (toDuration)
//
// Values are immutable; composite ones share their contents.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sextant::rules::tmpl {

enum class Kind {
  kInvalid,
  kNilInterface,
  kBool,
  kInt,
  kInt64,
  kUint8,
  kFloat,
  kString,
  kHtml,
  kStringMap,
  kAnyMap,
  kSamples,
  kSample,
  kAlertData,
  kTime,
  kTimeValue,
  kDuration,
};

using StringMap = std::map<std::string, std::string>;

struct Sample {
  StringMap labels;
  double value = 0;
};
using SampleList = std::vector<std::shared_ptr<const Sample>>;

struct AlertValue {
  StringMap labels;
  StringMap external_labels;
  std::string external_url;
  double value = 0;
};

class Value;
struct AnyMap;

class Value {
 public:
  Value() = default;  // kInvalid

  static Value NilInterface() { return Value(Kind::kNilInterface); }
  static Value Bool(bool b);
  static Value Int(int64_t i);  // Go int
  static Value Int64(int64_t i);
  static Value Uint8(uint8_t u);
  static Value Float(double f);
  static Value String(std::string s);
  static Value Html(std::string s);
  static Value Map(std::shared_ptr<const StringMap> m);
  static Value AnyMapOf(std::shared_ptr<const AnyMap> m);
  static Value Samples(std::shared_ptr<const SampleList> s);
  static Value SamplePtr(std::shared_ptr<const Sample> s);  // null: a nil *sample
  static Value Alert(std::shared_ptr<const AlertValue> a);
  static Value TimePtr(int64_t unix_nanos);
  static Value TimeValue(int64_t unix_nanos);
  static Value DurationPtr(int64_t nanos);

  Kind kind() const { return kind_; }

  // Whether the value was read from an interface{}-typed place (the .Value field of the alert
  // data or of a sample, an element of map[string]interface {}): Go then names its static type
  // "interface {}" when a field access on it fails. Pipelines unwrap such values.
  bool boxed() const { return boxed_; }
  Value Boxed() const {
    Value v = *this;
    v.boxed_ = true;
    return v;
  }
  Value Unboxed() const {
    Value v = *this;
    v.boxed_ = false;
    return v;
  }
  bool valid() const { return kind_ != Kind::kInvalid; }

  bool bool_value() const { return b_; }
  int64_t int_value() const { return i_; }  // kInt, kInt64, kUint8; nanos for time and duration
  double float_value() const { return f_; }
  const std::string& string_value() const { return s_; }  // kString, kHtml
  const StringMap& string_map() const { return *map_; }
  const AnyMap& any_map() const { return *any_map_; }
  const SampleList& samples() const { return *samples_; }
  const Sample* sample() const { return sample_.get(); }
  const std::shared_ptr<const Sample>& sample_ptr() const { return sample_; }
  const AlertValue& alert() const { return *alert_; }
  const std::shared_ptr<const AlertValue>& alert_ptr() const { return alert_; }

  // Integer kinds (Go's int, int64, uint8).
  bool IsInteger() const {
    return kind_ == Kind::kInt || kind_ == Kind::kInt64 || kind_ == Kind::kUint8;
  }
  // Go's reflect.Kind String: the string-like kinds.
  bool IsStringKind() const { return kind_ == Kind::kString || kind_ == Kind::kHtml; }
  // Pointer kinds: *sample, *time.Time, *time.Duration.
  bool IsPointer() const {
    return kind_ == Kind::kSample || kind_ == Kind::kTime || kind_ == Kind::kDuration;
  }
  bool IsNilPointer() const { return kind_ == Kind::kSample && sample_ == nullptr; }

  // Go's reflect Type.String(), e.g. "float64", "map[string]string", "*template.sample".
  // kInvalid has no type; it answers "<nil>".
  std::string TypeName() const;

  // text/template's truth: false for the zero value of the type, empty collections and nil.
  bool Truth() const;

  // Go's len for strings, maps and slices; -1 for other kinds.
  int64_t Len() const;

 private:
  explicit Value(Kind k) : kind_(k) {}

  Kind kind_ = Kind::kInvalid;
  bool boxed_ = false;
  bool b_ = false;
  int64_t i_ = 0;
  double f_ = 0;
  std::string s_;
  std::shared_ptr<const StringMap> map_;
  std::shared_ptr<const AnyMap> any_map_;
  std::shared_ptr<const SampleList> samples_;
  std::shared_ptr<const Sample> sample_;
  std::shared_ptr<const AlertValue> alert_;
};

// map[string]interface {}: values of any kind (kInvalid never stored).
struct AnyMap : std::map<std::string, Value> {};

// The type name Go prints for the alert data struct.
inline constexpr std::string_view kAlertDataTypeName =
    "struct { Labels map[string]string; ExternalLabels map[string]string; ExternalURL string; "
    "Value interface {} }";

}  // namespace sextant::rules::tmpl
