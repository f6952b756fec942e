// Runs the fuzz entry point (parse_fuzz.cc) on random mutations of the queries in the PromQL
// test scripts (ours and Prometheus's) and of hand-written ones for about two seconds, so that
// every test run fuzzes the parser, the printer and the engine a little even without a
// clang/libFuzzer build. The entry point traps on a broken invariant.

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "promql/testing/script.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace sextant::promql {
namespace {

int FuzzOne(const std::string& input) {
  return LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

constexpr const char* kTokens[] = {"(",
                                   ")",
                                   "[5m]",
                                   "[1m:15s]",
                                   "{",
                                   "}",
                                   "\"",
                                   "'",
                                   "`",
                                   ",",
                                   "@",
                                   "@ start()",
                                   " offset -1m",
                                   " by (job)",
                                   " without (le)",
                                   " on (instance)",
                                   " ignoring(a)",
                                   " group_left(x)",
                                   " group_right",
                                   " bool ",
                                   " and ",
                                   " or ",
                                   " unless ",
                                   "^",
                                   "-",
                                   "+",
                                   "*",
                                   "/",
                                   "%",
                                   "==",
                                   "!=",
                                   "=~",
                                   "!~",
                                   "<=",
                                   ">",
                                   "1e308",
                                   "-Inf",
                                   "NaN",
                                   "0x1f",
                                   "1_000",
                                   "5m3s",
                                   "0.5",
                                   "rate(",
                                   "sum(",
                                   "topk(3, ",
                                   "quantile(0.9, ",
                                   "histogram_quantile(0.9, ",
                                   "label_replace(",
                                   "count_values(\"v\", ",
                                   "absent(",
                                   "scalar(",
                                   "vector(",
                                   "time()",
                                   "foo",
                                   "__name__",
                                   "x_bucket",
                                   "http_requests_total",
                                   ":",
                                   "#",
                                   "\n",
                                   "\\",
                                   "[",
                                   "]",
                                   "le=\"+Inf\""};

std::string Mutate(std::string s, const std::vector<std::string>& seeds, std::mt19937_64& rng) {
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % (n == 0 ? 1 : n)); };
  const int edits = 1 + static_cast<int>(rng() % 3);
  for (int i = 0; i < edits; ++i) {
    const size_t pos = pick(s.size() + 1);
    switch (rng() % 6) {
      case 0:
      case 1:
        s.insert(pos, kTokens[pick(std::size(kTokens))]);
        break;
      case 2:
        if (pos < s.size()) s.erase(pos, 1 + pick(6));
        break;
      case 3:
        if (!s.empty()) s[pick(s.size())] = static_cast<char>(rng());
        break;
      case 4: {  // splice in part of another query
        const std::string& other = seeds[pick(seeds.size())];
        const size_t from = pick(other.size());
        s.insert(pos, other.substr(from, 1 + pick(other.size() - from)));
        break;
      }
      default:  // duplicate a piece of itself
        if (pos < s.size()) s.insert(pos, s.substr(pos, 1 + pick(s.size() - pos)));
        break;
    }
  }
  if (s.size() > 4096) s.resize(4096);
  return s;
}

std::vector<std::string> Seeds() {
  std::vector<std::string> seeds = {
      "sum by (job) (rate(http_requests_total[5m]))",
      "histogram_quantile(0.95, sum by (le) (rate(x_bucket[5m])))",
      "foo @ end() offset 1m and on(a) group_left foo",
      "max_over_time(deriv(rate(foo[1m])[5m:1m])[10m:])",
      "label_replace(foo, \"b\", \"$1\", \"a\", \"(.*)\")",
      "-2 ^ -foo ^ 2 > bool 1",
      "{__name__=\"foo\", a!~\"x|y\"}",
  };
  for (const char* dir : {SEXTANT_PROMQL_TESTS_DIR, SEXTANT_OWN_PROMQL_TESTS_DIR}) {
    if (!std::filesystem::is_directory(dir)) continue;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      if (entry.path().extension() != ".test") continue;
      absl::StatusOr<testing::Script> script = testing::ReadScript(entry.path().string());
      if (!script.ok()) continue;
      for (const testing::Command& c : script->commands) {
        if (const auto* ev = std::get_if<testing::EvalCommand>(&c)) seeds.push_back(ev->expr);
      }
    }
  }
  return seeds;
}

TEST(PromqlFuzz, SeedsPassTheInvariants) {
  for (const std::string& seed : Seeds()) ASSERT_EQ(FuzzOne(seed), 0) << seed;
}

// SEXTANT_FUZZ_SECONDS and SEXTANT_FUZZ_SEED lengthen a run or vary it (for a manual search).
int64_t EnvOr(const char* name, int64_t fallback) {
  const char* v = std::getenv(name);
  return v != nullptr ? std::strtoll(v, nullptr, 10) : fallback;
}

TEST(PromqlFuzz, SurvivesRandomMutationsForTwoSeconds) {
  const std::vector<std::string> seeds = Seeds();
  std::mt19937_64 rng(static_cast<uint64_t>(EnvOr("SEXTANT_FUZZ_SEED", 20261121)));
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(EnvOr("SEXTANT_FUZZ_SECONDS", 2));
  int runs = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    std::string input = seeds[rng() % seeds.size()];
    for (int depth = 0; depth < 3; ++depth) {
      input = Mutate(std::move(input), seeds, rng);
      SCOPED_TRACE(input);
      ASSERT_EQ(FuzzOne(input), 0);
      ++runs;
    }
  }
  EXPECT_GT(runs, 100);
  std::cout << runs << " inputs\n";
}

}  // namespace
}  // namespace sextant::promql
