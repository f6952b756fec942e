#include "tsdb/partition/partition_reader.h"

#include <algorithm>
#include <numeric>
#include <utility>

#include "rocksdb/db.h"
#include "tsdb/partition/keys.h"
#include "tsdb/partition/rocks_status.h"
#include "util/status_macros.h"
#include "util/varint.h"

namespace sextant::tsdb::partition {
namespace {

std::string_view View(const rocksdb::Slice& s) { return std::string_view(s.data(), s.size()); }

}  // namespace

void RemoveDeleted(const Intervals& deleted, std::vector<model::Sample>* samples) {
  if (deleted.empty()) return;
  std::erase_if(*samples, [&](const model::Sample& s) { return deleted.Contains(s.t); });
}

PartitionReader::PartitionReader(rocksdb::DB* db, const rocksdb::Snapshot* snapshot,
                                 PartitionMeta meta)
    : db_(db), snapshot_(snapshot), meta_(std::move(meta)) {}

absl::StatusOr<std::string> PartitionReader::GetValue(const std::string& key) const {
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot_;
  std::string value;
  RETURN_IF_ERROR(FromRocks(db_->Get(ro, key, &value), "partition " + meta_.Name()));
  return value;
}

index::PostingsList PartitionReader::All() const {
  index::PostingsList all(meta_.num_series);
  std::iota(all.begin(), all.end(), 0);
  return all;
}

index::PostingsList PartitionReader::Get(std::string_view name, std::string_view value) const {
  auto raw = GetValue(PostingsKey(meta_.start, meta_.end, name, value));
  index::PostingsList out;
  if (!raw.ok()) {
    if (!absl::IsNotFound(raw.status()) && status_.ok()) status_ = raw.status();
    return out;
  }
  if (absl::Status s = DecodePostings(*raw, &out); !s.ok() && status_.ok()) status_ = s;
  return out;
}

index::PostingsList PartitionReader::Matching(
    std::string_view name, std::string_view prefix,
    const std::function<bool(std::string_view)>& pred) const {
  std::string name_prefix = PostingsNamePrefix(meta_.start, meta_.end, name);
  std::string seek = name_prefix + std::string(prefix);
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot_;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro));
  std::vector<index::PostingsList> lists;
  for (it->Seek(seek); it->Valid(); it->Next()) {
    std::string_view key = View(it->key());
    if (!key.starts_with(seek)) break;
    std::string_view value = key.substr(name_prefix.size());
    if (!pred(value)) continue;
    index::PostingsList list;
    if (absl::Status s = DecodePostings(View(it->value()), &list); !s.ok()) {
      if (status_.ok()) status_ = s;
      continue;
    }
    lists.push_back(std::move(list));
  }
  if (absl::Status s = FromRocks(it->status(), "partition postings"); !s.ok() && status_.ok()) {
    status_ = s;
  }
  return index::Union(lists);
}

absl::StatusOr<SeriesHeader> PartitionReader::Header(uint32_t id) const {
  ASSIGN_OR_RETURN(std::string raw, GetValue(SeriesKey(meta_.start, meta_.end, kLabelsTag, id)));
  SeriesHeader header;
  RETURN_IF_ERROR(DecodeSeriesHeader(raw, &header));
  return header;
}

absl::StatusOr<Intervals> PartitionReader::Tombstones(uint32_t id) const {
  Intervals out;
  if (!meta_.has_tombstones) return out;
  auto raw = GetValue(SeriesKey(meta_.start, meta_.end, kTombstonesTag, id));
  if (!raw.ok()) {
    if (absl::IsNotFound(raw.status())) return out;
    return raw.status();
  }
  RETURN_IF_ERROR(DecodeIntervals(*raw, &out));
  return out;
}

absl::Status PartitionReader::Samples(uint32_t id, std::vector<model::Sample>* out) const {
  ASSIGN_OR_RETURN(std::string raw, GetValue(SeriesKey(meta_.start, meta_.end, kSamplesTag, id)));
  RETURN_IF_ERROR(DecodeSamples(raw, out));
  ASSIGN_OR_RETURN(Intervals deleted, Tombstones(id));
  RemoveDeleted(deleted, out);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> PartitionReader::LabelNames() const {
  std::string prefix = PostingsPrefix(meta_.start, meta_.end);
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot_;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro));
  std::vector<std::string> names;
  it->Seek(prefix);
  while (it->Valid()) {
    std::string_view key = View(it->key());
    if (!key.starts_with(prefix)) break;
    std::string_view rest = key.substr(prefix.size());
    size_t zero = rest.find('\0');
    if (zero == std::string_view::npos) return absl::DataLossError("corrupt postings key");
    names.emplace_back(rest.substr(0, zero));
    // Skip the remaining values of this name: "\x01" sorts after "\0<any value>".
    it->Seek(prefix + names.back() + '\x01');
  }
  RETURN_IF_ERROR(FromRocks(it->status(), "partition label names"));
  return names;
}

