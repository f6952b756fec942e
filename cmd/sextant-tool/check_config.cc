#include "cmd/sextant-tool/check_config.h"

#include <cstdio>

#include "config/loader.h"

namespace sextant::tool {

int CheckConfig(const std::vector<std::string>& files) {
  int rc = 0;
  for (const std::string& file : files) {
    std::printf("Checking %s\n", file.c_str());
    auto config = config::LoadConfigFile(file);
    if (config.ok()) {
      std::printf(" SUCCESS: %s is valid prometheus config file syntax\n\n", file.c_str());
    } else {
      std::fprintf(stderr, "  FAILED: %s\n\n", std::string(config.status().message()).c_str());
      rc = 1;
    }
  }
  return rc;
}

}  // namespace sextant::tool
