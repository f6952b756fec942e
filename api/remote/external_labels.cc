#include "api/remote/external_labels.h"

#include <utility>

namespace sextant::api::remote {

std::vector<model::Matcher> FilterExternalLabelMatchers(std::vector<model::Matcher> matchers,
                                                        const model::Labels& external) {
  for (model::Matcher& m : matchers) {
    // Prometheus looks the name up in a map, so a name that is not an external label gives "",
    // and `name=""` is rewritten to itself.
    if (m.type() != model::MatchType::kEqual || m.value() != external.Get(m.name())) continue;
    absl::StatusOr<model::Matcher> empty =
        model::Matcher::Create(model::MatchType::kEqual, m.name(), "");
    if (empty.ok()) m = *std::move(empty);  // equality matchers cannot fail to compile
  }
  return matchers;
}

std::vector<model::Label> MergeExternalLabels(const model::Labels& series,
                                              const model::Labels& external) {
  std::vector<model::Label> out;
  auto a = series.begin();
  auto b = external.begin();
  while (a != series.end() && b != external.end()) {
    if (a->name < b->name) {
      out.push_back(*a++);
    } else if (a->name > b->name) {
      out.push_back(*b++);
    } else {
      out.push_back(*a++);
      ++b;
    }
  }
  for (; a != series.end(); ++a) out.push_back(*a);
  for (; b != external.end(); ++b) out.push_back(*b);
  return out;
}

}  // namespace sextant::api::remote
