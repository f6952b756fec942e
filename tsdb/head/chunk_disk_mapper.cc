#include "tsdb/head/chunk_disk_mapper.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>

#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/crc32c.h"
#include "util/log.h"
#include "util/status_macros.h"
#include "util/strings.h"
#include "util/varint.h"

namespace sextant::tsdb::head {
namespace {

constexpr uint32_t kMagic = 0x53584843;  // "SXHC"
constexpr uint8_t kVersion = 1;
constexpr uint32_t kRecordHeader = 8 + 8 + 8 + 1 + 4;
// The written part of the file being written leaves the resident set in steps of this size.
constexpr uint32_t kReleaseEvery = 4 << 20;

const util::Logger& Log() {
  static const util::Logger logger("tsdb");
  return logger;
}

absl::Status Errno(std::string_view what, const std::string& path) {
  const int err = errno;
  std::string msg = util::StrCat(what, " ", path, ": ", std::strerror(err));
  if (err == ENOENT) return absl::NotFoundError(msg);
  if (err == EACCES || err == EPERM) return absl::PermissionDeniedError(msg);
  if (err == ENOSPC || err == EDQUOT || err == EFBIG) return absl::ResourceExhaustedError(msg);
  return absl::InternalError(msg);
}

std::string FileName(uint32_t index) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%08u", index);
  return buf;
}

std::optional<uint32_t> ParseFileName(std::string_view name) {
  if (name.size() != 8) return std::nullopt;
  uint32_t v = 0;
  for (char c : name) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint32_t>(c - '0');
  }
  return v;
}

void PutBE(char* p, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) {
    p[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
}

bool AllZero(const char* p, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (p[i] != 0) return false;
  }
  return true;
}

}  // namespace

struct ChunkDiskMapper::File {
  uint32_t index = 0;
  std::string path;
  int fd = -1;
  char* base = nullptr;
  size_t map_len = 0;
  std::atomic<int64_t> maxt{INT64_MIN};  // of every chunk in it

  ~File() {
    if (base != nullptr) ::munmap(base, map_len);
    if (fd >= 0) ::close(fd);
  }
};

