#include "tsdb/wal/reader.h"

#include <random>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tsdb/wal/segment.h"
#include "tsdb/wal/wal.h"
#include "tsdb/wal/wal_test_util.h"
#include "util/env.h"
#include "util/fault_env.h"

namespace sextant::tsdb::wal {
namespace {

using testing::Compressible;
using ::testing::ElementsAre;
using testing::Fragment;
using ::testing::HasSubstr;
using testing::RandomBytes;
using testing::ReadAll;
using testing::ReadResult;

constexpr char kDir[] = "/wal";
constexpr uint8_t kFull = static_cast<uint8_t>(FragmentType::kFull);
constexpr uint8_t kFirst = static_cast<uint8_t>(FragmentType::kFirst);
constexpr uint8_t kMiddle = static_cast<uint8_t>(FragmentType::kMiddle);
constexpr uint8_t kLast = static_cast<uint8_t>(FragmentType::kLast);

class ReaderTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(mem_->CreateDir(kDir).ok()); }

  // Writes a segment file by hand.
  void WriteSegment(int index, std::string_view bytes) {
    ASSERT_TRUE(mem_->WriteStringToFile(SegmentPath(kDir, index), bytes, false).ok());
  }
  std::string SegmentBytes(int index) { return *mem_->ReadFileToString(SegmentPath(kDir, index)); }

  // Logs `records` through a real Wal (one Log call each) and closes it.
  void LogRecords(const std::vector<std::string>& records, int64_t pages = 4,
                  bool compress = false) {
    WalOptions options;
    options.segment_size = pages * kPageSize;
    options.compress = compress;
    auto wal = Wal::Open(mem_.get(), kDir, options, nullptr);
    ASSERT_TRUE(wal.ok()) << wal.status();
    for (const std::string& rec : records) ASSERT_TRUE((*wal)->Log({&rec, 1}).ok());
    ASSERT_TRUE((*wal)->Close().ok());
  }

  // Reads kDir expecting corruption in `segment` with the intact prefix ending at `offset`.
  ReadResult ExpectCorruption(int segment, int64_t offset, std::string_view reason) {
    ReadResult read = ReadAll(mem_.get(), kDir);
    EXPECT_TRUE(absl::IsDataLoss(read.status)) << read.status;
    EXPECT_THAT(std::string(read.status.message()), HasSubstr(SegmentPath(kDir, segment)));
    EXPECT_THAT(std::string(read.status.message()), HasSubstr("offset"));
    EXPECT_TRUE(read.corruption.has_value());
    if (read.corruption.has_value()) {
      EXPECT_EQ(read.corruption->dir, kDir);
      EXPECT_EQ(read.corruption->segment, segment);
      EXPECT_EQ(read.corruption->offset, offset);
      EXPECT_THAT(read.corruption->reason, HasSubstr(reason));
    }
    return read;
  }

  std::unique_ptr<util::Env> mem_ = util::NewMemEnv();
  std::mt19937_64 rng_{5};
};

TEST_F(ReaderTest, EmptyDirectoryAndEmptySegmentsAreFine) {
  ReadResult read = ReadAll(mem_.get(), kDir);
  EXPECT_TRUE(read.status.ok());
  EXPECT_TRUE(read.records.empty());
  WriteSegment(0, "");
  WriteSegment(1, Fragment(kFull, "a"));
  WriteSegment(2, "");
  read = ReadAll(mem_.get(), kDir);
  EXPECT_TRUE(read.status.ok()) << read.status;
  EXPECT_THAT(read.records, ElementsAre("a"));
}

TEST_F(ReaderTest, MissingDirectoryIsNotFound) {
  EXPECT_TRUE(absl::IsNotFound(Reader::OpenAll(mem_.get(), "/nope").status()));
}

TEST_F(ReaderTest, ZeroPaddingAfterTheLastRecordIsNormal) {
  // A crash while padding a page can leave any number of zeros; a full zero page too.
  WriteSegment(0, Fragment(kFull, "a") + std::string(100, '\0'));
  WriteSegment(1, Fragment(kFull, "b") + std::string(kPageSize - 8, '\0') + Fragment(kFull, "c"));
  const ReadResult read = ReadAll(mem_.get(), kDir);
  EXPECT_TRUE(read.status.ok()) << read.status;
  EXPECT_THAT(read.records, ElementsAre("a", "b", "c"));
}

