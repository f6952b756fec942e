#include "promql/testing/script.h"

#include <fstream>
#include <sstream>
#include <utility>

#include "absl/status/status.h"
#include "model/duration.h"
#include "promql/literals.h"
#include "re2/re2.h"
#include "util/strings.h"

namespace sextant::promql::testing {
namespace {

constexpr std::string_view kExpectRangeVector = "expect range vector";
constexpr std::string_view kExpectString = "expect string";

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsBlank(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsBlank(s.back())) s.remove_suffix(1);
  return s;
}

// Splits off the first blank-separated word of `s`; `s` keeps the rest, leading blanks removed.
std::string_view NextWord(std::string_view& s) {
  s = Trim(s);
  size_t end = 0;
  while (end < s.size() && !IsBlank(s[end])) ++end;
  std::string_view word = s.substr(0, end);
  s = Trim(s.substr(end));
  return word;
}

// Lines with surrounding blanks trimmed and comment lines blanked, as Prometheus's getLines.
std::vector<std::string_view> GetLines(std::string_view text) {
  std::vector<std::string_view> lines = util::StrSplit(text, '\n');
  for (std::string_view& l : lines) {
    l = Trim(l);
    if (l.starts_with('#')) l = {};
  }
  return lines;
}

absl::StatusOr<int64_t> DurationMs(std::string_view text, std::string_view what) {
  absl::StatusOr<absl::Duration> d = model::ParseDuration(text);
  if (!d.ok()) {
    return absl::InvalidArgumentError(util::ToAbsl(util::StrCat(
        "invalid ", what, " definition \"", text, "\": ", util::FromAbsl(d.status().message()))));
  }
  return absl::ToInt64Milliseconds(*d);
}

class Parser {
 public:
  Parser(std::string_view file, std::string_view text) : file_(file), lines_(GetLines(text)) {}

  absl::StatusOr<Script> Run() {
    Script script;
    script.file = std::string(file_);
    for (i_ = 0; i_ < lines_.size(); ++i_) {
      std::string_view rest = lines_[i_];
      if (rest.empty()) continue;
      const std::string word = util::AsciiLower(NextWord(rest));
      if (word == "clear") {
        script.commands.emplace_back(ClearCommand{.line = LineNo()});
      } else if (word.starts_with("load")) {
        absl::StatusOr<LoadCommand> load = ParseLoad(word, rest);
        if (!load.ok()) return load.status();
        script.commands.emplace_back(std::move(*load));
      } else if (word.starts_with("eval")) {
        absl::StatusOr<EvalCommand> eval = ParseEval(word, rest);
        if (!eval.ok()) return eval.status();
        script.commands.emplace_back(std::move(*eval));
      } else {
        return Error(util::StrCat("invalid command \"", lines_[i_], "\""));
      }
    }
    return script;
  }

 private:
  int LineNo() const { return static_cast<int>(i_) + 1; }

  absl::Status Error(std::string_view what) const {
    return absl::InvalidArgumentError(util::ToAbsl(util::StrCat(file_, ":", LineNo(), ": ", what)));
  }
  absl::Status Error(const absl::Status& s) const { return Error(util::FromAbsl(s.message())); }

  // Advances to the next line of the block; false at a blank line or the end (not consumed).
  bool NextBlockLine() {
    if (i_ + 1 >= lines_.size() || lines_[i_ + 1].empty()) return false;
    ++i_;
    return true;
  }

  absl::StatusOr<LoadCommand> ParseLoad(std::string_view word, std::string_view rest) {
    LoadCommand load;
    load.line = LineNo();
    if (word == "load_with_nhcb") {
      load.with_nhcb = true;
    } else if (word != "load" || rest.empty()) {
      return Error("invalid load command. (load[_with_nhcb] <step:duration>)");
    }
    absl::StatusOr<int64_t> interval = DurationMs(rest, "step");
    if (!interval.ok()) return Error(interval.status());
    load.interval_ms = *interval;
    while (NextBlockLine()) {
      std::string_view line = lines_[i_];
      std::string_view probe = line;
      if (NextWord(probe).ends_with("@st")) {
        ++load.start_timestamp_lines;
        continue;
      }
      absl::StatusOr<SeriesLine> series = ParseSeriesLine(line);
      if (!series.ok()) return Error(series.status());
      series->line = LineNo();
      load.series.push_back(std::move(*series));
    }
    return load;
  }

