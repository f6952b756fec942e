#include "cmd/sextant-tool/tsdb_dump.h"

#include <limits>
#include <sstream>

#include "cmd/sextant-tool/backfill.h"
#include "cmd/sextant-tool/tool_test_util.h"
#include "gtest/gtest.h"

namespace sextant::tool {
namespace {

using testing::ScratchDir;

// Writes through the database, so the data sits in the head and its WAL only.
void WriteHead(const std::string& dir,
               const std::vector<std::tuple<model::Labels, int64_t, double>>& samples) {
  auto db = tsdb::DB::Open(dir, {.compaction_interval_ms = 0});
  ASSERT_TRUE(db.ok()) << db.status();
  auto app = (*db)->NewAppender();
  for (const auto& [labels, t, v] : samples) {
    ASSERT_TRUE(app->Append(0, labels, t, v).ok());
  }
  ASSERT_TRUE(app->Commit().ok());
  ASSERT_TRUE((*db)->Close().ok());
}

std::string Dump(const std::string& dir, DumpOptions options = {}) {
  options.db_path = dir;
  std::ostringstream out;
  absl::Status s = DumpSamples(options, out);
  EXPECT_TRUE(s.ok()) << s;
  return out.str();
}

model::Labels L(std::initializer_list<std::pair<std::string_view, std::string_view>> pairs) {
  return model::Labels::FromPairs(pairs);
}

class DumpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteHead(dir_.path(),
              {
                  {L({{"__name__", "g"}}), 1000, 1e-7},
                  {L({{"__name__", "g"}}), 2000, 123456789},
                  {L({{"__name__", "g"}}), 3000, std::nan("")},
                  {L({{"__name__", "g"}}), 4000, model::StaleNaN()},
                  {L({{"__name__", "g"}}), 5000, -0.0},
                  {L({{"__name__", "g"}}), 6000, 1e21},
                  {L({{"__name__", "g"}}), 7000, 0.0001},
                  {L({{"__name__", "g"}}), 8000, -std::numeric_limits<double>::infinity()},
                  {L({{"__name__", "a"}, {"x", "q\"uote"}, {"y", "back\\slash"}}), 1000, 1},
                  {L({{"__name__", "a"}, {"x", "1"}}), 1000, 5},
                  {L({{"__name__", "a"}}), 1000, 6},
                  {L({{"__name__", "A"}}), 1000, 4},
                  {L({{"__name__", "a_b"}, {"job", "node"}}), 1000, 3},
              });
  }
  ScratchDir dir_;
};

TEST_F(DumpTest, PromtoolLineFormatIncludingHeadData) {
  EXPECT_EQ(Dump(dir_.path()),
            "{__name__=\"A\"} 4 1000\n"
            "{__name__=\"a\"} 6 1000\n"
            "{__name__=\"a\", x=\"1\"} 5 1000\n"
            "{__name__=\"a\", x=\"q\\\"uote\", y=\"back\\\\slash\"} 1 1000\n"
            "{__name__=\"a_b\", job=\"node\"} 3 1000\n"
            "{__name__=\"g\"} 1e-07 1000\n"
            "{__name__=\"g\"} 1.23456789e+08 2000\n"
            "{__name__=\"g\"} NaN 3000\n"
            "{__name__=\"g\"} NaN 4000\n"  // the stale marker
            "{__name__=\"g\"} -0 5000\n"
            "{__name__=\"g\"} 1e+21 6000\n"
            "{__name__=\"g\"} 0.0001 7000\n"
            "{__name__=\"g\"} -Inf 8000\n");
}

TEST_F(DumpTest, MatchSelectsSeries) {
  DumpOptions o;
  o.match = "a";
  EXPECT_EQ(Dump(dir_.path(), o),
            "{__name__=\"a\"} 6 1000\n"
            "{__name__=\"a\", x=\"1\"} 5 1000\n"
            "{__name__=\"a\", x=\"q\\\"uote\", y=\"back\\\\slash\"} 1 1000\n");
  o.match = "{__name__=~\"a.*\", x!=\"1\"}";
  EXPECT_EQ(Dump(dir_.path(), o),
            "{__name__=\"a\"} 6 1000\n"
            "{__name__=\"a\", x=\"q\\\"uote\", y=\"back\\\\slash\"} 1 1000\n"
            "{__name__=\"a_b\", job=\"node\"} 3 1000\n");
  o.match = "{job='node'}";
  EXPECT_EQ(Dump(dir_.path(), o), "{__name__=\"a_b\", job=\"node\"} 3 1000\n");
  o.match = "{}";  // no matchers: nothing, as promtool 2.42
  EXPECT_EQ(Dump(dir_.path(), o), "");
}

TEST_F(DumpTest, TimeRangeIsInclusive) {
  DumpOptions o;
  o.match = "g";
  o.min_time = 2000;
  o.max_time = 4000;
  EXPECT_EQ(Dump(dir_.path(), o),
            "{__name__=\"g\"} 1.23456789e+08 2000\n"
            "{__name__=\"g\"} NaN 3000\n"
            "{__name__=\"g\"} NaN 4000\n");
  o.min_time = 5000;
  o.max_time = 4000;
  EXPECT_EQ(Dump(dir_.path(), o), "");
}

TEST(Dump, MergesPartitionsAndHead) {
  ScratchDir dir;
  BackfillOptions b;
  b.input_path = dir.Write("in.om", "m{i=\"1\"} 1 10\nm{i=\"1\"} 2 20\nm{i=\"2\"} 3 10\n# EOF\n");
  b.output_dir = dir.Path("data");
  b.quiet = true;
  std::ostringstream ignored;
  ASSERT_TRUE(CreateBlocksFromOpenMetrics(b, ignored, ignored).ok());
  // The head accepts only samples after the newest partition's end (2h).
  WriteHead(dir.Path("data"), {{L({{"__name__", "m"}, {"i", "1"}}), 7300000, 4},
                               {L({{"__name__", "m"}, {"i", "3"}}), 7300000, 5}});
  EXPECT_EQ(Dump(dir.Path("data")),
            "{__name__=\"m\", i=\"1\"} 1 10000\n"
            "{__name__=\"m\", i=\"1\"} 2 20000\n"
            "{__name__=\"m\", i=\"1\"} 4 7300000\n"
            "{__name__=\"m\", i=\"2\"} 3 10000\n"
            "{__name__=\"m\", i=\"3\"} 5 7300000\n");
}

TEST(Dump, Errors) {
  ScratchDir dir;
  DumpOptions o;
  o.db_path = dir.Path("missing");
  std::ostringstream out;
  EXPECT_EQ(DumpSamples(o, out).message(),
            "opening the db dir: stat " + dir.Path("missing") + ": no such file or directory");
  o.db_path = dir.path();
  o.match = "bad{";
  EXPECT_EQ(DumpSamples(o, out).message(),
            "1:5: parse error: unexpected end of input inside braces");
  EXPECT_EQ(out.str(), "");
}

}  // namespace
}  // namespace sextant::tool