TEST_F(ReaderTest, HandMadeFragmentsAssembleIntoOneRecord) {
  WriteSegment(0, Fragment(kFirst, "ab") + Fragment(kMiddle, "cd") + Fragment(kLast, "e") +
                      Fragment(kFull, ""));
  const ReadResult read = ReadAll(mem_.get(), kDir);
  EXPECT_TRUE(read.status.ok()) << read.status;
  EXPECT_THAT(read.records, ElementsAre("abcde", ""));
}

TEST_F(ReaderTest, BadChecksumInTheLastSegment) {
  const std::vector<std::string> records = {"one", "two", "three"};
  LogRecords(records);
  std::string bytes = SegmentBytes(0);
  const int64_t third = 2 * kFragmentHeaderSize + 3 + 3;
  bytes[third + kFragmentHeaderSize + 1] ^= 0x20;  // a payload byte of "three"
  WriteSegment(0, bytes);
  const ReadResult read = ExpectCorruption(0, third, "checksum");
  EXPECT_THAT(read.records, ElementsAre("one", "two"));
}

TEST_F(ReaderTest, TruncatedSegmentInsideAMultiPageRecord) {
  const std::string big = RandomBytes(rng_, 3 * kPageSize);
  LogRecords({"first", big});
  std::string bytes = SegmentBytes(0);
  const int64_t good_end = kFragmentHeaderSize + 5;
  bytes.resize(2 * kPageSize + 100);  // cut in the third page of the big record
  WriteSegment(0, bytes);
  const ReadResult read = ExpectCorruption(0, good_end, "torn write");
  EXPECT_THAT(read.records, ElementsAre("first"));
}

TEST_F(ReaderTest, TruncatedInsideAFragmentHeaderAndPayload) {
  const std::string good = Fragment(kFull, "ok");
  WriteSegment(0, good + Fragment(kFull, "payload").substr(0, 4));
  ExpectCorruption(0, static_cast<int64_t>(good.size()), "truncated fragment header");
  WriteSegment(0, good + Fragment(kFull, "payload").substr(0, 10));
  ExpectCorruption(0, static_cast<int64_t>(good.size()), "truncated fragment");
}

TEST_F(ReaderTest, CorruptMiddleSegmentStopsThereAndKeepsWhatCameBefore) {
  WriteSegment(0, Fragment(kFull, "s0a") + Fragment(kFull, "s0b"));
  std::string middle = Fragment(kFull, "s1a") + Fragment(kFull, "s1b");
  middle[kFragmentHeaderSize + 3 + 3] ^= 0x01;  // the CRC of "s1b"
  WriteSegment(1, middle);
  WriteSegment(2, Fragment(kFull, "s2a"));
  const ReadResult read = ExpectCorruption(1, kFragmentHeaderSize + 3, "checksum");
  EXPECT_THAT(read.records, ElementsAre("s0a", "s0b", "s1a"));
}

TEST_F(ReaderTest, MissingSegmentInTheRangeIsCorruption) {
  WriteSegment(0, Fragment(kFull, "a"));
  WriteSegment(2, Fragment(kFull, "c"));
  const ReadResult read = ExpectCorruption(1, 0, "missing");
  EXPECT_THAT(read.records, ElementsAre("a"));
}

TEST_F(ReaderTest, NonZeroBytesInPaddingAreCorruption) {
  std::string bytes = Fragment(kFull, "a") + std::string(50, '\0');
  bytes[30] = 'x';
  WriteSegment(0, bytes);
  ExpectCorruption(0, kFragmentHeaderSize + 1, "padding");
}

TEST_F(ReaderTest, UnknownFragmentTypesAreCorruption) {
  for (uint8_t type_byte : {uint8_t{5}, uint8_t{7}, uint8_t{0x10 | kFull}, uint8_t{0x81}}) {
    WriteSegment(0, Fragment(kFull, "a") + Fragment(type_byte, "b"));
    ExpectCorruption(0, kFragmentHeaderSize + 1, "unknown fragment type");
  }
}

TEST_F(ReaderTest, FragmentLengthPastThePageIsCorruption) {
  std::string bytes = Fragment(kFull, "a") + Fragment(kFull, "b");
  bytes[kFragmentHeaderSize + 1 + 1] = '\x7f';  // length 0x7fff at offset 8: past the page
  bytes[kFragmentHeaderSize + 1 + 2] = '\xff';
  bytes += std::string(kPageSize, 'z');
  WriteSegment(0, bytes);
  ExpectCorruption(0, kFragmentHeaderSize + 1, "past the page end");
}

