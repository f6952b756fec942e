#include "discovery/file/file_provider.h"

#include <set>

#include <glob.h>
#include <sys/stat.h>

#include "model/label_names.h"
#include "util/log.h"
#include "util/strings.h"
#include "yaml-cpp/yaml.h"

namespace sextant::discovery {
namespace {

const util::Logger kLog("discovery");

constexpr std::string_view kFilepathLabel = "__meta_filepath";

std::vector<std::string> Glob(const std::string& pattern) {
  std::vector<std::string> out;
  glob_t g{};
  if (glob(pattern.c_str(), 0, nullptr, &g) == 0) {
    for (size_t i = 0; i < g.gl_pathc; ++i) out.emplace_back(g.gl_pathv[i]);
  }
  globfree(&g);
  return out;
}

// What tells a changed file: modification time, inode (a file replaced by a rename, the way
// file_sd files should be written) and size; timestamps alone miss writes within one clock tick.
FileProvider::FileStamp Stamp(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return {};
  return {static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec,
          static_cast<uint64_t>(st.st_ino), static_cast<int64_t>(st.st_size)};
}

absl::Status FileError(const std::string& path, std::string_view reason) {
  return absl::InvalidArgumentError(util::StrCat("error reading file \"", path, "\": ", reason));
}

}  // namespace

absl::StatusOr<std::vector<TargetGroup>> ReadTargetFile(const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const std::exception& e) {
    return FileError(path, e.what());
  }
  std::vector<TargetGroup> groups;
  if (root.IsNull()) return groups;
  if (!root.IsSequence()) return FileError(path, "expected a list of target groups");
  try {
    for (const YAML::Node& g : root) {
      if (!g.IsMap()) return FileError(path, "a target group must be a map");
      TargetGroup tg;
      if (const YAML::Node t = g["targets"]; t && t.IsSequence()) {
        for (const YAML::Node& a : t) {
          tg.targets.push_back(model::Labels::FromPairs({{"__address__", a.as<std::string>("")}}));
        }
      }
      std::vector<std::pair<std::string, std::string>> pairs;
      if (const YAML::Node l = g["labels"]; l && l.IsMap()) {
        for (const auto& kv : l) {
          const std::string name = kv.first.as<std::string>("");
          if (!model::IsValidLabelName(name)) {
            return FileError(path, util::StrCat("\"", name, "\" is not a valid label name"));
          }
          pairs.emplace_back(name, kv.second.as<std::string>(""));
        }
      }
      // The file's path wins over a label of that name in the file, as in Prometheus.
      pairs.emplace_back(kFilepathLabel, path);
      tg.labels = model::Labels::FromPairs(pairs);
      tg.source = util::StrCat(path, ":", groups.size());
      groups.push_back(std::move(tg));
    }
  } catch (const std::exception& e) {
    return FileError(path, e.what());
  }
  return groups;
}

FileProvider::FileProvider(config::FileSdConfig cfg, size_t index)
    : cfg_(std::move(cfg)), name_(util::StrCat("file/", index)) {}

bool FileProvider::Refresh(absl::Time now) {
  if (now - last_full_ >= cfg_.refresh_interval) {
    stamps_.clear();  // re-read everything
    last_full_ = now;
  }
  bool changed = false;
  std::set<std::string> seen;
  for (const std::string& pattern : cfg_.files) {
    for (const std::string& path : Glob(pattern)) {
      if (!seen.insert(path).second) continue;
      const FileStamp stamp = Stamp(path);
      auto it = stamps_.find(path);
      if (it != stamps_.end() && it->second == stamp) continue;
      stamps_[path] = stamp;
      absl::StatusOr<std::vector<TargetGroup>> groups = ReadTargetFile(path);
      if (!groups.ok()) {
        kLog.Error("Error reading file", {{"provider", name_}, {"err", groups.status()}});
        continue;
      }
      std::vector<TargetGroup>& slot = by_file_[path];
      if (slot != *groups) {
        slot = *std::move(groups);
        changed = true;
      }
    }
  }
  for (auto it = by_file_.begin(); it != by_file_.end();) {
    if (seen.contains(it->first)) {
      ++it;
      continue;
    }
    stamps_.erase(it->first);
    it = by_file_.erase(it);
    changed = true;
  }
  if (changed) {
    groups_.clear();
    for (const auto& [path, groups] : by_file_) {
      groups_.insert(groups_.end(), groups.begin(), groups.end());
    }
  }
  return changed;
}

}  // namespace sextant::discovery
