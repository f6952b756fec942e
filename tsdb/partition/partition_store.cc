#include "tsdb/partition/partition_store.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <system_error>
#include <tuple>
#include <utility>

#include "rocksdb/convenience.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "rocksdb/table.h"
#include "rocksdb/utilities/checkpoint.h"
#include "rocksdb/write_batch.h"
#include "tsdb/index/postings.h"
#include "tsdb/partition/keys.h"
#include "tsdb/partition/partition_reader.h"
#include "tsdb/partition/partition_writer.h"
#include "tsdb/partition/rocks_status.h"
#include "tsdb/partition/values.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace sextant::tsdb::partition {

std::string PartitionMeta::Name() const { return util::StrCat(start, "-", end); }
std::string DamagedPartition::Name() const { return util::StrCat(start, "-", end); }

PartitionStore::PartitionStore(std::unique_ptr<rocksdb::DB> db,
                               rocksdb::ColumnFamilyHandle* catalog, bool owns_catalog,
                               std::string dir)
    : db_(std::move(db)), catalog_(catalog), owns_catalog_(owns_catalog), dir_(std::move(dir)) {}

PartitionStore::~PartitionStore() {
  if (db_ == nullptr) return;
  if (owns_catalog_) db_->DestroyColumnFamilyHandle(catalog_).PermitUncheckedError();
  db_->Close().PermitUncheckedError();
}

namespace {

rocksdb::Options StoreOptions(const PartitionStoreOptions& options) {
  rocksdb::Options opts;
  opts.create_if_missing = !options.read_only;
  opts.compression = rocksdb::kZSTD;
  opts.bottommost_compression = rocksdb::kZSTD;
  opts.write_buffer_size = options.write_buffer_bytes;
  opts.max_write_buffer_number = 2;
  opts.max_background_jobs = 2;
  opts.keep_log_file_num = 3;
  opts.max_open_files = 256;
  // One partition per table file once compacted: damage to a file stays in its partition.
  opts.sst_partitioner_factory = PartitionSstPartitionerFactory();
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  table.block_size = 16 << 10;
  opts.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return opts;
}

// How a store with damaged table files is opened: without RocksDB's consistency checks, and
// without automatic compactions (which would read a damaged file and fail over and over), so
// level-0 files must not stall writes either.
rocksdb::Options LenientOptions(rocksdb::Options opts) {
  opts.paranoid_checks = false;
  opts.disable_auto_compactions = true;
  opts.level0_slowdown_writes_trigger = 1 << 20;
  opts.level0_stop_writes_trigger = 1 << 20;
  return opts;
}

// The catalog's column family: its own table files, so that no file holds both catalog entries
// and partition data (docs/format/partitions.md, "Damage").
constexpr char kCatalogFamily[] = "catalog";

rocksdb::ColumnFamilyOptions CatalogFamilyOptions() {
  rocksdb::ColumnFamilyOptions cf;
  cf.compression = rocksdb::kZSTD;
  return cf;
}

// The database and its catalog family. A store from before the catalog family has its entries
// in the default family: opened for writing, they move into a new catalog family in one atomic
// batch; opened read-only, the default family stands in for it (*owns_catalog false).
rocksdb::Status OpenRocks(const rocksdb::Options& opts, const std::string& dir, bool read_only,
                          std::unique_ptr<rocksdb::DB>* out, rocksdb::ColumnFamilyHandle** catalog,
                          bool* owns_catalog) {
  std::vector<std::string> families;
  if (!rocksdb::DB::ListColumnFamilies(opts, dir, &families).ok()) families = {};
  const bool has_catalog =
      std::find(families.begin(), families.end(), kCatalogFamily) != families.end();
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors = {
      {rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions(opts)}};
  if (has_catalog) descriptors.emplace_back(kCatalogFamily, CatalogFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s =
      read_only
          ? rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(opts), dir, descriptors, &handles, &raw)
          : rocksdb::DB::Open(rocksdb::DBOptions(opts), dir, descriptors, &handles, &raw);
  out->reset(raw);
  if (!s.ok()) return s;
  // The default family's handle is the database's own; only the catalog's is ours to destroy.
  raw->DestroyColumnFamilyHandle(handles[0]).PermitUncheckedError();
  *owns_catalog = has_catalog || !read_only;
  if (has_catalog) {
    *catalog = handles[1];
    return s;
  }
  if (read_only) {
    *catalog = raw->DefaultColumnFamily();
    return s;
  }
  s = raw->CreateColumnFamily(CatalogFamilyOptions(), kCatalogFamily, catalog);
  if (!s.ok()) return s;
  rocksdb::WriteBatch move;
  std::unique_ptr<rocksdb::Iterator> it(raw->NewIterator(rocksdb::ReadOptions()));
  const std::string first(1, kCatalogTag);
  for (it->Seek(first); it->Valid() && it->key()[0] == kCatalogTag; it->Next()) {
    move.Put(*catalog, it->key(), it->value());
    move.Delete(it->key());
  }
  if (!it->status().ok()) return it->status();
  rocksdb::WriteOptions sync;
  sync.sync = true;
  return raw->Write(sync, &move);
}

std::string DescribeDamage(const std::vector<DamagedFile>& files) {
  std::string out;
  for (const DamagedFile& f : files) {
    util::StrAppend(&out, out.empty() ? "" : "; ", f.file, " (", f.problem, ")");
  }
  return out;
}

}  // namespace

