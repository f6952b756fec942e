#include "rules/template/value.h"

namespace sextant::rules::tmpl {

Value Value::Bool(bool b) {
  Value v(Kind::kBool);
  v.b_ = b;
  return v;
}

Value Value::Int(int64_t i) {
  Value v(Kind::kInt);
  v.i_ = i;
  return v;
}

Value Value::Int64(int64_t i) {
  Value v(Kind::kInt64);
  v.i_ = i;
  return v;
}

Value Value::Uint8(uint8_t u) {
  Value v(Kind::kUint8);
  v.i_ = u;
  return v;
}

Value Value::Float(double f) {
  Value v(Kind::kFloat);
  v.f_ = f;
  return v;
}

Value Value::String(std::string s) {
  Value v(Kind::kString);
  v.s_ = std::move(s);
  return v;
}

Value Value::Html(std::string s) {
  Value v(Kind::kHtml);
  v.s_ = std::move(s);
  return v;
}

Value Value::Map(std::shared_ptr<const StringMap> m) {
  Value v(Kind::kStringMap);
  v.map_ = std::move(m);
  return v;
}

Value Value::AnyMapOf(std::shared_ptr<const AnyMap> m) {
  Value v(Kind::kAnyMap);
  v.any_map_ = std::move(m);
  return v;
}

Value Value::Samples(std::shared_ptr<const SampleList> s) {
  if (s == nullptr) s = std::make_shared<SampleList>();
  Value v(Kind::kSamples);
  v.samples_ = std::move(s);
  return v;
}

Value Value::SamplePtr(std::shared_ptr<const Sample> s) {
  Value v(Kind::kSample);
  v.sample_ = std::move(s);
  return v;
}

Value Value::Alert(std::shared_ptr<const AlertValue> a) {
  Value v(Kind::kAlertData);
  v.alert_ = std::move(a);
  return v;
}

Value Value::TimePtr(int64_t unix_nanos) {
  Value v(Kind::kTime);
  v.i_ = unix_nanos;
  return v;
}

Value Value::TimeValue(int64_t unix_nanos) {
  Value v(Kind::kTimeValue);
  v.i_ = unix_nanos;
  return v;
}

Value Value::DurationPtr(int64_t nanos) {
  Value v(Kind::kDuration);
  v.i_ = nanos;
  return v;
}

std::string Value::TypeName() const {
  switch (kind_) {
    case Kind::kInvalid:
      return "<nil>";
    case Kind::kNilInterface:
      return "interface {}";
    case Kind::kBool:
      return "bool";
    case Kind::kInt:
      return "int";
    case Kind::kInt64:
      return "int64";
    case Kind::kUint8:
      return "uint8";
    case Kind::kFloat:
      return "float64";
    case Kind::kString:
      return "string";
    case Kind::kHtml:
      return "template.HTML";
    case Kind::kStringMap:
      return "map[string]string";
    case Kind::kAnyMap:
      return "map[string]interface {}";
    case Kind::kSamples:
      return "template.queryResult";
    case Kind::kSample:
      return "*template.sample";
    case Kind::kAlertData:
      return std::string(kAlertDataTypeName);
    case Kind::kTime:
      return "*time.Time";
    case Kind::kTimeValue:
      return "time.Time";
    case Kind::kDuration:
      return "*time.Duration";
  }
  return "?";
}

bool Value::Truth() const {
  switch (kind_) {
    case Kind::kInvalid:
    case Kind::kNilInterface:
      return false;
    case Kind::kBool:
      return b_;
    case Kind::kInt:
    case Kind::kInt64:
    case Kind::kUint8:
      return i_ != 0;
    case Kind::kFloat:
      return f_ != 0;
    case Kind::kString:
    case Kind::kHtml:
      return !s_.empty();
    case Kind::kStringMap:
      return !map_->empty();
    case Kind::kAnyMap:
      return !any_map_->empty();
    case Kind::kSamples:
      return !samples_->empty();
    case Kind::kSample:
      return sample_ != nullptr;
    case Kind::kAlertData:
    case Kind::kTime:
    case Kind::kTimeValue:
    case Kind::kDuration:
      return true;  // structs and non-nil pointers
  }
  return false;
}

int64_t Value::Len() const {
  switch (kind_) {
    case Kind::kString:
    case Kind::kHtml:
      return static_cast<int64_t>(s_.size());
    case Kind::kStringMap:
      return static_cast<int64_t>(map_->size());
    case Kind::kAnyMap:
      return static_cast<int64_t>(any_map_->size());
    case Kind::kSamples:
      return static_cast<int64_t>(samples_->size());
    default:
      return -1;
  }
}

}  // namespace sextant::rules::tmpl
