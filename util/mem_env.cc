// NewMemEnv(): a file system in a map, for tests. It keeps POSIX's rules where storage code could
// come to depend on them (a file's directory must exist, rename replaces atomically, a hard link
// shares contents, a lock conflicts with any other holder), and nothing else: there is no
// durability to model, so Sync and SyncDir only check that their target exists.

#include <map>
#include <memory>
#include <set>

#include "util/env.h"
#include "util/mutex.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace sextant::util {
namespace {

// The contents of one file, shared by its names (hard links) and open handles.
struct FileState {
  Mutex mu;
  std::string data ABSL_GUARDED_BY(mu);
};

absl::Status ClosedError(const std::string& path) {
  return absl::FailedPreconditionError(StrCat("file ", path, " is closed"));
}

// Collapses repeated slashes and drops trailing ones, so "a//b/" and "a/b" name the same file.
std::string Normalize(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  for (char c : path) {
    if (c == '/' && !out.empty() && out.back() == '/') continue;
    out.push_back(c);
  }
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

bool IsUnder(const std::string& path, const std::string& dir) {
  return path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 &&
         (dir == "/" || path[dir.size()] == '/');
}

class MemWritableFile final : public WritableFile {
 public:
  MemWritableFile(std::string path, std::shared_ptr<FileState> state)
      : path_(std::move(path)), state_(std::move(state)) {}

  absl::Status Append(std::string_view data) override {
    if (state_ == nullptr) return ClosedError(path_);
    MutexLock lock(&state_->mu);
    state_->data.append(data);
    return absl::OkStatus();
  }
  absl::Status Flush() override {
    return state_ == nullptr ? ClosedError(path_) : absl::OkStatus();
  }
  absl::Status Sync() override { return Flush(); }
  absl::Status Truncate(int64_t size) override {
    if (state_ == nullptr) return ClosedError(path_);
    if (size < 0) return absl::InvalidArgumentError(StrCat("truncate ", path_, ": negative size"));
    MutexLock lock(&state_->mu);
    state_->data.resize(static_cast<size_t>(size), '\0');
    return absl::OkStatus();
  }
  absl::Status Close() override {
    if (state_ == nullptr) return ClosedError(path_);
    state_ = nullptr;
    return absl::OkStatus();
  }
  int64_t Size() const override {
    if (state_ == nullptr) return 0;
    ReaderMutexLock lock(&state_->mu);
    return static_cast<int64_t>(state_->data.size());
  }
  const std::string& path() const override { return path_; }

 private:
  const std::string path_;
  std::shared_ptr<FileState> state_;  // null once closed
};

class MemSequentialFile final : public SequentialFile {
 public:
  MemSequentialFile(std::string path, std::shared_ptr<FileState> state)
      : path_(std::move(path)), state_(std::move(state)) {}

  absl::Status Read(size_t n, std::string* out) override {
    FileState* const state = state_.get();
    ReaderMutexLock lock(&state->mu);
    if (pos_ >= state->data.size()) {
      out->clear();
    } else {
      out->assign(state->data, pos_, n);
      pos_ += out->size();
    }
    return absl::OkStatus();
  }
  absl::Status Skip(int64_t n) override {
    pos_ += static_cast<size_t>(n);
    return absl::OkStatus();
  }
  const std::string& path() const override { return path_; }

 private:
  const std::string path_;
  const std::shared_ptr<FileState> state_;
  size_t pos_ = 0;
};

class MemRandomAccessFile final : public RandomAccessFile {
 public:
  MemRandomAccessFile(std::string path, std::shared_ptr<FileState> state)
      : path_(std::move(path)), state_(std::move(state)) {}

  absl::Status Read(int64_t offset, size_t n, std::string* out) const override {
    if (offset < 0) return absl::InvalidArgumentError(StrCat("read ", path_, ": negative offset"));
    FileState* const state = state_.get();
    ReaderMutexLock lock(&state->mu);
    if (static_cast<size_t>(offset) >= state->data.size()) {
      out->clear();
    } else {
      out->assign(state->data, static_cast<size_t>(offset), n);
    }
    return absl::OkStatus();
  }
  absl::StatusOr<int64_t> Size() const override {
    ReaderMutexLock lock(&state_->mu);
    return static_cast<int64_t>(state_->data.size());
  }
  const std::string& path() const override { return path_; }

 private:
  const std::string path_;
  const std::shared_ptr<FileState> state_;
};

class MemEnv;

class MemFileLock final : public FileLock {
 public:
  MemFileLock(MemEnv* env, std::string path) : env_(env), path_(std::move(path)) {}
  ~MemFileLock() override;
  const std::string& path() const override { return path_; }

 private:
  MemEnv* const env_;
  const std::string path_;
};

class MemEnv final : public Env {
 public:
  MemEnv() {
    dirs_.insert("/");
    dirs_.insert(".");
  }

  absl::Status CreateDir(const std::string& dir) override {
    if (dir.empty()) return absl::InvalidArgumentError("create dir: empty path");
    const std::string d = Normalize(dir);
    MutexLock lock(&mu_);
    for (size_t pos = 1; pos <= d.size(); ++pos) {
      if (pos != d.size() && d[pos] != '/') continue;
      const std::string prefix = d.substr(0, pos);
      if (files_.count(prefix) != 0) {
        return absl::FailedPreconditionError(
            StrCat("create dir ", dir, ": ", prefix, " exists and is not a directory"));
      }
      dirs_.insert(prefix);
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<std::string>> GetChildren(const std::string& dir) override {
    const std::string d = Normalize(dir);
    ReaderMutexLock lock(&mu_);
    if (dirs_.count(d) == 0) return NotFound("list", dir);
    std::set<std::string> names;
    const auto add = [&](const std::string& path) {
      if (!IsUnder(path, d)) return;
      std::string rest = path.substr(d == "/" ? 1 : d.size() + 1);
      if (rest.find('/') == std::string::npos) names.insert(std::move(rest));
    };
    for (const auto& [path, state] : files_) add(path);
    for (const std::string& path : dirs_) add(path);
    return std::vector<std::string>(names.begin(), names.end());
  }

  bool FileExists(const std::string& path) override {
    const std::string p = Normalize(path);
    ReaderMutexLock lock(&mu_);
    return files_.count(p) != 0 || dirs_.count(p) != 0;
  }

  bool IsDirectory(const std::string& path) override {
    ReaderMutexLock lock(&mu_);
    return dirs_.count(Normalize(path)) != 0;
  }

  absl::StatusOr<int64_t> GetFileSize(const std::string& path) override {
    ASSIGN_OR_RETURN(auto state, Find(path, "stat"));
    ReaderMutexLock lock(&state->mu);
    return static_cast<int64_t>(state->data.size());
  }

  absl::Status DeleteFile(const std::string& path) override {
    MutexLock lock(&mu_);
    if (files_.erase(Normalize(path)) == 0) return NotFound("delete", path);
    return absl::OkStatus();
  }

  absl::Status DeleteDirRecursive(const std::string& dir) override {
    const std::string d = Normalize(dir);
    MutexLock lock(&mu_);
    if (files_.erase(d) != 0) return absl::OkStatus();
    if (dirs_.count(d) == 0) return absl::OkStatus();
    std::erase_if(files_, [&](const auto& entry) { return IsUnder(entry.first, d); });
    std::erase_if(dirs_, [&](const std::string& p) { return p == d || IsUnder(p, d); });
    return absl::OkStatus();
  }

  absl::Status RenameFile(const std::string& from, const std::string& to) override {
    const std::string f = Normalize(from), t = Normalize(to);
    const std::string what = StrCat(from, " to ", to);
    MutexLock lock(&mu_);
    if (dirs_.count(DirName(t)) == 0) return NotFound("rename", what);
    if (f == t) return absl::OkStatus();
    if (auto it = files_.find(f); it != files_.end()) {
      if (dirs_.count(t) != 0) {
        return absl::FailedPreconditionError(StrCat("rename ", what, ": target is a directory"));
      }
      auto state = it->second;
      files_.erase(it);
      files_[t] = std::move(state);
      return absl::OkStatus();
    }
    if (dirs_.count(f) == 0) return NotFound("rename", what);
    if (files_.count(t) != 0) {
      return absl::FailedPreconditionError(StrCat("rename ", what, ": target is a file"));
    }
    if (IsUnder(t, f)) {
      return absl::InvalidArgumentError(StrCat("rename ", what, ": target inside source"));
    }
    for (const auto& [path, state] : files_) {
      if (IsUnder(path, t)) {
        return absl::FailedPreconditionError(StrCat("rename ", what, ": target not empty"));
      }
    }
    for (const std::string& path : dirs_) {
      if (IsUnder(path, t)) {
        return absl::FailedPreconditionError(StrCat("rename ", what, ": target not empty"));
      }
    }
    const auto moved = [&](const std::string& path) { return t + path.substr(f.size()); };
    std::map<std::string, std::shared_ptr<FileState>> files;
    for (auto& [path, state] : files_) files[IsUnder(path, f) ? moved(path) : path] = state;
    std::set<std::string> dirs;
    for (const std::string& path : dirs_) {
      dirs.insert(path == f || IsUnder(path, f) ? moved(path) : path);
    }
    files_ = std::move(files);
    dirs_ = std::move(dirs);
    return absl::OkStatus();
  }

  absl::Status LinkFile(const std::string& from, const std::string& to) override {
    const std::string f = Normalize(from), t = Normalize(to);
    const std::string what = StrCat(from, " to ", to);
    MutexLock lock(&mu_);
    auto it = files_.find(f);
    if (it == files_.end()) return NotFound("link", what);
    if (dirs_.count(DirName(t)) == 0) return NotFound("link", what);
    if (files_.count(t) != 0 || dirs_.count(t) != 0) {
      return absl::AlreadyExistsError(StrCat("link ", what, ": target exists"));
    }
    files_[t] = it->second;
    return absl::OkStatus();
  }

  absl::StatusOr<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override {
    ASSIGN_OR_RETURN(auto state, Create(path, /*truncate=*/true));
    return std::make_unique<MemWritableFile>(path, std::move(state));
  }

  absl::StatusOr<std::unique_ptr<WritableFile>> NewAppendableFile(
      const std::string& path) override {
    ASSIGN_OR_RETURN(auto state, Create(path, /*truncate=*/false));
    return std::make_unique<MemWritableFile>(path, std::move(state));
  }

  absl::StatusOr<std::unique_ptr<SequentialFile>> NewSequentialFile(
      const std::string& path) override {
    ASSIGN_OR_RETURN(auto state, Find(path, "open"));
    return std::make_unique<MemSequentialFile>(path, std::move(state));
  }

  absl::StatusOr<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(
      const std::string& path) override {
    ASSIGN_OR_RETURN(auto state, Find(path, "open"));
    return std::make_unique<MemRandomAccessFile>(path, std::move(state));
  }

  absl::Status SyncDir(const std::string& dir) override {
    if (!IsDirectory(dir)) return NotFound("sync dir", dir);
    return absl::OkStatus();
  }

  absl::StatusOr<std::unique_ptr<FileLock>> LockFile(const std::string& path) override {
    RETURN_IF_ERROR(Create(path, /*truncate=*/false).status());
    MutexLock lock(&mu_);
    if (!locks_.insert(Normalize(path)).second) {
      return absl::FailedPreconditionError(
          StrCat("lock ", path, ": already held by another process or handle"));
    }
    return std::make_unique<MemFileLock>(this, Normalize(path));
  }

  absl::StatusOr<int64_t> DiskUsage(const std::string& path) override {
    const std::string p = Normalize(path);
    std::vector<std::shared_ptr<FileState>> states;
    {
      ReaderMutexLock lock(&mu_);
      if (files_.count(p) == 0 && dirs_.count(p) == 0) return NotFound("stat", path);
      for (const auto& [name, state] : files_) {
        if (name == p || IsUnder(name, p)) states.push_back(state);
      }
    }
    int64_t total = 0;
    for (const auto& state : states) {
      ReaderMutexLock lock(&state->mu);
      total += static_cast<int64_t>(state->data.size());
    }
    return total;
  }

  void Unlock(const std::string& path) {
    MutexLock lock(&mu_);
    locks_.erase(path);
  }

 private:
  static absl::Status NotFound(std::string_view op, const std::string& path) {
    return absl::NotFoundError(StrCat(op, " ", path, ": No such file or directory"));
  }

  absl::StatusOr<std::shared_ptr<FileState>> Find(const std::string& path, std::string_view op) {
    ReaderMutexLock lock(&mu_);
    auto it = files_.find(Normalize(path));
    if (it == files_.end()) {
      if (dirs_.count(Normalize(path)) != 0) {
        return absl::FailedPreconditionError(StrCat(op, " ", path, ": Is a directory"));
      }
      return NotFound(op, path);
    }
    return it->second;
  }

  absl::StatusOr<std::shared_ptr<FileState>> Create(const std::string& path, bool truncate) {
    const std::string p = Normalize(path);
    MutexLock lock(&mu_);
    if (dirs_.count(p) != 0) {
      return absl::FailedPreconditionError(StrCat("create ", path, ": Is a directory"));
    }
    if (dirs_.count(DirName(p)) == 0) return NotFound("create", path);
    auto& slot = files_[p];
    if (slot == nullptr) {
      slot = std::make_shared<FileState>();
    } else if (truncate) {
      MutexLock file_lock(&slot->mu);
      slot->data.clear();
    }
    return slot;
  }

  Mutex mu_;
  std::map<std::string, std::shared_ptr<FileState>> files_ ABSL_GUARDED_BY(mu_);
  std::set<std::string> dirs_ ABSL_GUARDED_BY(mu_);
  std::set<std::string> locks_ ABSL_GUARDED_BY(mu_);
};

MemFileLock::~MemFileLock() { env_->Unlock(path_); }

}  // namespace

std::unique_ptr<Env> NewMemEnv() { return std::make_unique<MemEnv>(); }

}  // namespace sextant::util
