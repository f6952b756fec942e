#include "remote/position_file.h"

#include <charconv>
#include <vector>

#include "util/strings.h"

namespace sextant::remote {
namespace {

constexpr std::string_view kHeader = "sextant remote-write position v1";

bool ParseInt(std::string_view text, int64_t* out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size() && *out >= 0;
}

}  // namespace

absl::StatusOr<std::optional<WalPosition>> ReadPositionFile(util::Env* env,
                                                            const std::string& path) {
  if (!env->FileExists(path)) return std::nullopt;
  absl::StatusOr<std::string> text = env->ReadFileToString(path);
  if (!text.ok()) return text.status();
  const std::vector<std::string_view> lines = util::StrSplit(*text, '\n');
  if (lines.empty() || lines[0] != kHeader) {
    return absl::DataLossError(util::StrCat(path, ": not a remote-write position file"));
  }
  int64_t segment = -1, offset = -1;
  for (std::string_view line : lines) {
    const size_t space = line.find(' ');
    if (space == std::string_view::npos) continue;
    const std::string_view key = line.substr(0, space), value = line.substr(space + 1);
    if (key == "segment" && !ParseInt(value, &segment)) segment = -2;
    if (key == "offset" && !ParseInt(value, &offset)) offset = -2;
  }
  if (segment < 0 || offset < 0 || segment > INT32_MAX) {
    return absl::DataLossError(util::StrCat(path, ": missing or malformed segment or offset"));
  }
  return WalPosition{static_cast<int>(segment), offset};
}

absl::Status WritePositionFile(util::Env* env, const std::string& path, WalPosition position,
                               std::string_view url) {
  std::string text = util::StrCat(kHeader, "\nsegment ", position.segment, "\noffset ",
                                  position.offset, "\nurl ", url, "\n");
  const std::string tmp = path + ".tmp";
  if (absl::Status s = env->WriteStringToFile(tmp, text, /*sync=*/false); !s.ok()) return s;
  return env->RenameFile(tmp, path);
}

}  // namespace sextant::remote
