#include "util/fault_env.h"

#include <algorithm>
#include <vector>

#include "util/status_macros.h"
#include "util/strings.h"

namespace sextant::util {

// A writable file whose every Append goes straight to the wrapped file, with the env's fault rules
// applied. All state changes happen under the env's lock so that a crash sees a consistent picture.
class FaultWritableFile final : public WritableFile {
 public:
  FaultWritableFile(FaultInjectionEnv* env, std::string path,
                    std::shared_ptr<FaultInjectionEnv::Tracked> tracked,
                    std::unique_ptr<WritableFile> base, int64_t generation)
      : env_(env),
        path_(std::move(path)),
        tracked_(std::move(tracked)),
        base_(std::move(base)),
        generation_(generation) {}

  absl::Status Append(std::string_view data) override {
    MutexLock lock(&env_->mu_);
    RETURN_IF_ERROR(CheckUsable());
    int64_t n = static_cast<int64_t>(data.size());
    const bool full = env_->bytes_left_ >= 0 && n > env_->bytes_left_;
    if (full) {
      n = env_->partial_ == FaultInjectionEnv::PartialWrite::kLands ? env_->bytes_left_ : 0;
    }
    if (n > 0) {
      RETURN_IF_ERROR(base_->Append(data.substr(0, static_cast<size_t>(n))));
      RETURN_IF_ERROR(base_->Flush());
      tracked_->size += n;
      env_->bytes_written_ += n;
      if (env_->bytes_left_ >= 0) env_->bytes_left_ -= n;
    }
    if (full) {
      return absl::ResourceExhaustedError(
          StrCat("write ", path_, ": No space left on device (injected)"));
    }
    return absl::OkStatus();
  }

  absl::Status Flush() override {
    MutexLock lock(&env_->mu_);
    return CheckUsable();
  }

  absl::Status Sync() override {
    MutexLock lock(&env_->mu_);
    RETURN_IF_ERROR(CheckUsable());
    if (env_->fail_sync_) return absl::InternalError(StrCat("sync ", path_, ": injected failure"));
    RETURN_IF_ERROR(base_->Sync());
    tracked_->synced = tracked_->size;
    return absl::OkStatus();
  }

  absl::Status Truncate(int64_t size) override {
    MutexLock lock(&env_->mu_);
    RETURN_IF_ERROR(CheckUsable());
    RETURN_IF_ERROR(base_->Truncate(size));
    tracked_->size = size;
    // Shrinking a file makes its tail unrecoverable at once; growing adds unsynced zeros.
    tracked_->synced = std::min(tracked_->synced, size);
    return absl::OkStatus();
  }

  absl::Status Close() override {
    MutexLock lock(&env_->mu_);
    RETURN_IF_ERROR(CheckUsable());
    closed_ = true;
    return base_->Close();
  }

  int64_t Size() const override {
    MutexLock lock(&env_->mu_);
    return tracked_->size;
  }
  const std::string& path() const override { return path_; }

 private:
  absl::Status CheckUsable() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(env_->mu_) {
    if (closed_) return absl::FailedPreconditionError(StrCat("file ", path_, " is closed"));
    if (generation_ != env_->generation_) {
      return absl::FailedPreconditionError(
          StrCat("file ", path_, ": handle opened before a simulated crash"));
    }
    return absl::OkStatus();
  }