TEST_F(ReaderTest, FragmentsOutOfSequenceAreCorruption) {
  const std::string a = Fragment(kFull, "a");
  const int64_t end = static_cast<int64_t>(a.size());
  WriteSegment(0, a + Fragment(kMiddle, "x"));
  ExpectCorruption(0, end, "without a first part");
  WriteSegment(0, a + Fragment(kLast, "x"));
  ExpectCorruption(0, end, "without a first part");
  WriteSegment(0, a + Fragment(kFirst, "x") + Fragment(kFull, "y"));
  ExpectCorruption(0, end, "inside a record");
  WriteSegment(0, a + Fragment(kFirst, "x") + Fragment(kFirst, "y"));
  ExpectCorruption(0, end, "inside a record");
  WriteSegment(0, a + Fragment(kFirst, "x"));
  ExpectCorruption(0, end, "ends inside a record");
  WriteSegment(0, a + Fragment(kFirst, "x") + std::string(20, '\0'));
  ExpectCorruption(0, end, "padding inside a record");
  WriteSegment(0, a + Fragment(kFirst, "x") + Fragment(kLast | kZstdFlag, "y"));
  ExpectCorruption(0, end, "compression flag");
}

TEST_F(ReaderTest, RecordOpenAtTheEndOfASegmentIsCorruption) {
  // Records never span segments, even when the next segment holds the rest.
  WriteSegment(0, Fragment(kFull, "a") + Fragment(kFirst, "b"));
  WriteSegment(1, Fragment(kLast, "c"));
  const ReadResult read = ExpectCorruption(0, kFragmentHeaderSize + 1, "ends inside a record");
  EXPECT_THAT(read.records, ElementsAre("a"));
}

TEST_F(ReaderTest, BadZstdFrameWithAValidChecksumIsCorruption) {
  WriteSegment(0, Fragment(kFull, "a") + Fragment(kFull | kZstdFlag, "not zstd at all"));
  ExpectCorruption(0, kFragmentHeaderSize + 1, "zstd");
}

TEST_F(ReaderTest, EveryByteFlipInACompressedSegmentIsCaught) {
  const std::vector<std::string> records = {Compressible(3000, 'a'), "tiny",
                                            Compressible(40000, 'b')};
  LogRecords(records, 4, /*compress=*/true);
  const std::string original = SegmentBytes(0);
  for (size_t i = 0; i < original.size(); i += 7) {
    std::string bytes = original;
    bytes[i] ^= 0x10;
    WriteSegment(0, bytes);
    const ReadResult read = ReadAll(mem_.get(), kDir);
    ASSERT_TRUE(absl::IsDataLoss(read.status)) << "byte " << i;
    ASSERT_TRUE(read.corruption.has_value());
    // Whatever was read before the damage is exactly a prefix of what was written.
    ASSERT_LE(read.records.size(), records.size());
    for (size_t r = 0; r < read.records.size(); ++r) EXPECT_EQ(read.records[r], records[r]);
  }
}

TEST_F(ReaderTest, ReportsTheSegmentAndOffsetOfEachRecord) {
  WriteSegment(0, Fragment(kFull, "a") + Fragment(kFull, "bb"));
  WriteSegment(1, Fragment(kFull, "c"));
  auto reader = Reader::OpenAll(mem_.get(), kDir);
  ASSERT_TRUE(reader.ok());
  std::vector<std::pair<int, int64_t>> positions;
  while ((*reader)->Next()) positions.emplace_back((*reader)->segment(), (*reader)->offset());
  EXPECT_THAT(positions, ElementsAre(std::make_pair(0, int64_t{0}),
                                     std::make_pair(0, int64_t{kFragmentHeaderSize + 1}),
                                     std::make_pair(1, int64_t{0})));
}

TEST_F(ReaderTest, ReadsASubrangeOfSegments) {
  for (int i = 0; i < 4; ++i) WriteSegment(i, Fragment(kFull, std::to_string(i)));
  auto reader = Reader::Open(mem_.get(), kDir, 1, 2);
  ASSERT_TRUE(reader.ok());
  std::vector<std::string> records;
  while ((*reader)->Next()) records.emplace_back((*reader)->record());
  EXPECT_TRUE((*reader)->status().ok());
  EXPECT_THAT(records, ElementsAre("1", "2"));
}