absl::StatusOr<std::unique_ptr<PartitionStore>> PartitionStore::Open(
    const std::string& dir, PartitionStoreOptions options) {
  rocksdb::Options opts = StoreOptions(options);
  std::unique_ptr<rocksdb::DB> db;
  rocksdb::ColumnFamilyHandle* catalog = nullptr;
  bool owns_catalog = false;
  rocksdb::Status s = OpenRocks(opts, dir, options.read_only, &db, &catalog, &owns_catalog);
  bool lenient = false;
  if (!s.ok() && (s.IsCorruption() || s.IsIOError())) {
    // A table file the MANIFEST names is missing or damaged. Open without RocksDB's consistency
    // checks, and without automatic compactions, which would read the damaged file and fail over
    // and over; the damaged partitions are found below and kept out of queries.
    std::unique_ptr<rocksdb::DB> retry;
    if (OpenRocks(LenientOptions(opts), dir, options.read_only, &retry, &catalog, &owns_catalog)
            .ok()) {
      db = std::move(retry);
      lenient = true;
    }
  }
  if (db == nullptr || (!s.ok() && !lenient)) return FromRocks(s, dir);
  auto store = std::unique_ptr<PartitionStore>(
      new PartitionStore(std::move(db), catalog, owns_catalog, dir));
  store->lenient_ = lenient;
  if (lenient) {
    ASSIGN_OR_RETURN(std::vector<DamagedFile> files, FindDamagedFiles(store->db_.get(), dir));
    // Lenient opening got past something the file checks do not see: report the original error.
    if (files.empty()) return FromRocks(s, dir);
    for (const DamagedFile& f : files) {
      if (!f.HoldsCatalog()) continue;
      // The catalog may only be readable through the damaged file: try, and if it fails, say so.
      if (auto catalog = store->List(); !catalog.ok()) {
        return absl::DataLossError(util::StrCat(
            dir, ": the partition catalog is in a damaged table file: ", DescribeDamage(files),
            "; run `sextant-tool tsdb repair` on the data directory (", catalog.status().message(),
            ")"));
      }
    }
  }
  if (!options.read_only) RETURN_IF_ERROR(store->Recover());
  if (lenient) RETURN_IF_ERROR(store->RefreshDamage());
  return store;
}

