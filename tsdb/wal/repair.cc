#include "tsdb/wal/repair.h"

#include <algorithm>

#include "tsdb/wal/segment.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace sextant::tsdb::wal {
namespace {

std::string_view StripTrailingSlashes(std::string_view s) {
  while (s.size() > 1 && s.back() == '/') s.remove_suffix(1);
  return s;
}

}  // namespace

absl::StatusOr<RepairReport> Repair(util::Env* env, const std::string& dir,
                                    const Corruption& corruption) {
  if (StripTrailingSlashes(corruption.dir) != StripTrailingSlashes(dir)) {
    return absl::InvalidArgumentError(util::StrCat("wal repair ", dir, ": the corruption is in ",
                                                   corruption.dir, ", not in this WAL"));
  }
  RepairReport report;
  report.segment = corruption.segment;
  ASSIGN_OR_RETURN(std::vector<int> segments, ListSegments(env, dir));
  // Highest first, so that an interrupted repair still leaves a gap-free run of segments.
  for (auto it = segments.rbegin(); it != segments.rend() && *it > corruption.segment; ++it) {
    RETURN_IF_ERROR(env->DeleteFile(SegmentPath(dir, *it)));
    report.deleted_segments.push_back(*it);
  }
  std::reverse(report.deleted_segments.begin(), report.deleted_segments.end());

  const std::string path = SegmentPath(dir, corruption.segment);
  if (env->FileExists(path)) {
    ASSIGN_OR_RETURN(const int64_t size, env->GetFileSize(path));
    report.kept_bytes = std::min(size, corruption.offset);
    report.dropped_bytes = size - report.kept_bytes;
    if (report.dropped_bytes > 0) {
      ASSIGN_OR_RETURN(auto file, env->NewAppendableFile(path));
      RETURN_IF_ERROR(file->Truncate(report.kept_bytes));
      RETURN_IF_ERROR(file->Sync());
      RETURN_IF_ERROR(file->Close());
    }
  }
  RETURN_IF_ERROR(env->SyncDir(dir));
  return report;
}

}  // namespace sextant::tsdb::wal
