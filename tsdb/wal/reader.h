#pragma once

// Reader: reads back the records a Wal wrote, segment by segment, in order (format in
// docs/format/wal.md), verifying every fragment.
//
//   ASSIGN_OR_RETURN(auto reader, Reader::OpenAll(env, dir));
//   while (reader->Next()) Apply(reader->record());
//   if (!reader->status().ok()) {
//     if (reader->corruption().has_value()) { ... Repair(env, dir, *reader->corruption()) ... }
//     return reader->status();
//   }
//
// Corruption: a bad checksum, an impossible length or fragment type, fragments out of sequence
// (a middle without a first, a record left open at the end of a segment), non-zero bytes in page
// padding, a file that ends inside a fragment or a record (a torn write), a zstd frame that does
// not decompress, or a segment missing from the range. Reading stops there: status() is DataLoss
// naming the file and offset, and corruption() says where the intact prefix ends. Zero padding at
// the end of a page, and a segment that ends (even mid-page) right after a complete record, are
// normal.
//
// Thread-safety: not synchronized; one thread at a time. Reading segments a Wal is still
// appending to is safe and sees a prefix of what was logged (a record being written at that
// moment may show up as a torn tail).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "util/env.h"

namespace sextant::tsdb::wal {

// Where a WAL stops being readable.
struct Corruption {
  std::string dir;  // the directory as given to the Reader
  int segment = 0;
  // The end of the last complete record in `segment` (0 when none): everything before it is
  // intact, and Repair() cuts the segment here.
  int64_t offset = 0;
  std::string reason;  // what was wrong, and the offset where it was found
  // The segment merely ends inside a fragment or a record: what a write in progress leaves (a
  // tailing reader waits and reads again from `offset`), or a crash during one. False for damage
  // with bytes after it: a bad checksum, length or type, bad padding, and the like.
  bool torn = false;
};

class Reader {
 public:
  // Reads the segments first..last (inclusive) of `dir`; first > last reads nothing. A segment
  // missing from the range is reported as corruption when reached. `env` must outlive the Reader.
  static absl::StatusOr<std::unique_ptr<Reader>> Open(util::Env* env, std::string dir, int first,
                                                      int last);
  // Reads segment `segment` of `dir` alone, from `offset`, which must be a record boundary (0, or
  // an end_offset() seen before in the same segment). For tailing a segment a Wal is still
  // writing: read to the end, then open again at the last end_offset(). An offset past the end of
  // the file is reported as corruption (not torn) when reached. InvalidArgument for a negative
  // segment or offset.
  static absl::StatusOr<std::unique_ptr<Reader>> OpenAt(util::Env* env, std::string dir,
                                                        int segment, int64_t offset);
  // Reads segment `segment` from `offset` (a record boundary, as for OpenAt), then the segments
  // after it up to `last`.
  static absl::StatusOr<std::unique_ptr<Reader>> OpenFrom(util::Env* env, std::string dir,
                                                          int segment, int64_t offset, int last);
  // Reads every segment in `dir`, from the lowest index to the highest. NotFound when `dir` does
  // not exist.
  static absl::StatusOr<std::unique_ptr<Reader>> OpenAll(util::Env* env, std::string dir);

  ~Reader();
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  // Advances to the next record. False at the end of the last segment or on an error; check
  // status() then.
  bool Next();
  // The current record, decompressed. Valid until the next call to Next().
  std::string_view record() const { return record_; }
  // The segment and offset of the current record's first fragment.
  int segment() const { return segment_; }
  int64_t offset() const { return record_offset_; }
  // The end of the current record in its segment: the record boundary from which OpenAt() reads
  // the records after it.
  int64_t end_offset() const { return good_end_; }

  // OK while reading and at a clean end; DataLoss on corruption (with corruption() set); the
  // Env's error (NotFound, ...) when a file cannot be read.
  const absl::Status& status() const { return status_; }
  const std::optional<Corruption>& corruption() const { return corruption_; }

 private:
  enum class Step { kRecord, kEndOfSegment, kError };
  class Decompressor;

  Reader(util::Env* env, std::string dir, int first, int last, int64_t first_offset);

  bool OpenSegment();
  Step ReadRecord();
  // Loads the next page into page_; false (with status_ set) on an I/O error.
  bool LoadPage();
  // Records corruption found at `found_at` in the current segment; returns Step::kError.
  Step Corrupt(std::string_view what, int64_t found_at, bool torn = false);
  std::string SegmentFile() const;

  util::Env* const env_;
  const std::string dir_;
  const int last_;
  int segment_;
  const int first_segment_;
  const int64_t first_offset_;                  // where reading starts in first_segment_
  std::unique_ptr<util::SequentialFile> file_;  // null between segments
  std::string page_;        // the current page (shorter than a full page only at the end)
  int64_t page_start_ = 0;  // its offset in the segment
  size_t pos_ = 0;          // the read position in page_
  bool eof_ = false;        // page_ is the last page of the segment
  int64_t good_end_ = 0;    // the end of the last complete record in the segment
  std::string buffer_;      // the fragments of a record being assembled
  std::string decompressed_;
  std::string_view record_;
  int64_t record_offset_ = 0;
  std::unique_ptr<Decompressor> decompressor_;
  absl::Status status_;
  std::optional<Corruption> corruption_;
  bool done_ = false;
};

}  // namespace sextant::tsdb::wal
