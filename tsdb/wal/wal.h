#pragma once

// Wal: the write-ahead log's writer. Records (tsdb/wal/record.h) are appended to numbered segment
// files of 32 KiB pages, split into checksummed fragments and optionally zstd-compressed, in the
// format of docs/format/wal.md (LevelDB's log format and Prometheus's wlog are the models).
//
//   ASSIGN_OR_RETURN(auto wal, Wal::Open(env, dir, WalOptions{}, &registry));
//   std::string rec;
//   EncodeSamples(samples, &rec);
//   RETURN_IF_ERROR(wal->Log({&rec, 1}));   // in the OS before it returns; not yet fsynced
//   RETURN_IF_ERROR(wal->Sync());            // durable
//
// Durability: Log() hands every byte to the OS before returning, so a killed process loses
// nothing that Log() acknowledged; a machine crash loses what was logged since the last Sync()
// (or segment cut, which syncs). Read the log back with Reader (tsdb/wal/reader.h).
//
// Atomicity: the records of one Log() call land in one segment. If Log() fails (a full disk, an
// I/O error) the segment is cut back to where the call started, so the log holds every record of
// every earlier successful call, none of the failed call's, and later successful calls append
// after them. A batch larger than a segment makes that segment larger than segment_size.
//
// Failing writes (a full disk, an I/O error): every failed Log() counts in
// prometheus_tsdb_wal_writes_failed_total, but the log is written only when the state changes, so
// a burst of refused commits does not flood it. The first failure after a success logs at error
// level ("WAL writes are failing; commits are refused until a write succeeds", with the WAL's
// `dir` and the Env's `err`, which names the segment file) and sets the gauge
// prometheus_tsdb_wal_writes_failing to 1; the first success after that logs at info level ("WAL
// writes succeed again", with `dir`, the number of `failed_writes` and the `last_err`) and sets
// the gauge back to 0.
//
// Thread-safety: all methods are safe to call concurrently; calls are serialized by one mutex
// (Sync and segment cuts hold it during the fsync).

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "util/env.h"
#include "util/metrics.h"
#include "util/mutex.h"

namespace sextant::tsdb::wal {

// A record boundary in the log: a segment and a byte offset in it.
struct Position {
  int segment = 0;
  int64_t offset = 0;
  auto operator<=>(const Position&) const = default;
};

struct WalOptions {
  // Target size of a segment; a multiple of the 32 KiB page size, at least one page.
  int64_t segment_size = 128 << 20;
  // Compress each record with zstd when that makes it smaller.
  bool compress = true;
};

class Wal {
 public:
  // Opens the WAL in `dir` (created if missing) for appending. Writing always starts in a new
  // segment after the last one on disk, never inside an existing one, so a torn tail left by a
  // crash stays where Repair() can find it. `metrics` may be null; when given, the WAL registers
  // prometheus_tsdb_wal_* metrics in it (so at most one Wal per registry) and the registry must
  // outlive the Wal. `env` must outlive the Wal.
  // Errors: InvalidArgument for a bad segment_size; the Env's errors.
  static absl::StatusOr<std::unique_ptr<Wal>> Open(util::Env* env, std::string dir,
                                                   WalOptions options, util::Registry* metrics);

  // Closes the WAL (as Close()), ignoring errors.
  ~Wal();
  Wal(const Wal&) = delete;
  Wal& operator=(const Wal&) = delete;

  // Appends `records` in order, cutting a new segment first when they would not fit into the
  // current one. Every byte is written to the OS before returning (not fsynced).
  // Errors: InvalidArgument for a record over 1 GiB; ResourceExhausted for a full disk and other
  // Env errors (the log is left as if the call never happened); FailedPrecondition after Close().
  //
  // `max_t` is the newest sample timestamp in `records` (INT64_MIN for none): the WAL keeps a
  // coarse index of positions and the newest timestamp logged before each (see
  // LastPositionBelow), which lets the head tell how much of the log its chunk files cover.
  absl::Status Log(std::span<const std::string> records, int64_t max_t = INT64_MIN);

  // The end of the last successful Log(): where the next record starts.
  Position EndPosition() const;
  // Raises the newest timestamp counted as logged before every position indexed from now on. A
  // reopened WAL knows nothing of the records its earlier segments hold: its owner tells it the
  // newest sample replayed from them.
  void NoteLoggedTime(int64_t t);
  // The last indexed position at or before `limit` such that every record logged before it (by
  // this Wal, or counted by NoteLoggedTime) holds only samples older than `t`; nullopt when none.
  // Positions are indexed at most every 64 KiB of log and at each segment's start.
  std::optional<Position> LastPositionBelow(int64_t t, Position limit) const;

