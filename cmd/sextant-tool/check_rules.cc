#include "cmd/sextant-tool/check_rules.h"

#include <algorithm>
#include <filesystem>
#include <istream>
#include <iterator>
#include <ostream>

#include "util/strings.h"

namespace sextant::tool {
namespace {

// The rule's name and labels, what promtool compares to find duplicates.
struct RuleKey {
  std::string_view metric;
  const model::Labels* labels;
};

int Compare(const RuleKey& a, const RuleKey& b) {
  if (const int c = a.metric.compare(b.metric); c != 0) return c;
  return a.labels->Compare(*b.labels);
}

// Prints the errors of one check under "FAILED:", each on its own line(s) as promtool does.
void PrintErrors(const std::vector<std::string>& errors, std::string_view prefix,
                 std::string_view indent, std::ostream& out, std::ostream& err) {
  out.flush();
  err << "  FAILED:\n";
  for (const std::string& e : errors) err << indent << prefix << e << "\n";
  err.flush();
}

void Report(const rules::RuleFileCheck& check, std::string_view prefix, const LintSettings& lint,
            std::string_view indent, std::ostream& out, std::ostream& err, RulesVerdict* verdict) {
  if (!check.errors.empty()) {
    PrintErrors(check.errors, prefix, indent, out, err);
    verdict->failed = true;
    verdict->has_errors = true;
  } else if (std::string dups = lint.duplicate_rules ? DuplicateRulesLint(check.file) : "";
             !dups.empty()) {
    PrintErrors({dups}, "", indent, out, err);
    verdict->failed = true;
  } else {
    size_t n = 0;
    for (const rules::RuleGroup& g : check.file.groups) n += g.rules.size();
    out << "  SUCCESS: " << n << " rules found\n";
  }
  out << "\n";
  out.flush();
}

}  // namespace

LintSettings ParseLintSettings(std::string_view value, bool fatal, std::ostream& out) {
  LintSettings lint;
  lint.fatal = fatal;
  for (std::string_view item : util::StrSplit(value, ',')) {
    if (item == "all" || item == "duplicate-rules") {
      lint.duplicate_rules = true;
    } else if (item != "none") {
      out << "WARNING: unknown lint option " << item << "\n";
    }
  }
  return lint;
}

int RulesVerdict::ExitCode(const LintSettings& lint) const {
  if (failed && has_errors) return 1;
  if (failed && lint.fatal) return kLintExitCode;
  return 0;
}

std::string DuplicateRulesLint(const rules::RuleFile& file) {
  std::vector<RuleKey> keys;
  for (const rules::RuleGroup& g : file.groups) {
    for (const rules::RuleNode& r : g.rules) {
      keys.push_back({r.alert.empty() ? r.record : r.alert, &r.labels});
    }
  }
  if (keys.size() < 2) return "";
  std::sort(keys.begin(), keys.end(),
            [](const RuleKey& a, const RuleKey& b) { return Compare(a, b) < 0; });
  std::vector<RuleKey> duplicates;
  for (size_t i = 1; i < keys.size(); ++i) {
    if (Compare(keys[i - 1], keys[i]) != 0) continue;
    // Each duplicated rule once, however many copies it has.
    if (duplicates.empty() || Compare(keys[i - 1], duplicates.back()) != 0) {
      duplicates.push_back(keys[i]);
    }
  }
  if (duplicates.empty()) return "";
  std::string message =
      util::StrCat("lint error ", duplicates.size(), " duplicate rule(s) found.\n");
  for (const RuleKey& d : duplicates) {
    util::StrAppend(&message, "Metric: ", d.metric, "\nLabel(s):\n");
    for (const auto& l : *d.labels) util::StrAppend(&message, "\t", l.name, ": ", l.value, "\n");
  }
  message += "Might cause inconsistency while recording expressions";
  return message;
}

void CheckRuleFileAndReport(const std::string& path, const rules::RuleFileOptions& options,
                            const LintSettings& lint, std::string_view error_indent,
                            std::ostream& out, std::ostream& err, RulesVerdict* verdict) {
  out << "Checking " << path << "\n";
  const rules::RuleFileCheck check = rules::CheckRuleFile(path, options);
  Report(check, util::StrCat(path, ": "), lint, error_indent, out, err, verdict);
}

int CheckRules(const std::vector<std::string>& files, const rules::RuleFileOptions& options,
               const LintSettings& lint, std::istream& in, std::ostream& out, std::ostream& err) {
  RulesVerdict verdict;
  if (files.empty()) {
    out << "Checking standard input\n";
    const std::string content((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
    const rules::RuleFileCheck check = rules::CheckRuleFileContent("", content, options);
    Report(check, "", lint, "", out, err, &verdict);
  }
  for (const std::string& f : files)
    CheckRuleFileAndReport(f, options, lint, "", out, err, &verdict);
  return verdict.ExitCode(lint);
}

std::string CheckFilesExist(const std::vector<std::string>& paths) {
  for (const std::string& p : paths) {
    std::error_code ec;
    const auto status = std::filesystem::status(p, ec);
    if (!std::filesystem::exists(status)) return util::StrCat("path '", p, "' does not exist");
    if (std::filesystem::is_directory(status)) {
      // kingpin names the directory by its last element, as Go's filepath.Base does.
      std::string_view base = p;
      while (base.size() > 1 && base.back() == '/') base.remove_suffix(1);
      if (const size_t slash = base.rfind('/');
          slash != std::string_view::npos && base.size() > 1) {
        base.remove_prefix(slash + 1);
      }
      return util::StrCat("'", base.empty() ? "." : base, "' is a directory");
    }
  }
  return "";
}

}  // namespace sextant::tool
