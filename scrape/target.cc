#include "scrape/target.h"

#include <algorithm>
#include <map>

#include "model/duration.h"
#include "scrape/relabel.h"
#include "util/strings.h"
#include "xxhash.h"

namespace sextant::scrape {
namespace {

constexpr std::string_view kAddress = "__address__";
constexpr std::string_view kScheme = "__scheme__";
constexpr std::string_view kMetricsPath = "__metrics_path__";
constexpr std::string_view kInterval = "__scrape_interval__";
constexpr std::string_view kTimeout = "__scrape_timeout__";
constexpr std::string_view kParamPrefix = "__param_";
constexpr std::string_view kMetaPrefix = "__meta_";

// Go's url.QueryEscape.
std::string QueryEscape(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(c);
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 15]);
    }
  }
  return out;
}

std::string ScrapeUrl(const config::ScrapeConfig& cfg, const model::Labels& labels) {
  std::map<std::string, std::vector<std::string>> params(cfg.params.begin(), cfg.params.end());
  for (const model::Label& l : labels) {
    if (!l.name.starts_with(kParamPrefix)) continue;
    std::vector<std::string>& v = params[std::string(l.name.substr(kParamPrefix.size()))];
    if (v.empty()) {
      v.emplace_back(l.value);
    } else {
      v[0] = std::string(l.value);
    }
  }
  std::string url = util::StrCat(labels.Get(kScheme), "://", labels.Get(kAddress));
  const std::string_view path = labels.Get(kMetricsPath);
  if (!path.empty() && path.front() != '/') url.push_back('/');
  url.append(path);
  bool first = true;
  for (const auto& [key, values] : params) {
    for (const std::string& v : values) {
      util::StrAppend(&url, first ? "?" : "&", QueryEscape(key), "=", QueryEscape(v));
      first = false;
    }
  }
  return url;
}

}  // namespace

model::Labels Target::PublicLabels() const {
  model::LabelsBuilder b(labels);
  for (const model::Label& l : labels) {
    if (l.name.starts_with("__")) b.Del(l.name);
  }
  return b.Build();
}

uint64_t Target::Hash() const {
  const std::string_view bytes = labels.bytes();
  return XXH3_64bits(bytes.data(), bytes.size());
}

absl::StatusOr<std::optional<Target>> MakeTarget(const config::ScrapeConfig& cfg,
                                                 const model::Labels& target_labels,
                                                 const model::Labels& group_labels,
                                                 model::Labels* discovered) {
  model::LabelsBuilder b(target_labels);
  for (const model::Label& l : group_labels) {
    if (!target_labels.Has(l.name)) b.Set(l.name, l.value);
  }
  const std::string interval = model::DurationToString(cfg.scrape_interval);
  const std::string timeout = model::DurationToString(cfg.scrape_timeout);
  const std::pair<std::string_view, std::string_view> defaults[] = {
      {"job", cfg.job_name},
      {kInterval, interval},
      {kTimeout, timeout},
      {kMetricsPath, cfg.metrics_path},
      {kScheme, cfg.scheme}};
  for (const auto& [name, value] : defaults) {
    if (b.Get(name).empty()) b.Set(name, value);
  }
  for (const auto& [name, values] : cfg.params) {
    const std::string label = util::StrCat(kParamPrefix, name);
    if (!values.empty() && b.Get(label).empty()) b.Set(label, values.front());
  }
  *discovered = b.Build();

  std::optional<model::Labels> relabelled = Relabel(*discovered, cfg.relabel_configs);
  if (!relabelled) return std::optional<Target>();
  model::LabelsBuilder out(*relabelled);
  const std::string address(out.Get(kAddress));
  if (address.empty()) return absl::InvalidArgumentError("no address");
  if (address.find('/') != std::string::npos) {
    return absl::InvalidArgumentError(util::StrCat("\"", address, "\" is not a valid hostname"));
  }
  const std::string interval_text(out.Get(kInterval));
  absl::StatusOr<absl::Duration> iv = model::ParseDuration(interval_text);
  if (!iv.ok()) {
    return absl::InvalidArgumentError(
        util::StrCat("error parsing scrape interval: ", util::FromAbsl(iv.status().message())));
  }
  if (*iv == absl::ZeroDuration()) return absl::InvalidArgumentError("scrape interval cannot be 0");
  const std::string timeout_text(out.Get(kTimeout));
  absl::StatusOr<absl::Duration> to = model::ParseDuration(timeout_text);
  if (!to.ok()) {
    return absl::InvalidArgumentError(
        util::StrCat("error parsing scrape timeout: ", util::FromAbsl(to.status().message())));
  }
  if (*to == absl::ZeroDuration()) return absl::InvalidArgumentError("scrape timeout cannot be 0");
  if (*to > *iv) {
    return absl::InvalidArgumentError(
        util::StrCat("scrape timeout cannot be greater than scrape interval (\"", timeout_text,
                     "\" > \"", interval_text, "\")"));
  }
  for (const model::Label& l : *relabelled) {
    if (l.name.starts_with(kMetaPrefix)) out.Del(l.name);
  }
  if (out.Get("instance").empty()) out.Set("instance", address);

  Target t;
  t.discovered = *discovered;
  t.labels = out.Build();
  t.url = ScrapeUrl(cfg, t.labels);
  t.interval = *iv;
  t.timeout = *to;
  return std::optional<Target>(std::move(t));
}

PoolTargets MakeTargets(const config::ScrapeConfig& cfg,
                        const std::vector<discovery::TargetGroup>& groups) {
  PoolTargets out;
  for (const discovery::TargetGroup& g : groups) {
    for (const model::Labels& own : g.targets) {
      model::Labels discovered;
      absl::StatusOr<std::optional<Target>> t = MakeTarget(cfg, own, g.labels, &discovered);
      if (!t.ok()) {
        out.errors.push_back(util::StrCat("instance ", own.Get(kAddress), ": ",
                                          util::FromAbsl(t.status().message())));
      } else if (!t->has_value()) {
        out.dropped.push_back(DroppedTarget{std::move(discovered)});
      } else {
        out.active.push_back(**std::move(t));
      }
    }
  }
  std::sort(out.active.begin(), out.active.end(),
            [](const Target& a, const Target& b) { return a.labels < b.labels; });
  out.active.erase(
      std::unique(out.active.begin(), out.active.end(),
                  [](const Target& a, const Target& b) { return a.labels == b.labels; }),
      out.active.end());
  return out;
}

PoolTargets MakeTargets(const config::ScrapeConfig& cfg,
                        const std::vector<config::TargetGroup>& groups) {
  std::vector<discovery::TargetGroup> converted;
  converted.reserve(groups.size());
  for (size_t i = 0; i < groups.size(); ++i) {
    converted.push_back(discovery::FromConfig(groups[i], std::to_string(i)));
  }
  return MakeTargets(cfg, converted);
}

}  // namespace sextant::scrape
