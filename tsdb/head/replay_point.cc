#include "tsdb/head/replay_point.h"

#include "util/crc32c.h"
#include "util/status_macros.h"
#include "util/strings.h"
#include "util/varint.h"

namespace sextant::tsdb::head {
namespace {

constexpr char kMagic[4] = {'S', 'X', 'R', 'P'};
constexpr char kVersion = 1;
// magic, version, WAL segment and offset, chunk file and end, series count, record count.
constexpr size_t kHeaderSize = 4 + 1 + 4 + 8 + 4 + 8 + 4 + 4;

absl::Status Damaged(const std::string& path, std::string_view what) {
  return absl::DataLossError(util::StrCat("replay point ", path, ": ", what));
}

}  // namespace

absl::Status WriteReplayPoint(util::Env* env, const std::string& dir, const ReplayPoint& point) {
  std::string out(kMagic, sizeof(kMagic));
  out.push_back(kVersion);
  util::PutFixed32BE(&out, static_cast<uint32_t>(point.wal.segment));
  util::PutFixed64BE(&out, static_cast<uint64_t>(point.wal.offset));
  util::PutFixed32BE(&out, point.chunks.file);
  util::PutFixed64BE(&out, point.chunks.offset);
  util::PutFixed32BE(&out, point.series);
  util::PutFixed32BE(&out, static_cast<uint32_t>(point.records.size()));
  for (std::string_view rec : point.records) {
    util::PutFixed32BE(&out, static_cast<uint32_t>(rec.size()));
    out.append(rec);
  }
  util::PutFixed32BE(&out, util::Crc32c(out));
  const std::string path = util::StrCat(dir, "/", kReplayPointFile);
  const std::string tmp = path + ".tmp";
  {
    ASSIGN_OR_RETURN(auto file, env->NewWritableFile(tmp));
    RETURN_IF_ERROR(file->Append(out));
    RETURN_IF_ERROR(file->Close());
  }
  return env->RenameFile(tmp, path);
}

absl::StatusOr<ReplayPoint> ReadReplayPoint(util::Env* env, const std::string& dir) {
  const std::string path = util::StrCat(dir, "/", kReplayPointFile);
  ASSIGN_OR_RETURN(int64_t size, env->GetFileSize(path));
  ASSIGN_OR_RETURN(auto file, env->NewSequentialFile(path));
  ReplayPoint point;
  std::string& data = point.buffer;
  RETURN_IF_ERROR(file->Read(static_cast<size_t>(size), &data));
  if (data.size() < kHeaderSize + 4) return Damaged(path, "too short");
  const size_t body = data.size() - 4;
  if (util::Crc32c(std::string_view(data).substr(0, body)) !=
      util::DecodeFixed32BE(data.data() + body)) {
    return Damaged(path, "checksum mismatch");
  }
  if (data.compare(0, sizeof(kMagic), kMagic, sizeof(kMagic)) != 0) {
    return Damaged(path, "not a replay point");
  }
  if (data[4] != kVersion) return Damaged(path, util::StrCat("unknown version ", int{data[4]}));
  const char* p = data.data() + 5;
  point.wal.segment = static_cast<int>(util::DecodeFixed32BE(p));
  point.wal.offset = static_cast<int64_t>(util::DecodeFixed64BE(p + 4));
  point.chunks.file = util::DecodeFixed32BE(p + 12);
  point.chunks.offset = util::DecodeFixed64BE(p + 16);
  point.series = util::DecodeFixed32BE(p + 24);
  const uint32_t count = util::DecodeFixed32BE(p + 28);
  if (point.wal.segment < 0 || point.wal.offset < 0) return Damaged(path, "bad WAL position");
  size_t pos = kHeaderSize;
  point.records.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    if (body - pos < 4) return Damaged(path, "truncated record length");
    const uint32_t len = util::DecodeFixed32BE(data.data() + pos);
    pos += 4;
    if (body - pos < len) return Damaged(path, "truncated record");
    point.records.emplace_back(data.data() + pos, len);
    pos += len;
  }
  if (pos != body) return Damaged(path, "bytes after the last record");
  return point;
}

}  // namespace sextant::tsdb::head
