// Chunk snapshots of the head, written on clean shutdown and loaded on the next start.
//
// Correctness never depends on a snapshot: the WAL segments it covers are kept until a checkpoint,
// which deletes every snapshot. A snapshot is used only when no checkpoint is newer than it and it
// passes a full validation pass; otherwise it is deleted and the WAL replayed as always.

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "tsdb/db.h"
#include "tsdb/wal/checkpoint.h"
#include "tsdb/wal/segment.h"
#include "util/log.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace sextant::tsdb {
namespace {

constexpr std::string_view kPrefix = "chunk_snapshot.";
constexpr std::string_view kTmpSuffix = ".tmp";

const util::Logger& Log() {
  static const util::Logger logger("tsdb");
  return logger;
}

struct SnapshotDir {
  std::string name;
  int index = -1;  // -1 for leftovers (.tmp or unparsable)
};

absl::StatusOr<std::vector<SnapshotDir>> ListSnapshots(util::Env* env, const std::string& wal_dir) {
  ASSIGN_OR_RETURN(std::vector<std::string> children, env->GetChildren(wal_dir));
  std::vector<SnapshotDir> out;
  for (const std::string& name : children) {
    std::string_view v(name);
    if (!v.starts_with(kPrefix)) continue;
    v.remove_prefix(kPrefix.size());
    SnapshotDir dir{name, -1};
    if (!v.ends_with(kTmpSuffix)) {
      if (auto index = wal::ParseSegmentName(v); index.has_value()) dir.index = *index;
    }
    out.push_back(std::move(dir));
  }
  std::sort(out.begin(), out.end(),
            [](const SnapshotDir& a, const SnapshotDir& b) { return a.index < b.index; });
  return out;
}

}  // namespace

absl::Status DB::WriteChunkSnapshot() {
  if (head_->num_series() == 0) return absl::OkStatus();
  const std::string wal_dir = dir_ + "/wal";
  // Close the current segment: the snapshot covers every segment up to it.
  ASSIGN_OR_RETURN(int next, wal_->NextSegment());
  const int covered = next - 1;
  const std::string name = util::StrCat(kPrefix, wal::SegmentName(covered));
  const std::string tmp = util::StrCat(wal_dir, "/", name, kTmpSuffix);
  if (env_->FileExists(tmp)) RETURN_IF_ERROR(env_->DeleteDirRecursive(tmp));
  auto start = std::chrono::steady_clock::now();
  absl::Status written = head_->WriteChunkSnapshot(env_, tmp);
  if (!written.ok()) {
    env_->DeleteDirRecursive(tmp).IgnoreError();  // a leftover is removed next time anyway
    return written;
  }
  RETURN_IF_ERROR(env_->RenameFile(tmp, util::StrCat(wal_dir, "/", name)));
  RETURN_IF_ERROR(env_->SyncDir(wal_dir));
  RETURN_IF_ERROR(DeleteChunkSnapshots(covered));
  Log().Info("chunk snapshot written",
             {{"name", name},
              {"series", static_cast<int64_t>(head_->num_series())},
              {"duration",
               std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()}});
  return absl::OkStatus();
}

absl::Status DB::DeleteChunkSnapshots(int before) {
  const std::string wal_dir = dir_ + "/wal";
  ASSIGN_OR_RETURN(std::vector<SnapshotDir> all, ListSnapshots(env_, wal_dir));
  for (const SnapshotDir& s : all) {
    if (s.index < before) RETURN_IF_ERROR(env_->DeleteDirRecursive(wal_dir + "/" + s.name));
  }
  return absl::OkStatus();
}

bool DB::HasChunkSnapshot() {
  absl::StatusOr<std::vector<SnapshotDir>> all = ListSnapshots(env_, dir_ + "/wal");
  return all.ok() && !all->empty();
}

absl::StatusOr<std::optional<int>> DB::LoadChunkSnapshot() {
  const std::string wal_dir = dir_ + "/wal";
  ASSIGN_OR_RETURN(std::vector<SnapshotDir> all, ListSnapshots(env_, wal_dir));
  if (all.empty() || all.back().index < 0) {
    RETURN_IF_ERROR(DeleteChunkSnapshots(INT32_MAX));
    return std::nullopt;
  }
  const SnapshotDir& newest = all.back();
  ASSIGN_OR_RETURN(std::optional<wal::CheckpointRef> checkpoint,
                   wal::LastCheckpoint(env_, wal_dir));
  ASSIGN_OR_RETURN(std::vector<int> segments, wal::ListSegments(env_, wal_dir));
  bool usable = !checkpoint.has_value() || checkpoint->index <= newest.index;
  // The segments it covers must still be there: they are the fallback and the snapshot's proof.
  usable = usable && std::binary_search(segments.begin(), segments.end(), newest.index);
  const std::string path = wal_dir + "/" + newest.name;
  size_t series = 0;
  auto start = std::chrono::steady_clock::now();
  auto seconds = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  double validated = 0;
  if (usable) {
    absl::Status valid = head_->LoadChunkSnapshot(env_, path, /*apply=*/false, &series);
    if (!valid.ok()) {
      Log().Warn("chunk snapshot unusable, replaying the WAL instead", {{"err", valid.ToString()}});
      usable = false;
    }
  }
  if (!usable) {
    RETURN_IF_ERROR(DeleteChunkSnapshots(INT32_MAX));
    return std::nullopt;
  }
  validated = seconds();
  RETURN_IF_ERROR(head_->LoadChunkSnapshot(env_, path, /*apply=*/true, &series));
  // Chunks the partitions already hold (a compaction after the snapshot, then a crash before the
  // snapshot was deleted) leave the head again.
  if (head_->min_time() < head_->min_valid_time()) head_->Truncate(head_->min_valid_time());
  // With head chunk files, a snapshot is used once: chunks cut from now on are in the files and
  // not in it, so after a crash the WAL replay (attaching the files' chunks) describes the head.
  RETURN_IF_ERROR(DeleteChunkSnapshots(chunk_mapper_ != nullptr ? INT32_MAX : newest.index));
  Log().Info("chunk snapshot loaded", {{"name", newest.name},
                                       {"series", static_cast<int64_t>(series)},
                                       {"validate_duration", validated},
                                       {"duration", seconds()}});
  return newest.index;
}

}  // namespace sextant::tsdb
