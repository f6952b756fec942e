#pragma once

// FaultInjectionEnv: wraps another Env and injects the failures storage code must survive: a disk
// that fills up mid-write, a power loss that drops (or tears) data written since the last Sync,
// failing fsyncs, and bits flipped at rest.
//
//   auto mem = util::NewMemEnv();
//   util::FaultInjectionEnv env(mem.get());
//   ... write through &env ...
//   env.SetDiskFull(/*bytes_left=*/100, util::FaultInjectionEnv::PartialWrite::kLands);
//   ... the next Append past 100 bytes fails with ResourceExhausted ...
//   env.ClearDiskFull();
//   ASSERT_OK(env.SimulateCrash(/*keep_unsynced_bytes=*/10));  // a torn tail
//
// Model: the wrapped Env is "the disk plus the OS page cache". Files written through this env do
// not buffer: every Append reaches the wrapped file at once (so it survives a process kill), and
// becomes durable only at Sync. Directory entries are not modelled: creations, renames and
// deletions are durable at once. Reads pass straight through.
//
// Thread-safety: all methods are safe to call concurrently. The wrapped Env must outlive this one.

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "util/env.h"
#include "util/mutex.h"

namespace sextant::util {

class FaultInjectionEnv final : public Env {
 public:
  // What happens to the part of a failing Append that would still have fit on the disk.
  enum class PartialWrite {
    kDropped,  // nothing of the failing Append reaches the file
    kLands,    // the bytes that fit reach the file, the rest does not (as a short write(2) does)
  };

  explicit FaultInjectionEnv(Env* base);
  ~FaultInjectionEnv() override;

  // Simulates a disk with `bytes_left` free bytes: Appends (over all files together) succeed until
  // they would exceed it, then fail with ResourceExhausted naming the file. Stays full until
  // ClearDiskFull(). Truncating a file does not free space in this model.
  void SetDiskFull(int64_t bytes_left, PartialWrite partial = PartialWrite::kLands);
  void ClearDiskFull();
  // While set, every Sync fails with Internal and makes nothing durable.
  void SetSyncFailure(bool fail);

  // Simulates a power loss: every file written through this env loses what was appended after its
  // last successful Sync, except the first `keep_unsynced_bytes` of that (a torn write). Every file
  // handle opened through this env before the call fails from then on with FailedPrecondition.
  absl::Status SimulateCrash(int64_t keep_unsynced_bytes = 0);

  // XORs the byte at `offset` of the file `path` with `mask` (bits flipped at rest). OutOfRange
  // when the file is shorter.
  absl::Status CorruptByte(const std::string& path, int64_t offset, uint8_t mask);

  // Bytes appended through this env so far (including partial writes that landed).
  int64_t bytes_written() const;

  // Env.
  absl::Status CreateDir(const std::string& dir) override { return base_->CreateDir(dir); }
  absl::StatusOr<std::vector<std::string>> GetChildren(const std::string& dir) override {
    return base_->GetChildren(dir);
  }
  bool FileExists(const std::string& path) override { return base_->FileExists(path); }
  bool IsDirectory(const std::string& path) override { return base_->IsDirectory(path); }
  absl::StatusOr<int64_t> GetFileSize(const std::string& path) override {
    return base_->GetFileSize(path);
  }
  absl::Status DeleteFile(const std::string& path) override;
  absl::Status DeleteDirRecursive(const std::string& dir) override;
  absl::Status RenameFile(const std::string& from, const std::string& to) override;
  absl::Status LinkFile(const std::string& from, const std::string& to) override;
  absl::StatusOr<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override;
  absl::StatusOr<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& path) override;
  absl::StatusOr<std::unique_ptr<SequentialFile>> NewSequentialFile(
      const std::string& path) override {
    return base_->NewSequentialFile(path);
  }
  absl::StatusOr<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(
      const std::string& path) override {
    return base_->NewRandomAccessFile(path);
  }
  absl::Status SyncDir(const std::string& dir) override { return base_->SyncDir(dir); }
  absl::StatusOr<std::unique_ptr<FileLock>> LockFile(const std::string& path) override {
    return base_->LockFile(path);
  }
  absl::StatusOr<int64_t> DiskUsage(const std::string& path) override {
    return base_->DiskUsage(path);
  }

 private:
  friend class FaultWritableFile;

  // What this env knows about one file it wrote: its size and how much of it is durable.
  struct Tracked {
    int64_t size = 0;
    int64_t synced = 0;
  };

  // Wraps a file just opened on the base env; `truncated` when opening emptied it.
  absl::StatusOr<std::unique_ptr<WritableFile>> Wrap(const std::string& path,
                                                     std::unique_ptr<WritableFile> base_file,
                                                     bool truncated);

  Env* const base_;
  mutable Mutex mu_;
  std::map<std::string, std::shared_ptr<Tracked>> files_ ABSL_GUARDED_BY(mu_);
  int64_t bytes_left_ ABSL_GUARDED_BY(mu_) = -1;  // -1: unlimited
  PartialWrite partial_ ABSL_GUARDED_BY(mu_) = PartialWrite::kLands;
  bool fail_sync_ ABSL_GUARDED_BY(mu_) = false;
  int64_t generation_ ABSL_GUARDED_BY(mu_) = 0;  // bumped by each simulated crash
  int64_t bytes_written_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace sextant::util
