#include "config/default_config.h"

#include "util/strings.h"

namespace sextant::config {

std::string DefaultConfigYaml(std::string_view listen_address, std::string_view route_prefix) {
  const size_t colon = listen_address.rfind(':');
  const std::string_view port =
      colon == std::string_view::npos ? "9090" : listen_address.substr(colon + 1);
  return util::StrCat(
      "# Sextant's embedded default configuration: it scrapes Sextant itself.\n"
      "global:\n"
      "  scrape_interval: 15s\n"
      "  evaluation_interval: 15s\n"
      "scrape_configs:\n"
      "  - job_name: sextant\n"
      "    metrics_path: \"",
      route_prefix, "/metrics\"\n",
      "    static_configs:\n"
      "      - targets: [\"localhost:",
      port, "\"]\n");
}

}  // namespace sextant::config