  absl::Status ParseEvalHeader(std::string_view word, std::string_view rest, EvalCommand& eval) {
    std::string_view mod;
    if (word != "eval") {
      if (!word.starts_with("eval_")) return Error(util::StrCat("invalid command \"", word, "\""));
      mod = word.substr(5);
    }
    const std::string_view kind = NextWord(rest);
    eval.is_range = kind == "range";
    const bool mod_ok = mod.empty() || mod == "fail" || mod == "warn" || mod == "info" ||
                        (!eval.is_range && mod == "ordered");
    if ((kind != "instant" && kind != "range") || !mod_ok) {
      return Error(
          "invalid evaluation command. Must be either 'eval[_fail|_warn|_info|_ordered] instant "
          "[at <offset:duration>] <query>' or 'eval[_fail|_warn|_info] range from <from> to <to> "
          "step <step> <query>'");
    }
    eval.fail = mod == "fail";
    eval.warn = mod == "warn";
    eval.info = mod == "info";
    eval.ordered = mod == "ordered";
    if (!eval.is_range) {
      if (NextWord(rest) != "at") return Error("expected 'at <duration>' after 'instant'");
      absl::StatusOr<int64_t> at = DurationMs(NextWord(rest), "timestamp");
      if (!at.ok()) return Error(at.status());
      eval.eval_time_ms = eval.start_ms = eval.end_ms = *at;
    } else {
      if (absl::Status s = ParseFromToStep(rest, eval); !s.ok()) return Error(s);
    }
    if (rest.empty()) return Error("missing expression");
    eval.expr = std::string(rest);
    return absl::OkStatus();
  }

  // `from <d> to <d> step <d>` at the start of `rest`; `rest` keeps what follows.
  static absl::Status ParseFromToStep(std::string_view& rest, EvalCommand& eval) {
    std::string_view words[6];
    for (std::string_view& w : words) w = NextWord(rest);
    if (words[0] != "from" || words[2] != "to" || words[4] != "step") {
      return absl::InvalidArgumentError("expected 'from <d> to <d> step <d>'");
    }
    absl::StatusOr<int64_t> from = DurationMs(words[1], "start timestamp");
    if (!from.ok()) return from.status();
    absl::StatusOr<int64_t> to = DurationMs(words[3], "end timestamp");
    if (!to.ok()) return to.status();
    absl::StatusOr<int64_t> step = DurationMs(words[5], "step");
    if (!step.ok()) return step.status();
    if (*to < *from) {
      return absl::InvalidArgumentError(
          util::ToAbsl(util::StrCat("invalid test definition, end timestamp (", words[3],
                                    ") is before start timestamp (", words[1], ")")));
    }
    eval.start_ms = *from;
    eval.end_ms = *to;
    eval.step_ms = *step;
    return absl::OkStatus();
  }

  absl::Status ParseExpect(std::string_view line, EvalCommand& eval) {
    std::string_view rest = line;
    NextWord(rest);  // "expect"
    const std::string_view kind_word = NextWord(rest);
    Expectation e;
    if (kind_word == "ordered") {
      e.kind = ExpectKind::kOrdered;
    } else if (kind_word == "fail") {
      e.kind = ExpectKind::kFail;
    } else if (kind_word == "warn") {
      e.kind = ExpectKind::kWarn;
    } else if (kind_word == "no_warn") {
      e.kind = ExpectKind::kNoWarn;
    } else if (kind_word == "info") {
      e.kind = ExpectKind::kInfo;
    } else if (kind_word == "no_info") {
      e.kind = ExpectKind::kNoInfo;
    } else {
      return Error(util::StrCat("invalid expected error/annotation type \"", kind_word, "\""));
    }
    if (!rest.empty()) {
      if (rest.starts_with("msg:")) {
        e.match = Expectation::Match::kMessage;
        e.text = std::string(Trim(rest.substr(4)));
      } else if (rest.starts_with("regex:")) {
        e.match = Expectation::Match::kRegex;
        e.text = std::string(Trim(rest.substr(6)));
        RE2 re(e.text, RE2::Quiet);
        if (!re.ok()) return Error(util::StrCat("invalid regex ", e.text, " for ", kind_word));
      } else {
        return Error(
            "invalid expect statement, must match `expect <type> <match_type>: <string>` format");
      }
    }
    int counts[6] = {};
    eval.expectations.push_back(std::move(e));
    for (const Expectation& x : eval.expectations) ++counts[static_cast<int>(x.kind)];
    auto n = [&](ExpectKind k) { return counts[static_cast<int>(k)]; };
    if (n(ExpectKind::kInfo) > 0 && n(ExpectKind::kNoInfo) > 0) {
      return Error("invalid expect lines, info and no_info cannot be used together");
    }
    if (n(ExpectKind::kWarn) > 0 && n(ExpectKind::kNoWarn) > 0) {
      return Error("invalid expect lines, warn and no_warn cannot be used together");
    }
    if (n(ExpectKind::kFail) > 1) {
      return Error("invalid expect lines, multiple expect fail lines are not allowed");
    }
    return absl::OkStatus();
  }

