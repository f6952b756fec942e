#include "tsdb/wal/segment.h"

#include <algorithm>
#include <cstdio>

#include "util/status_macros.h"

namespace sextant::tsdb::wal {

std::string SegmentName(int index) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%08d", index);
  return buf;
}

std::string SegmentPath(std::string_view dir, int index) {
  return util::JoinPath(dir, SegmentName(index));
}

std::optional<int> ParseSegmentName(std::string_view name) {
  if (name.empty() || name.size() > 9) return std::nullopt;
  int index = 0;
  for (char c : name) {
    if (c < '0' || c > '9') return std::nullopt;
    index = index * 10 + (c - '0');
  }
  return index;
}

absl::StatusOr<std::vector<int>> ListSegments(util::Env* env, const std::string& dir) {
  ASSIGN_OR_RETURN(std::vector<std::string> names, env->GetChildren(dir));
  std::vector<int> indexes;
  for (const std::string& name : names) {
    if (auto index = ParseSegmentName(name); index.has_value()) indexes.push_back(*index);
  }
  std::sort(indexes.begin(), indexes.end());
  return indexes;
}

}  // namespace sextant::tsdb::wal
