#include "remote/wal_watcher.h"

#include <algorithm>
#include <utility>

#include "tsdb/wal/checkpoint.h"
#include "tsdb/wal/reader.h"
#include "tsdb/wal/segment.h"
#include "util/log.h"
#include "util/strings.h"

namespace sextant::remote {
namespace {

namespace wal = tsdb::wal;

const util::Logger& Log() {
  static const util::Logger logger("remote");
  return logger;
}

}  // namespace

WalWatcher::WalWatcher(util::Env* env, std::string wal_dir, WalWatcherConsumer* consumer,
                       WalWatcherOptions options)
    : env_(env), dir_(std::move(wal_dir)), consumer_(consumer), options_(std::move(options)) {}

WalWatcher::~WalWatcher() { Stop(); }

absl::Status WalWatcher::StartAt(WalPosition position) {
  if (position.segment < 0 || position.offset < 0) {
    return absl::InvalidArgumentError(util::StrCat("wal watcher: negative start position ",
                                                   position.segment, ":", position.offset));
  }
  return Start(position);
}

absl::Status WalWatcher::StartFromNow() {
  // The end is found here, on the caller's thread, so that every record committed after this
  // call returns is handed over (a watcher thread finding it later would miss records committed
  // meanwhile).
  absl::StatusOr<std::vector<int>> segments = wal::ListSegments(env_, dir_);
  if (!segments.ok() || segments->empty()) {
    // No WAL yet: everything it will hold is new. -1 means "from the first segment there is".
    return Start(WalPosition{-1, 0});
  }
  const int last = segments->back();
  absl::StatusOr<std::unique_ptr<wal::Reader>> reader = wal::Reader::OpenAt(env_, dir_, last, 0);
  if (!reader.ok()) return Start(std::nullopt);
  int64_t end = 0;
  while ((*reader)->Next()) end = (*reader)->end_offset();
  // A torn or damaged tail ends the read; the records before it are the past.
  return Start(WalPosition{last, end});
}

absl::Status WalWatcher::Start(std::optional<WalPosition> position) {
  util::MutexLock lock(&mu_);
  if (started_) return absl::FailedPreconditionError("wal watcher: already started");
  started_ = true;
  deliver_from_ = position;
  thread_ = std::thread([this] { Run(); });
  return absl::OkStatus();
}

void WalWatcher::Notify() {
  {
    std::lock_guard<std::mutex> lock(wake_mu_);
    woken_ = true;
  }
  wake_cv_.notify_one();
}

void WalWatcher::Stop() {
  {
    // Under wake_mu_, so that Wait() cannot miss it between its check and its sleep.
    std::lock_guard<std::mutex> lock(wake_mu_);
    stopping_ = true;
  }
  wake_cv_.notify_all();
  std::thread thread;
  {
    util::MutexLock lock(&mu_);
    thread = std::move(thread_);
  }
  if (thread.joinable()) thread.join();
}

WalWatcherStats WalWatcher::stats() const {
  util::ReaderMutexLock lock(&stats_mu_);
  return stats_;
}

bool WalWatcher::Wait() {
  std::unique_lock<std::mutex> lock(wake_mu_);
  wake_cv_.wait_for(lock, absl::ToChronoNanoseconds(options_.poll_interval),
                    [this] { return woken_ || stopping_.load(); });
  woken_ = false;
  return !stopping_;
}

void WalWatcher::ReportError(const std::string& message, bool corruption) {
  Log().Error(corruption ? "WAL damaged; skipping to the next segment" : "WAL read failed",
              {{"queue", options_.name}, {"dir", dir_}, {"err", message}});
  util::MutexLock lock(&stats_mu_);
  if (corruption) ++stats_.corruptions;
  stats_.last_error = message;
}

void WalWatcher::Run() {
  // Wait for the WAL to have a segment.
  std::vector<int> segments;
  while (true) {
    if (stopping_) return;
    absl::StatusOr<std::vector<int>> listed = wal::ListSegments(env_, dir_);
    if (listed.ok() && !listed->empty()) {
      segments = *std::move(listed);
      break;
    }
    if (!listed.ok() && !absl::IsNotFound(listed.status())) {
      ReportError(listed.status().ToString(), /*corruption=*/false);
    }
    if (!Wait()) return;
  }

  ReadCheckpoint();
  // Series only from the segments after the checkpoint (which holds the series of those before
  // it), or from the start position's segment when it is older and still there.
  int from = last_checkpoint_ + 1;
  if (deliver_from_.has_value()) from = std::min(from, deliver_from_->segment);
  auto it = std::lower_bound(segments.begin(), segments.end(), from);
  int segment = it == segments.end() ? segments.back() : *it;
  if (deliver_from_.has_value() && deliver_from_->segment >= 0 &&
      deliver_from_->segment < segment) {
    Log().Warn("WAL segments of the start position were deleted; their samples are lost",
               {{"queue", options_.name},
                {"dir", dir_},
                {"start_segment", deliver_from_->segment},
                {"first_segment", segment}});
    util::MutexLock lock(&stats_mu_);
    ++stats_.skips;
    stats_.skipped_segments += segment - deliver_from_->segment;
  }
  int64_t offset = 0;

  while (!stopping_) {
    {
      util::MutexLock lock(&stats_mu_);
      stats_.current_segment = segment;
    }
    absl::StatusOr<std::vector<int>> listed = wal::ListSegments(env_, dir_);
    if (!listed.ok()) {
      ReportError(listed.status().ToString(), /*corruption=*/false);
      if (!Wait()) return;
      continue;
    }
    segments = *std::move(listed);
    // Listed before reading: when a newer segment exists now, the Wal has finished this one, so
    // whatever the read below finds is final.
    const bool complete = !segments.empty() && segments.back() > segment;
    if (!std::binary_search(segments.begin(), segments.end(), segment)) {
      auto next = std::upper_bound(segments.begin(), segments.end(), segment);
      if (next == segments.end()) {
        if (!Wait()) return;
        continue;
      }
      // Truncation deleted it under us: the newer checkpoint has the series of what was deleted.
      ReadCheckpoint();
      Log().Warn(
          "WAL segments deleted before they were read; their samples are lost",
          {{"queue", options_.name}, {"dir", dir_}, {"segment", segment}, {"next_segment", *next}});
      {
        util::MutexLock lock(&stats_mu_);
        ++stats_.skips;
        stats_.skipped_segments += *next - segment;
      }
      segment = *next;
      offset = 0;
      continue;
    }

    const ReadEnd end = ReadSegment(segment, &offset);
    if (end == ReadEnd::kStopped) return;
    if (end == ReadEnd::kMissing) continue;  // deleted while read: handled above next time
    if (complete) {
      if (end != ReadEnd::kClean) ReportError(last_read_error_, /*corruption=*/true);
      {
        util::MutexLock lock(&stats_mu_);
        ++stats_.segments_read;
      }
      consumer_->OnSegmentDone(segment);
      ++segment;
      offset = 0;
      continue;
    }
    // The live end of the WAL. A torn tail is a record being written; damage in the live segment
    // is reported once the segment is complete (the Wal may yet cut it).
    if (!deliver_from_.has_value()) deliver_from_ = WalPosition{segment, offset};
    if (!Wait()) return;
  }
}

void WalWatcher::ReadCheckpoint() {
  absl::StatusOr<std::optional<wal::CheckpointRef>> checkpoint = wal::LastCheckpoint(env_, dir_);
  if (!checkpoint.ok()) {
    ReportError(checkpoint.status().ToString(), /*corruption=*/false);
    return;
  }
  if (!checkpoint->has_value() || (*checkpoint)->index <= last_checkpoint_) return;
  const wal::CheckpointRef& ref = **checkpoint;
  absl::StatusOr<std::unique_ptr<wal::Reader>> reader = wal::Reader::OpenAll(env_, ref.dir);
  if (!reader.ok()) {
    // A newer checkpoint replaced it meanwhile; the next truncation skip reads that one.
    ReportError(reader.status().ToString(), /*corruption=*/false);
    return;
  }
  while ((*reader)->Next()) {
    if (stopping_) return;
    HandleRecord((*reader)->record(), /*deliver=*/false, WalPosition{});
  }
  if (!(*reader)->status().ok()) {
    ReportError((*reader)->status().ToString(), (*reader)->corruption().has_value());
  }
  last_checkpoint_ = ref.index;
  util::MutexLock lock(&stats_mu_);
  ++stats_.checkpoints_read;
}

WalWatcher::ReadEnd WalWatcher::ReadSegment(int segment, int64_t* offset) {
  absl::StatusOr<std::unique_ptr<wal::Reader>> opened =
      wal::Reader::OpenAt(env_, dir_, segment, *offset);
  if (!opened.ok()) {
    last_read_error_ = opened.status().ToString();
    return ReadEnd::kDamaged;
  }
  wal::Reader& reader = **opened;
  while (reader.Next()) {
    if (stopping_) return ReadEnd::kStopped;
    const bool deliver =
        deliver_from_.has_value() && WalPosition{segment, reader.offset()} >= *deliver_from_;
    HandleRecord(reader.record(), deliver, WalPosition{segment, reader.end_offset()});
    *offset = reader.end_offset();
  }
  if (stopping_) return ReadEnd::kStopped;
  if (reader.status().ok()) return ReadEnd::kClean;
  last_read_error_ = reader.status().ToString();
  if (reader.corruption().has_value() && reader.corruption()->torn) return ReadEnd::kTorn;
  if (!env_->FileExists(wal::SegmentPath(dir_, segment))) return ReadEnd::kMissing;
  return ReadEnd::kDamaged;
}

void WalWatcher::HandleRecord(std::string_view record, bool deliver, WalPosition after) {
  absl::StatusOr<wal::RecordType> type = wal::PeekType(record);
  absl::Status status;
  if (type.ok()) {
    switch (*type) {
      case wal::RecordType::kSeries:
        status = wal::DecodeSeries(record, &series_buf_);
        if (status.ok()) {
          consumer_->OnSeries(series_buf_);
          util::MutexLock lock(&stats_mu_);
          ++stats_.series_records;
        }
        break;
      case wal::RecordType::kSamples: {
        if (!deliver) {
          util::MutexLock lock(&stats_mu_);
          ++stats_.skipped_samples_records;
          break;
        }
        status = wal::DecodeSamples(record, &samples_buf_);
        if (status.ok()) {
          consumer_->OnSamples(samples_buf_, after);
          util::MutexLock lock(&stats_mu_);
          ++stats_.samples_records;
          stats_.samples += static_cast<int64_t>(samples_buf_.size());
        }
        break;
      }
      case wal::RecordType::kTombstones: {
        util::MutexLock lock(&stats_mu_);
        ++stats_.tombstones_records;
        break;
      }
    }
  } else {
    status = type.status();
  }
  if (!status.ok()) {
    // One bad record: skip it and go on, as Prometheus's watcher does for decode errors.
    Log().Warn("WAL record does not decode; skipped",
               {{"queue", options_.name}, {"dir", dir_}, {"err", status}});
    util::MutexLock lock(&stats_mu_);
    ++stats_.bad_records;
    stats_.last_error = status.ToString();
  }
}

}  // namespace sextant::remote