  FaultInjectionEnv* const env_;
  const std::string path_;
  const std::shared_ptr<FaultInjectionEnv::Tracked> tracked_;
  const std::unique_ptr<WritableFile> base_;
  const int64_t generation_;
  bool closed_ = false;
};

FaultInjectionEnv::FaultInjectionEnv(Env* base) : base_(base) {}
FaultInjectionEnv::~FaultInjectionEnv() = default;

void FaultInjectionEnv::SetDiskFull(int64_t bytes_left, PartialWrite partial) {
  MutexLock lock(&mu_);
  bytes_left_ = std::max<int64_t>(bytes_left, 0);
  partial_ = partial;
}

void FaultInjectionEnv::ClearDiskFull() {
  MutexLock lock(&mu_);
  bytes_left_ = -1;
}

void FaultInjectionEnv::SetSyncFailure(bool fail) {
  MutexLock lock(&mu_);
  fail_sync_ = fail;
}

int64_t FaultInjectionEnv::bytes_written() const {
  MutexLock lock(&mu_);
  return bytes_written_;
}

absl::Status FaultInjectionEnv::SimulateCrash(int64_t keep_unsynced_bytes) {
  MutexLock lock(&mu_);
  ++generation_;
  for (auto& [path, tracked] : files_) {
    if (tracked->size <= tracked->synced) continue;
    const int64_t keep =
        std::clamp<int64_t>(keep_unsynced_bytes, 0, tracked->size - tracked->synced);
    const int64_t new_size = tracked->synced + keep;
    ASSIGN_OR_RETURN(auto file, base_->NewAppendableFile(path));
    RETURN_IF_ERROR(file->Truncate(new_size));
    RETURN_IF_ERROR(file->Close());
    tracked->size = new_size;
    tracked->synced = new_size;
  }
  return absl::OkStatus();
}

absl::Status FaultInjectionEnv::CorruptByte(const std::string& path, int64_t offset, uint8_t mask) {
  MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(std::string data, base_->ReadFileToString(path));
  if (offset < 0 || offset >= static_cast<int64_t>(data.size())) {
    return absl::OutOfRangeError(
        StrCat("corrupt ", path, ": offset ", offset, " outside file of ", data.size(), " bytes"));
  }
  data[static_cast<size_t>(offset)] ^= static_cast<char>(mask);
  // Rewrite in place through a handle that keeps the file's identity (hard links, open handles).
  ASSIGN_OR_RETURN(auto file, base_->NewAppendableFile(path));
  RETURN_IF_ERROR(file->Truncate(0));
  RETURN_IF_ERROR(file->Append(data));
  RETURN_IF_ERROR(file->Sync());
  return file->Close();
}

absl::Status FaultInjectionEnv::DeleteFile(const std::string& path) {
  MutexLock lock(&mu_);
  RETURN_IF_ERROR(base_->DeleteFile(path));
  files_.erase(path);
  return absl::OkStatus();
}

absl::Status FaultInjectionEnv::DeleteDirRecursive(const std::string& dir) {
  MutexLock lock(&mu_);
  RETURN_IF_ERROR(base_->DeleteDirRecursive(dir));
  const std::string prefix = JoinPath(dir, "");
  std::erase_if(files_, [&](const auto& entry) {
    return entry.first == dir || entry.first.compare(0, prefix.size(), prefix) == 0;
  });
  return absl::OkStatus();
}

absl::Status FaultInjectionEnv::RenameFile(const std::string& from, const std::string& to) {
  MutexLock lock(&mu_);
  RETURN_IF_ERROR(base_->RenameFile(from, to));
  // Move the tracking of the file, or of every file below a renamed directory.
  const std::string prefix = from.back() == '/' ? from : from + "/";
  std::vector<std::pair<std::string, std::shared_ptr<Tracked>>> moved;
  for (auto it = files_.begin(); it != files_.end();) {
    if (it->first == from) {
      moved.emplace_back(to, it->second);
      it = files_.erase(it);
    } else if (it->first.compare(0, prefix.size(), prefix) == 0) {
      moved.emplace_back(JoinPath(to, it->first.substr(prefix.size())), it->second);
      it = files_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto& [path, tracked] : moved) files_[path] = std::move(tracked);
  return absl::OkStatus();
}

absl::Status FaultInjectionEnv::LinkFile(const std::string& from, const std::string& to) {
  MutexLock lock(&mu_);
  return base_->LinkFile(from, to);
}

absl::StatusOr<std::unique_ptr<WritableFile>> FaultInjectionEnv::NewWritableFile(
    const std::string& path) {
  ASSIGN_OR_RETURN(auto base_file, base_->NewWritableFile(path));
  return Wrap(path, std::move(base_file), /*truncated=*/true);
}

absl::StatusOr<std::unique_ptr<WritableFile>> FaultInjectionEnv::NewAppendableFile(
    const std::string& path) {
  ASSIGN_OR_RETURN(auto base_file, base_->NewAppendableFile(path));
  return Wrap(path, std::move(base_file), /*truncated=*/false);
}

absl::StatusOr<std::unique_ptr<WritableFile>> FaultInjectionEnv::Wrap(
    const std::string& path, std::unique_ptr<WritableFile> base_file, bool truncated) {
  MutexLock lock(&mu_);
  std::shared_ptr<Tracked>& tracked = files_[path];
  if (tracked == nullptr || truncated) {
    // What is in a file when we first open it counts as durable: it was there before we watched.
    tracked = std::make_shared<Tracked>();
    tracked->size = tracked->synced = base_file->Size();
  }
  return std::unique_ptr<WritableFile>(
      std::make_unique<FaultWritableFile>(this, path, tracked, std::move(base_file), generation_));
}

}  // namespace sextant::util
