#include "cmd/sextant-tool/backfill.h"

#include <bit>
#include <filesystem>
#include <sstream>

#include "cmd/sextant-tool/backfill_plan.h"
#include "cmd/sextant-tool/tool_test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sextant::tool {
namespace {

using ::testing::HasSubstr;
using testing::ScratchDir;

constexpr int64_t kHour = 3600 * 1000;

absl::Status Backfill(const std::string& input, const std::string& out_dir,
                      std::string* stdout_text, BackfillOptions options = {}) {
  options.input_path = input;
  options.output_dir = out_dir;
  std::ostringstream out, warnings;
  absl::Status s = CreateBlocksFromOpenMetrics(options, out, warnings);
  if (stdout_text != nullptr) *stdout_text = out.str();
  return s;
}

TEST(Backfill, GoodFileReadsBackThroughTheDatabase) {
  ScratchDir dir;
  const std::string input =
      dir.Write("in.om",
                "# HELP http_requests Requests.\n"
                "# TYPE http_requests counter\n"
                "http_requests_total{code=\"200\",method=\"get\"} 1 1700000000\n"
                "http_requests_total{code=\"200\",method=\"get\"} 2 1700000015.5\n"
                "http_requests_total{method=\"get\",code=\"500\"} 3 1700000000.001\n"
                "g 0.5 1700000010\n"
                "g NaN 1700000020\n"
                "g 1e-7 1700003600\n"
                "# EOF\n");
  std::string printed;
  ASSERT_TRUE(Backfill(input, dir.Path("data"), &printed).ok());
  const std::string header =
      "BLOCK ULID                   MIN TIME       MAX TIME       DURATION     NUM SAMPLES  "
      "NUM CHUNKS   NUM SERIES   SIZE\n";
  const std::string row =
      "1699999200000-1700006400000  1700000000000  1700003600001  1h0m0.001s   6            "
      "3            3            ";
  ASSERT_EQ(printed.substr(0, header.size() + row.size()), header + row);
  const std::string size = printed.substr(header.size() + row.size());
  EXPECT_THAT(size, ::testing::MatchesRegex("[1-9][0-9]*\n"));
  EXPECT_TRUE(std::filesystem::is_directory(dir.Path("data/wal")));
  EXPECT_TRUE(std::filesystem::is_directory(dir.Path("data/partitions")));

  const auto series = testing::ReadAll(dir.Path("data"));
  ASSERT_EQ(series.size(), 3u);
  EXPECT_EQ(series[0].labels.ToString(), "{__name__=\"g\"}");
  ASSERT_EQ(series[0].samples.size(), 3u);
  EXPECT_EQ(series[0].samples[0], (model::Sample{1700000010000, 0.5}));
  EXPECT_EQ(std::bit_cast<uint64_t>(series[0].samples[1].v), model::kNormalNaNBits);
  EXPECT_EQ(series[0].samples[2], (model::Sample{1700003600000, 1e-7}));
  EXPECT_EQ(series[1].labels.ToString(),
            "{__name__=\"http_requests_total\", code=\"200\", method=\"get\"}");
  EXPECT_EQ(series[1].samples,
            (std::vector<model::Sample>{{1700000000000, 1}, {1700000015500, 2}}));
  EXPECT_EQ(series[2].labels.ToString(),
            "{__name__=\"http_requests_total\", code=\"500\", method=\"get\"}");
  EXPECT_EQ(series[2].samples, (std::vector<model::Sample>{{1700000000001, 3}}));
}

TEST(Backfill, BadLineNamesItsLineAndWritesNothing) {
  ScratchDir dir;
  const std::string input =
      dir.Write("in.om", "a 1 100\nb 2 100\n# TYPE c gauge\nc{x=\"y\" 3 100\nd 4 100\n# EOF\n");
  absl::Status s = Backfill(input, dir.Path("data"), nullptr);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "getting min and max timestamp: next: line 4: expected comma or left brace, got "
            "\"INVALID\"");
  EXPECT_FALSE(std::filesystem::exists(dir.Path("data")));
}

