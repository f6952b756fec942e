#include "cmd/sextant-tool/partition_table.h"

#include <sstream>

#include "cmd/sextant-tool/backfill.h"
#include "cmd/sextant-tool/tool_test_util.h"
#include "cmd/sextant-tool/tsdb_list.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sextant::tool {
namespace {

using testing::ScratchDir;

TEST(FormatBase2Bytes, AsAlecthomasUnits) {
  EXPECT_EQ(FormatBase2Bytes(0), "0B");
  EXPECT_EQ(FormatBase2Bytes(1019), "1019B");
  EXPECT_EQ(FormatBase2Bytes(1024), "1KiB");
  EXPECT_EQ(FormatBase2Bytes(483369), "472KiB41B");
  EXPECT_EQ(FormatBase2Bytes(2443409), "2MiB338KiB145B");
  EXPECT_EQ(FormatBase2Bytes(1048576), "1MiB");
  EXPECT_EQ(FormatBase2Bytes(1ULL << 40), "1TiB");
}

TEST(PartitionTable, PromtoolLayout) {
  // promtool's verbatim table for the same numbers, with a ULID where the name is.
  const PartitionRow row{
      "01M7YH3BSB2S0PXPEBMKMKN4TK", 1700000000000, 1700000420001, 18, 3, 3, 1019};
  EXPECT_EQ(FormatPartitionTable(std::span<const PartitionRow>(&row, 1), false),
            "BLOCK ULID                  MIN TIME       MAX TIME       DURATION     NUM SAMPLES  "
            "NUM CHUNKS   NUM SERIES   SIZE\n"
            "01M7YH3BSB2S0PXPEBMKMKN4TK  1700000000000  1700000420001  7m0.001s     18           "
            "3            3            1019\n");
  EXPECT_EQ(FormatPartitionTable(std::span<const PartitionRow>(&row, 1), true),
            "BLOCK ULID                  MIN TIME                       MAX TIME                 "
            "      DURATION     NUM SAMPLES  NUM CHUNKS   NUM SERIES   SIZE\n"
            "01M7YH3BSB2S0PXPEBMKMKN4TK  2023-11-14 22:13:20 +0000 UTC  2023-11-14 22:20:20 +0000 "
            "UTC  7m0.001s     18           3            3            1019B\n");
  EXPECT_EQ(FormatPartitionTable({}, false),
            "BLOCK ULID   MIN TIME     MAX TIME     DURATION     NUM SAMPLES  NUM CHUNKS   NUM "
            "SERIES   SIZE\n");
}

TEST(PartitionTable, RowsPrintedOneByOneStayAligned) {
  const std::vector<PartitionRow> rows = {{"0-7200000", 0, 1, 1, 1, 1, 100},
                                          {"86400000-93600000", 86400000, 86400002, 2, 2, 2, 200}};
  PartitionTable table(false);
  table.Fit(rows);
  EXPECT_EQ(table.Header() + table.Row(rows[0]) + table.Row(rows[1]),
            "BLOCK ULID         MIN TIME     MAX TIME     DURATION     NUM SAMPLES  NUM CHUNKS   "
            "NUM SERIES   SIZE\n"
            "0-7200000          0            1            1ms          1            1            "
            "1            100\n"
            "86400000-93600000  86400000     86400002     2ms          2            2            "
            "2            200\n");
}

TEST(ListPartitions, OneRowPerPartition) {
  ScratchDir dir;
  BackfillOptions b;
  b.input_path = dir.Write("in.om",
                           "a 1 0\na 2 10000\na 3 20000\na 4 20000.001\na 5 86400\n"
                           "b 1 86400.001\n# EOF\n");
  b.output_dir = dir.Path("data");
  std::ostringstream printed, warnings;
  ASSERT_TRUE(CreateBlocksFromOpenMetrics(b, printed, warnings).ok());

  ListOptions o;
  o.db_path = dir.Path("data");
  std::ostringstream out;
  ASSERT_TRUE(ListPartitions(o, out).ok());
  EXPECT_EQ(out.str(), printed.str());  // list shows what the import printed
  // Each row's cells but SIZE (alignment is PartitionTable's test).
  std::vector<std::string> rows;
  std::istringstream in(out.str());
  for (std::string line; std::getline(in, line);) {
    rows.push_back(line.substr(0, line.find_last_not_of(' ', line.rfind(' ')) + 1));
  }
  EXPECT_THAT(rows,
              ::testing::ElementsAre(
                  "BLOCK ULID         MIN TIME     MAX TIME     DURATION     NUM SAMPLES  NUM "
                  "CHUNKS   NUM SERIES",
                  "0-7200000          0            1            1ms          1            1     "
                  "       1",
                  "7200000-14400000   10000000     10000001     1ms          1            1     "
                  "       1",
                  "14400000-21600000  20000000     20000002     2ms          2            1     "
                  "       1",
                  "86400000-93600000  86400000     86400002     2ms          2            2     "
                  "       2"));

  o.human_readable = true;
  std::ostringstream human;
  ASSERT_TRUE(ListPartitions(o, human).ok());
  EXPECT_THAT(human.str(), ::testing::HasSubstr(
                               "\n86400000-93600000  1970-01-02 00:00:00 +0000 UTC  1970-01-02 "
                               "00:00:00 +0000 UTC  2ms          2            2            2     "
                               "       "));
}

TEST(ListPartitions, EmptyAndMissingDirectories) {
  ScratchDir dir;
  ListOptions o;
  o.db_path = dir.path();
  std::ostringstream out;
  ASSERT_TRUE(ListPartitions(o, out).ok());
  EXPECT_EQ(out.str(),
            "BLOCK ULID   MIN TIME     MAX TIME     DURATION     NUM SAMPLES  NUM CHUNKS   NUM "
            "SERIES   SIZE\n");
  o.db_path = dir.Path("nope");
  EXPECT_EQ(ListPartitions(o, out).message(),
            "opening the db dir: stat " + dir.Path("nope") + ": no such file or directory");
}

TEST(ListPartitions, ChunksAreSamplesPer120RoundedUpPerSeries) {
  ScratchDir dir;
  std::string text;
  for (int i = 0; i < 250; ++i) text += "a " + std::to_string(i) + " " + std::to_string(i) + "\n";
  for (int i = 0; i < 120; ++i) text += "b " + std::to_string(i) + " " + std::to_string(i) + "\n";
  BackfillOptions b;
  b.input_path = dir.Write("in.om", text + "# EOF\n");
  b.output_dir = dir.Path("data");
  std::ostringstream printed, warnings;
  ASSERT_TRUE(CreateBlocksFromOpenMetrics(b, printed, warnings).ok());
  EXPECT_THAT(printed.str(), ::testing::HasSubstr("370          4            2  "));  // 3 + 1
}

}  // namespace
}  // namespace sextant::tool
