#include "discovery/http/http_provider.h"

#include <cctype>
#include <cmath>

#include "discovery/metrics.h"
#include "model/label_names.h"
#include "nlohmann/json.hpp"
#include "scrape/http_client.h"
#include "util/build_info.h"
#include "util/go_format.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace sextant::discovery {
namespace {

using util::StrCat;

constexpr std::string_view kUrlLabel = "__meta_url";

std::string Source(const std::string& url, size_t index) { return StrCat(url, ":", index); }

// Go's strconv.FormatFloat(seconds, 'f', -1, 64), as Prometheus sends the refresh interval.
std::string Seconds(absl::Duration d) {
  const double s = absl::ToDoubleSeconds(d);
  if (s == std::floor(s) && std::fabs(s) < 1e15) return StrCat(static_cast<int64_t>(s));
  return util::FormatFloatGo(s);
}

absl::Status JsonError(std::string_view message) {
  return absl::InvalidArgumentError(StrCat("json: ", message));
}

absl::StatusOr<TargetGroup> ParseGroup(const nlohmann::json& item) {
  if (item.is_null()) return absl::InvalidArgumentError("nil target group item found");
  if (!item.is_object()) {
    return JsonError(StrCat("cannot unmarshal ", item.type_name(), " into a target group"));
  }
  TargetGroup group;
  std::vector<std::pair<std::string, std::string>> labels;
  for (const auto& [key, value] : item.items()) {
    if (key == "targets") {
      if (value.is_null()) continue;
      if (!value.is_array()) {
        return JsonError(StrCat("cannot unmarshal ", value.type_name(), " into targets"));
      }
      for (const nlohmann::json& t : value) {
        if (!t.is_string()) {
          return JsonError(StrCat("cannot unmarshal ", t.type_name(), " into a target"));
        }
        group.targets.push_back(model::Labels::FromPairs({{"__address__", t.get<std::string>()}}));
      }
    } else if (key == "labels") {
      if (value.is_null()) continue;
      if (!value.is_object()) {
        return JsonError(StrCat("cannot unmarshal ", value.type_name(), " into labels"));
      }
      for (const auto& [name, v] : value.items()) {
        if (!v.is_string()) {
          return JsonError(StrCat("cannot unmarshal ", v.type_name(), " into a label value"));
        }
        if (!model::IsValidLabelName(name)) {
          return absl::InvalidArgumentError(
              StrCat(util::QuoteGo(name), " is not a valid label name"));
        }
        labels.emplace_back(name, v.get<std::string>());
      }
    } else {
      return JsonError(StrCat("unknown field ", util::QuoteGo(key)));
    }
  }
  group.labels = model::Labels::FromPairs(labels);
  return group;
}

}  // namespace

bool IsHttpSdContentType(std::string_view content_type) {
  const auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!content_type.empty() && space(content_type.front())) content_type.remove_prefix(1);
  while (!content_type.empty() && space(content_type.back())) content_type.remove_suffix(1);
  std::string lower = util::AsciiLower(content_type);
  constexpr std::string_view kType = "application/json";
  if (!lower.starts_with(kType)) return false;
  std::string_view rest = std::string_view(lower).substr(kType.size());
  if (rest.empty()) return true;
  if (rest.front() != ';') return false;
  rest.remove_prefix(1);
  while (!rest.empty() && space(rest.front())) rest.remove_prefix(1);
  return rest == "charset=utf-8" || rest == "charset=\"utf-8\"";
}

absl::StatusOr<std::vector<TargetGroup>> ParseHttpSdResponse(std::string_view body,
                                                             const std::string& url) {
  nlohmann::json root;
  try {
    root = nlohmann::json::parse(body);
  } catch (const nlohmann::json::exception& e) {
    return JsonError(e.what());
  }
  std::vector<TargetGroup> groups;
  if (root.is_null()) return groups;
  if (!root.is_array()) {
    return JsonError(
        StrCat("cannot unmarshal ", root.type_name(), " into a list of target groups"));
  }
  for (const nlohmann::json& item : root) {
    absl::StatusOr<TargetGroup> group = ParseGroup(item);
    if (!group.ok()) return group.status();
    // The URL label wins over a label of that name in the response, as in Prometheus.
    std::vector<std::pair<std::string, std::string>> labels;
    for (const auto& l : group->labels) {
      if (l.name != kUrlLabel) labels.emplace_back(std::string(l.name), std::string(l.value));
    }
    labels.emplace_back(kUrlLabel, url);
    group->labels = model::Labels::FromPairs(labels);
    group->source = Source(url, groups.size());
    groups.push_back(*std::move(group));
  }
  return groups;
}

