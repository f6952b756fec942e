#include "tsdb/wal/checkpoint.h"

#include <cstdio>
#include <vector>

#include "tsdb/wal/reader.h"
#include "tsdb/wal/record.h"
#include "tsdb/wal/segment.h"
#include "util/log.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace sextant::tsdb::wal {
namespace {

constexpr std::string_view kPrefix = "checkpoint.";
constexpr std::string_view kTmpSuffix = ".tmp";
// Records are handed to the checkpoint's writer in batches of about this many bytes.
constexpr size_t kBatchBytes = 1 << 20;

// The index of a checkpoint directory name ("checkpoint.00000042" -> 42), with `tmp` telling
// whether it carries the .tmp suffix; nullopt for other names.
std::optional<int> ParseCheckpointName(std::string_view name, bool* tmp) {
  if (name.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  name.remove_prefix(kPrefix.size());
  *tmp =
      name.size() > kTmpSuffix.size() && name.substr(name.size() - kTmpSuffix.size()) == kTmpSuffix;
  if (*tmp) name.remove_suffix(kTmpSuffix.size());
  return ParseSegmentName(name);
}

// Filters the records of one source into the checkpoint's writer.
class Filter {
 public:
  Filter(Wal* out, const std::function<bool(uint64_t)>& keep, int64_t mint, CheckpointStats* stats)
      : out_(out), keep_(keep), mint_(mint), stats_(stats) {}

  absl::Status Add(std::string_view rec) {
    ASSIGN_OR_RETURN(RecordType type, PeekType(rec));
    std::string encoded;
    switch (type) {
      case RecordType::kSeries: {
        RETURN_IF_ERROR(DecodeSeries(rec, &series_));
        stats_->total_series += static_cast<int64_t>(series_.size());
        stats_->dropped_series += static_cast<int64_t>(
            std::erase_if(series_, [&](const RefSeries& s) { return !keep_(s.ref); }));
        if (!series_.empty()) EncodeSeries(series_, &encoded);
        break;
      }
      case RecordType::kSamples: {
        RETURN_IF_ERROR(DecodeSamples(rec, &samples_));
        stats_->total_samples += static_cast<int64_t>(samples_.size());
        stats_->dropped_samples += static_cast<int64_t>(std::erase_if(
            samples_, [&](const RefSample& s) { return s.t < mint_ || !keep_(s.ref); }));
        if (!samples_.empty()) EncodeSamples(samples_, &encoded);
        break;
      }
      case RecordType::kTombstones: {
        RETURN_IF_ERROR(DecodeTombstones(rec, &tombstones_));
        stats_->total_tombstones += static_cast<int64_t>(tombstones_.size());
        stats_->dropped_tombstones += static_cast<int64_t>(std::erase_if(
            tombstones_, [&](const Tombstone& t) { return t.maxt < mint_ || !keep_(t.ref); }));
        if (!tombstones_.empty()) EncodeTombstones(tombstones_, &encoded);
        break;
      }
    }
    if (encoded.empty()) return absl::OkStatus();
    batch_bytes_ += encoded.size();
    batch_.push_back(std::move(encoded));
    return batch_bytes_ >= kBatchBytes ? Flush() : absl::OkStatus();
  }

  absl::Status Flush() {
    if (batch_.empty()) return absl::OkStatus();
    RETURN_IF_ERROR(out_->Log(batch_));
    batch_.clear();
    batch_bytes_ = 0;
    return absl::OkStatus();
  }

 private:
  Wal* const out_;
  const std::function<bool(uint64_t)>& keep_;
  const int64_t mint_;
  CheckpointStats* const stats_;
  std::vector<RefSeries> series_;
  std::vector<RefSample> samples_;
  std::vector<Tombstone> tombstones_;
  std::vector<std::string> batch_;
  size_t batch_bytes_ = 0;
};

absl::Status CopyFiltered(const std::string& dir, Reader* reader, Filter* filter) {
  while (reader->Next()) {
    absl::Status status = filter->Add(reader->record());
    if (absl::IsDataLoss(status)) {
      // The record passed its checksum but does not decode: say where it is.
      return absl::DataLossError(util::StrCat("wal segment ", SegmentPath(dir, reader->segment()),
                                              " offset ", reader->offset(), ": ",
                                              status.message()));
    }
    RETURN_IF_ERROR(status);
  }
  return reader->status();
}

absl::StatusOr<CheckpointStats> WriteCheckpoint(util::Env* env, const std::string& wal_dir,
                                                const std::optional<CheckpointRef>& previous,
                                                int from, int to, const std::string& tmp,
                                                const std::function<bool(uint64_t)>& keep,
                                                int64_t mint, const WalOptions& options) {
  CheckpointStats stats;
  ASSIGN_OR_RETURN(auto out, Wal::Open(env, tmp, options, /*metrics=*/nullptr));
  Filter filter(out.get(), keep, mint, &stats);
  if (previous.has_value()) {
    ASSIGN_OR_RETURN(auto reader, Reader::OpenAll(env, previous->dir));
    RETURN_IF_ERROR(CopyFiltered(previous->dir, reader.get(), &filter));
  }
  ASSIGN_OR_RETURN(auto reader, Reader::Open(env, wal_dir, from, to));
  RETURN_IF_ERROR(CopyFiltered(wal_dir, reader.get(), &filter));
  RETURN_IF_ERROR(filter.Flush());
  RETURN_IF_ERROR(out->Close());  // syncs the last segment
  RETURN_IF_ERROR(env->SyncDir(tmp));
  return stats;
}

}  // namespace

std::string CheckpointName(int index) { return util::StrCat(kPrefix, SegmentName(index)); }

absl::StatusOr<std::optional<CheckpointRef>> LastCheckpoint(util::Env* env,
                                                            const std::string& wal_dir) {
  ASSIGN_OR_RETURN(std::vector<std::string> names, env->GetChildren(wal_dir));
  std::optional<CheckpointRef> last;
  for (const std::string& name : names) {
    bool tmp = false;
    const std::optional<int> index = ParseCheckpointName(name, &tmp);
    if (!index.has_value() || tmp) continue;
    const std::string dir = util::JoinPath(wal_dir, name);
    if (!env->IsDirectory(dir)) continue;
    if (!last.has_value() || *index > last->index) last = CheckpointRef{dir, *index};
  }
  return last;
}

absl::Status DeleteCheckpoints(util::Env* env, const std::string& wal_dir, int before) {
  ASSIGN_OR_RETURN(std::vector<std::string> names, env->GetChildren(wal_dir));
  for (const std::string& name : names) {
    bool tmp = false;
    const std::optional<int> index = ParseCheckpointName(name, &tmp);
    if (index.has_value() && *index < before) {
      RETURN_IF_ERROR(env->DeleteDirRecursive(util::JoinPath(wal_dir, name)));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<CheckpointStats> Checkpoint(util::Env* env, const std::string& wal_dir, int from,
                                           int to,
                                           const std::function<bool(uint64_t ref)>& keep_series,
                                           int64_t mint, const WalOptions& options) {
  ASSIGN_OR_RETURN(std::optional<CheckpointRef> previous, LastCheckpoint(env, wal_dir));
  if (previous.has_value()) {
    if (to <= previous->index) {
      return absl::InvalidArgumentError(util::StrCat("wal checkpoint ", wal_dir, ": segment ", to,
                                                     " is already in checkpoint ",
                                                     previous->index));
    }
    if (from > previous->index + 1) {
      return absl::InvalidArgumentError(util::StrCat(
          "wal checkpoint ", wal_dir, ": segments ", previous->index + 1, " to ", from - 1,
          " would be lost between checkpoint ", previous->index, " and segment ", from));
    }
    from = previous->index + 1;
  }
  if (from > to) {
    return absl::InvalidArgumentError(
        util::StrCat("wal checkpoint ", wal_dir, ": empty segment range ", from, " to ", to));
  }

  const std::string final_dir = util::JoinPath(wal_dir, CheckpointName(to));
  const std::string tmp = util::StrCat(final_dir, kTmpSuffix);
  RETURN_IF_ERROR(env->DeleteDirRecursive(tmp));  // left over by a crash
  absl::StatusOr<CheckpointStats> stats =
      WriteCheckpoint(env, wal_dir, previous, from, to, tmp, keep_series, mint, options);
  absl::Status status = stats.status();
  if (status.ok()) status = env->RenameFile(tmp, final_dir);
  if (status.ok()) status = env->SyncDir(wal_dir);
  if (!status.ok()) {
    // The error is what the caller needs; a leftover .tmp is removed by the next attempt anyway.
    env->DeleteDirRecursive(tmp).IgnoreError();
    return status;
  }
  if (absl::Status deleted = DeleteCheckpoints(env, wal_dir, to); !deleted.ok()) {
    // Older checkpoints only cost disk space: LastCheckpoint picks the new one. Report, go on.
    static const util::Logger kLog("tsdb.wal");
    kLog.Warn("Failed to delete old checkpoints", {{"dir", wal_dir}, {"err", deleted}});
  }
  return stats;
}

}  // namespace sextant::tsdb::wal
