#pragma once

// FileProvider: one `file_sd_configs` entry, as Prometheus's discovery/file: its `files` are
// globs; each matching file holds a JSON or YAML list of target groups
//
//   [{"targets": ["host:9100", ...], "labels": {"env": "prod", ...}}, ...]
//
// Every group gets the label `__meta_filepath="<path>"` and the source "<path>:<index>".
// Refresh() re-reads a file when its modification time, inode or size changed, drops the groups of
// files that no longer match, and re-reads everything once per `refresh_interval`. A file that
// cannot be read or parsed keeps the groups it had (the error is logged), as in Prometheus.
//
// Thread-safety: see Provider.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "config/config.h"
#include "discovery/provider.h"

namespace sextant::discovery {

// Reads one target file (JSON or YAML). Errors: InvalidArgument, worded
// `error reading file "<path>": <reason>` (unreadable file, not a list, a group that is not a map,
// an invalid label name).
absl::StatusOr<std::vector<TargetGroup>> ReadTargetFile(const std::string& path);

class FileProvider : public Provider {
 public:
  // `index`: the entry's position among its config's file_sd_configs (the name "file/<index>").
  FileProvider(config::FileSdConfig cfg, size_t index);

  std::string_view name() const override { return name_; }
  bool Refresh(absl::Time now) override;
  bool dynamic() const override { return true; }
  const std::vector<TargetGroup>& groups() const override { return groups_; }

  struct FileStamp {
    int64_t mtime_ns = -1;
    uint64_t inode = 0;
    int64_t size = -1;
    bool operator==(const FileStamp&) const = default;
  };

 private:
  const config::FileSdConfig cfg_;
  const std::string name_;
  absl::Time last_full_ = absl::InfinitePast();
  std::map<std::string, std::vector<TargetGroup>> by_file_;  // by path
  std::map<std::string, FileStamp> stamps_;                  // of the files last read
  std::vector<TargetGroup> groups_;                          // by_file_ flattened
};

}  // namespace sextant::discovery
