#pragma once

// A small command-line parser with promtool's (kingpin's) conventions, so that sextant-tool takes
// the same arguments, prints the same kind of help and fails the same way:
//
//   sextant-tool tsdb dump --min-time=0 --match='{job="node"}' data/
//   sextant-tool tsdb create-blocks-from -q openmetrics in.om out/    (flags anywhere)
//   sextant-tool tsdb list -r                                         (-rq: bundled short bools)
//
// Errors read `sextant-tool: error: <message>, try --help` on stderr with exit code 1, as
// promtool's: "unknown long flag '--bogus'", "unknown short flag '-x'", "flag 'match' cannot be
// repeated", "required argument 'input file' not provided", "unexpected extra",
// "expected command but got \"bogus\"", "must select a subcommand of 'tsdb'", and the value errors
// of integer and duration flags (Go's strconv and time messages).

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace sextant::tool {

enum class FlagKind { kBool, kString, kInt, kDuration };

struct FlagSpec {
  std::string name;  // long name, without "--"
  char short_name = 0;
  FlagKind kind = FlagKind::kString;
  std::string default_value;  // shown in help as --name=<default> (not for bools)
  std::string help;
  bool hidden = false;  // accepted, not listed in help (promtool's --max-block-duration)
};

struct ArgSpec {
  std::string name;  // "db path"
  std::string help;
  bool required = false;
  bool repeated = false;  // takes every remaining argument (check config's files)
};

// What one invocation asked for; values are as typed, already validated for their kind.
class ParsedArgs {
 public:
  bool Bool(const std::string& name) const;
  // The flag's value, or its default when not given.
  std::string String(const std::string& name) const;
  int64_t Int(const std::string& name) const;
  // Nanoseconds.
  int64_t Duration(const std::string& name) const;
  // The positional arguments, in order.
  const std::vector<std::string>& args() const { return args_; }
  // The positional argument `i`, or `fallback` when not given.
  std::string Arg(size_t i, std::string_view fallback) const;

 private:
  friend class CommandLine;
  std::map<std::string, std::string> values_;
  std::map<std::string, const FlagSpec*> specs_;
  std::vector<std::string> args_;
};

// A command's handler returns the process exit code.
using Handler = std::function<int(const ParsedArgs&)>;

struct CommandSpec {
  std::vector<std::string> path;  // {"tsdb", "list"}
  std::string help;
  std::vector<FlagSpec> flags;
  std::vector<ArgSpec> args;
  Handler handler;
};

class CommandLine {
 public:
  CommandLine(std::string program, std::string help, std::vector<CommandSpec> commands);

  // Parses argv (without the program name), runs the command and returns the exit code: the
  // handler's, 0 for --help/--version, 1 for a usage error (message on stderr).
  int Run(const std::vector<std::string>& argv) const;

  // The help text of one command, or of the program when `command` is null. For tests.
  std::string Usage(const CommandSpec* command) const;

 private:
  int Fail(std::string_view message) const;
  std::string UsageLine(const CommandSpec& command) const;
  // Whether `token` is a valued flag of some command, written without '='.
  bool TakesValue(const std::string& token) const;
  // No command matched `words`: the program's usage, or the error naming the bad word.
  int NoCommand(const std::vector<std::string>& words, bool help) const;
  // Parses the flag token argv[*i] (advancing *i past a separate value) into *parsed. Returns
  // the error message, or "" on success.
  std::string ParseFlag(const CommandSpec& command, const std::vector<std::string>& argv, size_t* i,
                        ParsedArgs* parsed) const;
  std::string SetFlag(const FlagSpec& flag, const std::string& value, ParsedArgs* parsed) const;

  std::string program_;
  std::string help_;
  std::vector<CommandSpec> commands_;
};

}  // namespace sextant::tool
