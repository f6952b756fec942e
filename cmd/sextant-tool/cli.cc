#include "cmd/sextant-tool/cli.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "cmd/sextant-tool/go_time.h"
#include "util/build_info.h"
#include "util/go_format.h"
#include "util/strings.h"

namespace sextant::tool {
namespace {

// Go's strconv.ParseInt messages, as kingpin reports them (decimal only).
bool ParseInt64(std::string_view s, int64_t* out, std::string* error) {
  std::string_view digits = s;
  if (!digits.empty() && digits[0] == '+') digits.remove_prefix(1);  // from_chars takes no '+'
  const bool sign_ok = digits.size() == s.size() || (!digits.empty() && digits[0] != '-');
  const auto res = std::from_chars(digits.data(), digits.data() + digits.size(), *out);
  if (sign_ok && !digits.empty() && res.ec == std::errc() &&
      res.ptr == digits.data() + digits.size()) {
    return true;
  }
  const bool range = res.ec == std::errc::result_out_of_range;
  *error = util::StrCat("strconv.ParseInt: parsing \"", s,
                        "\": ", range ? "value out of range" : "invalid syntax");
  return false;
}

const FlagSpec kHelpFlag{"help", 'h', FlagKind::kBool, "", "Show context-sensitive help.", false};
const FlagSpec kVersionFlag{"version", 0, FlagKind::kBool, "", "Show application version.", false};

std::string FlagColumn(const FlagSpec& f) {
  std::string s = f.short_name != 0 ? util::StrCat("  -", f.short_name, ", ") : "      ";
  s += "--" + f.name;
  if (f.kind != FlagKind::kBool) {
    s += "=" + (f.kind == FlagKind::kString ? util::QuoteGo(f.default_value) : f.default_value);
  }
  return s;
}

std::string ArgColumn(const ArgSpec& a) {
  std::string s = "<" + a.name + ">";
  if (a.repeated) s += "...";
  return a.required ? s : "[" + s + "]";
}

// Two columns, the second aligned; a first column too wide for the second goes on its own line.
void AppendTwoColumns(std::string* out,
                      const std::vector<std::pair<std::string, std::string>>& rows) {
  size_t width = 0;
  for (const auto& [left, right] : rows) {
    if (left.size() <= 30) width = std::max(width, left.size());
  }
  for (const auto& [left, right] : rows) {
    if (left.size() > 30) {
      util::StrAppend(out, left, "\n", std::string(width + 2, ' '), right, "\n");
    } else {
      util::StrAppend(out, left, std::string(width + 2 - left.size(), ' '), right, "\n");
    }
  }
}

}  // namespace

bool ParsedArgs::Bool(const std::string& name) const {
  auto it = values_.find(name);
  return it != values_.end() && it->second == "true";
}

std::string ParsedArgs::String(const std::string& name) const {
  auto it = values_.find(name);
  if (it != values_.end()) return it->second;
  auto spec = specs_.find(name);
  return spec != specs_.end() ? spec->second->default_value : "";
}

int64_t ParsedArgs::Int(const std::string& name) const {
  int64_t v = 0;
  std::string error;
  if (!ParseInt64(String(name), &v, &error)) return 0;  // validated when parsed
  return v;
}

int64_t ParsedArgs::Duration(const std::string& name) const {
  auto d = ParseGoDuration(String(name));
  return d.ok() ? *d : 0;  // validated when parsed
}

std::string ParsedArgs::Arg(size_t i, std::string_view fallback) const {
  return i < args_.size() ? args_[i] : std::string(fallback);
}

CommandLine::CommandLine(std::string program, std::string help, std::vector<CommandSpec> commands)
    : program_(std::move(program)), help_(std::move(help)), commands_(std::move(commands)) {}

int CommandLine::Fail(std::string_view message) const {
  std::fprintf(stderr, "%s: error: %.*s, try --help\n", program_.c_str(),
               static_cast<int>(message.size()), message.data());
  return 1;
}

std::string CommandLine::UsageLine(const CommandSpec& command) const {
  std::string s = util::StrJoin(command.path, " ");
  const bool visible_flags = std::any_of(command.flags.begin(), command.flags.end(),
                                         [](const FlagSpec& f) { return !f.hidden; });
  if (visible_flags) s += " [<flags>]";
  for (const ArgSpec& a : command.args) s += " " + ArgColumn(a);
  return s;
}

std::string CommandLine::Usage(const CommandSpec* command) const {
  std::string out;
  std::vector<std::pair<std::string, std::string>> flags = {
      {FlagColumn(kHelpFlag), kHelpFlag.help}, {FlagColumn(kVersionFlag), kVersionFlag.help}};
  if (command == nullptr) {
    util::StrAppend(&out, "usage: ", program_, " [<flags>] <command> [<args> ...]\n\n", help_,
                    "\n\nFlags:\n");
    AppendTwoColumns(&out, flags);
    out += "\nCommands:\nhelp [<command>...]\n    Show help.\n";
    for (const CommandSpec& c : commands_) {
      util::StrAppend(&out, "\n", UsageLine(c), "\n    ", c.help, "\n");
    }
    return out;
  }
  util::StrAppend(&out, "usage: ", program_, " ", UsageLine(*command), "\n\n", command->help,
                  "\n\nFlags:\n");
  for (const FlagSpec& f : command->flags) {
    if (!f.hidden) flags.emplace_back(FlagColumn(f), f.help);
  }
  AppendTwoColumns(&out, flags);
  if (!command->args.empty()) {
    out += "\nArgs:\n";
    std::vector<std::pair<std::string, std::string>> args;
    for (const ArgSpec& a : command->args) args.emplace_back("  " + ArgColumn(a), a.help);
    AppendTwoColumns(&out, args);
  }
  return out;
}

int CommandLine::Run(const std::vector<std::string>& argv) const {
  // Pass 1: the words (non-flag tokens) select the command; flags may come anywhere, and a valued
  // flag written without '=' takes the next token, which then is not a word.
  std::vector<std::string> words;
  bool help = false;
  bool version = false;
  bool only_args = false;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (only_args || a.size() < 2 || a[0] != '-') {
      words.push_back(a);
    } else if (TakesValue(a)) {
      ++i;
    } else if (a == "--") {
      only_args = true;
    } else if (a == "--help" || a == "-h") {
      help = true;
    } else if (a == "--version") {
      version = true;
    }
  }
  if (version) {
    const util::BuildInfo& info = util::GetBuildInfo();
    std::printf("%s, version %s (revision: %s)\n", program_.c_str(), info.version.data(),
                info.revision.data());
    return 0;
  }
  if (!words.empty() && words[0] == "help") {
    help = true;
    words.erase(words.begin());
  }
  // The longest command path that the leading words spell.
  const CommandSpec* command = nullptr;
  for (const CommandSpec& c : commands_) {
    if (c.path.size() <= words.size() && std::equal(c.path.begin(), c.path.end(), words.begin()) &&
        (command == nullptr || c.path.size() > command->path.size())) {
      command = &c;
    }
  }
  if (command == nullptr) return NoCommand(words, help);
  if (help) {
    std::fputs(Usage(command).c_str(), stdout);
    return 0;
  }

