#include "rules/notifier/alert_relabel.h"

#include "scrape/relabel.h"

namespace sextant::rules {

std::vector<NotifierAlert> RelabelAlerts(std::span<const config::RelabelConfig> configs,
                                         const model::Labels& external_labels,
                                         std::span<const NotifierAlert> alerts) {
  std::vector<NotifierAlert> out;
  out.reserve(alerts.size());
  for (const NotifierAlert& a : alerts) {
    model::Labels labels = a.labels;
    if (!external_labels.empty()) {
      model::LabelsBuilder b(a.labels);
      for (const model::Label& l : external_labels) {
        if (a.labels.Get(l.name).empty()) b.Set(l.name, l.value);
      }
      labels = b.Build();
    }
    if (!configs.empty()) {
      std::optional<model::Labels> relabelled = scrape::Relabel(labels, configs);
      if (!relabelled) continue;
      labels = *std::move(relabelled);
    }
    NotifierAlert copy = a;
    copy.labels = std::move(labels);
    out.push_back(std::move(copy));
  }
  return out;
}

}  // namespace sextant::rules