namespace {

// Every catalog entry, complete or not, oldest first.
absl::StatusOr<std::vector<PartitionMeta>> ReadCatalog(rocksdb::DB* db,
                                                       rocksdb::ColumnFamilyHandle* catalog,
                                                       const rocksdb::Snapshot* snap) {
  std::vector<PartitionMeta> out;
  rocksdb::ReadOptions ro;
  ro.snapshot = snap;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro, catalog));
  std::string first(1, kCatalogTag);
  for (it->Seek(first); it->Valid() && it->key()[0] == kCatalogTag; it->Next()) {
    rocksdb::Slice key = it->key();
    if (key.size() != kPrefixSize) return absl::DataLossError("corrupt partition catalog key");
    PartitionMeta meta;
    meta.start = DecodeTime(key.data() + 1);
    meta.end = DecodeTime(key.data() + 9);
    RETURN_IF_ERROR(DecodeMeta(std::string_view(it->value().data(), it->value().size()), &meta));
    out.push_back(meta);
  }
  RETURN_IF_ERROR(FromRocks(it->status(), "reading the partition catalog"));
  return out;
}

}  // namespace

absl::Status PartitionStore::Recover() {
  ASSIGN_OR_RETURN(std::vector<PartitionMeta> all, ReadCatalog(db_.get(), catalog_, nullptr));
  for (const PartitionMeta& p : all) {
    bool covered = std::any_of(all.begin(), all.end(), [&](const PartitionMeta& o) {
      return o.complete && &o != &p && o.start <= p.start && o.end >= p.end &&
             (o.end - o.start) > (p.end - p.start);
    });
    // Unfinished writes and the inputs of a merge that finished writing but crashed before it
    // removed them.
    if (!p.complete || covered) RETURN_IF_ERROR(DropLocked(p));
  }
  return absl::OkStatus();
}

absl::Status PartitionStore::RefreshDamage() {
  std::vector<DamagedPartition> damaged;
  if (lenient_) {
    ASSIGN_OR_RETURN(std::vector<DamagedFile> files, FindDamagedFiles(db_.get(), dir_));
    ASSIGN_OR_RETURN(std::vector<PartitionMeta> catalog, ReadCatalog(db_.get(), catalog_, nullptr));
    for (const DamagedFile& f : files) {
      auto add = [&](int64_t start, int64_t end, int64_t min_time, int64_t max_time) {
        for (const DamagedPartition& d : damaged) {
          if (d.start == start && d.end == end) return;
        }
        damaged.push_back({start, end, min_time, max_time, f.file, f.problem});
      };
      for (const PartitionMeta& p : catalog) {
        if (f.Overlaps(p.start, p.end)) add(p.start, p.end, p.min_time, p.max_time);
      }
      // Data keys whose catalog entry is gone (it was in the damaged file too).
      for (auto [start, end] : f.NamedPartitions()) add(start, end, start, end - 1);
    }
    std::sort(damaged.begin(), damaged.end(), [](const auto& a, const auto& b) {
      return std::tie(a.start, a.end) < std::tie(b.start, b.end);
    });
    if (files.empty()) {
      // The damage is gone (dropped): let RocksDB compact again.
      lenient_ = false;
      db_->SetOptions({{"disable_auto_compactions", "false"}}).PermitUncheckedError();
    }
  }
  util::MutexLock lock(&damage_mu_);
  damaged_ = std::move(damaged);
  return absl::OkStatus();
}

std::vector<DamagedPartition> PartitionStore::Damaged() const {
  util::MutexLock lock(&damage_mu_);
  return damaged_;
}

bool PartitionStore::IsDamaged(int64_t start, int64_t end) const {
  util::MutexLock lock(&damage_mu_);
  return std::any_of(damaged_.begin(), damaged_.end(),
                     [&](const DamagedPartition& d) { return d.start == start && d.end == end; });
}

absl::StatusOr<std::vector<PartitionMeta>> PartitionStore::List() const { return ListAt(nullptr); }

absl::StatusOr<std::vector<PartitionMeta>> PartitionStore::ListAt(
    const rocksdb::Snapshot* snapshot) const {
  ASSIGN_OR_RETURN(std::vector<PartitionMeta> all, ReadCatalog(db_.get(), catalog_, snapshot));
  std::vector<PartitionMeta> out;
  for (PartitionMeta& p : all) {
    if (p.complete) out.push_back(std::move(p));
  }
  return out;
}

absl::StatusOr<PartitionMeta> PartitionStore::Write(int64_t start, int64_t end,
                                                    std::span<const SeriesSamples> series,
                                                    uint32_t level) {
  util::MutexLock lock(&write_mu_);
  ASSIGN_OR_RETURN(auto writer, PartitionWriter::Begin(db_.get(), catalog_, start, end, level));
  for (const SeriesSamples& s : series) RETURN_IF_ERROR(writer->Add(s.labels, s.samples));
  return writer->Finish();
}

