#include "model/label_names.h"

namespace sextant::model {
namespace {

bool IsAlphaOrUnderscore(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

bool IsValidMetricName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (!IsAlphaOrUnderscore(c) && c != ':' && (i == 0 || !IsDigit(c))) return false;
  }
  return true;
}

bool IsValidLabelName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (!IsAlphaOrUnderscore(c) && (i == 0 || !IsDigit(c))) return false;
  }
  return true;
}

}  // namespace sextant::model
