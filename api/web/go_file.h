#pragma once

// Whole-file reads and stats with Go's os error wording, for the web config and the files it
// names ("open /etc/web.yml: no such file or directory"). Internal to api/web.

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace sextant::api::web::internal {

// os.ReadFile(path). Errors: InvalidArgument "open <path>: <errno text>" (or "read <path>: ...").
absl::StatusOr<std::string> ReadFileGo(const std::string& path);

// filepath.Join(dir, path) when `path` is relative and non-empty and `dir` is non-empty (the
// toolkit's config_util.JoinDir); `path` unchanged otherwise.
std::string JoinDir(const std::string& dir, const std::string& path);

// Identity of a file's current content for change detection: device, inode, size and
// modification time. A missing file has a stamp too (all zero with `exists` false).
struct FileStamp {
  bool exists = false;
  uint64_t dev = 0;
  uint64_t ino = 0;
  int64_t size = 0;
  int64_t mtime_ns = 0;
  int64_t ctime_ns = 0;
  bool operator==(const FileStamp&) const = default;
};
FileStamp StatFile(const std::string& path);

}  // namespace sextant::api::web::internal
