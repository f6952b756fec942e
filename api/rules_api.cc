#include "api/rules_api.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <set>

#include <openssl/sha.h>

#include "api/envelope.h"
#include "api/json_output.h"
#include "model/timestamp.h"
#include "rules/alerting_rule.h"
#include "rules/manager.h"
#include "rules/notifier/notifier.h"
#include "util/strings.h"

namespace sextant::api {
namespace {

ApiResult Ok(const std::string& data) { return {200, SuccessBody(data)}; }

ApiResult BadParam(std::string_view name, std::string_view message) {
  return ErrorResult(InvalidParam(name, message));
}

void AppendTime(std::string* out, absl::Time t) { AppendJsonString(out, model::FormatRfc3339(t)); }

void AppendSeconds(std::string* out, absl::Duration d) {
  AppendJsonNumber(out, absl::ToDoubleSeconds(d));
}

std::string NextToken(std::string_view file, std::string_view group) {
  const std::string key = util::StrCat(file, ";", group);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : digest) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

void AppendAlerts(std::string* out, const std::vector<rules::Alert>& alerts) {
  out->push_back('[');
  for (size_t i = 0; i < alerts.size(); ++i) {
    const rules::Alert& a = alerts[i];
    if (i > 0) out->push_back(',');
    out->append("{\"labels\":");
    AppendLabelsObject(out, a.labels);
    out->append(",\"annotations\":");
    AppendLabelsObject(out, a.annotations);
    out->append(",\"state\":");
    AppendJsonString(out, rules::AlertStateName(a.state));
    out->append(",\"activeAt\":");
    AppendTime(out, a.active_at);
    if (!rules::IsZeroTime(a.keep_firing_since)) {
      out->append(",\"keepFiringSince\":");
      AppendTime(out, a.keep_firing_since);
    }
    out->append(",\"value\":");
    AppendJsonString(out, FormatFloatE(a.value));
    out->push_back('}');
  }
  out->push_back(']');
}

}  // namespace

std::string FormatFloatE(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  return std::string(buf, res.ptr);
}

RulesApi::RulesApi(const rules::RuleManager* manager, const rules::Notifier* notifier)
    : manager_(manager), notifier_(notifier) {}

ApiResult RulesApi::Rules(const Params& p) const {
  auto set_of = [&p](std::string_view name) {
    std::vector<std::string> v = ParamAll(p, name);
    return std::set<std::string>(v.begin(), v.end());
  };
  const std::set<std::string> names = set_of("rule_name[]");
  const std::set<std::string> groups_wanted = set_of("rule_group[]");
  const std::set<std::string> files = set_of("file[]");
  absl::StatusOr<std::vector<std::vector<model::Matcher>>> matcher_sets = MatcherSets(p);
  if (!matcher_sets.ok()) return ErrorResult(matcher_sets.status());

  std::string type = util::AsciiLower(Param(p, "type").value_or(""));
  if (!type.empty() && type != "alert" && type != "record") {
    return BadParam("type", util::StrCat("not supported value \"", type, "\""));
  }
  const bool want_alerting = type.empty() || type == "alert";
  const bool want_recording = type.empty() || type == "record";

  bool exclude_alerts = false;
  if (std::string ex = util::AsciiLower(Param(p, "exclude_alerts").value_or("")); !ex.empty()) {
    std::optional<bool> b = ParseGoBool(ex);
    if (!b.has_value()) {
      return BadParam("exclude_alerts",
                      util::StrCat("error converting exclude_alerts: strconv.ParseBool: parsing \"",
                                   ex, "\": invalid syntax"));
    }
    exclude_alerts = *b;
  }

  int64_t max_groups = -1;
  const std::string next_token(Param(p, "group_next_token").value_or(""));
  const std::string limit_text(Param(p, "group_limit").value_or(""));
  if (!next_token.empty() && limit_text.empty()) {
    return BadParam("group_next_token",
                    "group_limit needs to be present in order to paginate over the groups");
  }
  if (!limit_text.empty()) {
    int64_t v = 0;
    const char* begin = limit_text.data();
    const char* end = begin + limit_text.size();
    // strconv.ParseInt takes a '+' sign too, which from_chars does not.
    if (limit_text.size() > 1 && limit_text[0] == '+' &&
        std::isdigit(static_cast<unsigned char>(limit_text[1])))
      ++begin;
    auto [ptr, ec] = std::from_chars(begin, end, v);
    if (ec != std::errc() || ptr != end || v > INT32_MAX || v < INT32_MIN) {
      return BadParam(
          "group_limit",
          util::StrCat("group_limit needs to be a valid number: strconv.ParseInt: "
                       "parsing \"",
                       limit_text, "\": ",
                       ec == std::errc::result_out_of_range || v > INT32_MAX || v < INT32_MIN
                           ? "value out of range"
                           : "invalid syntax"));
    }
    if (v <= 0) return BadParam("group_limit", "group_limit needs to be greater than 0");
    max_groups = v;
  }

  std::string data = "{\"groups\":[";
  std::string group_next;
  bool found_token = false;
  int64_t emitted = 0;
  std::vector<std::shared_ptr<rules::Group>> groups;
  if (manager_ != nullptr) groups = manager_->RuleGroups();
  for (const std::shared_ptr<rules::Group>& g : groups) {
    if (max_groups > 0 && !next_token.empty() && !found_token) {
      if (next_token != NextToken(g->file(), g->name())) continue;
      found_token = true;
    }
    if (!groups_wanted.empty() && !groups_wanted.contains(g->name())) continue;
    if (!files.empty() && !files.contains(g->file())) continue;

    std::string rules_json;
    int n = 0;
    for (const std::unique_ptr<rules::Rule>& r : g->rules()) {
      if (!matcher_sets->empty()) {
        bool any = false;
        for (const auto& ms : *matcher_sets) any = any || tsdb::MatchesAll(r->labels(), ms);
        if (!any) continue;
      }
      if (!names.empty() && !names.contains(r->name())) continue;
      const bool alerting = r->kind() == rules::Rule::Kind::kAlerting;
      if (alerting ? !want_alerting : !want_recording) continue;
      const rules::RuleStatus st = r->status();
      if (n++ > 0) rules_json.push_back(',');
      rules_json.push_back('{');
      if (alerting) {
        const auto& ar = static_cast<const rules::AlertingRule&>(*r);
        rules_json.append("\"state\":");
        AppendJsonString(&rules_json, rules::AlertStateName(ar.State()));
        rules_json.push_back(',');
      }
      rules_json.append("\"name\":");
      AppendJsonString(&rules_json, r->name());
      rules_json.append(",\"query\":");
      AppendJsonString(&rules_json, r->query());
      if (alerting) {
        const auto& ar = static_cast<const rules::AlertingRule&>(*r);
        rules_json.append(",\"duration\":");
        AppendSeconds(&rules_json, ar.hold_duration());
        rules_json.append(",\"keepFiringFor\":");
        AppendSeconds(&rules_json, ar.keep_firing_for());
      }
      rules_json.append(",\"labels\":");
      AppendLabelsObject(&rules_json, r->labels());
      if (alerting) {
        const auto& ar = static_cast<const rules::AlertingRule&>(*r);
        rules_json.append(",\"annotations\":");
        AppendLabelsObject(&rules_json, ar.annotations());
        rules_json.append(",\"alerts\":");
        if (exclude_alerts) {
          rules_json.append("null");
        } else {
          AppendAlerts(&rules_json, ar.ActiveAlerts());
        }
      }
      rules_json.append(",\"health\":");
      AppendJsonString(&rules_json, rules::RuleHealthName(st.health));
      if (!st.last_error.empty()) {
        rules_json.append(",\"lastError\":");
        AppendJsonString(&rules_json, st.last_error);
      }
      rules_json.append(",\"evaluationTime\":");
      AppendSeconds(&rules_json, st.evaluation_time);
      rules_json.append(",\"lastEvaluation\":");
      AppendTime(&rules_json, st.last_evaluation);
      rules_json.append(alerting ? ",\"type\":\"alerting\"}" : ",\"type\":\"recording\"}");
    }
    if (n == 0) continue;
    if (max_groups > 0 && emitted == max_groups) {
      group_next = NextToken(g->file(), g->name());
      break;
    }
    if (emitted++ > 0) data.push_back(',');
    data.append("{\"name\":");
    AppendJsonString(&data, g->name());
    data.append(",\"file\":");
    AppendJsonString(&data, g->file());
    data.append(",\"rules\":[");
    data.append(rules_json);
    data.append("],\"interval\":");
    AppendSeconds(&data, g->interval());
    util::StrAppend(&data, ",\"limit\":", g->limit(), ",\"evaluationTime\":");
    AppendSeconds(&data, g->evaluation_time());
    data.append(",\"lastEvaluation\":");
    AppendTime(&data, g->last_evaluation());
    data.push_back('}');
  }
  if (max_groups > 0 && !next_token.empty() && !found_token) {
    return BadParam("group_next_token", util::StrCat("invalid group_next_token '", next_token,
                                                     "'. were rule groups changed?"));
  }
  data.push_back(']');
  if (!group_next.empty()) {
    data.append(",\"groupNextToken\":");
    AppendJsonString(&data, group_next);
  }
  data.push_back('}');
  return Ok(data);
}

ApiResult RulesApi::Alerts(const Params&) const {
  std::vector<rules::Alert> all;
  if (manager_ != nullptr) {
    for (const std::shared_ptr<rules::Group>& g : manager_->RuleGroups()) {
      for (const std::unique_ptr<rules::Rule>& r : g->rules()) {
        if (r->kind() != rules::Rule::Kind::kAlerting) continue;
        std::vector<rules::Alert> a = static_cast<const rules::AlertingRule&>(*r).ActiveAlerts();
        all.insert(all.end(), std::make_move_iterator(a.begin()), std::make_move_iterator(a.end()));
      }
    }
  }
  std::string data = "{\"alerts\":";
  AppendAlerts(&data, all);
  data.push_back('}');
  return Ok(data);
}

ApiResult RulesApi::Alertmanagers(const Params&) const {
  auto list = [](std::string* out, const std::vector<rules::AlertmanagerStatus>& ams) {
    out->push_back('[');
    for (size_t i = 0; i < ams.size(); ++i) {
      if (i > 0) out->push_back(',');
      out->append("{\"url\":");
      AppendJsonString(out, ams[i].url);
      out->push_back('}');
    }
    out->push_back(']');
  };
  std::string data = "{\"activeAlertmanagers\":";
  list(&data, notifier_ != nullptr ? notifier_->ActiveAlertmanagers()
                                   : std::vector<rules::AlertmanagerStatus>{});
  data.append(",\"droppedAlertmanagers\":");
  list(&data, notifier_ != nullptr ? notifier_->DroppedAlertmanagers()
                                   : std::vector<rules::AlertmanagerStatus>{});
  data.push_back('}');
  return Ok(data);
}

}  // namespace sextant::api
