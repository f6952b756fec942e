#include "tsdb/wal/wal.h"

#include <algorithm>
#include <chrono>
#include <cstring>

#include <zstd.h>

#include "tsdb/wal/segment.h"
#include "util/crc32c.h"
#include "util/log.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace sextant::tsdb::wal {
namespace {

const util::Logger kLog("tsdb");

// zstd's fastest levels already shrink sample records well; higher ones cost append latency.
constexpr int kZstdLevel = 1;
// The position index: an entry at most every this many bytes, and at most this many entries.
constexpr int64_t kIndexStride = 64 << 10;
constexpr size_t kMaxIndexEntries = 1 << 14;

void PutFixed16BE(char* p, uint16_t v) {
  p[0] = static_cast<char>(v >> 8);
  p[1] = static_cast<char>(v);
}
void PutFixed32BE(char* p, uint32_t v) {
  p[0] = static_cast<char>(v >> 24);
  p[1] = static_cast<char>(v >> 16);
  p[2] = static_cast<char>(v >> 8);
  p[3] = static_cast<char>(v);
}

}  // namespace

struct Wal::Metrics {
  explicit Metrics(util::Registry* r)
      : fsync_duration(r->NewHistogram("prometheus_tsdb_wal_fsync_duration_seconds",
                                       "Duration of write log fsync.",
                                       util::ExponentialBuckets(0.0001, 4, 8))),
        page_flushes(r->NewCounter("prometheus_tsdb_wal_page_flushes_total",
                                   "Total number of page flushes.")),
        completed_pages(r->NewCounter("prometheus_tsdb_wal_completed_pages_total",
                                      "Total number of completed pages.")),
        truncations(r->NewCounter("prometheus_tsdb_wal_truncations_total",
                                  "Total number of write log truncations attempted.")),
        truncations_failed(r->NewCounter("prometheus_tsdb_wal_truncations_failed_total",
                                         "Total number of write log truncations that failed.")),
        writes_failed(r->NewCounter("prometheus_tsdb_wal_writes_failed_total",
                                    "Total number of write log writes that failed.")),
        writes_failing(r->NewGauge("prometheus_tsdb_wal_writes_failing",
                                   "1 while write log writes fail (for example on a full disk) "
                                   "and commits are refused, 0 once a write succeeds.")),
        segment_current(r->NewGauge("prometheus_tsdb_wal_segment_current",
                                    "Write log segment index that TSDB is currently writing to.")),
        record_part_writes(r->NewCounter("prometheus_tsdb_wal_record_part_writes_total",
                                         "Total number of record parts written before flushing.")),
        record_parts_bytes(r->NewCounter(
            "prometheus_tsdb_wal_record_parts_bytes_written_total",
            "Total number of record part bytes written before flushing, including CRC and "
            "compression headers.")),
        record_bytes_saved(
            r->NewCounterFamily("prometheus_tsdb_wal_record_bytes_saved_total",
                                "Total number of bytes saved by the optional record compression. "
                                "Use this metric to learn about the effectiveness compression.",
                                {"compression"})
                ->With({"zstd"})) {}

  util::Histogram* const fsync_duration;
  util::Counter* const page_flushes;
  util::Counter* const completed_pages;
  util::Counter* const truncations;
  util::Counter* const truncations_failed;
  util::Counter* const writes_failed;
  util::Gauge* const writes_failing;
  util::Gauge* const segment_current;
  util::Counter* const record_part_writes;
  util::Counter* const record_parts_bytes;
  util::Counter* const record_bytes_saved;
};

// One reusable zstd compression context.
class Wal::Compressor {
 public:
  Compressor() : ctx_(ZSTD_createCCtx()) {}
  ~Compressor() { ZSTD_freeCCtx(ctx_); }
  Compressor(const Compressor&) = delete;
  Compressor& operator=(const Compressor&) = delete;

  // Replaces *out with `in` as one zstd frame; false (and *out empty) when zstd fails or the frame
  // is not smaller than `in`.
  bool Compress(std::string_view in, std::string* out) {
    out->resize(ZSTD_compressBound(in.size()));
    const size_t n =
        ZSTD_compressCCtx(ctx_, out->data(), out->size(), in.data(), in.size(), kZstdLevel);
    if (ZSTD_isError(n) || n >= in.size()) {
      out->clear();
      return false;
    }
    out->resize(n);
    return true;
  }

 private:
  ZSTD_CCtx* const ctx_;
};

