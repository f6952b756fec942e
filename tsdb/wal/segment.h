#pragma once

// The WAL's physical layout, shared by the writer, the reader, repair and checkpoints (byte-level
// description in docs/format/wal.md):
//
//   <dir>/00000000, <dir>/00000001, ...   segments, named by their index in 8 decimal digits
//   segment = 32 KiB pages; the last page of a segment may be short
//   page    = fragments, then zero padding when fewer than 8 bytes would be left
//   fragment = type (1 byte) | payload length (2 bytes, big-endian) | CRC-32C of the payload
//              (4 bytes, big-endian) | payload
//
// The type byte's low 3 bits say which part of a record the fragment holds (FragmentType); bit 3
// says the record's bytes are one zstd frame. A record never spans two segments.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "util/env.h"

namespace sextant::tsdb::wal {

inline constexpr int64_t kPageSize = 32 << 10;
inline constexpr int64_t kFragmentHeaderSize = 7;
// Records (after compression) larger than this are refused by the writer and treated as
// corruption by the reader, which bounds what a damaged length can make it allocate.
inline constexpr int64_t kMaxRecordSize = int64_t{1} << 30;

enum class FragmentType : uint8_t {
  kPadding = 0,  // the rest of the page is zeros
  kFull = 1,     // a whole record
  kFirst = 2,    // the first part of a record
  kMiddle = 3,
  kLast = 4,
};
inline constexpr uint8_t kFragmentTypeMask = 0x07;
inline constexpr uint8_t kZstdFlag = 0x08;

// "00000042" for 42.
std::string SegmentName(int index);
std::string SegmentPath(std::string_view dir, int index);
// The index named by a segment file name (1 to 9 decimal digits), or nullopt.
std::optional<int> ParseSegmentName(std::string_view name);

// The indexes of the segment files in `dir`, ascending; other entries are ignored. NotFound when
// `dir` does not exist.
absl::StatusOr<std::vector<int>> ListSegments(util::Env* env, const std::string& dir);

}  // namespace sextant::tsdb::wal
