#pragma once

// Env: the small file-system interface every piece of storage code goes through, so that the WAL
// and recovery paths can be tested against torn writes, full disks and flipped bits without a real
// disk (see util/fault_env.h).
//
//   util::Env* env = util::Env::Default();            // POSIX
//   std::unique_ptr<util::Env> mem = util::NewMemEnv();  // in-memory, for tests
//
//   ASSIGN_OR_RETURN(auto file, env->NewWritableFile(util::JoinPath(dir, "00000000")));
//   RETURN_IF_ERROR(file->Append(data));
//   RETURN_IF_ERROR(file->Sync());
//   RETURN_IF_ERROR(file->Close());
//
// Paths are plain strings joined with '/'. Every error is an absl::Status whose message names the
// path: NotFound for a missing file or directory, AlreadyExists, FailedPrecondition for a held lock
// or a non-empty/non-directory target, ResourceExhausted for a full disk (ENOSPC, EDQUOT, EFBIG),
// PermissionDenied, InvalidArgument for bad arguments, and Internal for other I/O errors.
//
// Thread-safety: Env methods are safe to call concurrently. A file object is not: one thread at a
// time per WritableFile / SequentialFile; RandomAccessFile::Read is safe to call concurrently.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace sextant::util {

// A file opened for writing at its end.
class WritableFile {
 public:
  WritableFile() = default;
  WritableFile(const WritableFile&) = delete;
  WritableFile& operator=(const WritableFile&) = delete;
  // Closes the file if Close() was not called, ignoring errors; unflushed data may be lost.
  virtual ~WritableFile() = default;

  // Appends `data`. Implementations may buffer it until Flush(), Sync() or Close(). On error
  // (ResourceExhausted when the disk is full) any prefix of `data` may have reached the file;
  // callers that need a clean end Truncate() back to a size they know.
  virtual absl::Status Append(std::string_view data) = 0;
  // Hands everything appended so far to the operating system (write(2)): it survives the process
  // being killed, not the machine crashing.
  virtual absl::Status Flush() = 0;
  // Flushes, then makes the data durable (fdatasync).
  virtual absl::Status Sync() = 0;
  // Drops anything appended but not yet flushed, then sets the file's size to `size` (which may be
  // smaller than the current size); later Appends continue at `size`. Used to cut a torn tail.
  virtual absl::Status Truncate(int64_t size) = 0;
  // Flushes and closes. Every other call after Close() returns FailedPrecondition.
  virtual absl::Status Close() = 0;

  // The file's logical size: bytes flushed plus bytes buffered.
  virtual int64_t Size() const = 0;
  virtual const std::string& path() const = 0;
};

// A file read front to back.
class SequentialFile {
 public:
  SequentialFile() = default;
  SequentialFile(const SequentialFile&) = delete;
  SequentialFile& operator=(const SequentialFile&) = delete;
  virtual ~SequentialFile() = default;

  // Replaces *out with the next up to `n` bytes. Fewer than `n` only at the end of the file; empty
  // at the end.
  virtual absl::Status Read(size_t n, std::string* out) = 0;
  // Skips `n` bytes (stopping at the end of the file).
  virtual absl::Status Skip(int64_t n) = 0;
  virtual const std::string& path() const = 0;
};

// A file read at arbitrary offsets.
class RandomAccessFile {
 public:
  RandomAccessFile() = default;
  RandomAccessFile(const RandomAccessFile&) = delete;
  RandomAccessFile& operator=(const RandomAccessFile&) = delete;
  virtual ~RandomAccessFile() = default;

  // Replaces *out with up to `n` bytes at `offset`; fewer only when the file ends first (empty
  // past the end). Safe to call concurrently.
  virtual absl::Status Read(int64_t offset, size_t n, std::string* out) const = 0;
  virtual absl::StatusOr<int64_t> Size() const = 0;
  virtual const std::string& path() const = 0;
};