absl::StatusOr<std::vector<std::string>> PartitionReader::LabelValues(std::string_view name) const {
  std::string prefix = PostingsNamePrefix(meta_.start, meta_.end, name);
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot_;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro));
  std::vector<std::string> values;
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    std::string_view key = View(it->key());
    if (!key.starts_with(prefix)) break;
    values.emplace_back(key.substr(prefix.size()));
  }
  RETURN_IF_ERROR(FromRocks(it->status(), "partition label values"));
  return values;
}

SeriesValueScanner::SeriesValueScanner(rocksdb::DB* db, const rocksdb::Snapshot* snapshot,
                                       const PartitionMeta& meta, char tag, bool point_lookups)
    : upper_(SeriesKey(meta.start, meta.end, static_cast<char>(tag + 1), 0)),
      upper_slice_(std::make_unique<rocksdb::Slice>(upper_)),
      db_(db),
      snapshot_(snapshot),
      start_(meta.start),
      end_(meta.end),
      tag_(tag),
      name_(meta.Name()) {
  if (point_lookups) {
    value_ = std::make_unique<rocksdb::PinnableSlice>();
    return;
  }
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot;
  ro.iterate_upper_bound = upper_slice_.get();
  it_.reset(db->NewIterator(ro));
}

SeriesValueScanner::~SeriesValueScanner() = default;

absl::StatusOr<std::string_view> SeriesValueScanner::Find(uint32_t id) {
  // Keys ahead of the iterator by at most this many are stepped to; farther ones are sought.
  constexpr int kMaxSteps = 8;
  const std::string key = SeriesKey(start_, end_, tag_, id);
  if (it_ == nullptr) {
    rocksdb::ReadOptions ro;
    ro.snapshot = snapshot_;
    value_->Reset();
    rocksdb::Status s = db_->Get(ro, db_->DefaultColumnFamily(), key, value_.get());
    if (s.IsNotFound()) return absl::NotFoundError("no such series");
    RETURN_IF_ERROR(FromRocks(s, "partition " + name_));
    return View(*value_);
  }
  bool positioned = false;
  if (it_->Valid() && View(it_->key()) <= key) {
    for (int i = 0; i < kMaxSteps && it_->Valid() && View(it_->key()) < key; ++i) it_->Next();
    positioned = !it_->Valid() ? it_->status().ok() : View(it_->key()) >= key;
  }
  if (!positioned) it_->Seek(key);
  if (!it_->Valid()) {
    RETURN_IF_ERROR(FromRocks(it_->status(), "partition " + name_));
    return absl::NotFoundError("no such series");
  }
  if (View(it_->key()) != key) return absl::NotFoundError("no such series");
  return View(it_->value());
}

PartitionCursor::PartitionCursor(rocksdb::DB* db, const rocksdb::Snapshot* snapshot,
                                 PartitionMeta meta)
    : reader_(db, snapshot, std::move(meta)) {
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot;
  it_.reset(db->NewIterator(ro));
  const PartitionMeta& m = reader_.meta();
  limit_ = SeriesKey(m.start, m.end, kLabelsTag + 1, 0);
}

PartitionCursor::~PartitionCursor() = default;

bool PartitionCursor::Next() {
  if (!status_.ok()) return false;
  if (!started_) {
    started_ = true;
    const PartitionMeta& m = reader_.meta();
    it_->Seek(SeriesKey(m.start, m.end, kLabelsTag, 0));
  } else {
    it_->Next();
  }
  if (!it_->Valid()) {
    status_ = FromRocks(it_->status(), "partition " + reader_.meta().Name());
    return false;
  }
  std::string_view key = View(it_->key());
  if (key >= limit_) return false;
  if (key.size() != kPrefixSize + 5) {
    status_ = absl::DataLossError("corrupt partition series key");
    return false;
  }
  id_ = util::DecodeFixed32BE(key.data() + kPrefixSize + 1);
  status_ = DecodeSeriesHeader(View(it_->value()), &header_);
  if (!status_.ok()) return false;
  auto deleted = reader_.Tombstones(id_);
  if (!deleted.ok()) {
    status_ = deleted.status();
    return false;
  }
  deleted_ = *std::move(deleted);
  return true;
}

absl::Status PartitionCursor::ReadSamples(std::vector<model::Sample>* out) const {
  return reader_.Samples(id_, out);
}

}  // namespace sextant::tsdb::partition
