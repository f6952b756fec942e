#include "api/features.h"

#include <map>
#include <string_view>

#include "promql/ast.h"
#include "rules/template/funcs.h"
#include "util/go_format.h"

namespace sextant::api {
namespace {

using Category = std::map<std::string, bool, std::less<>>;

// Prometheus 3.x's PromQL functions that Sextant does not implement; all are experimental in
// Prometheus (reported false there too unless --enable-feature=promql-experimental-functions).
constexpr std::string_view kMissingFunctions[] = {
    "double_exponential_smoothing",
    "end",
    "first_over_time",
    "histogram_quantiles",
    "info",
    "mad_over_time",
    "max_of",
    "min_of",
    "range",
    "sort_by_label",
    "sort_by_label_desc",
    "start",
    "start_timestamp",
    "step",
    "ts_of_first_over_time",
    "ts_of_last_over_time",
    "ts_of_max_over_time",
    "ts_of_min_over_time",
};

void Set(Category& c, std::initializer_list<std::string_view> names, bool value) {
  for (std::string_view n : names) c[std::string(n)] = value;
}

}  // namespace

std::string FeaturesJson(const FeatureOptions& options) {
  std::map<std::string, Category, std::less<>> f;

  Category& api = f["api"];
  api["admin"] = options.admin;
  api["lifecycle"] = options.lifecycle;
  api["remote_write_receiver"] = options.remote_write_receiver;
  Set(api,
      {"exclude_alerts", "label_values_match", "query_stats", "query_warnings", "time_range_labels",
       "time_range_series"},
      true);
  Set(api, {"openapi_3.1", "openapi_3.2", "otlp_write_receiver", "search"}, false);

  Set(f["otlp_receiver"], {"delta_conversion", "native_delta_ingestion"}, false);
  Set(f["prometheus"], {"server_mode"}, true);
  Set(f["prometheus"], {"agent_mode", "auto_reload_config"}, false);

  Category& promql = f["promql"];
  // The parser's keywords, then the engine's and parser's optional features.
  Set(promql, {"bool", "by", "group_left", "group_right", "ignoring", "offset", "on", "without"},
      true);
  Set(promql, {"anchored", "smoothed", "fill", "fill_left", "fill_right"}, false);
  Set(promql, {"at_modifier", "negative_offset", "per_query_lookback_delta", "subqueries"}, true);
  Set(promql, {"delayed_name_removal", "duration_expr", "per_step_stats", "type_and_unit_labels"},
      false);

  Category& operators = f["promql_operators"];
  Set(operators,
      {"+", "-", "*", "/", "%", "^", "==", "!=", ">", "<", ">=", "<=", "=~", "!~", "@", "and", "or",
       "unless", "atan2"},
      true);
  Set(operators, {"</", ">/"}, false);  // Prometheus's experimental trim operators
  for (int op = static_cast<int>(promql::AggregateOp::kSum);
       op <= static_cast<int>(promql::AggregateOp::kQuantile); ++op) {
    operators[std::string(promql::AggregateOpString(static_cast<promql::AggregateOp>(op)))] = true;
  }
  Set(operators, {"limitk", "limit_ratio"}, false);

  Category& functions = f["promql_functions"];
  for (const promql::Function& fn : promql::AllFunctions()) functions[std::string(fn.name)] = true;
  for (std::string_view name : kMissingFunctions) functions.try_emplace(std::string(name), false);

  Set(f["rules"], {"keep_firing_for", "query_offset"}, true);
  Set(f["rules"], {"concurrent_rule_eval"}, false);
  Set(f["scrape"],
      {"extra_scrape_metrics", "start_timestamp_zero_ingestion", "type_and_unit_labels"}, false);
  Set(f["service_discovery_providers"], {"dns", "file", "http", "kubernetes"}, true);

  Category& templating = f["templating_functions"];
  for (const rules::tmpl::FuncDef& fn : rules::tmpl::PrometheusFunctions()) {
    templating[std::string(fn.name)] = true;
  }

  Set(f["tsdb"],
      {"delayed_compaction", "exemplar_storage", "histograms_st_encoding", "isolation",
       "metadata_wal_records", "native_histograms", "st_storage", "use_uncached_io",
       "xor2_encoding"},
      false);
  Set(f["ui"], {"ui_v3"}, true);
  Set(f["ui"], {"ui_v2"}, false);

  std::string out = "{";
  bool first_category = true;
  for (const auto& [category, names] : f) {
    if (!first_category) out.push_back(',');
    first_category = false;
    out.append(util::QuoteJson(category));
    out.append(":{");
    bool first = true;
    for (const auto& [name, enabled] : names) {
      if (!first) out.push_back(',');
      first = false;
      out.append(util::QuoteJson(name));
      out.append(enabled ? ":true" : ":false");
    }
    out.push_back('}');
  }
  out.push_back('}');
  return out;
}

}  // namespace sextant::api
