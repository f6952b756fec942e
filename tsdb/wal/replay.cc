#include "tsdb/wal/replay.h"

#include <algorithm>
#include <vector>

#include "tsdb/wal/checkpoint.h"
#include "tsdb/wal/segment.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace sextant::tsdb::wal {
namespace {

absl::Status Drain(Reader* reader, const std::function<absl::Status(std::string_view)>& fn,
                   ReplayResult* result) {
  while (reader->Next()) {
    RETURN_IF_ERROR(fn(reader->record()));
    ++result->records;
  }
  result->corruption = reader->corruption();
  return reader->status();
}

}  // namespace

absl::Status ReplayWal(util::Env* env, const std::string& wal_dir,
                       const std::function<absl::Status(std::string_view record)>& fn,
                       ReplayResult* result) {
  *result = ReplayResult{};
  ASSIGN_OR_RETURN(std::optional<CheckpointRef> checkpoint, LastCheckpoint(env, wal_dir));
  if (checkpoint.has_value()) {
    result->checkpoint = checkpoint->index;
    ASSIGN_OR_RETURN(auto reader, Reader::OpenAll(env, checkpoint->dir));
    RETURN_IF_ERROR(Drain(reader.get(), fn, result));
  }

  ASSIGN_OR_RETURN(std::vector<int> segments, ListSegments(env, wal_dir));
  if (checkpoint.has_value()) {
    // Segments the checkpoint covers may linger when a truncation failed; they are in it.
    std::erase_if(segments, [&](int s) { return s <= checkpoint->index; });
    if (!segments.empty() && segments.front() > checkpoint->index + 1) {
      return absl::DataLossError(util::StrCat("wal ", wal_dir, ": segments ", checkpoint->index + 1,
                                              " to ", segments.front() - 1, " after checkpoint ",
                                              checkpoint->index, " are missing"));
    }
  }
  if (segments.empty()) return absl::OkStatus();
  result->first_segment = segments.front();
  result->last_segment = segments.back();
  // The reader reports a segment missing from the middle of the range as corruption.
  ASSIGN_OR_RETURN(auto reader, Reader::Open(env, wal_dir, segments.front(), segments.back()));
  return Drain(reader.get(), fn, result);
}

}  // namespace sextant::tsdb::wal