TEST(Backfill, MissingTimestampNamesItsLine) {
  ScratchDir dir;
  const std::string input = dir.Write("in.om", "a 1 100\n\n");
  const std::string no_ts = dir.Write("no_ts.om", "a 1 100\na 2\n# EOF\n");
  EXPECT_EQ(Backfill(no_ts, dir.Path("data"), nullptr).message(),
            "getting min and max timestamp: line 2: expected timestamp for series got none");
  EXPECT_EQ(Backfill(input, dir.Path("data"), nullptr).message(),
            "getting min and max timestamp: next: line 2: \"INVALID\" \"\\n\" is not a valid "
            "start token");
  EXPECT_FALSE(std::filesystem::exists(dir.Path("data")));
}

TEST(Backfill, OutOfOrderAfterACommitFailsBeforeWriting) {
  // promtool commits every 5000 samples; a sample older than a committed one is an error.
  ScratchDir dir;
  std::string text;
  for (int i = 1; i <= 5000; ++i) text += "a " + std::to_string(i) + " " + std::to_string(i) + "\n";
  const std::string ooo = dir.Write("ooo.om", text + "a 1 4999\n# EOF\n");
  const std::string dup = dir.Write("dup.om", text + "a 0 5000\n# EOF\n");
  const std::string same = dir.Write("same.om", text + "a 5000 5000\n# EOF\n");
  EXPECT_EQ(Backfill(ooo, dir.Path("d1"), nullptr).message(),
            "block creation: process blocks: add sample: line 5001: out of order sample");
  EXPECT_EQ(Backfill(dup, dir.Path("d2"), nullptr).message(),
            "block creation: process blocks: add sample: line 5001: duplicate sample for "
            "timestamp");
  EXPECT_FALSE(std::filesystem::exists(dir.Path("d1")));
  EXPECT_FALSE(std::filesystem::exists(dir.Path("d2")));
  ASSERT_TRUE(Backfill(same, dir.Path("d3"), nullptr).ok());
  const auto series = testing::ReadAll(dir.Path("d3"));
  ASSERT_EQ(series.size(), 1u);
  EXPECT_EQ(series[0].samples.size(), 5000u);
}

TEST(BackfillPlan, WithinABatchOlderSamplesAreDroppedAndTheFirstDuplicateWins) {
  auto plan = PlanBackfill("a 1 100\na 2 50\nb 1 10\nb 2 10\nc 1 100\nd 2 50\nc 3 200\n# EOF\n",
                           kDefaultBlockDurationMs);
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->partitions.size(), 1u);
  const auto& series = plan->partitions[0].series;
  ASSERT_EQ(series.size(), 4u);
  EXPECT_EQ(series[0].samples, (std::vector<model::Sample>{{100000, 1}}));  // a 2 50 dropped
  EXPECT_EQ(series[1].samples, (std::vector<model::Sample>{{10000, 1}}));   // b: first wins
  EXPECT_EQ(series[2].samples, (std::vector<model::Sample>{{100000, 1}, {200000, 3}}));
  EXPECT_EQ(plan->dropped_samples, 2u);
}

TEST(BackfillPlan, AlignedWindowsAndMaxBlockDuration) {
  const std::string input = "a 1 0\na 2 7199.999\na 3 7200\nb 1 86400\n# EOF\n";
  auto plan = PlanBackfill(input, kDefaultBlockDurationMs);
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan->partitions.size(), 3u);
  EXPECT_EQ(plan->partitions[0].start, 0);
  EXPECT_EQ(plan->partitions[0].end, 2 * kHour);
  EXPECT_EQ(plan->partitions[0].series[0].samples.size(), 2u);
  EXPECT_EQ(plan->partitions[1].start, 2 * kHour);
  EXPECT_EQ(plan->partitions[2].start, 24 * kHour);

  plan = PlanBackfill(input, BlockDurationFor(24 * kHour));  // 18h
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan->partitions.size(), 2u);
  EXPECT_EQ(plan->partitions[0].end, 18 * kHour);
  EXPECT_EQ(plan->partitions[1].start, 18 * kHour);
  EXPECT_EQ(plan->partitions[1].end, 36 * kHour);

  EXPECT_EQ(BlockDurationFor(0), 2 * kHour);
  EXPECT_EQ(BlockDurationFor(1 * kHour), 2 * kHour);
  EXPECT_EQ(BlockDurationFor(6 * kHour), 6 * kHour);
  EXPECT_EQ(BlockDurationFor(24 * kHour), 18 * kHour);
  EXPECT_EQ(BlockDurationFor(int64_t{1} << 50), 2 * kHour * 19683);  // the largest of ten
}

