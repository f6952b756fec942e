#include "tsdb/head/chunk_disk_mapper.h"

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "gtest/gtest.h"

namespace sextant::tsdb::head {
namespace {

namespace fs = std::filesystem;

class ChunkDiskMapperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (fs::temp_directory_path() /
            ("sextant_chunks_test_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name()))
               .string();
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<ChunkDiskMapper> Open(int64_t min_valid = INT64_MIN, int64_t size = 4096) {
    auto m = ChunkDiskMapper::Open(dir_, min_valid, &report_, size);
    EXPECT_TRUE(m.ok()) << m.status();
    return m.ok() ? *std::move(m) : nullptr;
  }
  static std::string Bytes(int i) { return "chunk-" + std::to_string(i) + std::string(90, 'x'); }
  // Writes n chunks: series i % 7 + 1, [i*100, i*100+99].
  std::vector<DiskChunkRef> WriteN(ChunkDiskMapper& m, int n, int from = 0) {
    std::vector<DiskChunkRef> out;
    for (int i = from; i < from + n; ++i) {
      auto w = m.Write(i % 7 + 1, i * 100, i * 100 + 99, Bytes(i));
      EXPECT_TRUE(w.ok()) << w.status();
      out.push_back(*w);
    }
    return out;
  }
  std::vector<std::string> Files() const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir_)) out.push_back(e.path().string());
    std::sort(out.begin(), out.end());
    return out;
  }

  std::string dir_;
  ChunkScanReport report_;
};

TEST_F(ChunkDiskMapperTest, WriteReadAndScanRoundTrip) {
  auto m = Open();
  auto refs = WriteN(*m, 100);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(m->Read(refs[i]).bytes, Bytes(i));
  EXPECT_GT(m->num_files(), 2u);  // 4 KiB files: cut at the size limit
  m.reset();
  for (const auto& f : Files()) EXPECT_LE(fs::file_size(f), 4096u);
  m = Open();
  ASSERT_EQ(report_.chunks.size(), 100u);
  EXPECT_EQ(report_.corruptions, 0u);
  for (int i = 0; i < 100; ++i) {
    const ScannedChunk& c = report_.chunks[i];
    EXPECT_EQ(c.ref, static_cast<SeriesRef>(i % 7 + 1));
    EXPECT_EQ(c.mint, i * 100);
    EXPECT_EQ(c.maxt, i * 100 + 99);
    EXPECT_EQ(c.size, Bytes(i).size());
    EXPECT_EQ(c.where, refs[i]);
    EXPECT_EQ(m->Read(c.where).bytes, Bytes(i));
  }
  // Writing goes on in a new file.
  auto more = WriteN(*m, 1, 100);
  EXPECT_GT(more[0].file, refs.back().file);
}

TEST_F(ChunkDiskMapperTest, TornTailIsCutBackAndLaterFilesDeleted) {
  auto m = Open();
  auto refs = WriteN(*m, 100);
  m.reset();
  auto files = Files();
  ASSERT_GE(files.size(), 3u);
  // A record torn in the middle of the first file.
  const auto cut_at = refs[3].offset + 20;
  ASSERT_EQ(refs[3].file, 1u);
  fs::resize_file(files[0], cut_at);
  m = Open();
  EXPECT_EQ(report_.chunks.size(), 3u);
  EXPECT_EQ(report_.corruptions, 1u);
  EXPECT_EQ(fs::file_size(files[0]), refs[3].offset);
  EXPECT_EQ(Files().size(), 1u);  // the later files went: no gap in any series' chunks
  EXPECT_EQ(report_.deleted_files.size(), files.size() - 1);
}

