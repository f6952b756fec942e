// sextant-tool: Sextant's counterpart of promtool, with the same commands, arguments and outputs.
//
//   sextant-tool check config [--syntax-only] [--lint=...] [--lint-fatal] <config-files>...
//   sextant-tool check rules [--lint=...] [--lint-fatal] [--ignore-unknown-fields] [<files>...]
//   sextant-tool check web-config <web-config-files>...
//   sextant-tool tsdb create-blocks-from openmetrics [-r] [-q] <input file> [<output dir>]
//   sextant-tool tsdb list [-r] [<db path>]
//   sextant-tool tsdb dump [--min-time=N] [--max-time=N] [--match=SELECTOR] [<db path>]
//   sextant-tool tsdb bench write [--out=DIR] [--metrics=N] [--scrapes=N] [<file>]
//
// Exit codes as promtool's: 0 on success, 1 when a check or command fails and on a usage error
// (`sextant-tool: error: ..., try --help`), 3 when only lint checks failed under --lint-fatal. This
// file only wires the commands to cli.h.

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "cmd/sextant-tool/backfill.h"
#include "cmd/sextant-tool/bench_write.h"
#include "cmd/sextant-tool/check_config.h"
#include "cmd/sextant-tool/check_rules.h"
#include "cmd/sextant-tool/check_web_config.h"
#include "cmd/sextant-tool/cli.h"
#include "cmd/sextant-tool/tsdb_dump.h"
#include "cmd/sextant-tool/tsdb_list.h"
#include "cmd/sextant-tool/tsdb_repair.h"
#include "util/log.h"

#ifdef SEXTANT_TOOL_HAVE_TEST_RULES
#include "cmd/sextant-tool/test_rules.h"
#endif
#ifdef SEXTANT_TOOL_HAVE_BACKFILL_RULES
#include "absl/time/clock.h"
#include "cmd/sextant-tool/backfill_rules.h"
#endif

