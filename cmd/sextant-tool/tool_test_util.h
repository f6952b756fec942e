#pragma once

// Test helpers for sextant-tool's commands: a scratch directory per test, files in it, and
// reading a data directory back through the database.

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "gtest/gtest.h"
#include "model/labels.h"
#include "model/sample.h"
#include "tsdb/db.h"

namespace sextant::tool::testing {

// A fresh directory named after the running test, removed at the end.
class ScratchDir {
 public:
  ScratchDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = (std::filesystem::temp_directory_path() /
             ("sextant_tool_test_" + std::to_string(::getpid()) + "_" + info->test_suite_name() +
              "_" + info->name()))
                .string();
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() { std::filesystem::remove_all(path_); }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::string& path() const { return path_; }
  std::string Path(const std::string& name) const { return path_ + "/" + name; }
  // Writes `content` to <dir>/<name> and returns its path.
  std::string Write(const std::string& name, const std::string& content) const {
    std::ofstream(Path(name), std::ios::binary) << content;
    return Path(name);
  }

 private:
  std::string path_;
};

struct SeriesData {
  model::Labels labels;
  std::vector<model::Sample> samples;
};

// Every series of the data directory `dir`, in label order, read through tsdb::DB.
inline std::vector<SeriesData> ReadAll(const std::string& dir,
                                       tsdb::DbOptions options = {.compaction_interval_ms = 0}) {
  std::vector<SeriesData> out;
  auto db = tsdb::DB::Open(dir, options);
  EXPECT_TRUE(db.ok()) << db.status();
  if (!db.ok()) return out;
  {
    auto querier =
        (*db)->NewQuerier(std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max());
    EXPECT_TRUE(querier.ok()) << querier.status();
    const auto all = *model::Matcher::Create(model::MatchType::kRegexMatch, "__name__", ".+");
    auto set = (*querier)->Select(std::span<const model::Matcher>(&all, 1));
    while (set->Next()) {
      SeriesData s{set->At().labels(), {}};
      auto it = set->At().Iterator();
      EXPECT_TRUE(tsdb::ReadAll(*it, &s.samples).ok());
      out.push_back(std::move(s));
    }
    EXPECT_TRUE(set->status().ok()) << set->status();
  }
  EXPECT_TRUE((*db)->Close().ok());
  return out;
}

}  // namespace sextant::tool::testing
