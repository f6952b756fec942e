#pragma once

// DnsProvider: one `dns_sd_configs` entry, as Prometheus's discovery/dns. Every refresh_interval
// each name is looked up (dns/resolver.h: /etc/resolv.conf's servers and search path) for its
// records of the configured type, and becomes one group, source "<name>", with a target per
// record:
//
//   type  __address__                    labels besides __meta_dns_name="<name>"
//   SRV   <target without final dot>:<port>   __meta_dns_srv_record_target="<target.>",
//                                             __meta_dns_srv_record_port="<port>"
//   A     <ip>:<port>
//   AAAA  [<ip6>]:<port>
//   MX    <exchange without final dot>:<port> __meta_dns_mx_record_target="<exchange.>"
//   NS    <host without final dot>:<port>     __meta_dns_ns_record_target="<host.>"
//
// (Prometheus sets the other __meta_dns_* labels to "", which means absent.) CNAME records in an
// answer are skipped; records of other types are skipped with a warning. A name whose every
// candidate is NXDOMAIN gets an empty group. Each lookup counts in
// prometheus_sd_dns_lookups_total; a failed one also in prometheus_sd_dns_lookup_failures_total,
// is logged, and keeps that name's previous group. Names are looked up one after the other.
//
// Thread-safety: see RefreshProvider.

#include <map>
#include <string>
#include <vector>

#include "config/config.h"
#include "discovery/dns/resolver.h"
#include "discovery/refresh_provider.h"

namespace sextant::discovery {

struct DnsProviderOptions {
  std::string resolv_conf = "/etc/resolv.conf";
  // For tests: ask only this server ("ip:port", IPv6 in brackets), with no search path.
  std::string server;
};

class DnsProvider : public RefreshProvider {
 public:
  // `index`: the entry's position among its config's dns_sd_configs (the name "dns/<index>").
  DnsProvider(config::DnsSdConfig cfg, size_t index, DnsProviderOptions options = {});
  ~DnsProvider() override;

 protected:
  absl::StatusOr<std::vector<TargetGroup>> Fetch() override;

 private:
  // The resolver settings of one refresh: resolv.conf as it is now, or the test server.
  absl::StatusOr<dns::ResolvConf> Conf() const;
  absl::StatusOr<TargetGroup> LookupOne(const dns::ResolvConf& conf, const std::string& name);

  const config::DnsSdConfig cfg_;
  const DnsProviderOptions options_;
  uint16_t qtype_;
  std::map<std::string, TargetGroup> last_;  // by name: the last successful lookup's group
};

}  // namespace sextant::discovery
