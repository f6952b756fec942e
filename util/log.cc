#include "util/log.h"

#include <atomic>
#include <cstdio>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "util/go_format.h"
#include "util/mutex.h"
#include "util/strings.h"

namespace sextant::util {
namespace {

std::atomic<LogLevel> g_level{LogLevel::kInfo};
std::atomic<LogFormat> g_format{LogFormat::kLogfmt};

Mutex g_sink_mu;
LogSink* g_sink ABSL_GUARDED_BY(g_sink_mu) = nullptr;

// logfmt quotes a value when it is empty or holds a space, '=', '"' or a control character.
bool NeedsLogfmtQuotes(std::string_view v) {
  if (v.empty()) return true;
  for (unsigned char c : v) {
    if (c <= ' ' || c == '=' || c == '"' || c == 0x7f) return true;
  }
  return false;
}

void AppendLogfmtPair(std::string* out, std::string_view key, std::string_view value) {
  if (!out->empty()) out->push_back(' ');
  StrAppend(out, key, "=");
  if (NeedsLogfmtQuotes(value)) {
    out->append(QuoteGo(value));
  } else {
    out->append(value);
  }
}

void AppendJsonPair(std::string* out, std::string_view key, std::string_view value) {
  if (out->back() != '{') out->push_back(',');  // a JSON record always starts with '{'
  out->append(QuoteJson(key));
  out->push_back(':');
  out->append(QuoteJson(value));
}

}  // namespace

absl::StatusOr<LogLevel> ParseLogLevel(std::string_view text) {
  if (text == "debug") return LogLevel::kDebug;
  if (text == "info") return LogLevel::kInfo;
  if (text == "warn") return LogLevel::kWarn;
  if (text == "error") return LogLevel::kError;
  return absl::InvalidArgumentError(
      StrCat("unrecognized log level \"", text, "\"; one of: debug, info, warn, error"));
}

absl::StatusOr<LogFormat> ParseLogFormat(std::string_view text) {
  if (text == "logfmt") return LogFormat::kLogfmt;
  if (text == "json") return LogFormat::kJson;
  return absl::InvalidArgumentError(
      StrCat("unrecognized log format \"", text, "\"; one of: logfmt, json"));
}

std::string_view LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "unknown";
}

void ConfigureLogging(LogLevel level, LogFormat format) {
  g_level.store(level, std::memory_order_relaxed);
  g_format.store(format, std::memory_order_relaxed);
}

void SetLogSinkForTesting(LogSink sink) {
  MutexLock lock(&g_sink_mu);
  delete g_sink;
  g_sink = sink ? new LogSink(std::move(sink)) : nullptr;
}

LogField::LogField(std::string_view key, double value) : key_(key), value_(FormatFloatGo(value)) {}

bool Logger::Enabled(LogLevel level) {
  return static_cast<int>(level) >= static_cast<int>(g_level.load(std::memory_order_relaxed));
}

void Logger::Log(LogLevel level, std::string_view msg,
                 std::initializer_list<LogField> fields) const {
  if (!Enabled(level)) return;
  const std::string ts = absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone());
  std::string record =
      FormatLogRecord(g_format.load(std::memory_order_relaxed), ts, level, component_, msg, fields);
  MutexLock lock(&g_sink_mu);
  if (g_sink != nullptr) {
    (*g_sink)(record);
  } else {
    std::fwrite(record.data(), 1, record.size(), stderr);
  }
}

std::string FormatLogRecord(LogFormat format, std::string_view ts, LogLevel level,
                            std::string_view component, std::string_view msg,
                            std::initializer_list<LogField> fields) {
  std::string out;
  auto append = format == LogFormat::kJson ? AppendJsonPair : AppendLogfmtPair;
  if (format == LogFormat::kJson) out = "{";
  append(&out, "ts", ts);
  append(&out, "level", LogLevelName(level));
  if (!component.empty()) append(&out, "component", component);
  append(&out, "msg", msg);
  for (const LogField& f : fields) append(&out, f.key(), f.value());
  if (format == LogFormat::kJson) out.push_back('}');
  out.push_back('\n');
  return out;
}

}  // namespace sextant::util