absl::StatusOr<std::unique_ptr<ChunkDiskMapper>> ChunkDiskMapper::Open(const std::string& dir,
                                                                       int64_t min_valid_time,
                                                                       ChunkScanReport* report,
                                                                       int64_t file_size) {
  if (file_size < 1024 || file_size > (int64_t{1} << 31)) {
    return absl::InvalidArgumentError("head chunk file size out of range");
  }
  if (::mkdir(dir.c_str(), 0777) != 0 && errno != EEXIST) return Errno("mkdir", dir);
  auto mapper = std::unique_ptr<ChunkDiskMapper>(new ChunkDiskMapper(dir, file_size));
  std::vector<uint32_t> indexes;
  {
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) return Errno("opendir", dir);
    while (dirent* e = ::readdir(d)) {
      if (auto index = ParseFileName(e->d_name); index.has_value()) indexes.push_back(*index);
    }
    ::closedir(d);
  }
  std::sort(indexes.begin(), indexes.end());
  *report = ChunkScanReport{};
  bool cut = false;  // a file was cut short: every later file goes (no gaps in a series' chunks)
  uint32_t last_index = 0;
  for (uint32_t index : indexes) {
    last_index = index;
    const std::string path = util::StrCat(dir, "/", FileName(index));
    auto remove = [&] {
      if (::unlink(path.c_str()) != 0) return Errno("unlink", path);
      report->deleted_files.push_back(path);
      return absl::OkStatus();
    };
    if (cut) {
      RETURN_IF_ERROR(remove());
      continue;
    }
    auto file = std::make_shared<File>();
    file->index = index;
    file->path = path;
    file->fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    if (file->fd < 0) return Errno("open", path);
    struct stat st;
    if (::fstat(file->fd, &st) != 0) return Errno("stat", path);
    const size_t size = static_cast<size_t>(st.st_size);
    if (size > 0) {
      // Populated at once: the scan reads every page, and one call beats a fault per page.
      void* m = ::mmap(nullptr, size, PROT_READ, MAP_SHARED | MAP_POPULATE, file->fd, 0);
      if (m == MAP_FAILED) return Errno("mmap", path);
      file->base = static_cast<char*>(m);
      file->map_len = size;
    }
    const char* p = file->base;
    if (size < kHeaderSize || util::DecodeFixed32BE(p) != kMagic || p[4] != kVersion) {
      // A file made but never written (the process died at once) is not a corruption.
      if (size >= kHeaderSize && !AllZero(p, kHeaderSize)) {
        ++report->corruptions;
        report->dropped_bytes += size;
        Log().Warn("head chunk file with a bad header, deleted with every later one",
                   {{"file", path}});
      }
      file.reset();
      RETURN_IF_ERROR(remove());
      cut = true;
      continue;
    }
    size_t off = kHeaderSize;
    // Chunks of a few hundred bytes are the rule: one allocation instead of a dozen.
    std::vector<ScannedChunk>& chunks = report->chunks;
    const size_t chunks_before = chunks.size();
    chunks.reserve(chunks_before + size / 256);
    int64_t file_maxt = INT64_MIN;
    bool corrupt = false;
    while (off < size) {
      if (size - off < kRecordHeader + 4 || AllZero(p + off, kRecordHeader)) {
        // The zeroed end of a file being written, or a tail too short to be a record.
        corrupt = !AllZero(p + off, std::min<size_t>(size - off, kRecordHeader));
        break;
      }
      const char* r = p + off;
      const uint64_t ref = util::DecodeFixed64BE(r);
      const auto mint = static_cast<int64_t>(util::DecodeFixed64BE(r + 8));
      const auto maxt = static_cast<int64_t>(util::DecodeFixed64BE(r + 16));
      const auto encoding = static_cast<uint8_t>(r[24]);
      const uint32_t len = util::DecodeFixed32BE(r + 25);
      if (ref == 0 || encoding != kEncodingXor || len > size - off - kRecordHeader - 4 ||
          mint > maxt) {
        corrupt = true;
        break;
      }
      const uint32_t crc = util::DecodeFixed32BE(r + kRecordHeader + len);
      if (util::Crc32c(std::string_view(r, kRecordHeader + len)) != crc) {
        corrupt = true;
        break;
      }
      file_maxt = std::max(file_maxt, maxt);
      if (maxt >= min_valid_time) {
        chunks.push_back({ref, mint, maxt, len, {index, static_cast<uint32_t>(off)}});
      }
      off += kRecordHeader + len + 4;
    }
    if (off < size) {
      if (corrupt) {
        ++report->corruptions;
        report->dropped_bytes += size - off;
        Log().Warn("head chunk file has a torn or corrupt tail: cut back, later files deleted",
                   {{"file", path},
                    {"offset", static_cast<int64_t>(off)},
                    {"dropped_bytes", static_cast<int64_t>(size - off)}});
      }
      if (::ftruncate(file->fd, static_cast<off_t>(off)) != 0) return Errno("truncate", path);
      cut = true;
    }
    if (file_maxt < min_valid_time) {
      // Every chunk in it is in a partition already.
      chunks.resize(chunks_before);
      file.reset();
      RETURN_IF_ERROR(remove());
      continue;
    }
    file->maxt.store(file_maxt);
    // Scanned: its pages leave the process's resident set (they stay in the page cache, and a
    // reader faults the few it needs back in).
    if (file->base != nullptr) ::madvise(file->base, file->map_len, MADV_DONTNEED);
    report->file_ends.push_back({index, off});
    util::MutexLock lock(&mapper->files_mu_);
    mapper->files_.push_back(std::move(file));
  }
  util::MutexLock lock(&mapper->write_mu_);
  mapper->next_index_ = last_index + 1;
  if (!report->file_ends.empty()) mapper->end_ = report->file_ends.back();
  return mapper;
}

ChunkDiskMapper::~ChunkDiskMapper() {
  util::MutexLock lock(&write_mu_);
  FinishLocked().IgnoreError();  // the next Open() cuts the zeroed end as well
}

absl::Status ChunkDiskMapper::Finish() {
  util::MutexLock lock(&write_mu_);
  return FinishLocked();
}

absl::Status ChunkDiskMapper::FinishLocked() {
  if (head_file_ == nullptr) return absl::OkStatus();
  std::shared_ptr<File> f = std::move(head_file_);
  head_file_.reset();
  // The mapping keeps its length; nobody reads past the data, which stays in the file.
  if (::ftruncate(f->fd, head_offset_) != 0) return Errno("truncate", f->path);
  return absl::OkStatus();
}