  // Makes everything logged so far durable (fsync). FailedPrecondition after Close().
  absl::Status Sync();

  // Syncs and closes the current segment and starts a new one; returns its index. Callers cut
  // before a checkpoint so that the checkpointed segments are complete.
  absl::StatusOr<int> NextSegment();

  // The first and the last segment index on disk (the last is the one being written).
  absl::StatusOr<std::pair<int, int>> Segments();

  // Deletes the segments with index < `before`. The current segment is never deleted:
  // InvalidArgument when `before` is greater than its index. Stops at the first failure.
  absl::Status Truncate(int before);

  // Syncs and closes the current segment. Later calls fail with FailedPrecondition; a second
  // Close() is OK.
  absl::Status Close();

  const std::string& dir() const { return dir_; }
  // The index of the segment being written.
  int current_segment() const;

 private:
  struct Metrics;
  class Compressor;

  Wal(util::Env* env, std::string dir, WalOptions options, util::Registry* registry);

  // Opens the segment after the last one created and makes it current.
  absl::Status OpenNextSegment() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Syncs and closes the current segment, if any.
  absl::Status CloseSegment() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Makes sure a segment is open and its end is the end of the last good Log().
  absl::Status PrepareForWrite() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Splits one (possibly compressed) record into fragments in the page buffer.
  absl::Status WriteRecord(std::string_view payload, bool compressed)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Writes the unflushed part of the page; with `complete`, pads the page with zeros to its end
  // and starts the next one.
  absl::Status FlushPage(bool complete) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Cuts the segment back to committed_size_ after a failed write.
  absl::Status Rollback() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Bytes that records can still use in the current segment before its size target.
  int64_t SpaceLeftInSegment() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status SyncSegment() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Adds the current end (a record boundary) to the position index when due.
  void IndexPosition() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Track the failing/succeeding state of Log() (see above): log and set the gauge on changes.
  void NoteWriteFailure(const absl::Status& status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void NoteWriteSuccess() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  util::Env* const env_;
  const std::string dir_;
  const WalOptions options_;
  const std::unique_ptr<Metrics> metrics_;  // null without a registry

  mutable util::Mutex mu_;
  std::unique_ptr<util::WritableFile> segment_ ABSL_GUARDED_BY(mu_);  // null between segments
  int segment_index_ ABSL_GUARDED_BY(mu_) = -1;  // the current (or last created) segment
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  // The page being filled: bytes [0, page_flushed_) are in the file, [page_flushed_, page_alloc_)
  // only here, and the rest is zeros.
  std::unique_ptr<char[]> page_ ABSL_GUARDED_BY(mu_);
  int64_t page_alloc_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t page_flushed_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t done_pages_ ABSL_GUARDED_BY(mu_) = 0;  // complete pages before page_ in the segment
  // The segment's size after the last successful Log(); a failed one is cut back to it.
  int64_t committed_size_ ABSL_GUARDED_BY(mu_) = 0;
  bool needs_rollback_ ABSL_GUARDED_BY(mu_) = false;  // a failed Rollback() to retry
  // Log() calls failed since the last one that succeeded, and the last one's error message.
  int64_t failed_writes_ ABSL_GUARDED_BY(mu_) = 0;
  std::string last_write_error_ ABSL_GUARDED_BY(mu_);
  // The position index (LastPositionBelow): entries in log order, each with the newest timestamp
  // logged before it; max_logged_t_ is that of everything logged so far.
  struct IndexEntry {
    Position at;
    int64_t max_before;
  };
  std::vector<IndexEntry> index_ ABSL_GUARDED_BY(mu_);
  int64_t max_logged_t_ ABSL_GUARDED_BY(mu_) = INT64_MIN;
  // Idle zstd contexts: Log() takes one, compresses outside mu_ so that concurrent committers
  // compress in parallel, and gives it back.
  util::Mutex pool_mu_;
  std::vector<std::unique_ptr<Compressor>> idle_compressors_ ABSL_GUARDED_BY(pool_mu_);
};

}  // namespace sextant::tsdb::wal