  // Pass 2: the command's flags and arguments.
  ParsedArgs parsed;
  for (const FlagSpec& f : command->flags) parsed.specs_[f.name] = &f;
  std::vector<std::string> rest;
  only_args = false;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (only_args || a.size() < 2 || a[0] != '-') {
      rest.push_back(a);
    } else if (a == "--") {
      only_args = true;
    } else if (a != "--help" && a != "-h" && a != "--version") {
      if (std::string e = ParseFlag(*command, argv, &i, &parsed); !e.empty()) return Fail(e);
    }
  }
  // The command's words come first among the non-flag tokens; the others are arguments.
  parsed.args_.assign(rest.begin() + static_cast<long>(command->path.size()), rest.end());
  const std::vector<ArgSpec>& specs = command->args;
  for (size_t i = parsed.args_.size(); i < specs.size(); ++i) {
    if (specs[i].required) {
      return Fail(util::StrCat("required argument '", specs[i].name, "' not provided"));
    }
  }
  const bool repeated = !specs.empty() && specs.back().repeated;
  if (!repeated && parsed.args_.size() > specs.size()) {
    return Fail(util::StrCat("unexpected ", parsed.args_[specs.size()]));
  }
  return command->handler(parsed);
}

bool CommandLine::TakesValue(const std::string& token) const {
  for (const CommandSpec& c : commands_) {
    for (const FlagSpec& f : c.flags) {
      if (f.kind == FlagKind::kBool) continue;
      if (token == "--" + f.name) return true;
      if (f.short_name != 0 && token.size() == 2 && token[1] == f.short_name) return true;
    }
  }
  return false;
}

