#include "tsdb/wal/reader.h"

#include <algorithm>
#include <cstdio>

#include <zstd.h>

#include "tsdb/wal/segment.h"
#include "util/crc32c.h"
#include "util/status_macros.h"
#include "util/strings.h"
#include "util/varint.h"

namespace sextant::tsdb::wal {
namespace {

std::string Hex(uint8_t b) {
  char buf[8];
  std::snprintf(buf, sizeof(buf), "0x%02x", b);
  return buf;
}

bool AllZero(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == 0; });
}

// One verified fragment; the payload points into the page.
struct FragmentView {
  FragmentType type = FragmentType::kPadding;
  bool zstd = false;
  std::string_view payload;
};

// What is wrong with a fragment; `torn` when the file merely ends inside it.
struct FragmentError {
  std::string what;
  bool torn = false;
};

// Parses and verifies the fragment at `pos` of `page` (whose type byte is not 0). On failure
// returns what is wrong with it.
std::optional<FragmentError> ParseFragment(std::string_view page, size_t pos, FragmentView* out) {
  const std::string_view rest = page.substr(pos);
  const bool last_page = page.size() < static_cast<size_t>(kPageSize);
  if (rest.size() < static_cast<size_t>(kFragmentHeaderSize)) {
    if (last_page) return FragmentError{"truncated fragment header (torn write)", true};
    return FragmentError{"fragment header crosses a page boundary"};
  }
  const auto type_byte = static_cast<uint8_t>(rest[0]);
  const uint8_t kind = type_byte & kFragmentTypeMask;
  if ((type_byte & ~(kFragmentTypeMask | kZstdFlag)) != 0 ||
      kind > static_cast<uint8_t>(FragmentType::kLast)) {
    return FragmentError{util::StrCat("unknown fragment type ", Hex(type_byte))};
  }
  const size_t length =
      (size_t{static_cast<uint8_t>(rest[1])} << 8) | size_t{static_cast<uint8_t>(rest[2])};
  if (static_cast<int64_t>(pos + kFragmentHeaderSize + length) > kPageSize) {
    return FragmentError{util::StrCat("fragment length ", length, " runs past the page end")};
  }
  // Only on a short (last) page: on a full one the check above has caught it.
  if (kFragmentHeaderSize + length > rest.size()) {
    return FragmentError{"truncated fragment (torn write)", true};
  }
  out->type = static_cast<FragmentType>(kind);
  out->zstd = (type_byte & kZstdFlag) != 0;
  out->payload = rest.substr(kFragmentHeaderSize, length);
  if (util::Crc32c(out->payload) != util::DecodeFixed32BE(rest.data() + 3)) {
    return FragmentError{"fragment checksum mismatch"};
  }
  return std::nullopt;
}

}  // namespace

// One reusable zstd decompression context.
class Reader::Decompressor {
 public:
  Decompressor() : ctx_(ZSTD_createDCtx()) {}
  ~Decompressor() { ZSTD_freeDCtx(ctx_); }
  Decompressor(const Decompressor&) = delete;
  Decompressor& operator=(const Decompressor&) = delete;

  // Replaces *out with the content of the zstd frame `in`; an error message on failure.
  std::optional<std::string> Decompress(std::string_view in, std::string* out) {
    const unsigned long long size = ZSTD_getFrameContentSize(in.data(), in.size());
    if (size == ZSTD_CONTENTSIZE_ERROR) return "zstd: not a zstd frame";
    if (size == ZSTD_CONTENTSIZE_UNKNOWN) return "zstd: frame without content size";
    if (size > static_cast<unsigned long long>(kMaxRecordSize)) {
      return util::StrCat("zstd: content size ", static_cast<uint64_t>(size), " over the limit");
    }
    out->resize(static_cast<size_t>(size));
    const size_t n = ZSTD_decompressDCtx(ctx_, out->data(), out->size(), in.data(), in.size());
    if (ZSTD_isError(n)) return util::StrCat("zstd: ", ZSTD_getErrorName(n));
    if (n != size) return "zstd: frame shorter than its content size";
    return std::nullopt;
  }

 private:
  ZSTD_DCtx* const ctx_;
};

Reader::Reader(util::Env* env, std::string dir, int first, int last, int64_t first_offset)
    : env_(env),
      dir_(std::move(dir)),
      last_(last),
      segment_(first),
      first_segment_(first),
      first_offset_(first_offset) {}

Reader::~Reader() = default;

absl::StatusOr<std::unique_ptr<Reader>> Reader::Open(util::Env* env, std::string dir, int first,
                                                     int last) {
  if (first < 0) {
    return absl::InvalidArgumentError(
        util::StrCat("wal reader ", dir, ": negative first segment ", first));
  }
  return std::unique_ptr<Reader>(new Reader(env, std::move(dir), first, last, 0));
}

absl::StatusOr<std::unique_ptr<Reader>> Reader::OpenAt(util::Env* env, std::string dir, int segment,
                                                       int64_t offset) {
  return OpenFrom(env, std::move(dir), segment, offset, segment);
}

absl::StatusOr<std::unique_ptr<Reader>> Reader::OpenFrom(util::Env* env, std::string dir,
                                                         int segment, int64_t offset, int last) {
  if (segment < 0 || offset < 0) {
    return absl::InvalidArgumentError(
        util::StrCat("wal reader ", dir, ": negative position ", segment, ":", offset));
  }
  return std::unique_ptr<Reader>(new Reader(env, std::move(dir), segment, last, offset));
}