HttpProvider::HttpProvider(config::HttpSdConfig cfg, size_t index)
    : RefreshProvider(StrCat("http/", index), cfg.refresh_interval), cfg_(std::move(cfg)) {
  // The client is for scheme://host[:port]; requests carry the path and query.
  const size_t authority = cfg_.url.find("://");
  const size_t path = authority == std::string::npos ? std::string::npos
                                                     : cfg_.url.find_first_of("/?#", authority + 3);
  std::string base = cfg_.url.substr(0, path);
  path_ = path == std::string::npos ? "/" : cfg_.url.substr(path);
  if (const size_t hash = path_.find('#'); hash != std::string::npos) path_.resize(hash);
  if (path_.empty() || path_[0] != '/') path_.insert(0, "/");
  // Userinfo is not part of the address (httplib would take it for the host).
  if (const size_t at = base.rfind('@');
      at != std::string::npos && authority != std::string::npos) {
    base.erase(authority + 3, at - authority - 2);
  }
  client_ = std::make_unique<scrape::HttpClient>(base, cfg_.http);
  client_->SetTimeout(cfg_.refresh_interval);
  // A connection per refresh: refreshes are far apart, and a kept connection the server has
  // closed meanwhile would fail the next refresh.
  client_->client().set_keep_alive(false);
}

HttpProvider::~HttpProvider() { Stop(); }

void HttpProvider::Interrupt() { client_->client().stop(); }

absl::StatusOr<std::vector<TargetGroup>> HttpProvider::Fetch() {
  absl::StatusOr<std::vector<TargetGroup>> groups = FetchOnce();
  if (!groups.ok()) {
    GlobalSdMetrics().http_failures.Inc();
    return absl::Status(groups.status().code(),
                        StrCat("http_sd ", cfg_.url, ": ", groups.status().message()));
  }
  // Sources that disappeared are sent as empty groups, so that consumers drop their targets.
  const size_t length = groups->size();
  for (size_t i = length; i < last_length_; ++i) {
    TargetGroup empty;
    empty.source = Source(cfg_.url, i);
    groups->push_back(std::move(empty));
  }
  last_length_ = length;
  return groups;
}

absl::StatusOr<std::vector<TargetGroup>> HttpProvider::FetchOnce() {
  RETURN_IF_ERROR(client_->init_status());
  httplib::Headers headers = {
      {"Accept", "application/json"},
      {"User-Agent", StrCat("Sextant/", util::GetBuildInfo().version)},
      {"X-Prometheus-Refresh-Interval-Seconds", Seconds(cfg_.refresh_interval)},
  };
  RETURN_IF_ERROR(client_->PrepareRequest(&headers));
  if (stopping()) return absl::CancelledError("stopping");
  httplib::Result res = client_->client().Get(path_.c_str(), headers);
  if (!res) {
    return absl::UnavailableError(
        StrCat("Get ", util::QuoteGo(cfg_.url), ": ", client_->ErrorText(res.error())));
  }
  if (res->status != 200) {
    return absl::UnavailableError(StrCat("server returned HTTP status ", res->status, " ",
                                         scrape::HttpStatusText(res->status)));
  }
  const std::string content_type = res->get_header_value("Content-Type");
  if (!IsHttpSdContentType(content_type)) {
    return absl::InvalidArgumentError(
        StrCat("unsupported content type ", util::QuoteGo(content_type)));
  }
  return ParseHttpSdResponse(res->body, cfg_.url);
}

}  // namespace sextant::discovery
