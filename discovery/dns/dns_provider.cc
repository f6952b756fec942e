#include "discovery/dns/dns_provider.h"

#include <algorithm>
#include <cctype>

#include "discovery/metrics.h"
#include "util/log.h"
#include "util/strings.h"

namespace sextant::discovery {
namespace {

using util::StrCat;

const util::Logger kLog("discovery");

uint16_t QueryType(std::string type) {
  std::transform(type.begin(), type.end(), type.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (type == "A") return dns::kTypeA;
  if (type == "AAAA") return dns::kTypeAaaa;
  if (type == "MX") return dns::kTypeMx;
  if (type == "NS") return dns::kTypeNs;
  return dns::kTypeSrv;
}

std::string TrimDots(std::string s) {
  while (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

}  // namespace

DnsProvider::DnsProvider(config::DnsSdConfig cfg, size_t index, DnsProviderOptions options)
    : RefreshProvider(StrCat("dns/", index), cfg.refresh_interval),
      cfg_(std::move(cfg)),
      options_(std::move(options)),
      qtype_(QueryType(cfg_.type)) {}

DnsProvider::~DnsProvider() { Stop(); }

absl::StatusOr<std::vector<TargetGroup>> DnsProvider::Fetch() {
  absl::StatusOr<dns::ResolvConf> conf = Conf();
  std::vector<TargetGroup> groups;
  for (const std::string& name : cfg_.names) {
    if (stopping()) return absl::CancelledError("stopping");
    absl::StatusOr<TargetGroup> group = conf.ok() ? LookupOne(*conf, name) : conf.status();
    if (!conf.ok()) {
      // Each name's lookup fails, as each would have read the file.
      GlobalSdMetrics().dns_lookups.Inc();
      GlobalSdMetrics().dns_lookup_failures.Inc();
    }
    if (group.ok()) {
      last_[name] = *group;
      groups.push_back(*std::move(group));
      continue;
    }
    if (stopping()) return absl::CancelledError("stopping");  // not a failure worth logging
    kLog.Error("Error refreshing DNS targets",
               {{"provider", this->name()}, {"err", group.status()}});
    // As Prometheus, which sends no update for the name: its previous group stays.
    if (auto it = last_.find(name); it != last_.end()) groups.push_back(it->second);
  }
  return groups;
}

absl::StatusOr<dns::ResolvConf> DnsProvider::Conf() const {
  if (options_.server.empty()) return dns::ReadResolvConf(options_.resolv_conf);
  // The test server: its address as the only nameserver, and no search domains.
  dns::ResolvConf conf;
  const size_t colon = options_.server.rfind(':');
  std::string host = options_.server.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  conf.servers = {host};
  conf.port = options_.server.substr(colon + 1);
  return conf;
}

absl::StatusOr<TargetGroup> DnsProvider::LookupOne(const dns::ResolvConf& conf,
                                                   const std::string& name) {
  absl::StatusOr<dns::Message> reply = dns::LookupWithSearchPath(conf, name, qtype_, stop_flag());
  GlobalSdMetrics().dns_lookups.Inc();
  if (!reply.ok()) {
    GlobalSdMetrics().dns_lookup_failures.Inc();
    return reply.status();
  }
  TargetGroup group;
  group.source = name;
  for (const dns::Record& r : reply->answers) {
    std::vector<std::pair<std::string, std::string>> labels;
    std::string address;
    switch (r.type) {
      case dns::kTypeSrv:
        address = dns::JoinHostPort(TrimDots(r.target), r.port);
        labels = {{"__meta_dns_srv_record_target", r.target},
                  {"__meta_dns_srv_record_port", StrCat(r.port)}};
        break;
      case dns::kTypeMx:
        address = dns::JoinHostPort(TrimDots(r.target), cfg_.port);
        labels = {{"__meta_dns_mx_record_target", r.target}};
        break;
      case dns::kTypeNs:
        address = dns::JoinHostPort(TrimDots(r.target), cfg_.port);
        labels = {{"__meta_dns_ns_record_target", r.target}};
        break;
      case dns::kTypeA:
      case dns::kTypeAaaa:
        address = dns::JoinHostPort(r.address, cfg_.port);
        break;
      case dns::kTypeCname:
        continue;  // comes with the A or AAAA records of the name it points to
      default:
        kLog.Warn("Invalid record",
                  {{"provider", this->name()}, {"record", StrCat(r.name, " type ", r.type)}});
        continue;
    }
    labels.emplace_back("__address__", address);
    labels.emplace_back("__meta_dns_name", name);
    group.targets.push_back(model::Labels::FromPairs(labels));
  }
  return group;
}

}  // namespace sextant::discovery
