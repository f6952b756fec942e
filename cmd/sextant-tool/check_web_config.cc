#include "cmd/sextant-tool/check_web_config.h"

#include <ostream>

#include "api/web/web_config.h"

namespace sextant::tool {

int CheckWebConfig(const std::vector<std::string>& files, std::ostream& err) {
  bool failed = false;
  for (const std::string& file : files) {
    if (absl::Status s = api::web::ValidateWebConfigFile(file); !s.ok()) {
      err << file << " FAILED: " << s.message() << "\n";
      failed = true;
      continue;
    }
    err << file << " SUCCESS\n";
  }
  err.flush();
  return failed ? 1 : 0;
}

}  // namespace sextant::tool