TEST(BackfillPlan, NegativeTimestampsAboveMinusOneBlockAreSkippedAsPromtoolDoes) {
  auto plan = PlanBackfill("a 1 -5\nb 1 5\n# EOF\n", kDefaultBlockDurationMs);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->skipped_samples, 1u);
  ASSERT_EQ(plan->partitions.size(), 1u);
  EXPECT_EQ(plan->partitions[0].series.size(), 1u);
  // Below -2h the first window starts at -2h (Go's truncating division).
  plan = PlanBackfill("a 1 -8000\na 2 -7000\n# EOF\n", kDefaultBlockDurationMs);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->skipped_samples, 1u);
  ASSERT_EQ(plan->partitions.size(), 1u);
  EXPECT_EQ(plan->partitions[0].start, -2 * kHour);
  EXPECT_EQ(plan->partitions[0].series[0].samples, (std::vector<model::Sample>{{-7000000, 2}}));
}

TEST(BackfillPlan, LabelRules) {
  auto plan = PlanBackfill(
      "# TYPE h histogram\n"
      "h_bucket{le=\"1\"} 1 1\n"
      "h_bucket{le=\"+inf\"} 2 1\n"
      "# TYPE s summary\n"
      "s{quantile=\"0\"} 3 1\n"
      "s{quantile=\"0.50\",x=\"\"} 4 1\n"
      "# TYPE g gauge\n"
      "g{le=\"1\"} 5 1\n"
      "g{x=\"\"} 6 1\n"
      "# EOF\n",
      kDefaultBlockDurationMs);
  ASSERT_TRUE(plan.ok()) << plan.status();
  std::vector<std::string> names;
  for (const auto& s : plan->partitions[0].series) names.push_back(s.labels.ToString());
  EXPECT_THAT(names, ::testing::ElementsAre("{__name__=\"g\"}", "{__name__=\"g\", le=\"1\"}",
                                            "{__name__=\"h_bucket\", le=\"+Inf\"}",
                                            "{__name__=\"h_bucket\", le=\"1.0\"}",
                                            "{__name__=\"s\", quantile=\"0.0\"}",
                                            "{__name__=\"s\", quantile=\"0.5\"}"));

  auto dup = PlanBackfill("a 1 1\na{b=\"1\",b=\"2\"} 1 100\n# EOF\n", kDefaultBlockDurationMs);
  EXPECT_EQ(dup.status().message(),
            "block creation: process blocks: add sample: line 2: label name \"b\" is not unique: "
            "invalid sample");
  dup = PlanBackfill("a{__name__=\"x\"} 1 100\n# EOF\n", kDefaultBlockDurationMs);
  EXPECT_THAT(dup.status().message(), HasSubstr("label name \"__name__\" is not unique"));
}

TEST(Backfill, RefusesToOverlapExistingPartitionsAndQuietPrintsNothing) {
  ScratchDir dir;
  const std::string first = dir.Write("a.om", "a 1 100\n# EOF\n");
  const std::string second = dir.Write("b.om", "b 1 20000\nb 2 110\n# EOF\n");
  const std::string later = dir.Write("c.om", "c 1 8000\n# EOF\n");
  std::string printed;
  BackfillOptions quiet;
  quiet.quiet = true;
  ASSERT_TRUE(Backfill(first, dir.Path("data"), &printed, quiet).ok());
  EXPECT_EQ(printed, "");
  absl::Status s = Backfill(second, dir.Path("data"), &printed);
  EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(s.message(), HasSubstr("partition 0-7200000 overlaps the existing partition "
                                     "0-7200000"));
  EXPECT_EQ(printed, "");
  ASSERT_TRUE(Backfill(later, dir.Path("data"), &printed).ok());
  EXPECT_THAT(printed, HasSubstr("\n7200000-14400000  8000000"));
  const auto series = testing::ReadAll(dir.Path("data"));
  ASSERT_EQ(series.size(), 2u);
  EXPECT_EQ(series[0].labels.MetricName(), "a");
  EXPECT_EQ(series[1].labels.MetricName(), "c");
}

}  // namespace
}  // namespace sextant::tool
