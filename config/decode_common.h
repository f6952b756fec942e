#pragma once

// Decoders for the pieces that several config sections share: HTTP client settings (auth, TLS),
// relabel rules, and service discovery. Internal to config/.

#include <string_view>
#include <vector>

#include "config/config.h"
#include "config/yaml_decoder.h"

namespace sextant::config::internal {

// Reads basic_auth, authorization, bearer_token(_file), tls_config, oauth2 (rejected), proxy and
// redirect settings from `d` and validates them as Prometheus's common HTTP config does.
void DecodeHttpClient(MapDecoder& d, HttpClientConfig* out);

// Reads a list of relabel rules under `key`. `null_error` is the message for a null rule.
void DecodeRelabelConfigs(MapDecoder& d, std::string_view key, std::string_view null_error,
                          std::vector<RelabelConfig>* out);

// Reads static_configs, file_sd_configs, http_sd_configs, dns_sd_configs and
// kubernetes_sd_configs (validated as Prometheus does), and rejects the other *_sd_configs kinds
// with a "not supported yet" error.
void DecodeServiceDiscovery(MapDecoder& d, ServiceDiscovery* out);

// Prometheus's check on static targets: no URLs ("http://host:80" is not a valid hostname).
void CheckTargetAddresses(MapDecoder& d, const ServiceDiscovery& sd);

// Resolves a relative path against `dir` (no-op for "", absolute paths, or an empty dir).
std::string ResolvePath(std::string_view dir, const std::string& path);
void ResolveHttpClientPaths(std::string_view dir, HttpClientConfig* http);

}  // namespace sextant::config::internal
