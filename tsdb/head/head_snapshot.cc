// Chunk snapshots: the head's series with their chunks, written on clean shutdown so that the next
// start loads chunks instead of replaying every sample (docs/format/wal.md, "Chunk snapshots").
//
// A snapshot is a directory of WAL-format segments (pages, CRCs, zstd) holding one meta record and
// one record per series:
//
//   meta    0x80 | varint min_valid_time | uvarint next_ref
//   series  0x81 | uvarint ref | uvarint len, labels (packed)
//                | varint last_t | 8 bytes last value (big-endian bits)
//                | uvarint closed chunk count
//                | per closed chunk: varint mint, varint maxt, uvarint len, bytes
//                |   (len 0: in the head chunk files: uvarint file, uvarint offset)
//                | uvarint len, open chunk bytes (0 = none)
//                | if open: varint first_t, varint last_t, uvarint last_t_delta,
//                |          8 bytes last value bits, uvarint count, leading, trailing, free_bits
//                | uvarint interval count | per interval: varint mint, varint maxt
//
// The open chunk's appender state is saved with it, so loading decodes no chunk at all.

#include <algorithm>
#include <bit>

#include "tsdb/head/head.h"
#include "tsdb/wal/reader.h"
#include "tsdb/wal/wal.h"
#include "util/status_macros.h"
#include "util/strings.h"
#include "util/varint.h"

