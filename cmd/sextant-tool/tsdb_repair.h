#pragma once

// `sextant-tool tsdb repair [<db path>]`: removes damaged partitions from a data directory
// (docs/format/partitions.md, "Damage"). Table files that are missing, truncated or unreadable
// are moved to <db path>/partitions/lost/ by RocksDB's RepairDB, every partition with keys in
// them is dropped whole, and the store is compacted one partition per file. Takes the data
// directory's lock, so it refuses to run while a server holds the directory.

#include <ostream>
#include <string>

#include "absl/status/status.h"

namespace sextant::tool {

// Prints one line per damaged file and per dropped partition, then a summary.
// Errors: FailedPrecondition while a server holds the directory; NotFound without a partition
// store; the store's errors.
absl::Status RepairDataDir(const std::string& db_path, std::ostream& out);

}  // namespace sextant::tool
