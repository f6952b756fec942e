#include "util/fault_env.h"

#include <memory>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sextant::util {
namespace {

using ::testing::HasSubstr;
using PartialWrite = FaultInjectionEnv::PartialWrite;

class FaultEnvTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(env_.CreateDir("/d").ok()); }

  std::unique_ptr<WritableFile> Open(const std::string& path) {
    auto file = env_.NewWritableFile(path);
    EXPECT_TRUE(file.ok()) << file.status();
    return file.ok() ? std::move(*file) : nullptr;
  }
  std::string Read(const std::string& path) {
    auto data = env_.ReadFileToString(path);
    EXPECT_TRUE(data.ok()) << data.status();
    return data.ok() ? *data : "";
  }

  std::unique_ptr<Env> mem_ = NewMemEnv();
  FaultInjectionEnv env_{mem_.get()};
};

TEST_F(FaultEnvTest, DiskFullWithPartialWriteLanding) {
  auto file = Open("/d/f");
  ASSERT_TRUE(file->Append("12345").ok());
  env_.SetDiskFull(3, PartialWrite::kLands);
  const absl::Status status = file->Append("abcdef");
  EXPECT_TRUE(absl::IsResourceExhausted(status)) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr("/d/f"));
  EXPECT_EQ(Read("/d/f"), "12345abc");
  EXPECT_TRUE(absl::IsResourceExhausted(file->Append("x")));  // still full
  EXPECT_EQ(env_.bytes_written(), 8);

  env_.ClearDiskFull();
  ASSERT_TRUE(file->Truncate(5).ok());
  ASSERT_TRUE(file->Append("!").ok());
  EXPECT_EQ(Read("/d/f"), "12345!");
}

TEST_F(FaultEnvTest, DiskFullWithPartialWriteDropped) {
  auto file = Open("/d/f");
  env_.SetDiskFull(3, PartialWrite::kDropped);
  ASSERT_TRUE(file->Append("ab").ok());
  EXPECT_TRUE(absl::IsResourceExhausted(file->Append("cdef")));
  EXPECT_EQ(Read("/d/f"), "ab");
  ASSERT_TRUE(file->Append("c").ok());  // exactly the last free byte
  EXPECT_EQ(Read("/d/f"), "abc");
}

TEST_F(FaultEnvTest, CrashDropsUnsyncedData) {
  auto synced = Open("/d/synced");
  ASSERT_TRUE(synced->Append("durable").ok());
  ASSERT_TRUE(synced->Sync().ok());
  ASSERT_TRUE(synced->Append(" lost").ok());
  auto never_synced = Open("/d/never");
  ASSERT_TRUE(never_synced->Append("gone").ok());
  EXPECT_EQ(Read("/d/synced"), "durable lost");  // visible before the crash

  ASSERT_TRUE(env_.SimulateCrash().ok());
  EXPECT_EQ(Read("/d/synced"), "durable");
  EXPECT_EQ(Read("/d/never"), "");
  EXPECT_TRUE(absl::IsFailedPrecondition(synced->Append("x")));
  EXPECT_TRUE(absl::IsFailedPrecondition(synced->Sync()));
  EXPECT_EQ(Read("/d/synced"), "durable");
}

TEST_F(FaultEnvTest, CrashCanTearTheLastWrite) {
  auto file = Open("/d/f");
  ASSERT_TRUE(file->Append("head").ok());
  ASSERT_TRUE(file->Sync().ok());
  ASSERT_TRUE(file->Append("0123456789").ok());
  ASSERT_TRUE(env_.SimulateCrash(/*keep_unsynced_bytes=*/3).ok());
  EXPECT_EQ(Read("/d/f"), "head012");
}

TEST_F(FaultEnvTest, FailedSyncMakesNothingDurable) {
  auto file = Open("/d/f");
  ASSERT_TRUE(file->Append("abc").ok());
  env_.SetSyncFailure(true);
  EXPECT_TRUE(absl::IsInternal(file->Sync()));
  env_.SetSyncFailure(false);
  ASSERT_TRUE(env_.SimulateCrash().ok());
  EXPECT_EQ(Read("/d/f"), "");
}

TEST_F(FaultEnvTest, RenamedFileKeepsItsUnsyncedState) {
  auto file = Open("/d/tmp");
  ASSERT_TRUE(file->Append("abc").ok());
  ASSERT_TRUE(file->Sync().ok());
  ASSERT_TRUE(file->Append("def").ok());
  ASSERT_TRUE(env_.RenameFile("/d/tmp", "/d/final").ok());
  ASSERT_TRUE(env_.SimulateCrash().ok());
  EXPECT_EQ(Read("/d/final"), "abc");
}

TEST_F(FaultEnvTest, CorruptByteFlipsBitsInPlace) {
  auto file = Open("/d/f");
  ASSERT_TRUE(file->Append("AAAA").ok());
  ASSERT_TRUE(file->Close().ok());
  ASSERT_TRUE(env_.CorruptByte("/d/f", 2, 0x01).ok());
  EXPECT_EQ(Read("/d/f"), "AA@A");
  EXPECT_TRUE(absl::IsOutOfRange(env_.CorruptByte("/d/f", 4, 0x01)));
  EXPECT_TRUE(absl::IsNotFound(env_.CorruptByte("/d/missing", 0, 0x01)));
}

}  // namespace
}  // namespace sextant::util
