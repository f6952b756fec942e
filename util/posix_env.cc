// Env::Default(): the POSIX file system.

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/env.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace sextant::util {
namespace {

constexpr size_t kWriteBufferSize = 64 << 10;

absl::Status ErrnoStatus(std::string_view op, const std::string& path, int err) {
  const std::string msg = StrCat(op, " ", path, ": ", std::strerror(err));
  switch (err) {
    case ENOENT:
      return absl::NotFoundError(msg);
    case EEXIST:
      return absl::AlreadyExistsError(msg);
    case ENOSPC:
    case EDQUOT:
    case EFBIG:
      return absl::ResourceExhaustedError(msg);
    case EACCES:
    case EPERM:
    case EROFS:
      return absl::PermissionDeniedError(msg);
    case ENOTEMPTY:
    case ENOTDIR:
    case EISDIR:
    case EWOULDBLOCK:
      return absl::FailedPreconditionError(msg);
    case EINVAL:
      return absl::InvalidArgumentError(msg);
    default:
      return absl::InternalError(msg);
  }
}

absl::Status ClosedError(const std::string& path) {
  return absl::FailedPreconditionError(StrCat("file ", path, " is closed"));
}

// Writes all of `data` at `offset`; on error *written holds how much landed.
absl::Status PwriteAll(int fd, const std::string& path, std::string_view data, int64_t offset,
                       int64_t* written) {
  *written = 0;
  while (!data.empty()) {
    const ssize_t n = ::pwrite(fd, data.data(), data.size(), offset + *written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("write", path, errno);
    }
    *written += n;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(std::string path, int fd, int64_t size)
      : path_(std::move(path)), fd_(fd), flushed_size_(size) {}
  ~PosixWritableFile() override {
    if (fd_ >= 0) Close().IgnoreError();  // destructor: the caller chose not to check
  }

  absl::Status Append(std::string_view data) override {
    if (fd_ < 0) return ClosedError(path_);
    if (buffer_.size() + data.size() <= kWriteBufferSize) {
      buffer_.append(data);
      return absl::OkStatus();
    }
    RETURN_IF_ERROR(Flush());
    if (data.size() <= kWriteBufferSize) {
      buffer_.append(data);
      return absl::OkStatus();
    }
    return WriteRaw(data);
  }

  absl::Status Flush() override {
    if (fd_ < 0) return ClosedError(path_);
    if (buffer_.empty()) return absl::OkStatus();
    absl::Status status = WriteRaw(buffer_);
    buffer_.clear();  // on error the unwritten rest is dropped, as the contract allows
    return status;
  }

  absl::Status Sync() override {
    RETURN_IF_ERROR(Flush());
    if (::fdatasync(fd_) != 0) return ErrnoStatus("sync", path_, errno);
    return absl::OkStatus();
  }

  absl::Status Truncate(int64_t size) override {
    if (fd_ < 0) return ClosedError(path_);
    if (size < 0) return absl::InvalidArgumentError(StrCat("truncate ", path_, ": negative size"));
    buffer_.clear();
    if (::ftruncate(fd_, size) != 0) return ErrnoStatus("truncate", path_, errno);
    flushed_size_ = size;
    return absl::OkStatus();
  }

  absl::Status Close() override {
    if (fd_ < 0) return ClosedError(path_);
    absl::Status status = Flush();
    if (::close(fd_) != 0 && status.ok()) status = ErrnoStatus("close", path_, errno);
    fd_ = -1;
    return status;
  }

  int64_t Size() const override { return flushed_size_ + static_cast<int64_t>(buffer_.size()); }
  const std::string& path() const override { return path_; }

 private:
  absl::Status WriteRaw(std::string_view data) {
    int64_t written = 0;
    absl::Status status = PwriteAll(fd_, path_, data, flushed_size_, &written);
    flushed_size_ += written;
    return status;
  }

  const std::string path_;
  int fd_;
  int64_t flushed_size_;
  std::string buffer_;
};

class PosixSequentialFile final : public SequentialFile {
 public:
  PosixSequentialFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PosixSequentialFile() override { ::close(fd_); }

  absl::Status Read(size_t n, std::string* out) override {
    out->resize(n);
    size_t got = 0;
    while (got < n) {
      const ssize_t r = ::read(fd_, out->data() + got, n - got);
      if (r < 0) {
        if (errno == EINTR) continue;
        out->clear();
        return ErrnoStatus("read", path_, errno);
      }
      if (r == 0) break;
      got += static_cast<size_t>(r);
    }
    out->resize(got);
    return absl::OkStatus();
  }

  absl::Status Skip(int64_t n) override {
    if (::lseek(fd_, n, SEEK_CUR) < 0) return ErrnoStatus("seek", path_, errno);
    return absl::OkStatus();
  }

  const std::string& path() const override { return path_; }

 private:
  const std::string path_;
  const int fd_;
};

class PosixRandomAccessFile final : public RandomAccessFile {
 public:
  PosixRandomAccessFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PosixRandomAccessFile() override { ::close(fd_); }

  absl::Status Read(int64_t offset, size_t n, std::string* out) const override {
    if (offset < 0) return absl::InvalidArgumentError(StrCat("read ", path_, ": negative offset"));
    out->resize(n);
    size_t got = 0;
    while (got < n) {
      const ssize_t r = ::pread(fd_, out->data() + got, n - got, offset + got);
      if (r < 0) {
        if (errno == EINTR) continue;
        out->clear();
        return ErrnoStatus("read", path_, errno);
      }
      if (r == 0) break;
      got += static_cast<size_t>(r);
    }
    out->resize(got);
    return absl::OkStatus();
  }

  absl::StatusOr<int64_t> Size() const override {
    struct stat st;
    if (::fstat(fd_, &st) != 0) return ErrnoStatus("stat", path_, errno);
    return static_cast<int64_t>(st.st_size);
  }

  const std::string& path() const override { return path_; }

 private:
  const std::string path_;
  const int fd_;
};

class PosixFileLock final : public FileLock {
 public:
  PosixFileLock(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PosixFileLock() override {
    ::flock(fd_, LOCK_UN);
    ::close(fd_);
  }
  const std::string& path() const override { return path_; }

 private:
  const std::string path_;
  const int fd_;
};

class PosixEnv final : public Env {
 public:
  absl::Status CreateDir(const std::string& dir) override {
    if (dir.empty()) return absl::InvalidArgumentError("create dir: empty path");
    // Create each prefix in turn, as `mkdir -p` does.
    for (size_t pos = 1; pos <= dir.size(); ++pos) {
      if (pos != dir.size() && dir[pos] != '/') continue;
      const std::string prefix = dir.substr(0, pos);
      if (::mkdir(prefix.c_str(), 0755) == 0) continue;
      const int err = errno;
      if (err != EEXIST) return ErrnoStatus("create dir", prefix, err);
      if (!IsDirectory(prefix)) {
        return absl::FailedPreconditionError(
            StrCat("create dir ", dir, ": ", prefix, " exists and is not a directory"));
      }
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<std::string>> GetChildren(const std::string& dir) override {
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) return ErrnoStatus("list", dir, errno);
    std::vector<std::string> names;
    errno = 0;
    while (struct dirent* e = ::readdir(d)) {
      const std::string_view name = e->d_name;
      if (name != "." && name != "..") names.emplace_back(name);
    }
    const int err = errno;
    ::closedir(d);
    if (err != 0) return ErrnoStatus("list", dir, err);
    std::sort(names.begin(), names.end());
    return names;
  }

  bool FileExists(const std::string& path) override { return ::access(path.c_str(), F_OK) == 0; }

  bool IsDirectory(const std::string& path) override {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
  }

  absl::StatusOr<int64_t> GetFileSize(const std::string& path) override {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return ErrnoStatus("stat", path, errno);
    return static_cast<int64_t>(st.st_size);
  }

  absl::Status DeleteFile(const std::string& path) override {
    if (::unlink(path.c_str()) != 0) return ErrnoStatus("delete", path, errno);
    return absl::OkStatus();
  }

  absl::Status DeleteDirRecursive(const std::string& dir) override {
    struct stat st;
    if (::lstat(dir.c_str(), &st) != 0) {
      if (errno == ENOENT) return absl::OkStatus();
      return ErrnoStatus("stat", dir, errno);
    }
    if (!S_ISDIR(st.st_mode)) return DeleteFile(dir);
    ASSIGN_OR_RETURN(std::vector<std::string> children, GetChildren(dir));
    for (const std::string& child : children) {
      RETURN_IF_ERROR(DeleteDirRecursive(JoinPath(dir, child)));
    }
    if (::rmdir(dir.c_str()) != 0) return ErrnoStatus("delete dir", dir, errno);
    return absl::OkStatus();
  }

  absl::Status RenameFile(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) {
      return ErrnoStatus("rename", StrCat(from, " to ", to), errno);
    }
    return absl::OkStatus();
  }

  absl::Status LinkFile(const std::string& from, const std::string& to) override {
    if (::link(from.c_str(), to.c_str()) == 0) return absl::OkStatus();
    const int err = errno;
    if (err != EXDEV && err != EPERM && err != ENOTSUP && err != EMLINK) {
      return ErrnoStatus("link", StrCat(from, " to ", to), err);
    }
    if (FileExists(to)) {
      return absl::AlreadyExistsError(StrCat("link ", from, " to ", to, ": target exists"));
    }
    return CopyFile(from, to);
  }

  absl::StatusOr<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return ErrnoStatus("create", path, errno);
    return std::make_unique<PosixWritableFile>(path, fd, 0);
  }

  absl::StatusOr<std::unique_ptr<WritableFile>> NewAppendableFile(
      const std::string& path) override {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return ErrnoStatus("open", path, errno);
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      const int err = errno;
      ::close(fd);
      return ErrnoStatus("stat", path, err);
    }
    return std::make_unique<PosixWritableFile>(path, fd, static_cast<int64_t>(st.st_size));
  }

  absl::StatusOr<std::unique_ptr<SequentialFile>> NewSequentialFile(
      const std::string& path) override {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return ErrnoStatus("open", path, errno);
    return std::make_unique<PosixSequentialFile>(path, fd);
  }

  absl::StatusOr<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(
      const std::string& path) override {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return ErrnoStatus("open", path, errno);
    return std::make_unique<PosixRandomAccessFile>(path, fd);
  }

  absl::Status SyncDir(const std::string& dir) override {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return ErrnoStatus("open dir", dir, errno);
    absl::Status status;
    if (::fsync(fd) != 0) status = ErrnoStatus("sync dir", dir, errno);
    ::close(fd);
    return status;
  }

  absl::StatusOr<std::unique_ptr<FileLock>> LockFile(const std::string& path) override {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return ErrnoStatus("open lock file", path, errno);
    // flock locks belong to the open file description, so a second open of the same file in this
    // process conflicts just as another process would.
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      ::close(fd);
      if (err == EWOULDBLOCK) {
        return absl::FailedPreconditionError(
            StrCat("lock ", path, ": already held by another process or handle"));
      }
      return ErrnoStatus("lock", path, err);
    }
    return std::make_unique<PosixFileLock>(path, fd);
  }

  absl::StatusOr<int64_t> DiskUsage(const std::string& path) override {
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0) return ErrnoStatus("stat", path, errno);
    if (!S_ISDIR(st.st_mode)) return S_ISREG(st.st_mode) ? static_cast<int64_t>(st.st_size) : 0;
    ASSIGN_OR_RETURN(std::vector<std::string> children, GetChildren(path));
    int64_t total = 0;
    for (const std::string& child : children) {
      absl::StatusOr<int64_t> size = DiskUsage(JoinPath(path, child));
      // A file deleted while we walk simply no longer counts.
      if (!size.ok() && absl::IsNotFound(size.status())) continue;
      if (!size.ok()) return size.status();
      total += *size;
    }
    return total;
  }
};

}  // namespace

Env* Env::Default() {
  static PosixEnv env;
  return &env;
}

}  // namespace sextant::util
