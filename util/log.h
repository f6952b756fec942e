#pragma once

// Structured logging in Prometheus's style.
//
// logfmt (the default):
//   ts=2026-11-21T10:00:00.000Z level=info component=web msg="Start listening" address=0.0.0.0:9090
// json (--log.format=json):
//   {"ts":"2026-11-21T10:00:00.000Z","level":"info","component":"web","msg":"...","address":"..."}
//
// Usage:
//   static const util::Logger kLog("web");
//   kLog.Info("Start listening for connections", {{"address", address}});
//
// Thread-safety: everything here is safe to call from any thread. Each record is written to the
// sink whole, so lines from different threads never interleave.

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace sextant::util {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };
enum class LogFormat { kLogfmt, kJson };

// Parses Prometheus's --log.level values: debug, info, warn, error.
absl::StatusOr<LogLevel> ParseLogLevel(std::string_view text);
// Parses Prometheus's --log.format values: logfmt, json.
absl::StatusOr<LogFormat> ParseLogFormat(std::string_view text);
std::string_view LogLevelName(LogLevel level);

// Sets the process-wide minimum level and format. Defaults: info, logfmt.
void ConfigureLogging(LogLevel level, LogFormat format);

// Receives each complete record, newline included. The default sink writes to stderr.
using LogSink = std::function<void(std::string_view record)>;
// Replaces the sink (nullptr restores stderr). Meant for tests; not for use while other threads
// log.
void SetLogSinkForTesting(LogSink sink);

// One key=value pair of a record. Strings are borrowed only for the duration of the log call.
class LogField {
 public:
  LogField(std::string_view key, std::string_view value) : key_(key), value_(value) {}
  LogField(std::string_view key, const char* value) : key_(key), value_(value) {}
  LogField(std::string_view key, const std::string& value) : key_(key), value_(value) {}
  LogField(std::string_view key, bool value) : key_(key), value_(value ? "true" : "false") {}
  LogField(std::string_view key, double value);
  LogField(std::string_view key, const absl::Status& status)
      : key_(key),
        value_(status.ok() ? "OK" : std::string(status.message().data(), status.message().size())) {
  }
  template <typename Int>
  requires(std::is_integral_v<Int> && !std::is_same_v<Int, bool>)
      LogField(std::string_view key, Int value)
      : key_(key), value_(std::to_string(value)) {}

  std::string_view key() const { return key_; }
  const std::string& value() const { return value_; }

 private:
  std::string_view key_;
  std::string value_;
};

// A logger for one component (`component=...` in every record; empty means none).
class Logger {
 public:
  explicit Logger(std::string_view component) : component_(component) {}

  void Debug(std::string_view msg, std::initializer_list<LogField> fields = {}) const {
    Log(LogLevel::kDebug, msg, fields);
  }
  void Info(std::string_view msg, std::initializer_list<LogField> fields = {}) const {
    Log(LogLevel::kInfo, msg, fields);
  }
  void Warn(std::string_view msg, std::initializer_list<LogField> fields = {}) const {
    Log(LogLevel::kWarn, msg, fields);
  }
  void Error(std::string_view msg, std::initializer_list<LogField> fields = {}) const {
    Log(LogLevel::kError, msg, fields);
  }
  void Log(LogLevel level, std::string_view msg, std::initializer_list<LogField> fields) const;

  // True when records of `level` are currently written; use it to skip costly field formatting.
  static bool Enabled(LogLevel level);

 private:
  std::string component_;
};

// Formats one record without writing it (exposed for tests). `ts` is RFC3339 with milliseconds.
std::string FormatLogRecord(LogFormat format, std::string_view ts, LogLevel level,
                            std::string_view component, std::string_view msg,
                            std::initializer_list<LogField> fields);

}  // namespace sextant::util
