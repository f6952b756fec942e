#pragma once

// The config Sextant runs when started without --config.file: scrape Sextant itself every 15s.

#include <string>
#include <string_view>

namespace sextant::config {

// The embedded default as YAML, scraping the port of `listen_address` on localhost and
// `<route_prefix>/metrics`, so that `--web.listen-address=:9091` or a route prefix still scrape
// Sextant itself.
std::string DefaultConfigYaml(std::string_view listen_address, std::string_view route_prefix = "");

// The name the embedded default goes by in logs and errors.
inline constexpr std::string_view kDefaultConfigName = "<embedded default config>";

}  // namespace sextant::config
