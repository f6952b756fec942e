#include "tsdb/partition/damage.h"

#include <filesystem>
#include <system_error>

#include "rocksdb/db.h"
#include "rocksdb/metadata.h"
#include "rocksdb/options.h"
#include "rocksdb/sst_file_reader.h"
#include "rocksdb/sst_partitioner.h"
#include "tsdb/partition/keys.h"
#include "util/strings.h"

namespace sextant::tsdb::partition {
namespace {

// The 17-byte partition prefix of a data key, or the catalog tag alone: keys with the same group
// may share a table file.
std::string_view Group(const rocksdb::Slice& key) {
  std::string_view k(key.data(), key.size());
  if (!k.empty() && k[0] == kDataTag && k.size() >= kPrefixSize) return k.substr(0, kPrefixSize);
  return k.substr(0, std::min<size_t>(k.size(), 1));
}

class PartitionSstPartitioner final : public rocksdb::SstPartitioner {
 public:
  const char* Name() const override { return "SextantPartitionSstPartitioner"; }
  rocksdb::PartitionerResult ShouldPartition(const rocksdb::PartitionerRequest& request) override {
    return Group(*request.prev_user_key) != Group(*request.current_user_key)
               ? rocksdb::kRequired
               : rocksdb::kNotRequired;
  }
  bool CanDoTrivialMove(const rocksdb::Slice& smallest, const rocksdb::Slice& largest) override {
    return Group(smallest) == Group(largest);
  }
};

class PartitionSstPartitionerFactoryImpl final : public rocksdb::SstPartitionerFactory {
 public:
  const char* Name() const override { return "SextantPartitionSstPartitionerFactory"; }
  std::unique_ptr<rocksdb::SstPartitioner> CreatePartitioner(
      const rocksdb::SstPartitioner::Context&) const override {
    return std::make_unique<PartitionSstPartitioner>();
  }
};

}  // namespace

bool DamagedFile::HoldsCatalog() const {
  if (column_family == "catalog") return true;
  return !smallest_key.empty() && smallest_key[0] <= kCatalogTag &&
         (largest_key.empty() || largest_key[0] >= kCatalogTag);
}

bool DamagedFile::Overlaps(int64_t start, int64_t end) const {
  if (column_family == "catalog") return false;  // catalog entries, no partition data
  return PartitionPrefix(start, end) <= largest_key && smallest_key < PartitionLimit(start, end);
}

std::vector<std::pair<int64_t, int64_t>> DamagedFile::NamedPartitions() const {
  std::vector<std::pair<int64_t, int64_t>> out;
  if (column_family == "catalog") return out;
  for (const std::string* key : {&smallest_key, &largest_key}) {
    if (key->size() < kPrefixSize || (*key)[0] != kDataTag) continue;
    std::pair<int64_t, int64_t> range(DecodeTime(key->data() + 1), DecodeTime(key->data() + 9));
    if (out.empty() || out.back() != range) out.push_back(range);
  }
  return out;
}

absl::StatusOr<std::vector<DamagedFile>> FindDamagedFiles(rocksdb::DB* db, const std::string& dir) {
  std::vector<rocksdb::LiveFileMetaData> files;
  db->GetLiveFilesMetaData(&files);
  std::vector<DamagedFile> out;
  rocksdb::Options options;
  for (const rocksdb::LiveFileMetaData& f : files) {
    std::string path = dir + f.name;  // name starts with '/'
    std::error_code ec;
    std::string problem;
    uint64_t size = std::filesystem::file_size(path, ec);
    if (ec) {
      problem = std::filesystem::exists(path) ? util::StrCat("unreadable: ", ec.message())
                                              : std::string("missing");
    } else if (size != f.size) {
      problem = util::StrCat(size < f.size ? "truncated: " : "wrong size: ", size, " of ", f.size,
                             " bytes");
    } else {
      // The footer and index: what RocksDB reads before any data block.
      rocksdb::SstFileReader reader(options);
      if (rocksdb::Status s = reader.Open(path); !s.ok()) {
        problem = util::StrCat("unreadable: ", s.ToString());
      }
    }
    if (problem.empty()) continue;
    DamagedFile d;
    d.file = path;
    d.problem = std::move(problem);
    d.level = f.level;
    d.column_family = f.column_family_name;
    d.smallest_key = f.smallestkey;
    d.largest_key = f.largestkey;
    out.push_back(std::move(d));
  }
  return out;
}

std::shared_ptr<rocksdb::SstPartitionerFactory> PartitionSstPartitionerFactory() {
  return std::make_shared<PartitionSstPartitionerFactoryImpl>();
}

}  // namespace sextant::tsdb::partition