absl::StatusOr<std::unique_ptr<Reader>> Reader::OpenAll(util::Env* env, std::string dir) {
  ASSIGN_OR_RETURN(std::vector<int> segments, ListSegments(env, dir));
  if (segments.empty()) return Open(env, std::move(dir), 0, -1);
  return Open(env, std::move(dir), segments.front(), segments.back());
}

std::string Reader::SegmentFile() const { return SegmentPath(dir_, segment_); }

bool Reader::Next() {
  record_ = {};
  while (status_.ok() && !done_) {
    if (file_ == nullptr) {
      if (segment_ > last_) {
        done_ = true;
        break;
      }
      if (!OpenSegment()) break;
    }
    switch (ReadRecord()) {
      case Step::kRecord:
        return true;
      case Step::kEndOfSegment:
        file_.reset();
        ++segment_;
        break;
      case Step::kError:
        return false;
    }
  }
  return false;
}

bool Reader::OpenSegment() {
  page_.clear();
  page_start_ = 0;
  pos_ = 0;
  eof_ = false;
  good_end_ = 0;
  absl::StatusOr<std::unique_ptr<util::SequentialFile>> file =
      env_->NewSequentialFile(SegmentFile());
  if (absl::IsNotFound(file.status())) {
    Corrupt("segment file missing", 0);
    return false;
  }
  if (!file.ok()) {
    status_ = file.status();
    return false;
  }
  file_ = std::move(*file);
  if (segment_ == first_segment_ && first_offset_ > 0) {
    // Start inside the segment: load the page holding first_offset_ and continue from there.
    const int64_t page_start = first_offset_ / kPageSize * kPageSize;
    if (absl::Status status = file_->Skip(page_start); !status.ok()) {
      status_ = status;
      return false;
    }
    page_start_ = page_start;
    if (!LoadPage()) return false;
    const int64_t in_page = first_offset_ - page_start;
    if (in_page > static_cast<int64_t>(page_.size())) {
      // Not torn: the segment is shorter than a position that was read in it before.
      good_end_ = page_start_ + static_cast<int64_t>(page_.size());
      Corrupt(util::StrCat("start offset ", first_offset_, " past the end of the segment"),
              good_end_);
      return false;
    }
    pos_ = static_cast<size_t>(in_page);
    good_end_ = first_offset_;
  }
  return true;
}

bool Reader::LoadPage() {
  page_start_ += static_cast<int64_t>(page_.size());
  pos_ = 0;
  if (absl::Status status = file_->Read(kPageSize, &page_); !status.ok()) {
    status_ = status;
    return false;
  }
  // Only a full page can be followed by another: a short one ends the file.
  eof_ = page_.size() < static_cast<size_t>(kPageSize);
  return true;
}

Reader::Step Reader::Corrupt(std::string_view what, int64_t found_at, bool torn) {
  corruption_ =
      Corruption{dir_, segment_, good_end_, util::StrCat(what, " at offset ", found_at), torn};
  status_ = absl::DataLossError(util::StrCat("wal segment ", SegmentFile(), ": ", what,
                                             " at offset ", found_at, "; records before offset ",
                                             good_end_, " are intact"));
  return Step::kError;
}

Reader::Step Reader::ReadRecord() {
  buffer_.clear();
  bool in_record = false;
  bool compressed = false;
  int64_t start = 0;
  while (true) {
    if (pos_ == page_.size()) {
      if (eof_) {
        if (in_record) {
          return Corrupt("segment ends inside a record (torn write)", start, /*torn=*/true);
        }
        return Step::kEndOfSegment;
      }
      if (!LoadPage()) return Step::kError;
      continue;
    }
    const int64_t at = page_start_ + static_cast<int64_t>(pos_);
    const std::string_view rest = std::string_view(page_).substr(pos_);
    const auto type_byte = static_cast<uint8_t>(rest[0]);
    if (type_byte == 0) {
      // Padding: zeros to the end of the page (or of the file, if a crash cut the padding short).
      if (!AllZero(rest)) return Corrupt("non-zero bytes in page padding", at);
      if (in_record) return Corrupt("padding inside a record", at);
      pos_ = page_.size();
      continue;
    }
    FragmentView fragment;
    if (auto error = ParseFragment(page_, pos_, &fragment); error.has_value()) {
      return Corrupt(error->what, at, error->torn);
    }
    const std::string_view payload = fragment.payload;
    const FragmentType type = fragment.type;
    const bool opens = type == FragmentType::kFull || type == FragmentType::kFirst;
    if (opens && in_record) return Corrupt("new record starts inside a record", at);
    if (!opens && !in_record) return Corrupt("record continuation without a first part", at);
    if (in_record && fragment.zstd != compressed) {
      return Corrupt("compression flag changes within a record", at);
    }
    if (!in_record) {
      start = at;
      compressed = fragment.zstd;
    }
    pos_ += kFragmentHeaderSize + payload.size();

    if (type == FragmentType::kFull && !compressed) {
      record_ = payload;  // no copy: page_ stays put until the next call
    } else {
      if (static_cast<int64_t>(buffer_.size() + payload.size()) > kMaxRecordSize) {
        return Corrupt("record larger than the limit", at);
      }
      buffer_.append(payload);
      if (type == FragmentType::kFirst || type == FragmentType::kMiddle) {
        in_record = true;
        continue;
      }
      record_ = buffer_;
    }
    if (compressed) {
      if (decompressor_ == nullptr) decompressor_ = std::make_unique<Decompressor>();
      if (auto error = decompressor_->Decompress(record_, &decompressed_); error.has_value()) {
        return Corrupt(*error, start);
      }
      record_ = decompressed_;
    }
    good_end_ = page_start_ + static_cast<int64_t>(pos_);
    record_offset_ = start;
    return Step::kRecord;
  }
}

}  // namespace sextant::tsdb::wal
