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

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace sextant::scrape {
namespace {

int FuzzOne(const std::string& input) {
  return LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

// One random edit: flip, insert or delete bytes (biased towards the format's own characters),
// duplicate a line, cut the input short, or splice in a piece of the format.
std::string Mutate(std::string s, std::mt19937_64& rng) {
  static constexpr char kInteresting[] = "{}=,\"\\# \n\t\r_:.eE+-0123456789NaInf";
  static const std::string kPieces[] = {
      "# HELP ",        "# TYPE ", "{\"a.b\"", "\"=\"",    "\\n", std::string(1, '\0'),
      " 1700000000000", " NaN",    ",}",       "untyped\n"};
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % (n == 0 ? 1 : n)); };
  const int edits = 1 + static_cast<int>(rng() % 4);
  for (int i = 0; i < edits; ++i) {
    const size_t pos = pick(s.size() + 1);
    switch (rng() % 7) {
      case 0:
        if (!s.empty()) s[pick(s.size())] = static_cast<char>(rng());
        break;
      case 1:
        s.insert(pos, 1, kInteresting[pick(sizeof(kInteresting) - 1)]);
        break;
      case 2:
        if (pos < s.size()) s.erase(pos, 1 + pick(4));
        break;
      case 3:
        if (!s.empty()) s[pick(s.size())] = kInteresting[pick(sizeof(kInteresting) - 1)];
        break;
      case 4: {  // duplicate a line
        const size_t begin = s.rfind('\n', pos == 0 ? 0 : pos - 1);
        const size_t from = begin == std::string::npos ? 0 : begin + 1;
        const size_t end = s.find('\n', from);
        if (end != std::string::npos) s.insert(from, s.substr(from, end - from + 1));
        break;
      }
      case 5:
        s.resize(pos);
        break;
      default:
        s.insert(pos, kPieces[pick(std::size(kPieces))]);
        break;
    }
  }
  return s;
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