// A held exclusive lock; destroying it releases the lock.
class FileLock {
 public:
  FileLock() = default;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  virtual ~FileLock() = default;
  virtual const std::string& path() const = 0;
};

class Env {
 public:
  Env() = default;
  Env(const Env&) = delete;
  Env& operator=(const Env&) = delete;
  virtual ~Env() = default;

  // The POSIX file system. Never null; lives for the whole process.
  static Env* Default();

  // Creates `dir` and any missing parents; OK when it already exists as a directory.
  virtual absl::Status CreateDir(const std::string& dir) = 0;
  // The names (not paths) of the entries of `dir`, sorted, without "." and "..". NotFound when
  // `dir` does not exist.
  virtual absl::StatusOr<std::vector<std::string>> GetChildren(const std::string& dir) = 0;
  // True when `path` exists, as a file or a directory.
  virtual bool FileExists(const std::string& path) = 0;
  // True when `path` exists and is a directory.
  virtual bool IsDirectory(const std::string& path) = 0;
  virtual absl::StatusOr<int64_t> GetFileSize(const std::string& path) = 0;
  // Deletes a file. NotFound when it does not exist.
  virtual absl::Status DeleteFile(const std::string& path) = 0;
  // Deletes a directory and everything below it. OK when it does not exist.
  virtual absl::Status DeleteDirRecursive(const std::string& dir) = 0;
  // Atomically renames a file or directory, replacing `to` if it is a file or an empty directory.
  virtual absl::Status RenameFile(const std::string& from, const std::string& to) = 0;
  // Makes `to` a second name for the file `from` (a hard link), or a copy of it where the file
  // system cannot link. AlreadyExists when `to` exists. For snapshots of immutable files.
  virtual absl::Status LinkFile(const std::string& from, const std::string& to) = 0;

  // Creates (or truncates) `path` for writing.
  virtual absl::StatusOr<std::unique_ptr<WritableFile>> NewWritableFile(
      const std::string& path) = 0;
  // Opens `path` for writing at its end, creating it when missing. For repairs (Truncate()).
  virtual absl::StatusOr<std::unique_ptr<WritableFile>> NewAppendableFile(
      const std::string& path) = 0;
  virtual absl::StatusOr<std::unique_ptr<SequentialFile>> NewSequentialFile(
      const std::string& path) = 0;
  virtual absl::StatusOr<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(
      const std::string& path) = 0;

  // Makes the entries of `dir` (creations, renames, deletions) durable (fsync of the directory).
  virtual absl::Status SyncDir(const std::string& dir) = 0;

  // Takes an exclusive lock on `path` (created if missing), flock-style. FailedPrecondition naming
  // the path when another handle, in this process or another, holds it.
  virtual absl::StatusOr<std::unique_ptr<FileLock>> LockFile(const std::string& path) = 0;

  // The sum of the sizes of all files below `path` (or of `path` itself when it is a file), as
  // Prometheus counts the size of its storage: apparent sizes, not allocated blocks.
  virtual absl::StatusOr<int64_t> DiskUsage(const std::string& path) = 0;

  // Conveniences built on the methods above.
  absl::StatusOr<std::string> ReadFileToString(const std::string& path);
  // Writes `data` to `path` (replacing it), syncing it when `sync`.
  absl::Status WriteStringToFile(const std::string& path, std::string_view data, bool sync);
  // Copies the file `from` to `to` (replacing `to`).
  absl::Status CopyFile(const std::string& from, const std::string& to);
};

// An empty in-memory file system, for tests. Paths need not be absolute.
std::unique_ptr<Env> NewMemEnv();

// "a" + "b" -> "a/b"; an empty side gives the other side unchanged.
std::string JoinPath(std::string_view a, std::string_view b);
// The directory part of `path` ("a/b" -> "a", "b" -> ".", "/b" -> "/").
std::string DirName(std::string_view path);

}  // namespace sextant::util