Wal::Wal(util::Env* env, std::string dir, WalOptions options, util::Registry* registry)
    : env_(env),
      dir_(std::move(dir)),
      options_(options),
      metrics_(registry != nullptr ? std::make_unique<Metrics>(registry) : nullptr) {
  util::MutexLock lock(&mu_);
  page_ = std::make_unique<char[]>(kPageSize);  // zero-filled
}

Wal::~Wal() { Close().IgnoreError(); }  // a destructor cannot report; Close() callers can

absl::StatusOr<std::unique_ptr<Wal>> Wal::Open(util::Env* env, std::string dir, WalOptions options,
                                               util::Registry* metrics) {
  if (options.segment_size < kPageSize || options.segment_size % kPageSize != 0) {
    return absl::InvalidArgumentError(
        util::StrCat("wal ", dir, ": segment size ", options.segment_size,
                     " is not a positive multiple of the page size ", kPageSize));
  }
  RETURN_IF_ERROR(env->CreateDir(dir));
  ASSIGN_OR_RETURN(std::vector<int> segments, ListSegments(env, dir));
  std::unique_ptr<Wal> wal(new Wal(env, std::move(dir), options, metrics));
  {
    util::MutexLock lock(&wal->mu_);
    wal->segment_index_ = segments.empty() ? -1 : segments.back();
    RETURN_IF_ERROR(wal->OpenNextSegment());
  }
  return wal;
}

int Wal::current_segment() const {
  util::ReaderMutexLock lock(&mu_);
  return segment_index_;
}

absl::Status Wal::OpenNextSegment() {
  const int index = segment_index_ + 1;
  ASSIGN_OR_RETURN(auto file, env_->NewWritableFile(SegmentPath(dir_, index)));
  segment_ = std::move(file);
  segment_index_ = index;
  done_pages_ = page_alloc_ = page_flushed_ = committed_size_ = 0;
  needs_rollback_ = false;
  std::memset(page_.get(), 0, kPageSize);
  if (metrics_ != nullptr) metrics_->segment_current->Set(index);
  // The new file's name must survive a crash as much as its data.
  return env_->SyncDir(dir_);
}

