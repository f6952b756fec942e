#include "tsdb/head/replay_point.h"

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <unistd.h>

namespace sextant::tsdb::head {
namespace {

class ReplayPointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (std::filesystem::temp_directory_path() /
            ("sextant_replay_point_test_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name()))
               .string();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
  util::Env* env_ = util::Env::Default();
};

TEST_F(ReplayPointTest, RoundTripsAndReplacesTheOldOne) {
  EXPECT_TRUE(absl::IsNotFound(ReadReplayPoint(env_, dir_).status()));
  const std::string big(70000, 'x');
  ReplayPoint point{{3, 123456}, {2, 7890}, 3, {"first record", big, ""}, {}};
  ASSERT_TRUE(WriteReplayPoint(env_, dir_, point).ok());
  point.wal = {4, 0};
  point.records.pop_back();
  ASSERT_TRUE(WriteReplayPoint(env_, dir_, point).ok());
  auto back = ReadReplayPoint(env_, dir_);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->wal, (wal::Position{4, 0}));
  EXPECT_EQ(back->chunks, (ChunkFilesEnd{2, 7890}));
  EXPECT_EQ(back->series, 3u);
  EXPECT_EQ(back->records, point.records);
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/replay_point.tmp"));
}

TEST_F(ReplayPointTest, DamageIsDataLoss) {
  ASSERT_TRUE(WriteReplayPoint(env_, dir_, {{1, 2}, {3, 4}, 1, {"series"}, {}}).ok());
  const std::string path = dir_ + "/replay_point";
  const auto size = std::filesystem::file_size(path);
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(10);
    f.put('\x7f');
  }
  EXPECT_TRUE(absl::IsDataLoss(ReadReplayPoint(env_, dir_).status()));
  ASSERT_TRUE(WriteReplayPoint(env_, dir_, {{1, 2}, {3, 4}, 1, {"series"}, {}}).ok());
  std::filesystem::resize_file(path, size - 1);  // torn
  EXPECT_TRUE(absl::IsDataLoss(ReadReplayPoint(env_, dir_).status()));
  std::filesystem::resize_file(path, 3);
  EXPECT_TRUE(absl::IsDataLoss(ReadReplayPoint(env_, dir_).status()));
}

}  // namespace
}  // namespace sextant::tsdb::head
