#pragma once

// `sextant-tool tsdb list [-r] [<db path>]`: promtool's block table, one row per persistent
// partition (partition_table.h), oldest first. Like promtool, only persisted data is listed, not
// the head. Reads the partition store read-only, so it works while a server runs.

#include <ostream>
#include <string>

#include "absl/status/status.h"

namespace sextant::tool {

struct ListOptions {
  std::string db_path = "data/";
  bool human_readable = false;
};

// Errors: NotFound "opening the db dir: stat <path>: no such file or directory" (promtool's
// text); the store's errors.
absl::Status ListPartitions(const ListOptions& options, std::ostream& out);

}  // namespace sextant::tool
