#pragma once

// The one place where RocksDB's status becomes an absl::Status (style.md, rule 7).

#include <string_view>

#include "absl/status/status.h"
#include "rocksdb/status.h"

namespace sextant::tsdb::partition {

// OK stays OK; NotFound → NotFound; Corruption → DataLoss; NoSpace → ResourceExhausted;
// IOError and the rest → Internal. The message names `context` (a path or an operation).
absl::Status FromRocks(const rocksdb::Status& s, std::string_view context);

}  // namespace sextant::tsdb::partition