namespace sextant::tsdb::head {
namespace {

constexpr char kMetaRecord = static_cast<char>(0x80);
constexpr char kSeriesRecord = static_cast<char>(0x81);
constexpr size_t kSeriesPerLog = 1024;

absl::Status Corrupt(const std::string& dir, std::string_view what) {
  return absl::DataLossError(util::StrCat("chunk snapshot ", dir, ": corrupt ", what));
}

}  // namespace

absl::Status Head::WriteChunkSnapshot(util::Env* env, const std::string& dir) const {
  wal::WalOptions options;
  // Chunks are compressed already; zstd would cost time on both ends for little.
  options.compress = false;
  ASSIGN_OR_RETURN(auto out, wal::Wal::Open(env, dir, options, nullptr));
  std::vector<std::string> records;
  std::string& meta = records.emplace_back(1, kMetaRecord);
  util::PutVarint(&meta, min_valid_time());
  util::PutUvarint(&meta, next_ref_.load());
  MemSeries::Exported data;
  // In ref order: loading adds them to the postings, whose lists take appends in order cheaply.
  std::vector<std::shared_ptr<MemSeries>> all = AllSeries();
  std::sort(all.begin(), all.end(),
            [](const auto& a, const auto& b) { return a->ref() < b->ref(); });
  for (const auto& s : all) {
    s->Export(&data);
    if (data.closed.empty() && data.open.empty()) continue;
    std::string& rec = records.emplace_back(1, kSeriesRecord);
    util::PutUvarint(&rec, s->ref());
    util::PutLengthPrefixed(&rec, symbols_.Resolve(s->label_ids()).bytes());
    util::PutVarint(&rec, data.last_t);
    util::PutFixed64BE(&rec, std::bit_cast<uint64_t>(data.last_v));
    util::PutUvarint(&rec, data.closed.size());
    for (const auto& c : data.closed) {
      util::PutVarint(&rec, c.mint);
      util::PutVarint(&rec, c.maxt);
      if (c.on_disk()) {
        // In the head chunk files: where, behind an empty length (no chunk is empty).
        util::PutUvarint(&rec, 0);
        util::PutUvarint(&rec, c.disk.file);
        util::PutUvarint(&rec, c.disk.offset);
      } else {
        util::PutLengthPrefixed(&rec, c.heap->bytes());
      }
    }
    util::PutLengthPrefixed(&rec, data.open);
    if (!data.open.empty()) {
      const chunkenc::XorChunk::AppendState& st = data.open_state;
      util::PutVarint(&rec, st.first_t);
      util::PutVarint(&rec, st.last_t);
      util::PutUvarint(&rec, st.last_t_delta);
      util::PutFixed64BE(&rec, st.last_v_bits);
      util::PutUvarint(&rec, st.count);
      rec.push_back(static_cast<char>(st.leading));
      rec.push_back(static_cast<char>(st.trailing));
      rec.push_back(static_cast<char>(st.free_bits));
    }
    std::shared_ptr<const Intervals> deleted = DeletedOf(s->ref());
    util::PutUvarint(&rec, deleted == nullptr ? 0 : deleted->list().size());
    if (deleted != nullptr) {
      for (const Interval& iv : deleted->list()) {
        util::PutVarint(&rec, iv.mint);
        util::PutVarint(&rec, iv.maxt);
      }
    }
    if (records.size() >= kSeriesPerLog) {
      RETURN_IF_ERROR(out->Log(records));
      records.clear();
    }
  }
  if (!records.empty()) RETURN_IF_ERROR(out->Log(records));
  RETURN_IF_ERROR(out->Sync());
  return out->Close();
}

absl::Status Head::LoadChunkSnapshot(util::Env* env, const std::string& dir, bool apply,
                                     size_t* series) {
  ASSIGN_OR_RETURN(auto reader, wal::Reader::OpenAll(env, dir));
  *series = 0;
  bool have_meta = false;
  while (reader->Next()) {
    std::string_view rec = reader->record();
    if (rec.empty()) return Corrupt(dir, "empty record");
    char type = rec[0];
    rec.remove_prefix(1);
    if (type == kMetaRecord) {
      int64_t min_valid;
      uint64_t next_ref;
      if (!util::GetVarint(&rec, &min_valid) || !util::GetUvarint(&rec, &next_ref)) {
        return Corrupt(dir, "meta record");
      }
      if (apply) {
        SetMinValidTime(min_valid);
        SeriesRef cur = next_ref_.load();
        next_ref_.store(std::max<SeriesRef>(cur, next_ref));
      }
      have_meta = true;
      continue;
    }
    if (type != kSeriesRecord || !have_meta) return Corrupt(dir, "record type");
    uint64_t ref, num_closed, last_v_bits;
    std::string_view labels;
    MemSeries::Exported data;
    if (!util::GetUvarint(&rec, &ref) || !util::GetLengthPrefixed(&rec, &labels) ||
        !util::GetVarint(&rec, &data.last_t) || !util::GetFixed64BE(&rec, &last_v_bits) ||
        !util::GetUvarint(&rec, &num_closed) || num_closed > rec.size()) {
      return Corrupt(dir, "series record");
    }
    data.last_v = std::bit_cast<double>(last_v_bits);
    size_t num_mapped = 0;
    data.closed.reserve(num_closed);
    int64_t mint = INT64_MAX, maxt = INT64_MIN;
    for (uint64_t i = 0; i < num_closed; ++i) {
      int64_t chunk_mint, chunk_maxt;
      std::string_view bytes;
      if (!util::GetVarint(&rec, &chunk_mint) || !util::GetVarint(&rec, &chunk_maxt) ||
          !util::GetLengthPrefixed(&rec, &bytes) || bytes.size() == 1) {
        return Corrupt(dir, "closed chunk");
      }
      mint = std::min(mint, chunk_mint);
      maxt = std::max(maxt, chunk_maxt);
      if (bytes.empty()) {
        // A chunk in the head chunk files: it must be there still, as the scan found it.
        uint64_t file, offset;
        if (!util::GetUvarint(&rec, &file) || !util::GetUvarint(&rec, &offset)) {
          return Corrupt(dir, "mapped chunk");
        }
        const DiskChunkRef where{static_cast<uint32_t>(file), static_cast<uint32_t>(offset)};
        bool found = false;
        for (const ScannedChunk& c : ScannedOf(ref)) {
          found = found || (c.where == where && c.mint == chunk_mint && c.maxt == chunk_maxt);
        }
        if (!found) {
          return absl::DataLossError(util::StrCat("chunk snapshot ", dir, ": a chunk of series ",
                                                  ref, " is missing from the head chunk files"));
        }
        if (apply) data.closed.push_back({chunk_mint, chunk_maxt, where, {}});
        ++num_mapped;
        continue;
      }
      if (apply) {
        data.closed.push_back(
            {chunk_mint, chunk_maxt, {}, ClosedChunk::Make(chunk_mint, chunk_maxt, bytes)});
      }
    }
    if (ScannedOf(ref).size() != num_mapped) {
      // The files hold chunks of it the snapshot does not know (cut after it was written): the
      // WAL replay, which attaches them, must describe this series.
      return absl::DataLossError(util::StrCat("chunk snapshot ", dir, ": series ", ref,
                                              " has other chunks in the head chunk files"));
    }
    std::string_view open;
    if (!util::GetLengthPrefixed(&rec, &open)) return Corrupt(dir, "open chunk");
    data.open.assign(open);
    if (!open.empty()) {
      chunkenc::XorChunk::AppendState& st = data.open_state;
      uint64_t count;
      if (!util::GetVarint(&rec, &st.first_t) || !util::GetVarint(&rec, &st.last_t) ||
          !util::GetUvarint(&rec, &st.last_t_delta) || !util::GetFixed64BE(&rec, &st.last_v_bits) ||
          !util::GetUvarint(&rec, &count) || count > 65535 || rec.size() < 3) {
        return Corrupt(dir, "open chunk state");
      }
      st.count = static_cast<uint16_t>(count);
      st.leading = static_cast<uint8_t>(rec[0]);
      st.trailing = static_cast<uint8_t>(rec[1]);
      st.free_bits = static_cast<uint8_t>(rec[2]);
      rec.remove_prefix(3);
      mint = std::min(mint, st.first_t);
      maxt = std::max(maxt, st.last_t);
    }
    uint64_t num_intervals;
    if (!util::GetUvarint(&rec, &num_intervals) || num_intervals > rec.size()) {
      return Corrupt(dir, "intervals");
    }
    Intervals deleted;
    for (uint64_t i = 0; i < num_intervals; ++i) {
      Interval iv;
      if (!util::GetVarint(&rec, &iv.mint) || !util::GetVarint(&rec, &iv.maxt)) {
        return Corrupt(dir, "intervals");
      }
      deleted.Add(iv);
    }
    if (!rec.empty()) return Corrupt(dir, "series record length");
    if (!apply) {
      // Validation pass: the open chunk's bytes and state must fit together.
      if (!data.open.empty() && !chunkenc::XorChunk::FromState(data.open, data.open_state).ok()) {
        return Corrupt(dir, "open chunk bytes");
      }
      ++*series;
      continue;
    }
    bool created;
    auto s = GetOrCreate(model::Labels::FromBytes(labels), ref, &created);
    if (!created) return Corrupt(dir, "duplicate series");
    s->logged.store(true);
    ReplayRegister(ref, s.get());  // the WAL segments after the snapshot refer to it by ref
    RETURN_IF_ERROR(s->Restore(std::move(data), options_.chunk_range));
    if (maxt != INT64_MIN) NoteTimes(mint, maxt);
    if (!deleted.empty()) {
      util::MutexLock lock(&tombstones_mu_);
      tombstones_[ref] = std::make_shared<const Intervals>(std::move(deleted));
    }
    ++*series;
  }
  RETURN_IF_ERROR(reader->status());
  if (!have_meta) return Corrupt(dir, "missing meta record");
  return absl::OkStatus();
}

}  // namespace sextant::tsdb::head
