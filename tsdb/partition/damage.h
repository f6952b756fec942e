#pragma once

// Damaged table files of the partition store, and how the store keeps damage to the partitions
// whose data the files hold (docs/format/partitions.md, "Damage").
//
// RocksDB refuses to open a database whose MANIFEST names a table file that is missing or shorter
// than recorded. PartitionStore::Open then opens it leniently (no paranoid checks, no automatic
// compactions) and FindDamagedFiles() lists those files with their key ranges; the partitions
// whose keys fall in a damaged file's range are damaged, the others are served as usual.
// PartitionSstPartitionerFactory makes compactions cut table files at partition boundaries, so
// that one damaged file holds (almost always) one partition.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace rocksdb {
class DB;
class SstPartitionerFactory;
}  // namespace rocksdb

namespace sextant::tsdb::partition {

struct DamagedFile {
  std::string file;     // path of the table file, as the MANIFEST names it
  std::string problem;  // "missing", "truncated: 100 of 4096 bytes", "unreadable: ..."
  int level = 0;
  std::string column_family;  // "default" (partition data) or "catalog"
  std::string smallest_key;   // the key range the MANIFEST records for the file
  std::string largest_key;
  // Whether the file holds catalog entries: a file of the catalog family, or of a store from
  // before it whose key range reaches into the catalog keys (docs/format/partitions.md).
  bool HoldsCatalog() const;
  // Whether the file's key range overlaps partition [start, end)'s keys.
  bool Overlaps(int64_t start, int64_t end) const;
  // The partitions named by the file's first and last data keys ([start, end) pairs), for files
  // whose catalog entries are gone too.
  std::vector<std::pair<int64_t, int64_t>> NamedPartitions() const;
};

// Checks every live table file of `db` (in `dir`) against the MANIFEST: present, of the recorded
// size, and with a readable footer. Cheap: no data block is read.
absl::StatusOr<std::vector<DamagedFile>> FindDamagedFiles(rocksdb::DB* db, const std::string& dir);

// Compaction outputs end where a partition's keys end, and catalog keys never share a file with
// partition data.
std::shared_ptr<rocksdb::SstPartitionerFactory> PartitionSstPartitionerFactory();

}  // namespace sextant::tsdb::partition