int CommandLine::NoCommand(const std::vector<std::string>& words, bool help) const {
  // How far the words go into some command's path, to name what is wrong.
  size_t depth = 0;
  for (const CommandSpec& c : commands_) {
    size_t d = 0;
    while (d < c.path.size() && d < words.size() && c.path[d] == words[d]) ++d;
    depth = std::max(depth, d);
  }
  if (words.empty() || (help && depth == 0)) {
    std::fputs(Usage(nullptr).c_str(), stdout);
    return 0;
  }
  if (depth == words.size()) {
    return Fail(util::StrCat("must select a subcommand of '", util::StrJoin(words, " "), "'"));
  }
  return Fail(util::StrCat("expected command but got \"", words[depth], "\""));
}

std::string CommandLine::SetFlag(const FlagSpec& f, const std::string& value,
                                 ParsedArgs* parsed) const {
  if (parsed->values_.count(f.name) != 0) {
    return util::StrCat("flag '", f.name, "' cannot be repeated");
  }
  std::string error;
  if (f.kind == FlagKind::kInt) {
    int64_t v = 0;
    if (!ParseInt64(value, &v, &error)) return error;
  } else if (f.kind == FlagKind::kDuration) {
    auto d = ParseGoDuration(value);
    if (!d.ok()) return std::string(util::FromAbsl(d.status().message()));
  } else if (f.kind == FlagKind::kBool && value != "true" && value != "false") {
    return util::StrCat("strconv.ParseBool: parsing \"", value, "\": invalid syntax");
  }
  parsed->values_[f.name] = value;
  return "";
}

std::string CommandLine::ParseFlag(const CommandSpec& command, const std::vector<std::string>& argv,
                                   size_t* i, ParsedArgs* parsed) const {
  const std::string& a = argv[*i];
  auto next_value = [&](std::string_view flag, std::string* value) {
    if (*i + 1 >= argv.size()) return util::StrCat("expected argument for flag '", flag, "'");
    *value = argv[++*i];
    return std::string();
  };
  if (a.starts_with("--")) {
    std::string name = a.substr(2);
    std::string value;
    const size_t eq = name.find('=');
    const bool has_value = eq != std::string::npos;
    if (has_value) {
      value = name.substr(eq + 1);
      name.resize(eq);
    }
    const FlagSpec* f = nullptr;
    const FlagSpec* negated = nullptr;  // --no-<bool>
    for (const FlagSpec& spec : command.flags) {
      if (spec.name == name) f = &spec;
      if (spec.kind == FlagKind::kBool && "no-" + spec.name == name && !has_value) negated = &spec;
    }
    if (f == nullptr && negated != nullptr) return SetFlag(*negated, "false", parsed);
    if (f == nullptr) return util::StrCat("unknown long flag '", a, "'");
    if (f->kind == FlagKind::kBool) return SetFlag(*f, has_value ? value : "true", parsed);
    if (!has_value) {
      if (std::string e = next_value(a, &value); !e.empty()) return e;
    }
    return SetFlag(*f, value, parsed);
  }
  // Short flags, possibly bundled (-rq); a valued one takes the rest of the token or the next.
  for (size_t k = 1; k < a.size(); ++k) {
    const FlagSpec* f = nullptr;
    for (const FlagSpec& spec : command.flags) {
      if (spec.short_name == a[k]) f = &spec;
    }
    if (f == nullptr) return util::StrCat("unknown short flag '-", a[k], "'");
    if (f->kind == FlagKind::kBool) {
      if (std::string e = SetFlag(*f, "true", parsed); !e.empty()) return e;
      continue;
    }
    std::string value = a.substr(k + 1);
    if (value.empty()) {
      if (std::string e = next_value(util::StrCat("-", a[k]), &value); !e.empty()) return e;
    }
    return SetFlag(*f, value, parsed);
  }
  return "";
}

}  // namespace sextant::tool