absl::Status PartitionStore::ForEachSeries(
    const PartitionMeta& meta, const std::function<absl::Status(SeriesSamples&&)>& fn) const {
  PartitionCursor cursor(db_.get(), nullptr, meta);
  while (cursor.Next()) {
    SeriesSamples s;
    s.labels = cursor.header().labels;
    RETURN_IF_ERROR(cursor.ReadSamples(&s.samples));
    if (s.samples.empty()) continue;
    RETURN_IF_ERROR(fn(std::move(s)));
  }
  return cursor.status();
}

absl::StatusOr<PartitionMeta> PartitionStore::Merge(std::span<const PartitionMeta> inputs,
                                                    int64_t start, int64_t end) {
  util::MutexLock lock(&write_mu_);
  uint32_t level = 1;
  for (const PartitionMeta& p : inputs) level = std::max(level, p.level + 1);
  ASSIGN_OR_RETURN(auto writer, PartitionWriter::Begin(db_.get(), catalog_, start, end, level));
  // A k-way merge by labels; each input yields its series in label order.
  std::vector<std::unique_ptr<PartitionCursor>> cursors;
  std::vector<bool> valid;
  for (const PartitionMeta& p : inputs) {
    cursors.push_back(std::make_unique<PartitionCursor>(db_.get(), nullptr, p));
    valid.push_back(cursors.back()->Next());
  }
  std::vector<model::Sample> merged, part;
  while (true) {
    const model::Labels* lowest = nullptr;
    for (size_t i = 0; i < cursors.size(); ++i) {
      if (valid[i] && (lowest == nullptr || cursors[i]->header().labels < *lowest)) {
        lowest = &cursors[i]->header().labels;
      }
    }
    if (lowest == nullptr) break;
    model::Labels labels = *lowest;
    merged.clear();
    for (size_t i = 0; i < cursors.size(); ++i) {
      if (!valid[i] || cursors[i]->header().labels != labels) continue;
      RETURN_IF_ERROR(cursors[i]->ReadSamples(&part));
      // Inputs are disjoint in time and come oldest first, so appending keeps order; a stray
      // overlap (never produced by Sextant) is resolved by keeping the first sample.
      for (const model::Sample& s : part) {
        if (merged.empty() || s.t > merged.back().t) merged.push_back(s);
      }
      valid[i] = cursors[i]->Next();
    }
    RETURN_IF_ERROR(writer->Add(labels, merged));
  }
  for (const auto& c : cursors) RETURN_IF_ERROR(c->status());
  ASSIGN_OR_RETURN(PartitionMeta meta, writer->Finish());
  for (const PartitionMeta& p : inputs) RETURN_IF_ERROR(DropLocked(p));
  return meta;
}

absl::Status PartitionStore::Drop(const PartitionMeta& meta) {
  util::MutexLock lock(&write_mu_);
  return DropLocked(meta);
}

absl::Status PartitionStore::DropLocked(const PartitionMeta& meta) {
  std::string begin = PartitionPrefix(meta.start, meta.end);
  std::string limit = PartitionLimit(meta.start, meta.end);
  rocksdb::WriteBatch batch;
  batch.Delete(catalog_, CatalogKey(meta.start, meta.end));
  batch.DeleteRange(begin, limit);
  rocksdb::WriteOptions sync;
  sync.sync = true;
  RETURN_IF_ERROR(FromRocks(db_->Write(sync, &batch), util::StrCat("dropping ", meta.Name())));
  // Give the space back now rather than at some later compaction. The compaction honours the
  // snapshots of queriers still reading the partition (they keep seeing it until they end).
  // Deleting whole files (DeleteFilesInRange) would not: since table files are cut at partition
  // boundaries, a reader in flight would find its partition's files gone. Only damaged files,
  // which nobody can read anyway, are removed that way.
  rocksdb::Slice b(begin), l(limit);
  if (lenient_) {
    rocksdb::DeleteFilesInRange(db_.get(), db_->DefaultColumnFamily(), &b, &l)
        .PermitUncheckedError();
  }
  rocksdb::CompactRangeOptions cro;
  cro.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  rocksdb::Status compacted = db_->CompactRange(cro, &b, &l);
  if (lenient_) {
    // The compaction may have had to read a damaged file: the drop itself is done, and the space
    // comes back once the store is repaired. A damaged file wholly in the range is gone now.
    compacted.PermitUncheckedError();
    return RefreshDamage();
  }
  return FromRocks(compacted, util::StrCat("compacting ", meta.Name()));
}

