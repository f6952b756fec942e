#pragma once

// ChunkDiskMapper: the head's closed chunks in memory-mapped files under <data>/chunks_head/
// (docs/format/head-chunks.md), so that they live in the page cache rather than in anonymous
// memory, and a restart after a crash maps them instead of replaying their samples from the WAL.
//
// - Files are numbered (00000001, 00000002, ...). The file being written is sized to the file
//   limit up front (sparse), mapped read-write and shared, and chunks are copied into the mapping:
//   no system call per chunk, and the bytes are visible to readers through the same mapping at
//   once. A full file is cut back to its data and the next one started.
// - A chunk is addressed by DiskChunkRef (file number and offset). Read() returns its bytes with an
//   owner that keeps the file mapped, so a reader keeps a chunk readable after Truncate() deleted
//   its file.
// - Open() scans the existing files: each record's CRC-32C is checked; at the first record that is
//   not whole (a torn or corrupt tail, or the zeroed end of a file being written when the process
//   died) the file is cut back and every later file deleted. Files whose chunks all end before the
//   head's min valid time are deleted.
// - Mapped pages are released from the process (madvise MADV_DONTNEED: they stay in the page
//   cache) after the scan and every 4 MiB written, so closed chunks count in neither anonymous nor
//   file-backed resident memory until a reader touches them.
// - Nothing here is synced: the WAL stays the durable record of every sample, so a lost chunk is
//   replayed from it. A replay point (replay_point.h) lets a replay skip WAL records only while
//   the scan finds every chunk it counts on (a machine crash that lost some makes it unusable).
//
// Uses POSIX files and mmap directly (util::Env has no mapping): the DB uses a mapper only on the
// default Env.
//
// Thread-safety: all methods are thread-safe.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tsdb/storage.h"
#include "util/mutex.h"

namespace sextant::tsdb::head {

// Where a chunk lives in the head chunk files.
struct DiskChunkRef {
  uint32_t file = 0;
  uint32_t offset = 0;  // of the record's first byte
  bool operator==(const DiskChunkRef&) const = default;
};

// How far the head chunk files reach: a file number and the end of the data in it.
struct ChunkFilesEnd {
  uint32_t file = 0;
  uint64_t offset = 0;
  auto operator<=>(const ChunkFilesEnd&) const = default;
};

// One chunk found by Open()'s scan.
struct ScannedChunk {
  SeriesRef ref = 0;
  int64_t mint = 0;
  int64_t maxt = 0;
  uint32_t size = 0;  // encoded bytes
  DiskChunkRef where;
};

// What Open() found and repaired.
struct ChunkScanReport {
  std::vector<ScannedChunk> chunks;  // in file order, only those ending at or after min valid time
  uint64_t corruptions = 0;          // torn or corrupt tails cut back
  uint64_t dropped_bytes = 0;        // bytes cut off (not counting zeroed ends)
  std::vector<std::string> deleted_files;
  // Each file kept, with the end of its data after any cut, in file order.
  std::vector<ChunkFilesEnd> file_ends;
};

// A chunk's bytes and what keeps them mapped.
struct MappedBytes {
  std::shared_ptr<const void> owner;
  std::string_view bytes;
};

class ChunkDiskMapper {
 public:
  static constexpr int64_t kDefaultFileSize = 128 << 20;
  static constexpr uint32_t kHeaderSize = 8;
  static constexpr uint32_t kRecordOverhead = 8 + 8 + 8 + 1 + 4 + 4;  // ref..len, then CRC
  static constexpr uint8_t kEncodingXor = 1;

  // Opens `dir` (creating it) and scans its files as described above, filling *report. Errors:
  // the file system's (as Internal/NotFound/PermissionDenied naming the path); corruption is
  // repaired, never an error.
  static absl::StatusOr<std::unique_ptr<ChunkDiskMapper>> Open(
      const std::string& dir, int64_t min_valid_time, ChunkScanReport* report,
      int64_t file_size = kDefaultFileSize);
  // Cuts the file being written back to its data.
  ~ChunkDiskMapper();
  ChunkDiskMapper(const ChunkDiskMapper&) = delete;
  ChunkDiskMapper& operator=(const ChunkDiskMapper&) = delete;

  // Appends the chunk `bytes` (an encoded XorChunk from mint to maxt) of series `ref`. Errors:
  // InvalidArgument when it cannot fit in a file; the file system's when a new file cannot be
  // made (the caller then keeps the chunk in memory).
  absl::StatusOr<DiskChunkRef> Write(SeriesRef ref, int64_t mint, int64_t maxt,
                                     std::string_view bytes);
  // The bytes of the chunk at `where`. Precondition: `where` came from Write() or Open()'s scan
  // and no Truncate() since has passed its maxt. The owner keeps the file mapped.
  MappedBytes Read(DiskChunkRef where) const;
  // Deletes the files (other than the one being written) whose chunks all end before `mint`.
  // Returns the number deleted; a file that cannot be deleted is logged (and left to the next
  // Open(), which deletes it as too old).
  size_t Truncate(int64_t mint);
  // Cuts the file being written back to its data (on clean shutdown); the next Write starts a
  // new file.
  absl::Status Finish();

  // The end of the data written so far: the last file and its data end ({0, 0} before any).
  ChunkFilesEnd End() const;
  // Chunks written since Open().
  uint64_t chunks_written() const { return chunks_written_.load(std::memory_order_relaxed); }

  size_t num_files() const;
  const std::string& dir() const { return dir_; }

 private:
  struct File;
  ChunkDiskMapper(std::string dir, int64_t file_size)
      : dir_(std::move(dir)), file_size_(file_size) {}
  absl::Status CutFile() ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  absl::Status FinishLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  std::shared_ptr<File> GetFile(uint32_t index) const;

  const std::string dir_;
  const int64_t file_size_;
  mutable util::Mutex write_mu_;  // one writer at a time; before files_mu_ when both are held
  std::shared_ptr<File> head_file_ ABSL_GUARDED_BY(write_mu_);  // the file being written
  uint32_t head_offset_ ABSL_GUARDED_BY(write_mu_) = 0;
  uint32_t next_index_ ABSL_GUARDED_BY(write_mu_) = 1;
  ChunkFilesEnd end_ ABSL_GUARDED_BY(write_mu_);
  std::atomic<uint64_t> chunks_written_{0};
  mutable util::Mutex files_mu_;
  // By file number; numbers only grow, so this stays small and sorted.
  std::vector<std::shared_ptr<File>> files_ ABSL_GUARDED_BY(files_mu_);
};

}  // namespace sextant::tsdb::head
