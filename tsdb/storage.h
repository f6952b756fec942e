#pragma once

// The storage interfaces: everything the query engine, the scraper and the rule manager know about
// the time-series database. Implementations: the database (tsdb/db.h), its head alone
// (tsdb/head/head.h) and a plain in-memory map for tests of other modules (tsdb/mem_storage.h).
//
// Model: a series is a label set plus samples ordered by timestamp (milliseconds). Writers append
// samples through an Appender and make them visible atomically with Commit(). Readers take a
// Querier over a closed time range [mint, maxt] and Select() series by label matchers.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "model/labels.h"
#include "model/matcher.h"
#include "model/sample.h"

namespace sextant::tsdb {

// A series' id, assigned by the head and stable while the series lives in it. 0 means "unknown".
using SeriesRef = uint64_t;

// The per-sample append errors, with Prometheus's messages. Append() returns them as
// InvalidArgument statuses; AppendErrorOf() tells them apart so callers can count each kind.
enum class AppendError {
  kNone,
  kOutOfOrder,   // "out of order sample": older than the series' newest sample
  kDuplicate,    // "duplicate sample for timestamp": same timestamp, different value
  kOutOfBounds,  // "out of bounds": older than what the head still accepts
  kOther,
};
absl::Status MakeAppendError(AppendError kind);
AppendError AppendErrorOf(const absl::Status& status);

// Collects samples and makes them visible all at once on Commit(). Not thread-safe: one appender
// per writer (a scrape loop, a rule evaluation). An appender is used once: after Commit() or
// Rollback() it must not be used again. It must not outlive the Storage that made it.
class Appender {
 public:
  virtual ~Appender() = default;

  // Adds a sample to the series with `labels`. `ref` is a hint: the value an earlier Append
  // returned for the same labels (0 when unknown); a stale hint is detected and ignored.
  // Returns the series' ref to cache for the next call.
  // Errors (the sample is not added, the appender stays usable): InvalidArgument with an
  // AppendError kind (out of order, duplicate, out of bounds), or for empty label sets.
  // A sample equal to the newest stored one (same timestamp, same value bits) is accepted and
  // ignored, as in Prometheus.
  virtual absl::StatusOr<SeriesRef> Append(SeriesRef ref, const model::Labels& labels, int64_t t,
                                           double v) = 0;

  // Makes every added sample durable (WAL, where there is one) and visible to new queriers.
  // Errors: when the WAL cannot be written (for example ResourceExhausted on a full disk) nothing
  // of this appender becomes visible. Samples that lost a race with another appender on the same
  // series are dropped and counted as out of order, as in Prometheus.
  virtual absl::Status Commit() = 0;
  // Discards every added sample.
  virtual void Rollback() = 0;
};

// Iterates one series' samples in timestamp order.
class SeriesIterator {
 public:
  virtual ~SeriesIterator() = default;
  // Advances to the next sample; false at the end or on error (see status()).
  virtual bool Next() = 0;
  // Advances to the first sample with timestamp >= t. Never moves backwards: if the current
  // sample already satisfies it, stays. False when no such sample exists.
  virtual bool Seek(int64_t t) = 0;
  // The current sample; valid after Next() or Seek() returned true.
  virtual int64_t t() const = 0;
  virtual double v() const = 0;
  virtual absl::Status status() const = 0;
};

// One selected series: its labels and a way to read its samples within the querier's range.
class Series {
 public:
  virtual ~Series() = default;
  virtual const model::Labels& labels() const = 0;
  // A fresh iterator over the samples in the querier's [mint, maxt]. May be called repeatedly.
  virtual std::unique_ptr<SeriesIterator> Iterator() const = 0;
  // Appends the samples in [mint, maxt] (and the querier's range) to *out in time order: what
  // Iterator() yields there, read in bulk. The default walks Iterator(); implementations that
  // can decode a whole block at once override it. On error *out holds a prefix.
  virtual absl::Status AppendSamples(int64_t mint, int64_t maxt,
                                     std::vector<model::Sample>* out) const;
};

// A sequence of series ordered by labels (Labels::operator<), each label set at most once.
class SeriesSet {
 public:
  virtual ~SeriesSet() = default;
  virtual bool Next() = 0;
  // The current series; valid until the next call to Next().
  virtual const Series& At() const = 0;
  virtual absl::Status status() const = 0;
  // Problems that did not stop the selection but make it incomplete, e.g. a remote_read endpoint
  // that failed while the local data was still returned (remote/read/). Read after Next()
  // returned false; the query engine passes them on as the result's warnings (the HTTP API's
  // "warnings"). None by default.
  virtual std::vector<std::string> Warnings() const { return {}; }
};

// What the caller will do with the selected data; implementations may use it to read less.
struct SelectHints {
  int64_t start = 0;  // the first and last timestamp the caller needs, in ms
  int64_t end = 0;
  int64_t step = 0;  // query step in ms, 0 for instant queries
  std::string func;  // the function around the selector, e.g. "rate"; "series" = labels only
};

// Reads the data in [mint(), maxt()] as of its creation: later commits are not guaranteed to be
// visible. Thread-safe for concurrent Select() calls. Must not outlive the storage.
class Querier {
 public:
  virtual ~Querier() = default;
  // Series that match every matcher (at least one matcher required) and have at least one
  // sample in range. `hints` may be null.
  virtual std::unique_ptr<SeriesSet> Select(std::span<const model::Matcher> matchers,
                                            const SelectHints* hints = nullptr) = 0;
  // Sorted, unique label names (values) of the series in range that match `matchers` (all series
  // when empty).
  virtual absl::StatusOr<std::vector<std::string>> LabelNames(
      std::span<const model::Matcher> matchers) = 0;
  virtual absl::StatusOr<std::vector<std::string>> LabelValues(
      std::string_view name, std::span<const model::Matcher> matchers) = 0;
  int64_t mint() const { return mint_; }
  int64_t maxt() const { return maxt_; }

 protected:
  Querier(int64_t mint, int64_t maxt) : mint_(mint), maxt_(maxt) {}

 private:
  int64_t mint_;
  int64_t maxt_;
};

// A storage: the factory of appenders and queriers. Thread-safe.
class Storage {
 public:
  virtual ~Storage() = default;
  virtual std::unique_ptr<Appender> NewAppender() = 0;
  // Errors: InvalidArgument when mint > maxt.
  virtual absl::StatusOr<std::unique_ptr<Querier>> NewQuerier(int64_t mint, int64_t maxt) = 0;
  // The oldest timestamp the storage holds data for, or kMaxTimestamp when empty.
  virtual int64_t StartTime() = 0;
};

// Reads every sample of `it` into `out` (appending); returns it.status().
absl::Status ReadAll(SeriesIterator& it, std::vector<model::Sample>* out);

// A SeriesSet that yields nothing, or only an error.
std::unique_ptr<SeriesSet> EmptySeriesSet();
std::unique_ptr<SeriesSet> ErrorSeriesSet(absl::Status status);

// Whether `labels` satisfies every matcher (missing labels match as "").
bool MatchesAll(const model::Labels& labels, std::span<const model::Matcher> matchers);

}  // namespace sextant::tsdb
