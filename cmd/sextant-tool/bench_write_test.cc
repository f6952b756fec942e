#include "cmd/sextant-tool/bench_write.h"

#include <filesystem>
#include <sstream>

#include "cmd/sextant-tool/tool_test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sextant::tool {
namespace {

using ::testing::MatchesRegex;
using testing::ScratchDir;

std::string LabelFile(const ScratchDir& dir, int series) {
  std::string text;
  for (int i = 0; i < series; ++i) {
    text += "{\"__name__\":\"m" + std::to_string(i % 3) + "\",\"instance\":\"host-" +
            std::to_string(i) + ":9100\",\"job\":\"node\"}\n";
  }
  return dir.Write("labels.json", text);
}

TEST(BenchWrite, TenSeriesHundredScrapes) {
  ScratchDir dir;
  BenchWriteOptions o;
  o.label_file = LabelFile(dir, 10);
  o.out_dir = dir.Path("benchout");
  o.metrics = 10;
  o.scrapes = 100;
  std::filesystem::create_directories(o.out_dir + "/stale");  // wiped first
  std::ostringstream out;
  auto result = BenchWrite(o, out);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->total_samples, 1000u);
  EXPECT_FALSE(std::filesystem::exists(o.out_dir + "/stale"));

  std::vector<std::string> lines;
  std::istringstream in(out.str());
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  const std::string dur = "[0-9.]+(ns|µs|ms|s|m[0-9.]+s)";
  ASSERT_EQ(lines.size(), 9u) << out.str();
  EXPECT_EQ(lines[0], ">> start stage=readData");
  EXPECT_THAT(lines[1], MatchesRegex(">> completed stage=readData duration=" + dur));
  EXPECT_EQ(lines[2], ">> start stage=ingestScrapes");
  EXPECT_EQ(lines[3], "ingestion completed");
  EXPECT_THAT(lines[4], MatchesRegex(">> completed stage=ingestScrapes duration=" + dur));
  EXPECT_EQ(lines[5], " > total samples: 1000");
  EXPECT_THAT(lines[6], MatchesRegex(" > samples/sec: [0-9.]+(e\\+[0-9]+)?"));
  EXPECT_EQ(lines[7], ">> start stage=stopStorage");
  EXPECT_THAT(lines[8], MatchesRegex(">> completed stage=stopStorage duration=" + dur));

  // promtool's values and timestamps: scrape k at 30000*k ms, 123456789 + 1000*k.
  const auto series = testing::ReadAll(o.out_dir + "/storage");
  ASSERT_EQ(series.size(), 10u);
  for (const auto& s : series) {
    ASSERT_EQ(s.samples.size(), 100u);
    EXPECT_EQ(s.samples.front(), (model::Sample{30000, 123457789}));
    EXPECT_EQ(s.samples.back(), (model::Sample{3000000, 123556789}));
  }
  EXPECT_EQ(series[0].labels.ToString(),
            "{__name__=\"m0\", instance=\"host-0:9100\", job=\"node\"}");
}

TEST(BenchWrite, ScrapesRoundUpToHundredsAndValuesRestartEachRound) {
  ScratchDir dir;
  BenchWriteOptions o;
  o.label_file = LabelFile(dir, 1200);  // two shards, two threads
  o.out_dir = dir.Path("out");
  o.metrics = 1100;
  o.scrapes = 150;
  std::ostringstream out;
  auto result = BenchWrite(o, out);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->total_samples, 1100u * 200);
  const auto series = testing::ReadAll(o.out_dir + "/storage");
  ASSERT_EQ(series.size(), 1100u);
  ASSERT_EQ(series[0].samples.size(), 200u);
  EXPECT_EQ(series[0].samples[99], (model::Sample{3000000, 123556789}));
  EXPECT_EQ(series[0].samples[100], (model::Sample{3030000, 123457789}));
}

TEST(ReadLabelFile, DistinctSetsUpToMax) {
  ScratchDir dir;
  const std::string path =
      dir.Write("l.json",
                "{\"a\":\"1\",\"__name__\":\"x\"}\n{\"__name__\":\"x\",\"a\":\"1\"}\n"
                "{\"__name__\":\"y\",\"i\":\"h:9100\",\"v\":\"a,b\"}\n{\"__name__\":\"z\"}\n");
  auto labels = ReadLabelFile(path, 10);
  ASSERT_TRUE(labels.ok()) << labels.status();
  ASSERT_EQ(labels->size(), 3u);
  EXPECT_EQ((*labels)[1].ToString(), "{__name__=\"y\", i=\"h:9100\", v=\"a,b\"}");
  labels = ReadLabelFile(path, 2);
  ASSERT_TRUE(labels.ok());
  EXPECT_EQ(labels->size(), 2u);

  const std::string bad = dir.Write("bad.json", "{\"__name__\":\"x\"}\n\n");
  EXPECT_EQ(ReadLabelFile(bad, 10).status().message(),
            bad + ":2: not a JSON object of label names to values");
  EXPECT_EQ(ReadLabelFile(dir.Path("none.json"), 10).status().message(),
            "open " + dir.Path("none.json") + ": no such file or directory");
}

}  // namespace
}  // namespace sextant::tool
