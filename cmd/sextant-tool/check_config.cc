#include "cmd/sextant-tool/check_config.h"

#include <filesystem>
#include <ostream>

#include <glob.h>

#include "config/loader.h"
#include "util/strings.h"

namespace sextant::tool {
namespace {

// Go's filepath.Clean, for the paths promtool prints.
std::string CleanPath(const std::string& path) {
  std::string clean = std::filesystem::path(path).lexically_normal().string();
  while (clean.size() > 1 && clean.back() == '/') clean.pop_back();
  return clean.empty() ? "." : clean;
}

// The rule files `config` names, in promtool's order (each glob's matches sorted), or the error
// that fails the config.
absl::StatusOr<std::vector<std::string>> RuleFiles(const config::Config& config) {
  std::vector<std::string> files;
  for (const std::string& pattern : config.rule_files) {
    const std::string rf = CleanPath(pattern);
    glob_t g{};
    const int rc = ::glob(rf.c_str(), 0, nullptr, &g);
    std::vector<std::string> matches;
    if (rc == 0) {
      for (size_t i = 0; i < g.gl_pathc; ++i) matches.emplace_back(g.gl_pathv[i]);
    }
    ::globfree(&g);
    // An explicit file must exist; a glob may match nothing.
    if (rf.find('*') == std::string::npos && matches.empty()) {
      return absl::InvalidArgumentError(
          util::StrCat("\"", rf, "\" does not point to an existing file"));
    }
    files.insert(files.end(), matches.begin(), matches.end());
  }
  return files;
}

}  // namespace

int CheckConfig(const std::vector<std::string>& files, const CheckConfigOptions& options,
                std::ostream& out, std::ostream& err) {
  RulesVerdict verdict;
  for (const std::string& file : files) {
    out << "Checking " << file << "\n";
    std::vector<std::string> rule_files;
    absl::Status status;
    if (auto config = config::LoadConfigFile(file); !config.ok()) {
      status = config.status();
    } else if (!options.syntax_only) {
      auto found = RuleFiles(*config);
      if (found.ok()) {
        rule_files = *std::move(found);
      } else {
        status = found.status();
      }
    }
    if (!status.ok()) {
      out.flush();
      err << "  FAILED: " << status.message() << "\n";
      err.flush();
      verdict.failed = verdict.has_errors = true;
    } else {
      if (!rule_files.empty()) out << "  SUCCESS: " << rule_files.size() << " rule files found\n";
      out << " SUCCESS: " << file << " is valid prometheus config file syntax\n";
    }
    out << "\n";
    out.flush();
    for (const std::string& rf : rule_files) {
      CheckRuleFileAndReport(rf, {}, options.lint, "     ", out, err, &verdict);
    }
  }
  return verdict.ExitCode(options.lint);
}

}  // namespace sextant::tool
