// Runs the fuzz entry point (openmetrics_fuzz.cc) on random mutations of the OpenMetrics datasets
// and of hand-written inputs for about a second, so that every test run fuzzes a little even
// without a clang/libFuzzer build. The entry point traps on a broken invariant.

#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "scrape/parser/dataset_test_util.h"
#include "scrape/parser/fuzz_mutate.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace sextant::scrape {
namespace {

int FuzzOne(const std::string& input) {
  return LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

std::string Mutate(std::string s, std::mt19937_64& rng) {
  static constexpr char kInteresting[] = "{}=,\"\\# \n\t_:.eE+-0123456789NaInf";
  static const std::string kPieces[] = {std::string("# {a=\"b\"} 1 2")};
  return testing::MutatePage(std::move(s), rng, kInteresting, kPieces);
}

TEST(OpenMetricsFuzz, SurvivesRandomMutationsForASecond) {
  std::vector<std::string> seeds = {
      "# HELP a_total Some \\\"help\\\".\n# TYPE a counter\n# UNIT a_seconds seconds\n"
      "a_total{b=\"c\\n\",d=\"\"} 1.5 1700000000.005 # {t=\"x\"} 2 1.5\n"
      "a_bucket{le=\"+Inf\"} NaN\nb -Inf -1\n# EOF\n",
      "x 1\n# EOF",
  };
  for (const char* name : {"alltypes.5mfs.om.txt", "1histogram.om.txt"}) {
    if (auto text = testing::ReadDataset(name)) seeds.push_back(*std::move(text));
  }
  for (const std::string& seed : seeds) ASSERT_EQ(FuzzOne(seed), 0);

  std::mt19937_64 rng(20261121);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(1000);
  int runs = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    std::string input = seeds[rng() % seeds.size()];
    for (int depth = 0; depth < 3; ++depth) {
      input = Mutate(std::move(input), rng);
      ASSERT_EQ(FuzzOne(input), 0);
      ++runs;
    }
  }
  EXPECT_GT(runs, 100);
}

}  // namespace
}  // namespace sextant::scrape
