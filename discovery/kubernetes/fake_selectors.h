#pragma once

// The label and field selectors FakeApiServer (fake_apiserver.h) filters lists and watches with:
// labelSelector `k=v`, `k==v`, `k!=v`, `k`, `!k`, `k in (a,b)`, `k notin (a,b)`, comma-separated,
// against metadata.labels; fieldSelector `=`, `==`, `!=` on metadata.name, metadata.namespace and
// spec.nodeName. Test support only. Thread-safety: pure functions.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace sextant::discovery::kubernetes::testing::internal {

struct LabelRequirement {
  enum class Op { kEq, kNe, kExists, kNotExists, kIn, kNotIn };
  Op op;
  std::string key;
  std::vector<std::string> values;
};

struct FieldRequirement {
  std::string field;
  bool equal;
  std::string value;
};

struct Selector {
  std::vector<LabelRequirement> labels;
  std::vector<FieldRequirement> fields;
};

// Both selectors of a request ("" = none). Errors: InvalidArgument naming the bad requirement.
absl::StatusOr<Selector> ParseSelector(std::string_view labels, std::string_view fields);

// Whether `obj` is in namespace `ns` ("" = any) and matches `selector`.
bool InScope(std::string_view ns, const Selector& selector, const nlohmann::json& obj);

// obj[a][b] when it is a string.
std::optional<std::string> OptionalStringAt(const nlohmann::json& obj, const char* a,
                                            const char* b);
// obj[a][b] when it is a string, else "".
std::string StringAt(const nlohmann::json& obj, const char* a, const char* b);

}  // namespace sextant::discovery::kubernetes::testing::internal