TEST_F(ReaderTest, TornTailsAreMarkedTornAndDamageIsNot) {
  const std::string good = Fragment(kFull, "ok");
  WriteSegment(0, good + Fragment(kFull, "payload").substr(0, 4));
  EXPECT_TRUE(ExpectCorruption(0, static_cast<int64_t>(good.size()), "header").corruption->torn);
  WriteSegment(0, good + Fragment(kFull, "payload").substr(0, 10));
  EXPECT_TRUE(ExpectCorruption(0, static_cast<int64_t>(good.size()), "truncated").corruption->torn);
  WriteSegment(0, good + Fragment(kFirst, "part"));
  EXPECT_TRUE(ExpectCorruption(0, static_cast<int64_t>(good.size()), "inside").corruption->torn);
  std::string bad = good + Fragment(kFull, "payload");
  bad.back() ^= 1;
  WriteSegment(0, bad);
  EXPECT_FALSE(ExpectCorruption(0, static_cast<int64_t>(good.size()), "checksum").corruption->torn);
}

TEST_F(ReaderTest, OpenAtReadsOneSegmentFromARecordBoundary) {
  // Records spanning pages, so that boundaries fall inside and at the end of pages.
  std::vector<std::string> records;
  for (int i = 0; i < 12; ++i) records.push_back(RandomBytes(rng_, 9000 + 1000 * i));
  LogRecords(records, /*pages=*/64);
  WriteSegment(1, Fragment(kFull, "next segment"));
  std::vector<int64_t> ends = {0};
  {
    auto reader = Reader::OpenAt(mem_.get(), kDir, 0, 0);
    ASSERT_TRUE(reader.ok());
    while ((*reader)->Next()) ends.push_back((*reader)->end_offset());
    EXPECT_TRUE((*reader)->status().ok()) << (*reader)->status();
  }
  ASSERT_EQ(ends.size(), records.size() + 1);
  for (size_t i = 0; i < ends.size(); ++i) {
    auto reader = Reader::OpenAt(mem_.get(), kDir, 0, ends[i]);
    ASSERT_TRUE(reader.ok());
    std::vector<std::string> read;
    while ((*reader)->Next()) {
      EXPECT_EQ((*reader)->segment(), 0);
      read.emplace_back((*reader)->record());
    }
    EXPECT_TRUE((*reader)->status().ok()) << (*reader)->status();
    EXPECT_EQ(read, std::vector<std::string>(records.begin() + i, records.end())) << i;
  }
}

TEST_F(ReaderTest, OpenAtResumesAfterATornTailOnceItIsComplete) {
  const std::string first = Fragment(kFull, "first");
  const std::string second = Fragment(kFull, "second");
  WriteSegment(0, first + second.substr(0, 9));
  auto reader = Reader::OpenAt(mem_.get(), kDir, 0, 0);
  ASSERT_TRUE(reader.ok());
  ASSERT_TRUE((*reader)->Next());
  const int64_t end = (*reader)->end_offset();
  EXPECT_FALSE((*reader)->Next());
  ASSERT_TRUE((*reader)->corruption().has_value());
  EXPECT_TRUE((*reader)->corruption()->torn);
  EXPECT_EQ((*reader)->corruption()->offset, end);

  WriteSegment(0, first + second);
  reader = Reader::OpenAt(mem_.get(), kDir, 0, end);
  ASSERT_TRUE(reader.ok());
  ASSERT_TRUE((*reader)->Next());
  EXPECT_EQ((*reader)->record(), "second");
  EXPECT_EQ((*reader)->offset(), end);
  EXPECT_FALSE((*reader)->Next());
  EXPECT_TRUE((*reader)->status().ok());
}

TEST_F(ReaderTest, OpenAtPastTheEndIsCorruptionNotATornTail) {
  WriteSegment(0, Fragment(kFull, "a"));
  auto reader = Reader::OpenAt(mem_.get(), kDir, 0, 1000);
  ASSERT_TRUE(reader.ok());
  EXPECT_FALSE((*reader)->Next());
  EXPECT_TRUE(absl::IsDataLoss((*reader)->status()));
  ASSERT_TRUE((*reader)->corruption().has_value());
  EXPECT_FALSE((*reader)->corruption()->torn);
  EXPECT_FALSE(Reader::OpenAt(mem_.get(), kDir, 0, -1).ok());
}

}  // namespace
}  // namespace sextant::tsdb::wal
