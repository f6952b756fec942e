#include "api/rules_api.h"

#include <algorithm>
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
#include "util/status_macros.h"
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

namespace {

// What a /api/v1/rules request asks for.
struct RulesRequest {
  std::set<std::string> names;                            // rule_name[]
  std::set<std::string> groups;                           // rule_group[]
  std::set<std::string> files;                            // file[]
  std::vector<std::vector<model::Matcher>> matcher_sets;  // match[], on the rules' labels
  bool want_alerting = true;
  bool want_recording = true;
  bool exclude_alerts = false;
  int64_t max_groups = -1;  // group_limit; -1 when absent
  std::string next_token;   // group_next_token

  bool Wants(const rules::Rule& r) const {
    if (!matcher_sets.empty() &&
        std::none_of(matcher_sets.begin(), matcher_sets.end(),
                     [&](const auto& ms) { return tsdb::MatchesAll(r.labels(), ms); })) {
      return false;
    }
    if (!names.empty() && !names.contains(r.name())) return false;
    return r.kind() == rules::Rule::Kind::kAlerting ? want_alerting : want_recording;
  }
};

// group_limit as strconv.ParseInt(s, 10, 32), with Prometheus's messages.
absl::StatusOr<int64_t> ParseGroupLimit(const std::string& text) {
  int64_t v = 0;
  const char* begin = text.data();
  const char* end = begin + text.size();
  // strconv.ParseInt takes a '+' sign too, which from_chars does not.
  if (text.size() > 1 && text[0] == '+' && std::isdigit(static_cast<unsigned char>(text[1]))) {
    ++begin;
  }
  auto [ptr, ec] = std::from_chars(begin, end, v);
  if (ec != std::errc() || ptr != end || v > INT32_MAX || v < INT32_MIN) {
    const bool range = ec == std::errc::result_out_of_range || v > INT32_MAX || v < INT32_MIN;
    return InvalidParam(
        "group_limit", util::StrCat("group_limit needs to be a valid number: strconv.ParseInt: "
                                    "parsing \"",
                                    text, "\": ", range ? "value out of range" : "invalid syntax"));
  }
  if (v <= 0) return InvalidParam("group_limit", "group_limit needs to be greater than 0");
  return v;
}

absl::StatusOr<RulesRequest> ParseRulesRequest(const Params& p) {
  RulesRequest r;
  auto set_of = [&p](std::string_view name) {
    std::vector<std::string> v = ParamAll(p, name);
    return std::set<std::string>(v.begin(), v.end());
  };
  r.names = set_of("rule_name[]");
  r.groups = set_of("rule_group[]");
  r.files = set_of("file[]");
  ASSIGN_OR_RETURN(r.matcher_sets, MatcherSets(p));

  const std::string type = util::AsciiLower(Param(p, "type").value_or(""));
  if (!type.empty() && type != "alert" && type != "record") {
    return InvalidParam("type", util::StrCat("not supported value \"", type, "\""));
  }
  r.want_alerting = type.empty() || type == "alert";
  r.want_recording = type.empty() || type == "record";

  if (std::string ex = util::AsciiLower(Param(p, "exclude_alerts").value_or("")); !ex.empty()) {
    std::optional<bool> b = ParseGoBool(ex);
    if (!b.has_value()) {
      return InvalidParam("exclude_alerts",
                          util::StrCat("error converting exclude_alerts: strconv.ParseBool: "
                                       "parsing \"",
                                       ex, "\": invalid syntax"));
    }
    r.exclude_alerts = *b;
  }

  r.next_token = std::string(Param(p, "group_next_token").value_or(""));
  const std::string limit_text(Param(p, "group_limit").value_or(""));
  if (!r.next_token.empty() && limit_text.empty()) {
    return InvalidParam("group_next_token",
                        "group_limit needs to be present in order to paginate over the groups");
  }
  if (!limit_text.empty()) {
    ASSIGN_OR_RETURN(r.max_groups, ParseGroupLimit(limit_text));
  }
  return r;
}

// One rule as Prometheus's AlertingRule or RecordingRule JSON.
void AppendRule(std::string* out, const rules::Rule& r, bool exclude_alerts) {
  const auto* ar = r.kind() == rules::Rule::Kind::kAlerting
                       ? static_cast<const rules::AlertingRule*>(&r)
                       : nullptr;
  const rules::RuleStatus st = r.status();
  out->push_back('{');
  if (ar != nullptr) {
    out->append("\"state\":");
    AppendJsonString(out, rules::AlertStateName(ar->State()));
    out->push_back(',');
  }
  out->append("\"name\":");
  AppendJsonString(out, r.name());
  out->append(",\"query\":");
  AppendJsonString(out, r.query());
  if (ar != nullptr) {
    out->append(",\"duration\":");
    AppendSeconds(out, ar->hold_duration());
    out->append(",\"keepFiringFor\":");
    AppendSeconds(out, ar->keep_firing_for());
  }
  out->append(",\"labels\":");
  AppendLabelsObject(out, r.labels());
  if (ar != nullptr) {
    out->append(",\"annotations\":");
    AppendLabelsObject(out, ar->annotations());
    out->append(",\"alerts\":");
    if (exclude_alerts) {
      out->append("null");
    } else {
      AppendAlerts(out, ar->ActiveAlerts());
    }
  }
  out->append(",\"health\":");
  AppendJsonString(out, rules::RuleHealthName(st.health));
  if (!st.last_error.empty()) {
    out->append(",\"lastError\":");
    AppendJsonString(out, st.last_error);
  }
  out->append(",\"evaluationTime\":");
  AppendSeconds(out, st.evaluation_time);
  out->append(",\"lastEvaluation\":");
  AppendTime(out, st.last_evaluation);
  out->append(ar != nullptr ? ",\"type\":\"alerting\"}" : ",\"type\":\"recording\"}");
}

}  // namespace

ApiResult RulesApi::Rules(const Params& p) const {
  absl::StatusOr<RulesRequest> req = ParseRulesRequest(p);
  if (!req.ok()) return ErrorResult(req.status());
  const bool paginated = req->max_groups > 0;

  std::string data = "{\"groups\":[";
  std::string group_next;
  bool found_token = false;
  int64_t emitted = 0;
  std::vector<std::shared_ptr<rules::Group>> groups;
  if (manager_ != nullptr) groups = manager_->RuleGroups();
  for (const std::shared_ptr<rules::Group>& g : groups) {
    if (paginated && !req->next_token.empty() && !found_token) {
      if (req->next_token != NextToken(g->file(), g->name())) continue;
      found_token = true;
    }
    if (!req->groups.empty() && !req->groups.contains(g->name())) continue;
    if (!req->files.empty() && !req->files.contains(g->file())) continue;

    std::string rules_json;
    for (const std::unique_ptr<rules::Rule>& r : g->rules()) {
      if (!req->Wants(*r)) continue;
      if (!rules_json.empty()) rules_json.push_back(',');
      AppendRule(&rules_json, *r, req->exclude_alerts);
    }
    if (rules_json.empty()) continue;  // a group none of whose rules is wanted is left out
    if (paginated && emitted == req->max_groups) {
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
  if (paginated && !req->next_token.empty() && !found_token) {
    return BadParam("group_next_token", util::StrCat("invalid group_next_token '", req->next_token,
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