TEST_F(ChunkDiskMapperTest, BadChecksumIsCut) {
  auto m = Open();
  auto refs = WriteN(*m, 10);
  m.reset();
  {
    std::fstream f(Files()[0], std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(refs[5].offset + 40);  // in the chunk's bytes
    f.put('!');
  }
  m = Open();
  ASSERT_EQ(report_.chunks.size(), 5u);
  EXPECT_EQ(report_.corruptions, 1u);
  EXPECT_EQ(m->Read(report_.chunks[4].where).bytes, Bytes(4));
}

TEST_F(ChunkDiskMapperTest, ZeroedEndOfAKilledWriterIsNoCorruption) {
  auto m = Open(INT64_MIN, 1 << 20);
  WriteN(*m, 10);
  m.reset();
  // As the file being written is when the process dies: sized to the limit, zeros after the data.
  fs::resize_file(Files()[0], 1 << 20);
  m = Open(INT64_MIN, 1 << 20);
  EXPECT_EQ(report_.chunks.size(), 10u);
  EXPECT_EQ(report_.corruptions, 0u);
  EXPECT_LT(fs::file_size(Files()[0]), 4096u);
}

TEST_F(ChunkDiskMapperTest, BadHeaderDeletesTheFile) {
  auto m = Open();
  WriteN(*m, 100);
  m.reset();
  auto files = Files();
  {
    std::fstream f(files[1], std::ios::in | std::ios::out | std::ios::binary);
    f.put('Z');
  }
  m = Open();
  EXPECT_EQ(report_.corruptions, 1u);
  EXPECT_EQ(Files().size(), 1u);
  for (const auto& c : report_.chunks) EXPECT_EQ(c.where.file, 1u);
}

TEST_F(ChunkDiskMapperTest, OpenDeletesFilesOlderThanMinValidTime) {
  auto m = Open();
  auto refs = WriteN(*m, 100);
  m.reset();
  const size_t before = Files().size();
  // Every chunk of file 1 ends before the min valid time.
  int last_in_first = 0;
  while (refs[last_in_first + 1].file == 1) ++last_in_first;
  m = Open(last_in_first * 100 + 100);
  EXPECT_EQ(Files().size(), before - 1);
  EXPECT_EQ(report_.chunks.size(), 100u - last_in_first - 1);
  EXPECT_EQ(report_.corruptions, 0u);
}

TEST_F(ChunkDiskMapperTest, TruncateDeletesFilesAndReadersKeepTheirChunks) {
  auto m = Open();
  auto refs = WriteN(*m, 100);
  MappedBytes held = m->Read(refs[0]);
  const size_t before = m->num_files();
  EXPECT_GT(m->Truncate(50 * 100), 0u);
  EXPECT_LT(m->num_files(), before);
  EXPECT_FALSE(fs::exists(dir_ + "/00000001"));
  EXPECT_EQ(held.bytes, Bytes(0));  // still mapped
  EXPECT_EQ(m->Read(refs[99]).bytes, Bytes(99));
  // The file being written is never deleted.
  m->Truncate(INT64_MAX);
  EXPECT_EQ(m->num_files(), 1u);
  EXPECT_EQ(m->Read(refs[99]).bytes, Bytes(99));
}

// Reads a "Name:   N kB" line of /proc/self/status, in bytes.
int64_t StatusBytes(std::string_view name) {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.starts_with(name) && line.size() > name.size() && line[name.size()] == ':') {
      return std::stoll(line.substr(name.size() + 1)) * 1024;
    }
  }
  return -1;
}

TEST_F(ChunkDiskMapperTest, ChunkBytesAreNotAnonymousMemory) {
  auto m = Open(INT64_MIN, ChunkDiskMapper::kDefaultFileSize);
  const int64_t anon_before = StatusBytes("RssAnon");
  const int64_t file_before = StatusBytes("RssFile") + StatusBytes("RssShmem");
  ASSERT_GE(anon_before, 0);
  const std::string bytes(1000, 'c');
  std::vector<MappedBytes> held;
  for (int i = 0; i < 32 * 1024; ++i) {  // 32 MiB of chunks, all kept readable
    auto w = m->Write(1, i, i, bytes);
    ASSERT_TRUE(w.ok());
    if (i % 1024 == 0) held.push_back(m->Read(*w));
  }
  const int64_t anon_growth = StatusBytes("RssAnon") - anon_before;
  const int64_t file_growth = StatusBytes("RssFile") + StatusBytes("RssShmem") - file_before;
  EXPECT_LT(anon_growth, 4 << 20);
  // Written pages are released from the resident set every 4 MiB (they stay in the page cache).
  EXPECT_LT(file_growth, 8 << 20);
  for (const auto& h : held) EXPECT_EQ(h.bytes, bytes);
}

}  // namespace
}  // namespace sextant::tsdb::head