absl::Status ChunkDiskMapper::CutFile() {
  RETURN_IF_ERROR(FinishLocked());
  auto f = std::make_shared<File>();
  f->index = next_index_;
  f->path = util::StrCat(dir_, "/", FileName(f->index));
  f->fd = ::open(f->path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (f->fd < 0) return Errno("create", f->path);
  // Sized up front (sparse) so that chunks are copied into the mapping without a system call.
  if (::ftruncate(f->fd, file_size_) != 0) {
    absl::Status s = Errno("truncate", f->path);
    ::unlink(f->path.c_str());
    return s;
  }
  void* m = ::mmap(nullptr, static_cast<size_t>(file_size_), PROT_READ | PROT_WRITE, MAP_SHARED,
                   f->fd, 0);
  if (m == MAP_FAILED) {
    absl::Status s = Errno("mmap", f->path);
    ::unlink(f->path.c_str());
    return s;
  }
  f->base = static_cast<char*>(m);
  f->map_len = static_cast<size_t>(file_size_);
  PutBE(f->base, kMagic, 4);
  f->base[4] = static_cast<char>(kVersion);
  ++next_index_;
  head_offset_ = kHeaderSize;
  {
    util::MutexLock lock(&files_mu_);
    files_.push_back(f);
  }
  head_file_ = std::move(f);
  return absl::OkStatus();
}

absl::StatusOr<DiskChunkRef> ChunkDiskMapper::Write(SeriesRef ref, int64_t mint, int64_t maxt,
                                                    std::string_view bytes) {
  const uint64_t need = kRecordHeader + bytes.size() + 4;
  if (need + kHeaderSize > static_cast<uint64_t>(file_size_)) {
    return absl::InvalidArgumentError("chunk larger than a head chunk file");
  }
  util::MutexLock lock(&write_mu_);
  if (head_file_ == nullptr || head_offset_ + need > static_cast<uint64_t>(file_size_)) {
    RETURN_IF_ERROR(CutFile());
  }
  char* r = head_file_->base + head_offset_;
  char header[kRecordHeader];
  PutBE(header, ref, 8);
  PutBE(header + 8, static_cast<uint64_t>(mint), 8);
  PutBE(header + 16, static_cast<uint64_t>(maxt), 8);
  header[24] = static_cast<char>(kEncodingXor);
  PutBE(header + 25, bytes.size(), 4);
  std::memcpy(r, header, kRecordHeader);
  std::memcpy(r + kRecordHeader, bytes.data(), bytes.size());
  const uint32_t crc =
      util::Crc32cExtend(util::Crc32c(std::string_view(header, kRecordHeader)), bytes);
  PutBE(r + kRecordHeader + bytes.size(), crc, 4);
  DiskChunkRef where{head_file_->index, head_offset_};
  const uint32_t before = head_offset_;
  head_offset_ += static_cast<uint32_t>(need);
  end_ = {head_file_->index, head_offset_};
  chunks_written_.fetch_add(1, std::memory_order_relaxed);
  if (before / kReleaseEvery != head_offset_ / kReleaseEvery) {
    // Written pages are dirty page cache: unmapping them from this process keeps them (and the
    // kernel writes them back), so the chunk bytes stop counting in its resident set.
    const size_t end = static_cast<size_t>(head_offset_ / kReleaseEvery) * kReleaseEvery;
    ::madvise(head_file_->base, end, MADV_DONTNEED);
  }
  if (head_file_->maxt.load(std::memory_order_relaxed) < maxt) {
    head_file_->maxt.store(maxt, std::memory_order_relaxed);
  }
  return where;
}

ChunkFilesEnd ChunkDiskMapper::End() const {
  util::MutexLock lock(&write_mu_);
  return end_;
}

std::shared_ptr<ChunkDiskMapper::File> ChunkDiskMapper::GetFile(uint32_t index) const {
  util::ReaderMutexLock lock(&files_mu_);
  auto it = std::lower_bound(files_.begin(), files_.end(), index,
                             [](const auto& f, uint32_t i) { return f->index < i; });
  if (it == files_.end() || (*it)->index != index) return nullptr;
  return *it;
}

MappedBytes ChunkDiskMapper::Read(DiskChunkRef where) const {
  std::shared_ptr<File> f = GetFile(where.file);
  if (f == nullptr || where.offset + kRecordHeader > f->map_len) return {};
  const char* r = f->base + where.offset;
  const uint32_t len = util::DecodeFixed32BE(r + 25);
  std::string_view bytes(r + kRecordHeader, len);
  return {std::shared_ptr<const void>(std::move(f), bytes.data()), bytes};
}

size_t ChunkDiskMapper::Truncate(int64_t mint) {
  uint32_t writing = 0;
  {
    util::MutexLock lock(&write_mu_);
    if (head_file_ != nullptr) writing = head_file_->index;
  }
  std::vector<std::shared_ptr<File>> dropped;
  {
    util::MutexLock lock(&files_mu_);
    std::erase_if(files_, [&](const std::shared_ptr<File>& f) {
      if (f->index == writing || f->maxt.load(std::memory_order_relaxed) >= mint) return false;
      dropped.push_back(f);
      return true;
    });
  }
  // Readers holding a chunk of a dropped file keep its mapping; the name goes now.
  for (const auto& f : dropped) {
    if (::unlink(f->path.c_str()) != 0 && errno != ENOENT) {
      Log().Warn("deleting a head chunk file failed", {{"file", f->path}});
    }
  }
  return dropped.size();
}

size_t ChunkDiskMapper::num_files() const {
  util::ReaderMutexLock lock(&files_mu_);
  return files_.size();
}

}  // namespace sextant::tsdb::head
