// sextant-tool: Sextant's counterpart of promtool, with the same commands and arguments.
//
//   sextant-tool check config <file>...
//
// Exit codes as promtool's: 0 when every check passes, 1 when one fails, 2 on a usage error.

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "config/loader.h"
#include "util/build_info.h"
#include "util/strings.h"

namespace sextant {
namespace {

constexpr std::string_view kUsage =
    "usage: sextant-tool <command> [<args>...]\n"
    "\n"
    "Tooling for the Sextant monitoring system.\n"
    "\n"
    "Commands:\n"
    "  check config <config-files>...\n"
    "    Check if the config files are valid or not.\n";

int CheckConfig(const std::vector<std::string>& files) {
  if (files.empty()) {
    std::fprintf(stderr, "sextant-tool: error: required argument 'config-files' not provided\n");
    return 2;
  }
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

int Main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::fputs(kUsage.data(), args.empty() ? stderr : stdout);
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "--version") {
    const util::BuildInfo& info = util::GetBuildInfo();
    std::printf("sextant-tool, version %s (revision: %s)\n", info.version.data(),
                info.revision.data());
    return 0;
  }
  if (args.size() >= 2 && args[0] == "check" && args[1] == "config") {
    return CheckConfig(std::vector<std::string>(args.begin() + 2, args.end()));
  }
  std::fprintf(stderr, "sextant-tool: error: unknown command \"%s\", try --help\n",
               util::StrJoin(args, " ").c_str());
  return 2;
}

}  // namespace
}  // namespace sextant

int main(int argc, char** argv) { return sextant::Main(argc, argv); }