namespace sextant::tool {
namespace {

// promtool's checkErr: the error alone on stderr, exit code 1.
int Report(const absl::Status& status) {
  if (status.ok()) return 0;
  std::cout.flush();
  std::cerr << status.message() << "\n";
  return 1;
}

// A usage error found after parsing (kingpin's ExistingFiles checks), reported the same way.
int UsageError(const std::string& message) {
  std::cout.flush();
  std::cerr << "sextant-tool: error: " << message << ", try --help\n";
  return 1;
}

FlagSpec kLintFlag(std::string help) {
  return {"lint", 0, FlagKind::kString, "duplicate-rules", std::move(help)};
}

const FlagSpec kLintFatalFlag{"lint-fatal", 0, FlagKind::kBool, "",
                              "Make lint errors exit with exit code 3."};

const FlagSpec kHumanReadable{"human-readable", 'r', FlagKind::kBool, "",
                              "Print human readable values."};

std::vector<CommandSpec> Commands() {
  std::vector<CommandSpec> commands;
  commands.push_back({
      {"check", "config"},
      "Check if the config files are valid or not.",
      {{"syntax-only", 0, FlagKind::kBool, "",
        "Only check the config file syntax, ignoring file and content validation referenced in "
        "the config"},
       kLintFlag("Linting checks to apply to the rules specified in the config. Available options "
                 "are: all, duplicate-rules, none. Use --lint=none to disable linting"),
       kLintFatalFlag},
      {{"config-files", "The config files to check.", true, true}},
      [](const ParsedArgs& a) {
        if (std::string e = CheckFilesExist(a.args()); !e.empty()) return UsageError(e);
        CheckConfigOptions o;
        o.syntax_only = a.Bool("syntax-only");
        o.lint = ParseLintSettings(a.String("lint"), a.Bool("lint-fatal"), std::cout);
        return CheckConfig(a.args(), o, std::cout, std::cerr);
      },
  });
  commands.push_back({
      {"check", "rules"},
      "Check if the rule files are valid or not.",
      {kLintFlag("Linting checks to apply. Available options are: all, duplicate-rules, none. Use "
                 "--lint=none to disable linting"),
       kLintFatalFlag,
       {"ignore-unknown-fields", 0, FlagKind::kBool, "",
        "Ignore unknown fields in the rule files. This is useful when you want to extend rule "
        "files with custom metadata. Ensure that those fields are removed before loading them "
        "into the Prometheus server as it performs strict checks by default."}},
      {{"rule-files", "The rule files to check, default is read from standard input.", false,
        true}},
      [](const ParsedArgs& a) {
        if (std::string e = CheckFilesExist(a.args()); !e.empty()) return UsageError(e);
        const LintSettings lint =
            ParseLintSettings(a.String("lint"), a.Bool("lint-fatal"), std::cout);
        rules::RuleFileOptions o;
        o.ignore_unknown_fields = a.Bool("ignore-unknown-fields");
        return CheckRules(a.args(), o, lint, std::cin, std::cout, std::cerr);
      },
  });
  commands.push_back({
      {"check", "web-config"},
      "Check if the web config files are valid or not.",
      {},
      {{"web-config-files", "The config files to check.", true, true}},
      [](const ParsedArgs& a) {
        if (std::string e = CheckFilesExist(a.args()); !e.empty()) return UsageError(e);
        return CheckWebConfig(a.args(), std::cerr);
      },
  });
#ifdef SEXTANT_TOOL_HAVE_TEST_RULES  // until the template engine, and with it the rules, builds
  commands.push_back({
      {"test", "rules"},
      "Unit tests for rules.",
      {},
      {{"test-rule-file", "The unit test file.", true, true}},
      [](const ParsedArgs& a) {
        if (std::string e = CheckFilesExist(a.args()); !e.empty()) return UsageError(e);
        // promtool discards the rule manager's logs; only errors would reach stderr here.
        util::ConfigureLogging(util::LogLevel::kError, util::LogFormat::kLogfmt);
        return TestRules(a.args(), std::cout, std::cerr);
      },
  });
#endif
  commands.push_back({
      {"tsdb", "bench", "write"},
      "Run a write performance benchmark.",
      {{"out", 0, FlagKind::kString, "benchout", "Set the output path."},
       {"metrics", 0, FlagKind::kInt, "10000", "Number of metrics to read."},
       {"scrapes", 0, FlagKind::kInt, "3000", "Number of scrapes to simulate."}},
      {{"file",
        std::string("Input file with samples data, default is (") + kDefaultLabelFile + ").", false,
        false}},
      [](const ParsedArgs& a) {
        BenchWriteOptions o;
        o.out_dir = a.String("out");
        o.metrics = a.Int("metrics");
        o.scrapes = a.Int("scrapes");
        o.label_file = a.Arg(0, kDefaultLabelFile);
        return Report(BenchWrite(o, std::cout).status());
      },
  });
  commands.push_back({
      {"tsdb", "list"},
      "List the persistent partitions (promtool's blocks).",
      {kHumanReadable},
      {{"db path", "Database path (default is data/).", false, false}},
      [](const ParsedArgs& a) {
        ListOptions o;
        o.db_path = a.Arg(0, "data/");
        o.human_readable = a.Bool("human-readable");
        return Report(ListPartitions(o, std::cout));
      },
  });
  commands.push_back({
      {"tsdb", "repair"},
      "Remove partitions whose table files are missing or damaged (the server must be stopped).",
      {},
      {{"db path", "Database path (default is data/).", false, false}},
      [](const ParsedArgs& a) { return Report(RepairDataDir(a.Arg(0, "data/"), std::cout)); },
  });
  commands.push_back({
      {"tsdb", "dump"},
      "Dump samples from a TSDB.",
      {{"min-time", 0, FlagKind::kInt, "-9223372036854775808", "Minimum timestamp to dump."},
       {"max-time", 0, FlagKind::kInt, "9223372036854775807", "Maximum timestamp to dump."},
       {"match", 0, FlagKind::kString, "{__name__=~'(?s:.*)'}", "Series selector."}},
      {{"db path", "Database path (default is data/).", false, false}},
      [](const ParsedArgs& a) {
        DumpOptions o;
        o.db_path = a.Arg(0, "data/");
        o.min_time = a.Int("min-time");
        o.max_time = a.Int("max-time");
        o.match = a.String("match");
        return Report(DumpSamples(o, std::cout));
      },
  });
  commands.push_back({
      {"tsdb", "create-blocks-from", "openmetrics"},
      "Import samples from OpenMetrics input and produce persistent partitions (promtool's "
      "blocks) in a data directory.",
      {kHumanReadable,
       {"quiet", 'q', FlagKind::kBool, "", "Do not print created partitions."},
       {"max-block-duration", 0, FlagKind::kDuration, "0s",
        "Maximum duration of created partitions (2h steps of x3).", /*hidden=*/true}},
      {{"input file", "OpenMetrics file to read samples from.", true, false},
       {"output directory", "Output directory for the data (default is data/).", false, false}},
      [](const ParsedArgs& a) {
        BackfillOptions o;
        o.input_path = a.Arg(0, "");
        o.output_dir = a.Arg(1, "data/");
        o.human_readable = a.Bool("human-readable");
        o.quiet = a.Bool("quiet");
        o.max_block_duration_ms = a.Duration("max-block-duration") / 1'000'000;
        return Report(CreateBlocksFromOpenMetrics(o, std::cout, std::cerr));
      },
  });
#ifdef SEXTANT_TOOL_HAVE_BACKFILL_RULES
  commands.push_back({
      {"tsdb", "create-blocks-from", "rules"},
      "Create blocks of data for new recording rules.",
      {kHumanReadable,
       {"quiet", 'q', FlagKind::kBool, "", "Do not print created blocks."},
       {"max-block-duration", 0, FlagKind::kDuration, "0s",
        "Maximum duration of created partitions (2h steps of x3).", /*hidden=*/true},
       {"url", 0, FlagKind::kString, "http://localhost:9090",
        "The URL for the Prometheus API with the data where the rule will be backfilled from."},
       {"start", 0, FlagKind::kString, "",
        "The time to start backfilling the new rule from. Must be a RFC3339 formatted date or "
        "Unix timestamp. Required."},
       {"end", 0, FlagKind::kString, "",
        "If an end time is provided, all recording rules in the rule files provided will be "
        "backfilled to the end time. Default will backfill up to 3 hours ago. Must be a RFC3339 "
        "formatted date or Unix timestamp."},
       {"output-dir", 0, FlagKind::kString, "data/", "Output directory for generated blocks."},
       {"eval-interval", 0, FlagKind::kDuration, "60s",
        "How frequently to evaluate rules when backfilling if a value is not set in the "
        "recording rule files."}},
      {{"rule-files",
        "A list of one or more files containing recording rules to be backfilled. All recording "
        "rules listed in the files will be backfilled. Alerting rules are not evaluated.",
        true, true}},
      [](const ParsedArgs& a) {
        // kingpin's Required() flag.
        if (a.String("start").empty()) return UsageError("required flag --start not provided");
        if (std::string e = CheckFilesExist(a.args()); !e.empty()) return UsageError(e);
        RulesBackfillOptions o;
        o.url = a.String("url");
        o.start = a.String("start");
        o.end = a.String("end");
        o.output_dir = a.String("output-dir");
        o.eval_interval = absl::Nanoseconds(a.Duration("eval-interval"));
        o.max_block_duration_ms = a.Duration("max-block-duration") / 1'000'000;
        o.rule_files = a.args();
        const std::unique_ptr<QueryRangeApi> api = NewHttpQueryRangeApi(o.url);
        return Report(BackfillRules(o, *api, absl::Now(), std::cerr));
      },
  });
#endif
  return commands;
}

}  // namespace
}  // namespace sextant::tool

int main(int argc, char** argv) {
  using sextant::tool::CommandLine;
  const CommandLine cli("sextant-tool", "Tooling for the Sextant monitoring system.",
                        sextant::tool::Commands());
  return cli.Run(std::vector<std::string>(argv + 1, argv + argc));
}
