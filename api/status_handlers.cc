#include "api/status_handlers.h"

#include <fstream>
#include <limits>
#include <thread>

#include "model/timestamp.h"
#include "nlohmann/json.hpp"
#include "util/build_info.h"

namespace sextant::api {
namespace {

std::string Str(std::string_view s) { return std::string(s); }

int64_t ThreadCount() {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("Threads:", 0) == 0) return std::stoll(line.substr(8));
  }
  return 0;
}

}  // namespace

std::string BuildInfoJson() {
  const util::BuildInfo& b = util::GetBuildInfo();
  return nlohmann::json{{"version", Str(b.version)},      {"revision", Str(b.revision)},
                        {"branch", Str(b.branch)},        {"buildUser", Str(b.build_user)},
                        {"buildDate", Str(b.build_date)}, {"goVersion", Str(b.compiler)}}
      .dump();
}

std::string FlagsJson(const std::vector<std::pair<std::string, std::string>>& flags) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, value] : flags) out[name] = value;
  return out.dump();
}

std::string ConfigJson(const std::string& yaml) { return nlohmann::json{{"yaml", yaml}}.dump(); }

std::string RuntimeInfoJson(const RuntimeInfo& info) {
  // Key order as Prometheus's struct, for humans comparing the two.
  nlohmann::ordered_json out;
  out["startTime"] = model::FormatRfc3339(info.start_time);
  out["CWD"] = info.cwd;
  out["reloadConfigSuccess"] = info.reload_config_success;
  out["lastConfigTime"] = model::FormatRfc3339(info.last_config_time);
  out["corruptionCount"] = info.corruption_count;
  out["goroutineCount"] = ThreadCount();
  out["GOMAXPROCS"] = std::thread::hardware_concurrency();
  out["GOMEMLIMIT"] = std::numeric_limits<int64_t>::max();
  out["GOGC"] = "";
  out["GODEBUG"] = "";
  out["storageRetention"] = info.storage_retention;
  return out.dump();
}

}  // namespace sextant::api
