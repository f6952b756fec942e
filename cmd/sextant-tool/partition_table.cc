#include "cmd/sextant-tool/partition_table.h"

#include <algorithm>

#include "cmd/sextant-tool/go_time.h"
#include "rocksdb/db.h"
#include "tsdb/partition/keys.h"
#include "tsdb/partition/partition_reader.h"
#include "util/strings.h"

namespace sextant::tool {
namespace {

size_t RuneCount(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// Go's integer division: truncation toward zero.
std::string FormatTime(int64_t ms, bool human) {
  return human ? FormatGoUnixUtc(ms / 1000) : util::StrCat(ms);
}

const std::vector<std::string>& HeaderCells() {
  static const std::vector<std::string> header = {"BLOCK ULID", "MIN TIME",    "MAX TIME",
                                                  "DURATION",   "NUM SAMPLES", "NUM CHUNKS",
                                                  "NUM SERIES", "SIZE"};
  return header;
}

}  // namespace

std::string FormatBase2Bytes(uint64_t bytes) {
  static constexpr std::string_view kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  std::vector<std::string> parts;
  uint64_t n = bytes;
  for (size_t i = 0; i < std::size(kUnits); ++i) {
    if (n % 1024 != 0 || (i == 0 && n == 0)) parts.push_back(util::StrCat(n % 1024, kUnits[i]));
    n /= 1024;
    if (n == 0) break;
  }
  std::reverse(parts.begin(), parts.end());
  return util::StrJoin(parts, "");
}

constexpr size_t kMinWidth = 13;  // promtool's tabwriter: minwidth 13, padding 2
constexpr size_t kPadding = 2;

std::vector<std::string> PartitionTable::Cells(const PartitionRow& r) const {
  return {r.name,
          FormatTime(r.min_time, human_readable_),
          FormatTime(r.max_time, human_readable_),
          FormatGoDuration((r.max_time - r.min_time) * 1'000'000),
          util::StrCat(r.num_samples),
          util::StrCat(r.num_chunks),
          util::StrCat(r.num_series),
          human_readable_ ? FormatBase2Bytes(r.size_bytes) : util::StrCat(r.size_bytes)};
}

void PartitionTable::Fit(std::span<const PartitionRow> rows) {
  auto fit = [&](const std::vector<std::string>& cells) {
    for (size_t i = 0; i + 1 < cells.size(); ++i) {
      if (widths_.size() <= i) widths_.push_back(kMinWidth);
      widths_[i] = std::max(widths_[i], RuneCount(cells[i]) + kPadding);
    }
  };
  fit(HeaderCells());
  for (const PartitionRow& r : rows) fit(Cells(r));
}

std::string PartitionTable::Line(const std::vector<std::string>& cells) const {
  std::string out;
  for (size_t i = 0; i < cells.size(); ++i) {
    out += cells[i];
    if (i + 1 < cells.size()) {
      const size_t width =
          std::max(i < widths_.size() ? widths_[i] : kMinWidth, RuneCount(cells[i]) + kPadding);
      out.append(width - RuneCount(cells[i]), ' ');
    }
  }
  out += '\n';
  return out;
}

std::string PartitionTable::Header() const { return Line(HeaderCells()); }
std::string PartitionTable::Row(const PartitionRow& row) const { return Line(Cells(row)); }

std::string FormatPartitionTable(std::span<const PartitionRow> rows, bool human_readable) {
  PartitionTable table(human_readable);
  table.Fit(rows);
  std::string out = table.Header();
  for (const PartitionRow& r : rows) out += table.Row(r);
  return out;
}

absl::StatusOr<PartitionRow> DescribePartition(const tsdb::partition::PartitionStore& store,
                                               const tsdb::partition::PartitionMeta& meta) {
  PartitionRow row;
  row.name = meta.Name();
  row.min_time = meta.min_time;
  row.max_time = meta.max_time + 1;
  row.num_samples = meta.num_samples;
  row.num_series = meta.num_series;
  tsdb::partition::PartitionCursor cursor(store.db(), nullptr, meta);
  while (cursor.Next()) row.num_chunks += ChunksFor(cursor.header().num_samples);
  if (!cursor.status().ok()) return cursor.status();

  // RocksDB's size estimates work at the granularity of its 16 KiB blocks and files, which
  // partitions share, so small partitions would read as 0: count the bytes exactly instead.
  const std::string begin = tsdb::partition::PartitionPrefix(meta.start, meta.end);
  const std::string limit = tsdb::partition::PartitionLimit(meta.start, meta.end);
  const std::string catalog = tsdb::partition::CatalogKey(meta.start, meta.end);
  rocksdb::ReadOptions read_options;
  read_options.fill_cache = false;
  uint64_t size = 0;
  std::string value;
  if (store.db()->Get(read_options, store.catalog(), catalog, &value).ok()) {
    size += catalog.size() + value.size();
  }
  std::unique_ptr<rocksdb::Iterator> it(store.db()->NewIterator(read_options));
  for (it->Seek(begin); it->Valid() && it->key().compare(limit) < 0; it->Next()) {
    size += it->key().size() + it->value().size();
  }
  if (!it->status().ok()) {
    return absl::InternalError(
        util::ToAbsl(util::StrCat("size of ", row.name, ": ", it->status().ToString())));
  }
  row.size_bytes = size;
  return row;
}

}  // namespace sextant::tool
