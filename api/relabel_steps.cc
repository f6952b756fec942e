#include "api/relabel_steps.h"

#include <span>
#include <string>
#include <utility>
#include <vector>

#include "api/json_output.h"
#include "config/config.h"
#include "model/labels.h"
#include "nlohmann/json.hpp"
#include "scrape/manager.h"
#include "scrape/relabel.h"
#include "util/go_format.h"
#include "util/strings.h"

namespace sextant::api {
namespace {

// A JSON object of strings as a label set (Go's labels.Labels.UnmarshalJSON: a later duplicate
// key wins; empty values are dropped as relabelling's builder drops them).
absl::StatusOr<model::Labels> ParseLabels(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> pairs;
  try {
    const nlohmann::json j = nlohmann::json::parse(text);
    if (!j.is_object()) {
      return absl::InvalidArgumentError(util::StrCat("json: cannot unmarshal ",
                                                     j.is_array() ? "array" : j.type_name(),
                                                     " into Go value of type map[string]string"));
    }
    for (const auto& [name, value] : j.items()) {
      if (!value.is_string()) {
        return absl::InvalidArgumentError(util::StrCat("json: cannot unmarshal ", value.type_name(),
                                                       " into Go value of type string"));
      }
      if (!value.get_ref<const std::string&>().empty()) {
        pairs.emplace_back(name, value.get<std::string>());
      }
    }
  } catch (const nlohmann::json::exception& e) {
    return absl::InvalidArgumentError(e.what());
  }
  return model::Labels::FromPairs(pairs);
}

void AppendLabels(std::string* out, const model::Labels& labels) {
  out->push_back('{');
  bool first = true;
  for (const model::Label l : labels) {
    if (!first) out->push_back(',');
    first = false;
    AppendGoJsonString(out, l.name);
    out->push_back(':');
    AppendGoJsonString(out, l.value);
  }
  out->push_back('}');
}

void AppendRule(std::string* out, const config::RelabelConfig& r) {
  out->push_back('{');
  if (!r.source_labels.empty()) {
    out->append("\"source_labels\":[");
    for (size_t i = 0; i < r.source_labels.size(); ++i) {
      if (i > 0) out->push_back(',');
      AppendGoJsonString(out, r.source_labels[i]);
    }
    out->append("],");
  }
  out->append("\"separator\":");
  AppendGoJsonString(out, r.separator);
  out->append(",\"regex\":");
  AppendGoJsonString(out, r.regex);
  if (r.modulus != 0) util::StrAppend(out, ",\"modulus\":", r.modulus);
  if (!r.target_label.empty()) {
    out->append(",\"target_label\":");
    AppendGoJsonString(out, r.target_label);
  }
  out->append(",\"replacement\":");
  AppendGoJsonString(out, r.replacement);
  out->append(",\"action\":");
  AppendGoJsonString(out, config::RelabelActionName(r.action));
  out->push_back('}');
}

}  // namespace

absl::StatusOr<std::string> RelabelStepsJson(const scrape::ScrapeManager* scrape, const Params& p) {
  const std::string_view pool = Param(p, "scrapePool").value_or("");
  if (pool.empty()) return absl::InvalidArgumentError("no scrapePool parameter provided");
  const std::string_view labels_json = Param(p, "labels").value_or("");
  if (labels_json.empty()) return absl::InvalidArgumentError("no labels parameter provided");
  absl::StatusOr<model::Labels> labels = ParseLabels(labels_json);
  if (!labels.ok()) {
    return absl::InvalidArgumentError(
        util::StrCat("error parsing labels: ", util::FromAbsl(labels.status().message())));
  }
  std::optional<config::ScrapeConfig> cfg;
  if (scrape != nullptr) cfg = scrape->ScrapePoolConfig(pool);
  if (!cfg.has_value()) {
    return absl::InvalidArgumentError(util::StrCat("error retrieving scrape config: scrape pool ",
                                                   util::QuoteGo(pool), " not found"));
  }
  model::LabelsBuilder builder(*labels);
  bool keep = true;
  std::string out = "{\"steps\":[";
  for (size_t i = 0; i < cfg->relabel_configs.size(); ++i) {
    const config::RelabelConfig& rule = cfg->relabel_configs[i];
    if (keep) keep = scrape::RelabelInPlace(&builder, std::span(&rule, 1));
    if (i > 0) out.push_back(',');
    out.append("{\"rule\":");
    AppendRule(&out, rule);
    out.append(",\"output\":");
    AppendLabels(&out, keep ? builder.Build() : model::Labels());
    out.append(",\"keep\":");
    out.append(keep ? "true" : "false");
    out.push_back('}');
  }
  out.append("]}");
  return out;
}

}  // namespace sextant::api