absl::Status Wal::SyncSegment() {
  const auto start = std::chrono::steady_clock::now();
  RETURN_IF_ERROR(segment_->Sync());
  if (metrics_ != nullptr) {
    metrics_->fsync_duration->Observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return absl::OkStatus();
}

absl::Status Wal::CloseSegment() {
  if (segment_ == nullptr) return absl::OkStatus();
  if (needs_rollback_) RETURN_IF_ERROR(Rollback());
  RETURN_IF_ERROR(SyncSegment());
  RETURN_IF_ERROR(segment_->Close());
  segment_.reset();
  return absl::OkStatus();
}

absl::Status Wal::PrepareForWrite() {
  if (needs_rollback_) RETURN_IF_ERROR(Rollback());
  if (segment_ == nullptr) RETURN_IF_ERROR(OpenNextSegment());
  return absl::OkStatus();
}

int64_t Wal::SpaceLeftInSegment() const {
  const int64_t pages_left = options_.segment_size / kPageSize - done_pages_;
  if (pages_left <= 0) return 0;
  return pages_left * (kPageSize - kFragmentHeaderSize) - page_alloc_;
}

absl::Status Wal::Log(std::span<const std::string> records, int64_t max_t) {
  // Compress first, outside the lock: whether the batch fits into the current segment depends on
  // its real size, and concurrent committers should not queue behind each other's compression.
  std::vector<std::string> compressed(records.size());
  std::unique_ptr<Compressor> compressor;
  if (options_.compress) {
    util::MutexLock pool_lock(&pool_mu_);
    if (!idle_compressors_.empty()) {
      compressor = std::move(idle_compressors_.back());
      idle_compressors_.pop_back();
    }
  }
  if (options_.compress && compressor == nullptr) compressor = std::make_unique<Compressor>();
  int64_t batch_bytes = 0;
  for (size_t i = 0; i < records.size(); ++i) {
    const std::string& rec = records[i];
    if (static_cast<int64_t>(rec.size()) > kMaxRecordSize) {
      return absl::InvalidArgumentError(util::StrCat("wal ", dir_, ": record of ", rec.size(),
                                                     " bytes exceeds the limit ", kMaxRecordSize));
    }
    if (compressor != nullptr && compressor->Compress(rec, &compressed[i]) && metrics_ != nullptr) {
      metrics_->record_bytes_saved->Inc(static_cast<double>(rec.size() - compressed[i].size()));
    }
    // A zstd frame is never empty, so an empty slot means "stored uncompressed".
    const size_t size = compressed[i].empty() ? rec.size() : compressed[i].size();
    batch_bytes += static_cast<int64_t>(size) + kFragmentHeaderSize;
  }
  if (compressor != nullptr) {
    util::MutexLock pool_lock(&pool_mu_);
    idle_compressors_.push_back(std::move(compressor));
  }

  util::MutexLock lock(&mu_);
  if (closed_) return absl::FailedPreconditionError(util::StrCat("wal ", dir_, ": closed"));
  absl::Status status = PrepareForWrite();
  if (status.ok() && committed_size_ > 0 && batch_bytes > SpaceLeftInSegment()) {
    status = CloseSegment();
    if (status.ok()) status = OpenNextSegment();
  }
  if (status.ok()) IndexPosition();
  for (size_t i = 0; status.ok() && i < records.size(); ++i) {
    const bool is_compressed = !compressed[i].empty();
    status = WriteRecord(is_compressed ? compressed[i] : records[i], is_compressed);
  }
  if (status.ok()) status = FlushPage(/*complete=*/false);
  if (!status.ok()) {
    if (metrics_ != nullptr) metrics_->writes_failed->Inc();
    // A failed rollback is retried by the next call (needs_rollback_); report the write error.
    Rollback().IgnoreError();
    NoteWriteFailure(status);
    return status;
  }
  committed_size_ = done_pages_ * kPageSize + page_flushed_;
  max_logged_t_ = std::max(max_logged_t_, max_t);
  if (failed_writes_ > 0) NoteWriteSuccess();
  return absl::OkStatus();
}

void Wal::IndexPosition() {
  const Position at{segment_index_, committed_size_};
  if (!index_.empty()) {
    IndexEntry& last = index_.back();
    if (last.max_before == max_logged_t_) {
      last.at = at;  // nothing newer logged since: the same bound holds further on
      return;
    }
    if (last.at.segment == at.segment && at.offset - last.at.offset < kIndexStride) return;
  }
  if (index_.size() >= kMaxIndexEntries) {
    // Halve the resolution rather than grow without bound (a WAL kept for very long).
    for (size_t i = 0; 2 * i < index_.size(); ++i) index_[i] = index_[2 * i];
    index_.resize((index_.size() + 1) / 2);
  }
  index_.push_back({at, max_logged_t_});
}

Position Wal::EndPosition() const {
  util::ReaderMutexLock lock(&mu_);
  return {segment_index_, committed_size_};
}

void Wal::NoteLoggedTime(int64_t t) {
  util::MutexLock lock(&mu_);
  max_logged_t_ = std::max(max_logged_t_, t);
}

std::optional<Position> Wal::LastPositionBelow(int64_t t, Position limit) const {
  util::ReaderMutexLock lock(&mu_);
  // max_before never decreases along the index, nor does the position.
  auto it = std::partition_point(index_.begin(), index_.end(), [&](const IndexEntry& e) {
    return e.max_before < t && e.at <= limit;
  });
  if (it == index_.begin()) return std::nullopt;
  return std::prev(it)->at;
}

// Logged under mu_, so that a failure and the recovery after it are logged in the order they
// happened; it costs one log record per state change, not per call.
void Wal::NoteWriteFailure(const absl::Status& status) {
  last_write_error_ = std::string(status.message());
  if (failed_writes_++ > 0) return;
  if (metrics_ != nullptr) metrics_->writes_failing->Set(1);
  kLog.Error("WAL writes are failing; commits are refused until a write succeeds",
             {{"dir", dir_}, {"err", status}});
}

void Wal::NoteWriteSuccess() {
  if (metrics_ != nullptr) metrics_->writes_failing->Set(0);
  kLog.Info("WAL writes succeed again",
            {{"dir", dir_}, {"failed_writes", failed_writes_}, {"last_err", last_write_error_}});
  failed_writes_ = 0;
  last_write_error_.clear();
}

absl::Status Wal::WriteRecord(std::string_view payload, bool compressed) {
  bool first = true;
  while (true) {
    if (kPageSize - page_alloc_ <= kFragmentHeaderSize) {
      RETURN_IF_ERROR(FlushPage(/*complete=*/true));
    }
    const int64_t room = kPageSize - page_alloc_ - kFragmentHeaderSize;
    const size_t n = std::min(static_cast<size_t>(room), payload.size());
    const bool last = n == payload.size();
    const FragmentType type = first  ? (last ? FragmentType::kFull : FragmentType::kFirst)
                              : last ? FragmentType::kLast
                                     : FragmentType::kMiddle;
    char* header = page_.get() + page_alloc_;
    header[0] = static_cast<char>(static_cast<uint8_t>(type) | (compressed ? kZstdFlag : 0));
    PutFixed16BE(header + 1, static_cast<uint16_t>(n));
    PutFixed32BE(header + 3, util::Crc32c(payload.substr(0, n)));
    std::memcpy(header + kFragmentHeaderSize, payload.data(), n);
    page_alloc_ += kFragmentHeaderSize + static_cast<int64_t>(n);
    payload.remove_prefix(n);
    if (metrics_ != nullptr) {
      metrics_->record_part_writes->Inc();
      metrics_->record_parts_bytes->Inc(static_cast<double>(kFragmentHeaderSize + n));
    }
    if (last) break;
    first = false;
  }
  return absl::OkStatus();
}

absl::Status Wal::FlushPage(bool complete) {
  const int64_t end = complete ? kPageSize : page_alloc_;
  if (end > page_flushed_) {
    RETURN_IF_ERROR(segment_->Append(
        std::string_view(page_.get() + page_flushed_, static_cast<size_t>(end - page_flushed_))));
    RETURN_IF_ERROR(segment_->Flush());
    page_flushed_ = end;
    if (metrics_ != nullptr) metrics_->page_flushes->Inc();
  }
  if (complete) {
    std::memset(page_.get(), 0, kPageSize);
    page_alloc_ = page_flushed_ = 0;
    ++done_pages_;
    if (metrics_ != nullptr) metrics_->completed_pages->Inc();
  }
  return absl::OkStatus();
}

absl::Status Wal::Rollback() {
  if (segment_ == nullptr) {
    needs_rollback_ = false;
    return absl::OkStatus();
  }
  if (absl::Status status = segment_->Truncate(committed_size_); !status.ok()) {
    needs_rollback_ = true;
    return status;
  }
  needs_rollback_ = false;
  // Bytes of the page before committed_size_ are already in the file and are never written again,
  // so only the position matters; what follows must be zeros again for padding.
  done_pages_ = committed_size_ / kPageSize;
  page_alloc_ = page_flushed_ = committed_size_ % kPageSize;
  std::memset(page_.get() + page_alloc_, 0, static_cast<size_t>(kPageSize - page_alloc_));
  return absl::OkStatus();
}

absl::Status Wal::Sync() {
  util::MutexLock lock(&mu_);
  if (closed_) return absl::FailedPreconditionError(util::StrCat("wal ", dir_, ": closed"));
  if (segment_ == nullptr) return absl::OkStatus();  // the last segment was synced when closed
  return SyncSegment();
}

absl::StatusOr<int> Wal::NextSegment() {
  util::MutexLock lock(&mu_);
  if (closed_) return absl::FailedPreconditionError(util::StrCat("wal ", dir_, ": closed"));
  RETURN_IF_ERROR(CloseSegment());
  RETURN_IF_ERROR(OpenNextSegment());
  return segment_index_;
}

absl::StatusOr<std::pair<int, int>> Wal::Segments() {
  ASSIGN_OR_RETURN(std::vector<int> segments, ListSegments(env_, dir_));
  if (segments.empty()) {
    return absl::NotFoundError(util::StrCat("wal ", dir_, ": no segments"));
  }
  return std::make_pair(segments.front(), segments.back());
}

absl::Status Wal::Truncate(int before) {
  util::MutexLock lock(&mu_);
  if (before > segment_index_) {
    return absl::InvalidArgumentError(util::StrCat("wal ", dir_, ": cannot truncate before ",
                                                   before, ", past the current segment ",
                                                   segment_index_));
  }
  if (metrics_ != nullptr) metrics_->truncations->Inc();
  std::erase_if(index_, [&](const IndexEntry& e) { return e.at.segment < before; });
  absl::Status status;
  absl::StatusOr<std::vector<int>> segments = ListSegments(env_, dir_);
  if (!segments.ok()) status = segments.status();
  for (size_t i = 0; status.ok() && i < segments->size() && (*segments)[i] < before; ++i) {
    status = env_->DeleteFile(SegmentPath(dir_, (*segments)[i]));
  }
  if (!status.ok() && metrics_ != nullptr) metrics_->truncations_failed->Inc();
  return status;
}

absl::Status Wal::Close() {
  util::MutexLock lock(&mu_);
  if (closed_) return absl::OkStatus();
  closed_ = true;
  absl::Status status = CloseSegment();
  segment_.reset();
  return status;
}

}  // namespace sextant::tsdb::wal
