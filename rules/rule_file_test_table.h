#pragma once

// For tests: the rule-file cases of rules/testdata/ with promtool's verdicts (verdicts.tsv) and
// Sextant's where they differ (expectations.tsv), merged into what Sextant must do. The columns
// are described in rules/testdata/README.md. Header-only; tests pass the folder's path.

#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace sextant::rules::testing {

struct RuleFileCase {
  std::string path;      // relative to the testdata folder, e.g. "bad/record_with_for.yml"
  std::string verdict;   // ok, lint or error
  int exit_code = 0;     // `check rules FILE` with the default --lint
  std::string rules;     // N of "SUCCESS: N rules found", "" when not ok
  std::string message;   // the errors after "FAILED:", path prefixes removed, one per line
  bool differs = false;  // Sextant's expectation differs from promtool 2.42's verdict
  std::string note;
};

// Undoes the table's escapes: \n and \t.
inline std::string Unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size() && (s[i + 1] == 'n' || s[i + 1] == 't')) {
      out.push_back(s[i + 1] == 'n' ? '\n' : '\t');
      ++i;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

inline std::vector<std::vector<std::string>> ReadTsv(const std::string& path) {
  std::vector<std::vector<std::string>> rows;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols;
    size_t start = 0;
    for (size_t tab; (tab = line.find('\t', start)) != std::string::npos; start = tab + 1) {
      cols.push_back(line.substr(start, tab - start));
    }
    cols.push_back(line.substr(start));
    cols.resize(6);
    rows.push_back(std::move(cols));
  }
  return rows;
}

// Every case of verdicts.tsv, with expectations.tsv's row instead where there is one.
inline std::vector<RuleFileCase> LoadRuleFileCases(const std::string& testdata) {
  std::map<std::string, std::vector<std::string>> expectations;
  for (auto& row : ReadTsv(testdata + "/expectations.tsv")) expectations[row[0]] = row;
  std::vector<RuleFileCase> cases;
  for (auto& row : ReadTsv(testdata + "/verdicts.tsv")) {
    const auto it = expectations.find(row[0]);
    const bool differs = it != expectations.end();
    const std::vector<std::string>& r = differs ? it->second : row;
    cases.push_back({r[0], r[1], std::stoi(r[2]), r[3], Unescape(r[4]), differs, r[5]});
  }
  return cases;
}

}  // namespace sextant::rules::testing
