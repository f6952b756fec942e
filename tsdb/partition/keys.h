#pragma once

// The RocksDB key layout of the persistent partitions (docs/format/partitions.md).
//
//   C <start> <end>                  catalog entry of partition [start, end): PartitionMeta
//   P <start> <end> L <id>           series `id`'s labels and time bounds
//   P <start> <end> D <id>           series `id`'s samples: timestamp and value columns
//   P <start> <end> X <name> 0 <value>   postings of the label pair: the ids carrying it
//   P <start> <end> T <id>           series `id`'s deleted intervals (tombstones)
//
// <start>/<end> are milliseconds as 8 big-endian bytes with the sign bit flipped, so keys sort by
// time, negative times included; <id> is 4 big-endian bytes. Series ids are assigned in label
// order, so walking ids in order yields series sorted by labels. A partition is one contiguous key
// range, which retention drops with a single range delete.

#include <cstdint>
#include <string>
#include <string_view>

namespace sextant::tsdb::partition {

inline constexpr char kCatalogTag = 'C';
inline constexpr char kDataTag = 'P';
inline constexpr char kLabelsTag = 'L';
inline constexpr char kSamplesTag = 'D';
inline constexpr char kPostingsTag = 'X';
inline constexpr char kTombstonesTag = 'T';
inline constexpr size_t kPrefixSize = 17;  // tag + start + end

void PutTime(std::string* dst, int64_t t);
int64_t DecodeTime(const char* p);

std::string CatalogKey(int64_t start, int64_t end);
// The first key of partition [start, end) and the first key after it.
std::string PartitionPrefix(int64_t start, int64_t end);
std::string PartitionLimit(int64_t start, int64_t end);
std::string SeriesKey(int64_t start, int64_t end, char tag, uint32_t id);
std::string PostingsKey(int64_t start, int64_t end, std::string_view name, std::string_view value);
// Prefix of the postings keys of one label name (with the 0 separator), or of all names.
std::string PostingsNamePrefix(int64_t start, int64_t end, std::string_view name);
std::string PostingsPrefix(int64_t start, int64_t end);

}  // namespace sextant::tsdb::partition
