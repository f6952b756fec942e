// Runs the fuzz entry point (text_fuzz.cc) on random mutations of the text-format datasets and
// of hand-written inputs for about a second, so that every test run fuzzes a little even without
// a clang/libFuzzer build. The entry point traps on a broken invariant.

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
  static constexpr char kInteresting[] = "{}=,\"\\# \n\t\r_:.eE+-0123456789NaInf";
  static const std::string kPieces[] = {
      "# HELP ",        "# TYPE ", "{\"a.b\"", "\"=\"",    "\\n", std::string(1, '\0'),
      " 1700000000000", " NaN",    ",}",       "untyped\n"};
  return testing::MutatePage(std::move(s), rng, kInteresting, kPieces);
}

TEST(TextFuzz, SurvivesRandomMutationsForASecond) {
  std::vector<std::string> seeds = {
      "# HELP a Some \\\\ \\n help.\n# TYPE a counter\n"
      "a{b=\"c\\n\",d=\"\",e=\"\\\"\"} 1.5 1700000000005\n"
      "  \n# a comment\n#x\nb{le=\"+Inf\",} NaN\nc -Inf\n",
      "# TYPE \"a.b\" gauge\n{\"a.b\", \"c.d\"=\"x\" e=\"y\"} 1\n{\"\"} +Inf 0",
      std::string("a{b=\"x\0y\"} 1\n\0rest", 18),
      "x 1",
  };
  for (const char* name : {"alltypes.237mfs.prom.txt", "prometheus-2.42.metrics.txt",
                           "node_exporter-1.5.metrics.txt"}) {
    auto text = testing::ReadDataset(name);
    if (!text.has_value()) continue;
    ASSERT_EQ(FuzzOne(*text), 0) << name;
    // Mutate 2 KiB slices, cut at line starts: enough structure, and many runs per second.
    for (size_t at : {size_t{0}, text->size() / 3, 2 * text->size() / 3}) {
      const size_t from = at == 0 ? 0 : text->find('\n', at) + 1;
      seeds.push_back(text->substr(from, 2048));
    }
  }
  for (const std::string& seed : seeds) ASSERT_EQ(FuzzOne(seed), 0);

  std::mt19937_64 rng(20261122);
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
  RecordProperty("runs", runs);
  EXPECT_GT(runs, 100);
}

}  // namespace
}  // namespace sextant::scrape