  absl::StatusOr<EvalCommand> ParseEval(std::string_view word, std::string_view rest) {
    EvalCommand eval;
    eval.line = LineNo();
    if (absl::Status s = ParseEvalHeader(word, rest, eval); !s.ok()) return s;
    while (NextBlockLine()) {
      const std::string_view line = lines_[i_];
      if (eval.fail && line.starts_with("expected_fail_message")) {
        eval.expected_fail_message = std::string(Trim(line.substr(21)));
        break;
      }
      if (eval.fail && line.starts_with("expected_fail_regexp")) {
        eval.expected_fail_regexp = std::string(Trim(line.substr(20)));
        RE2 re(*eval.expected_fail_regexp, RE2::Quiet);
        if (!re.ok()) return Error("invalid regexp for expected_fail_regexp");
        break;
      }
      if (line.starts_with(kExpectRangeVector)) {
        std::string_view r = line.substr(kExpectRangeVector.size());
        EvalCommand range;
        if (absl::Status s = ParseFromToStep(r, range); !s.ok() || !r.empty()) {
          return Error(s.ok() ? absl::InvalidArgumentError("invalid range vector definition") : s);
        }
        eval.expect_range_vector = true;
        eval.exclude_from_range_check = true;
        eval.start_ms = range.start_ms;
        eval.end_ms = range.end_ms;
        eval.step_ms = range.step_ms;
        eval.eval_time_ms = range.end_ms;
        continue;
      }
      if (line.starts_with(kExpectString)) {
        const std::string_view quoted = Trim(line.substr(kExpectString.size()));
        absl::StatusOr<std::string> s = UnquoteString(quoted);
        if (quoted.empty() || !s.ok()) {
          return Error("expected string literal not valid - a correctly quoted string is required");
        }
        eval.expected_string = std::move(*s);
        eval.exclude_from_range_check = true;
        continue;
      }
      std::string_view probe = line;
      if (NextWord(probe) == "expect") {
        if (absl::Status s = ParseExpect(line, eval); !s.ok()) return s;
        continue;
      }
      if (absl::StatusOr<double> v = ParseNumber(line); v.ok()) {
        eval.expected_scalar = *v;
        break;
      }
      absl::StatusOr<SeriesLine> series = ParseSeriesLine(line);
      if (!series.ok()) return Error(series.status());
      series->line = LineNo();
      if (series->values.size() > 1 && !eval.is_range && !eval.expect_range_vector) {
        return Error(
            "expecting multiple values in instant evaluation not allowed. consider using 'expect "
            "range vector' directive to enable a range vector result for an instant query");
      }
      eval.expected_series.push_back(std::move(*series));
    }
    return eval;
  }

  std::string_view file_;
  std::vector<std::string_view> lines_;
  size_t i_ = 0;
};

}  // namespace

bool EvalCommand::IsFail() const {
  if (fail) return true;
  for (const Expectation& e : expectations) {
    if (e.kind == ExpectKind::kFail) return true;
  }
  return false;
}

bool EvalCommand::IsOrdered() const {
  if (ordered) return true;
  for (const Expectation& e : expectations) {
    if (e.kind == ExpectKind::kOrdered) return true;
  }
  return false;
}

bool EvalCommand::ExpectsNativeHistograms() const {
  for (const SeriesLine& s : expected_series) {
    if (s.native_histogram) return true;
  }
  return false;
}

absl::StatusOr<Script> ParseScript(std::string_view file, std::string_view text) {
  return Parser(file, text).Run();
}

absl::StatusOr<Script> ReadScript(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(util::ToAbsl(util::StrCat("cannot open ", path)));
  std::stringstream buf;
  buf << in.rdbuf();
  return ParseScript(path, buf.str());
}

bool IsCoreScript(std::string_view name) {
  static constexpr std::string_view kCore[] = {
      "aggregators", "at_modifier",   "collision", "functions", "histograms", "literals",
      "operators",   "range_queries", "selectors", "staleness", "subquery",   "trig_functions"};
  if (name.ends_with(".test")) name.remove_suffix(5);
  for (std::string_view core : kCore) {
    if (name == core) return true;
  }
  return false;
}

std::optional<std::string> ExpectedFailMessage(const EvalCommand& ev) {
  if (ev.expected_fail_message) return ev.expected_fail_message;
  for (const Expectation& e : ev.expectations) {
    if (e.kind == ExpectKind::kFail && e.match == Expectation::Match::kMessage) return e.text;
  }
  return std::nullopt;
}

}  // namespace sextant::promql::testing