absl::StatusOr<size_t> PartitionStore::Delete(int64_t mint, int64_t maxt,
                                              std::span<const model::Matcher> matchers) {
  util::MutexLock lock(&write_mu_);
  size_t touched = 0;
  ASSIGN_OR_RETURN(std::vector<PartitionMeta> partitions, List());
  for (PartitionMeta meta : partitions) {
    if (meta.max_time < mint || meta.min_time > maxt) continue;
    PartitionReader reader(db_.get(), nullptr, meta);
    rocksdb::WriteBatch batch;
    for (uint64_t id : index::PostingsForMatchers(reader, matchers)) {
      ASSIGN_OR_RETURN(SeriesHeader header, reader.Header(static_cast<uint32_t>(id)));
      if (header.max_time < mint || header.min_time > maxt) continue;
      ASSIGN_OR_RETURN(Intervals deleted, reader.Tombstones(static_cast<uint32_t>(id)));
      deleted.Add({mint, maxt});
      batch.Put(SeriesKey(meta.start, meta.end, kTombstonesTag, static_cast<uint32_t>(id)),
                EncodeIntervals(deleted));
      ++touched;
    }
    if (batch.Count() == 0) continue;
    meta.has_tombstones = true;
    batch.Put(catalog_, CatalogKey(meta.start, meta.end), EncodeMeta(meta));
    rocksdb::WriteOptions sync;
    sync.sync = true;
    RETURN_IF_ERROR(FromRocks(db_->Write(sync, &batch), "writing tombstones"));
  }
  return touched;
}

absl::Status PartitionStore::CleanTombstones() {
  util::MutexLock lock(&write_mu_);
  ASSIGN_OR_RETURN(std::vector<PartitionMeta> partitions, List());
  for (PartitionMeta meta : partitions) {
    if (!meta.has_tombstones) continue;
    // Rewrite the series that have tombstones in place; their ids and postings stay (a series
    // left without samples is skipped by readers).
    PartitionCursor cursor(db_.get(), nullptr, meta);
    rocksdb::WriteBatch batch;
    std::vector<model::Sample> samples;
    uint64_t removed = 0;
    while (cursor.Next()) {
      if (cursor.deleted().empty()) continue;
      size_t before = cursor.header().num_samples;
      RETURN_IF_ERROR(cursor.ReadSamples(&samples));  // tombstoned samples already dropped
      removed += before - samples.size();
      uint32_t id = cursor.id();
      batch.Delete(SeriesKey(meta.start, meta.end, kTombstonesTag, id));
      if (samples.empty()) {
        batch.Delete(SeriesKey(meta.start, meta.end, kSamplesTag, id));
        batch.Delete(SeriesKey(meta.start, meta.end, kLabelsTag, id));
      } else {
        batch.Put(SeriesKey(meta.start, meta.end, kLabelsTag, id),
                  EncodeSeriesHeader(cursor.header().labels, samples));
        batch.Put(SeriesKey(meta.start, meta.end, kSamplesTag, id), EncodeSamples(samples));
      }
    }
    RETURN_IF_ERROR(cursor.status());
    meta.has_tombstones = false;
    meta.num_samples -= std::min(meta.num_samples, removed);
    batch.Put(catalog_, CatalogKey(meta.start, meta.end), EncodeMeta(meta));
    rocksdb::WriteOptions sync;
    sync.sync = true;
    RETURN_IF_ERROR(FromRocks(db_->Write(sync, &batch), "cleaning tombstones"));
  }
  return absl::OkStatus();
}

