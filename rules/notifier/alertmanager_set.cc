#include "rules/notifier/alertmanager_set.h"

#include <fstream>
#include <map>
#include <set>

#include <httplib.h>

#include "scrape/http_client.h"
#include "scrape/relabel.h"
#include "util/log.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace sextant::rules {
namespace {

const util::Logger kLog("notifier");

constexpr std::string_view kAddress = "__address__";
constexpr std::string_view kScheme = "__scheme__";
constexpr std::string_view kAlertsPath = "__alerts_path__";

// Go's path.Clean of a rooted path.
std::string CleanRooted(std::string_view p) {
  std::vector<std::string_view> parts;
  for (std::string_view part : util::StrSplit(p, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
      continue;
    }
    parts.push_back(part);
  }
  std::string out;
  for (std::string_view part : parts) util::StrAppend(&out, "/", part);
  return out.empty() ? "/" : out;
}

absl::Status CheckReadable(std::string_view what, const std::string& path) {
  if (path.empty()) return absl::OkStatus();
  std::ifstream in(path);
  if (!in) {
    return absl::InvalidArgumentError(
        util::StrCat("unable to load specified ", what, " \"", path, "\""));
  }
  return absl::OkStatus();
}

}  // namespace

std::string AlertsPath(std::string_view path_prefix) {
  return CleanRooted(util::StrCat("/", path_prefix, "/api/v2/alerts"));
}

std::string AlertmanagerUrl(const model::Labels& labels) {
  const std::string_view path = labels.Get(kAlertsPath);
  const std::string_view host = labels.Get(kAddress);
  std::string url = util::StrCat(labels.Get(kScheme), "://", host);
  if (!path.empty() && path.front() != '/' && !host.empty()) url.push_back('/');
  url.append(path);
  return url;
}

absl::StatusOr<GroupAlertmanagers> AlertmanagersFromGroup(const discovery::TargetGroup& group,
                                                          const config::AlertmanagerConfig& cfg) {
  GroupAlertmanagers out;
  const std::string path = AlertsPath(cfg.path_prefix);
  for (const model::Labels& target : group.targets) {
    model::LabelsBuilder b(target);
    b.Set(kScheme, cfg.scheme);
    b.Set(kAlertsPath, path);
    for (const model::Label& l : group.labels) {
      if (!target.Has(l.name)) b.Set(l.name, l.value);
    }
    const model::Labels before = b.Build();
    std::optional<model::Labels> after = scrape::Relabel(before, cfg.relabel_configs);
    if (!after) {
      out.dropped.push_back(before);
      continue;
    }
    const std::string_view address = after->Get(kAddress);
    if (address.find('/') != std::string_view::npos) {
      return absl::InvalidArgumentError(util::StrCat("\"", address, "\" is not a valid hostname"));
    }
    out.active.push_back(*std::move(after));
  }
  return out;
}

absl::Status ValidateAlertmanagerConfig(const config::AlertmanagerConfig& cfg) {
  if (cfg.api_version != "v2") {
    return absl::InvalidArgumentError(util::StrCat(
        "expected Alertmanager api version to be one of [v2] but got ", cfg.api_version));
  }
  if (cfg.scheme != "http" && cfg.scheme != "https") {
    return absl::InvalidArgumentError(
        util::StrCat("unsupported scheme \"", cfg.scheme, "\" for Alertmanager"));
  }
  const config::TlsConfig& tls = cfg.http.tls_config;
  RETURN_IF_ERROR(CheckReadable("CA cert", tls.ca_file));
  RETURN_IF_ERROR(CheckReadable("client cert", tls.cert_file));
  RETURN_IF_ERROR(CheckReadable("client key", tls.key_file));
  return absl::OkStatus();
}

Alertmanager::Alertmanager(std::string url, std::string_view base_url, std::string path,
                           const config::HttpClientConfig& http)
    : url_(std::move(url)),
      path_(std::move(path)),
      client_(std::make_unique<scrape::HttpClient>(base_url, http)) {}