absl::StatusOr<RepairReport> PartitionStore::Repair(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::exists(dir + "/CURRENT", ec)) {
    return absl::NotFoundError(util::StrCat(dir, ": no partition store"));
  }
  RepairReport report;
  rocksdb::Options opts = StoreOptions({});
  {
    // What is damaged, seen as the server sees it.
    std::unique_ptr<rocksdb::DB> db;
    rocksdb::ColumnFamilyHandle* catalog = nullptr;
    bool owns_catalog = false;
    RETURN_IF_ERROR(FromRocks(
        OpenRocks(LenientOptions(opts), dir, /*read_only=*/false, &db, &catalog, &owns_catalog),
        dir));
    ASSIGN_OR_RETURN(report.files, FindDamagedFiles(db.get(), dir));
    db->DestroyColumnFamilyHandle(catalog).PermitUncheckedError();
    RETURN_IF_ERROR(FromRocks(db->Close(), dir));
  }
  if (!report.files.empty()) {
    // RepairDB rebuilds the MANIFEST from the table files that read; the others go to lost/.
    const std::vector<rocksdb::ColumnFamilyDescriptor> families = {
        {rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions(opts)},
        {kCatalogFamily, CatalogFamilyOptions()}};
    RETURN_IF_ERROR(FromRocks(rocksdb::RepairDB(dir, rocksdb::DBOptions(opts), families,
                                                rocksdb::ColumnFamilyOptions(opts)),
                              util::StrCat("repairing ", dir)));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<PartitionStore> store, Open(dir));
  ASSIGN_OR_RETURN(std::vector<PartitionMeta> catalog,
                   ReadCatalog(store->db(), store->catalog(), nullptr));
  for (const DamagedFile& f : report.files) {
    auto add = [&](int64_t start, int64_t end) {
      for (const DamagedPartition& d : report.dropped) {
        if (d.start == start && d.end == end) return;
      }
      report.dropped.push_back({start, end, start, end - 1, f.file, f.problem});
    };
    for (const PartitionMeta& p : catalog) {
      if (f.Overlaps(p.start, p.end)) add(p.start, p.end);
    }
    for (auto [start, end] : f.NamedPartitions()) add(start, end);
  }
  // What survived of a damaged partition is dropped whole: a partition is served complete or not
  // at all.
  for (DamagedPartition& d : report.dropped) {
    for (const PartitionMeta& p : catalog) {
      if (p.start == d.start && p.end == d.end) d.min_time = p.min_time, d.max_time = p.max_time;
    }
    PartitionMeta meta;
    meta.start = d.start;
    meta.end = d.end;
    RETURN_IF_ERROR(store->Drop(meta));
  }
  // RepairDB leaves every table in level 0; rewrite them one partition per file.
  RETURN_IF_ERROR(store->CompactAll());
  return report;
}

absl::Status PartitionStore::Checkpoint(const std::string& dir) const {
  rocksdb::Checkpoint* raw = nullptr;
  RETURN_IF_ERROR(FromRocks(rocksdb::Checkpoint::Create(db_.get(), &raw), "checkpoint"));
  std::unique_ptr<rocksdb::Checkpoint> cp(raw);
  return FromRocks(cp->CreateCheckpoint(dir), dir);
}

uint64_t PartitionStore::DiskBytes() const {
  std::error_code ec;
  uint64_t total = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
    // RocksDB's info logs (LOG, LOG.old.*) are diagnostics, not data.
    if (entry.path().filename().string().starts_with("LOG")) continue;
    if (entry.is_regular_file(ec)) total += entry.file_size(ec);
  }
  return total;
}

absl::Status PartitionStore::Flush() {
  return FromRocks(db_->Flush(rocksdb::FlushOptions(), {db_->DefaultColumnFamily(), catalog_}),
                   "flushing partitions");
}

absl::Status PartitionStore::CompactAll() {
  RETURN_IF_ERROR(Flush());
  rocksdb::CompactRangeOptions cro;
  cro.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  return FromRocks(db_->CompactRange(cro, nullptr, nullptr), "compacting partitions");
}

}  // namespace sextant::tsdb::partition