Alertmanager::~Alertmanager() = default;

absl::Status Alertmanager::Post(const std::string& body, absl::Duration timeout,
                                const std::string& user_agent) {
  util::MutexLock lock(&mu_);
  RETURN_IF_ERROR(client_->init_status());
  client_->SetTimeout(timeout);
  httplib::Headers headers = {{"User-Agent", user_agent}};
  RETURN_IF_ERROR(client_->PrepareRequest(&headers));
  const absl::Time deadline = absl::Now() + timeout;
  httplib::Result res = client_->client().Post(path_, headers, body, "application/json");
  if (!res) {
    client_->client().stop();  // a fresh connection next time
    if (res.error() == httplib::Error::Read || res.error() == httplib::Error::ConnectionTimeout ||
        absl::Now() >= deadline) {
      return absl::DeadlineExceededError(
          util::StrCat("Post \"", url_, "\": context deadline exceeded"));
    }
    return absl::UnavailableError(
        util::StrCat("Post \"", url_, "\": ", client_->ErrorText(res.error())));
  }
  if (res->status / 100 != 2) {
    return absl::UnavailableError(util::StrCat("bad response status ", res->status, " ",
                                               scrape::HttpStatusText(res->status)));
  }
  return absl::OkStatus();
}

AlertmanagerSet::AlertmanagerSet(config::AlertmanagerConfig cfg, std::string name,
                                 discovery::DiscoveryOptions options,
                                 std::function<void()> on_change)
    : cfg_(std::move(cfg)), name_(std::move(name)), on_change_(std::move(on_change)) {
  sd_ = std::make_unique<discovery::DiscoveryManager>(cfg_.sd, options);
  Sync(sd_->Groups());
}

AlertmanagerSet::~AlertmanagerSet() { sd_.reset(); }

void AlertmanagerSet::Start() {
  sd_->Start([this](std::vector<discovery::TargetGroup> groups) {
    Sync(groups);
    if (on_change_) on_change_();
  });
}

std::vector<std::shared_ptr<Alertmanager>> AlertmanagerSet::active() const {
  util::ReaderMutexLock lock(&mu_);
  return active_;
}

std::vector<std::string> AlertmanagerSet::dropped_urls() const {
  util::ReaderMutexLock lock(&mu_);
  return dropped_;
}

void AlertmanagerSet::Sync(const std::vector<discovery::TargetGroup>& groups) {
  std::vector<model::Labels> active;
  std::vector<std::string> dropped;
  for (const discovery::TargetGroup& g : groups) {
    absl::StatusOr<GroupAlertmanagers> ams = AlertmanagersFromGroup(g, cfg_);
    if (!ams.ok()) {
      kLog.Error("Creating discovered Alertmanagers failed",
                 {{"config", name_}, {"err", ams.status()}});
      continue;
    }
    active.insert(active.end(), ams->active.begin(), ams->active.end());
    for (const model::Labels& l : ams->dropped) dropped.push_back(AlertmanagerUrl(l));
  }
  util::MutexLock lock(&mu_);
  // Alertmanagers that stay keep their clients (and open connections).
  std::map<std::string, std::shared_ptr<Alertmanager>> previous;
  for (auto& am : active_) previous.emplace(am->url(), am);
  std::vector<std::shared_ptr<Alertmanager>> next;
  std::set<std::string> seen;
  for (const model::Labels& l : active) {
    std::string url = AlertmanagerUrl(l);
    if (!seen.insert(url).second) continue;
    if (auto it = previous.find(url); it != previous.end()) {
      next.push_back(it->second);
      continue;
    }
    const std::string base = util::StrCat(l.Get(kScheme), "://", l.Get(kAddress));
    std::string path(l.Get(kAlertsPath));
    if (path.empty() || path.front() != '/') path.insert(path.begin(), '/');
    next.push_back(
        std::make_shared<Alertmanager>(std::move(url), base, std::move(path), cfg_.http));
  }
  active_ = std::move(next);
  dropped_ = std::move(dropped);
}

}  // namespace sextant::rules
