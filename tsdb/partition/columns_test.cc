#include "tsdb/partition/columns.h"

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/sample.h"
#include "util/varint.h"

namespace sextant::tsdb::partition {
namespace {

constexpr int64_t kMin64 = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax64 = std::numeric_limits<int64_t>::max();
constexpr double kInf = std::numeric_limits<double>::infinity();

std::vector<uint64_t> Bits(const std::vector<double>& vs) {
  std::vector<uint64_t> out;
  for (double v : vs) out.push_back(std::bit_cast<uint64_t>(v));
  return out;
}

void ExpectTimestampsRoundTrip(const std::vector<int64_t>& ts) {
  const std::string enc = EncodeTimestamps(ts);
  std::vector<int64_t> got = {42};  // replaced, not appended to
  ASSERT_TRUE(DecodeTimestamps(enc, &got).ok());
  EXPECT_EQ(got, ts);
}

// Returns the encoding's tag byte.
int ExpectValuesRoundTrip(const std::vector<double>& vs) {
  const std::string enc = EncodeValues(vs);
  std::vector<double> got = {42};
  const absl::Status status = DecodeValues(enc, &got);
  EXPECT_TRUE(status.ok()) << status;
  EXPECT_EQ(Bits(got), Bits(vs));
  return static_cast<uint8_t>(enc[0]);
}

std::vector<int64_t> Scrapes(int n, int64_t step, int jitter, uint32_t seed = 1) {
  std::mt19937 rng(seed);
  std::vector<int64_t> ts;
  int64_t t = 1'700'000'000'000;
  for (int i = 0; i < n; ++i) {
    ts.push_back(t + (jitter > 0 ? static_cast<int>(rng() % (2 * jitter + 1)) - jitter : 0));
    t += step;
  }
  return ts;
}

std::string Hex(std::string_view s) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (char c : s) {
    out.push_back(kDigits[static_cast<uint8_t>(c) >> 4]);
    out.push_back(kDigits[static_cast<uint8_t>(c) & 15]);
  }
  return out;
}

// The examples of docs/format/columns.md.
TEST(Columns, DocumentedExamples) {
  EXPECT_EQ(Hex(EncodeTimestamps(Scrapes(120, 15'000, 0))), "7880a0abfef962b0ea01eb01");
  EXPECT_EQ(Hex(EncodeValues(std::vector<double>(120, 1.0))), "02780002ed01");
  EXPECT_EQ(Hex(EncodeValues(std::vector<double>{0.5, 0.75, 1.25, 1.25})), "0204026464c80101");
}

TEST(Timestamps, RoundTripShortSequences) {
  ExpectTimestampsRoundTrip({});
  ExpectTimestampsRoundTrip({0});
  ExpectTimestampsRoundTrip({-5});
  ExpectTimestampsRoundTrip({1, 2});
  ExpectTimestampsRoundTrip({1, 2, 3});
  ExpectTimestampsRoundTrip({1, 2, 4});
}

TEST(Timestamps, RoundTripScrapes) {
  ExpectTimestampsRoundTrip(Scrapes(120, 15'000, 0));
  ExpectTimestampsRoundTrip(Scrapes(120, 15'000, 5));
  ExpectTimestampsRoundTrip(Scrapes(100'000, 1'000, 50));
  ExpectTimestampsRoundTrip(Scrapes(1000, 10, 0));
}

TEST(Timestamps, RoundTripExtremeAndUnsortedValues) {
  ExpectTimestampsRoundTrip({kMin64, kMax64, kMin64, 0, kMax64, -1, 1});
  ExpectTimestampsRoundTrip({0, int64_t{1} << 62, 0, -(int64_t{1} << 62), 3, 3, 3});
  std::mt19937_64 rng(3);
  std::vector<int64_t> random;
  for (int i = 0; i < 5000; ++i) random.push_back(static_cast<int64_t>(rng()));
  ExpectTimestampsRoundTrip(random);
  std::vector<int64_t> small_random;
  for (int i = 0; i < 5000; ++i) small_random.push_back(static_cast<int64_t>(rng() % 100) - 50);
  ExpectTimestampsRoundTrip(small_random);
}

TEST(Timestamps, RegularScrapesTakeAFewBytes) {
  // Count (1) + first (6) + delta (3) + one zero run (2).
  EXPECT_LE(EncodeTimestamps(Scrapes(120, 15'000, 0)).size(), 12u);
  // A run token covers 64 samples per byte, 8192 per two.
  EXPECT_LE(EncodeTimestamps(Scrapes(8000, 15'000, 0)).size(), 14u);
  // Jitter of a few milliseconds: about a byte a sample.
  EXPECT_LE(EncodeTimestamps(Scrapes(120, 15'000, 5)).size(), 130u);
}

TEST(Timestamps, EveryTruncationIsDataLoss) {
  for (const auto& ts : {Scrapes(120, 15'000, 5), Scrapes(120, 15'000, 0),
                         std::vector<int64_t>{kMin64, kMax64, 0, 1}}) {
    const std::string enc = EncodeTimestamps(ts);
    for (size_t len = 0; len < enc.size(); ++len) {
      std::vector<int64_t> got;
      const absl::Status status = DecodeTimestamps(enc.substr(0, len), &got);
      ASSERT_EQ(status.code(), absl::StatusCode::kDataLoss) << "length " << len;
    }
  }
}

TEST(Timestamps, TrailingBytesAreDataLoss) {
  std::string enc = EncodeTimestamps(Scrapes(10, 15'000, 0));
  enc.push_back('\x01');
  std::vector<int64_t> got;
  const absl::Status status = DecodeTimestamps(enc, &got);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(status.message()), testing::HasSubstr("bytes after the last"));
}

TEST(Timestamps, RunLongerThanCountIsDataLoss) {
  std::string enc;
  util::PutUvarint(&enc, 5);           // 5 timestamps
  util::PutVarint(&enc, 1000);         // first
  util::PutVarint(&enc, 10);           // delta
  util::PutUvarint(&enc, 3 << 1 | 1);  // a run of 4 zero dods, but only 3 are left
  std::vector<int64_t> got;
  const absl::Status status = DecodeTimestamps(enc, &got);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(status.message()), testing::HasSubstr("zero run"));
}

TEST(Timestamps, HugeCountIsDataLoss) {
  std::string enc;
  util::PutUvarint(&enc, kMaxColumnLength + 1);
  std::vector<int64_t> got;
  EXPECT_EQ(DecodeTimestamps(enc, &got).code(), absl::StatusCode::kDataLoss);
  // Within the limit but far more than the bytes hold: fails without decoding garbage.
  enc.clear();
  util::PutUvarint(&enc, kMaxColumnLength);
  util::PutVarint(&enc, 0);
  util::PutVarint(&enc, 0);
  EXPECT_EQ(DecodeTimestamps(enc, &got).code(), absl::StatusCode::kDataLoss);
}

TEST(Values, RoundTripShortSequences) {
  ExpectValuesRoundTrip({});
  ExpectValuesRoundTrip({1.5});
  ExpectValuesRoundTrip({-0.0});
  ExpectValuesRoundTrip({model::StaleNaN()});
  ExpectValuesRoundTrip({1, 2});
}

TEST(Values, SpecialValuesRoundTripBitwise) {
  const std::vector<double> specials = {std::nan(""),
                                        model::StaleNaN(),
                                        std::bit_cast<double>(model::kNormalNaNBits),
                                        std::bit_cast<double>(~uint64_t{0}),
                                        kInf,
                                        -kInf,
                                        -0.0,
                                        0.0,
                                        std::numeric_limits<double>::denorm_min(),
                                        std::numeric_limits<double>::max(),
                                        std::numeric_limits<double>::lowest(),
                                        1.0,
                                        model::StaleNaN()};
  EXPECT_EQ(ExpectValuesRoundTrip(specials), 1);  // XOR
  // A counter with one stale marker: still exact (as XOR).
  std::vector<double> counter;
  for (int i = 0; i < 100; ++i) counter.push_back(i * 3);
  counter[50] = model::StaleNaN();
  EXPECT_EQ(ExpectValuesRoundTrip(counter), 1);
  counter[50] = -0.0;
  EXPECT_EQ(ExpectValuesRoundTrip(counter), 1);
}

TEST(Values, DecimalsChooseDecimalEncoding) {
  std::vector<double> counter, gauge, constant, micros;
  for (int i = 0; i < 120; ++i) {
    counter.push_back(1000 + 17 * i + (i % 3));
    // Values as a scrape parses them from text: the doubles nearest to short decimals.
    gauge.push_back(((i % 17) * 25 - 375 + i) / 100.0);
    constant.push_back(1);
    micros.push_back((i * 123 + 1) / 1e6);
  }
  EXPECT_NE(ExpectValuesRoundTrip(counter), 1);
  EXPECT_NE(ExpectValuesRoundTrip(gauge), 1);
  EXPECT_NE(ExpectValuesRoundTrip(constant), 1);
  EXPECT_NE(ExpectValuesRoundTrip(micros), 1);
  // Mixed scales share the largest.
  EXPECT_NE(ExpectValuesRoundTrip({1, 0.5, 0.25, 0.125, 1e-9, 123456.789}), 1);
}

TEST(Values, DecimalEdgeCases) {
  const double big = static_cast<double>((int64_t{1} << 53) - 1);
  ExpectValuesRoundTrip({big, -big, 0, big});
  ExpectValuesRoundTrip({0.1, 0.2, 0.30000000000000004});  // the last is no short decimal
  ExpectValuesRoundTrip({1e15, 1e-9, 1e15 + 1});           // no shared scale fits 2^53
  ExpectValuesRoundTrip({9007199254740993.0, 1});          // 2^53 + 1 rounds to 2^53
  ExpectValuesRoundTrip({1e300, 1e-300, 5e-324});
}

TEST(Values, RandomRoundTrips) {
  std::mt19937_64 rng(5);
  for (int round = 0; round < 300; ++round) {
    std::vector<double> vs;
    const int n = static_cast<int>(rng() % 200);
    const int kind = round % 4;
    const int scale = static_cast<int>(rng() % 10);
    double x = 0;
    for (int i = 0; i < n; ++i) {
      switch (kind) {
        case 0:  // arbitrary bit patterns
          vs.push_back(std::bit_cast<double>(rng()));
          break;
        case 1:  // decimals of a random scale
          vs.push_back(static_cast<double>(static_cast<int64_t>(rng() % 2'000'000) - 1'000'000) /
                       std::pow(10.0, scale));
          break;
        case 2:  // a random walk
          x += std::ldexp(static_cast<double>(rng() % 1000), -static_cast<int>(rng() % 20));
          vs.push_back(x);
          break;
        default:  // mostly repeats
          vs.push_back(rng() % 8 == 0 ? std::bit_cast<double>(rng())
                                      : (vs.empty() ? 0 : vs.back()));
      }
    }
    ExpectValuesRoundTrip(vs);
  }
}

TEST(Values, EncodedSizes) {
  std::vector<double> constant(120, 1.0), counter, xor_gauge;
  for (int i = 0; i < 120; ++i) {
    counter.push_back(12345 + 15 * i + (i % 4));  // a rate of about 1/s, scraped every 15 s
    xor_gauge.push_back(std::sin(i * 0.1));
  }
  EXPECT_LE(EncodeValues(constant).size(), 6u);
  EXPECT_LE(EncodeValues(counter).size(), 130u);
  // XOR never loses much to Gorilla: at most 64 + 2 + 12 + 64 bits a value.
  EXPECT_LE(EncodeValues(xor_gauge).size(), 120u * 18);
  // Perfectly linear counters cost almost nothing with delta-of-delta.
  std::vector<double> linear;
  for (int i = 0; i < 120; ++i) linear.push_back(100 + 7 * i);
  EXPECT_LE(EncodeValues(linear).size(), 8u);
}

TEST(Values, EveryTruncationIsDataLoss) {
  std::vector<double> counter, gauge;
  for (int i = 0; i < 120; ++i) {
    counter.push_back(100 + 3 * i);
    gauge.push_back(std::sin(i));
  }
  gauge[7] = model::StaleNaN();
  for (const auto& vs : {counter, gauge}) {
    const std::string enc = EncodeValues(vs);
    for (size_t len = 0; len < enc.size(); ++len) {
      std::vector<double> got;
      ASSERT_EQ(DecodeValues(enc.substr(0, len), &got).code(), absl::StatusCode::kDataLoss)
          << "length " << len << " tag " << int{enc[0]};
    }
    std::vector<double> got;
    ASSERT_EQ(DecodeValues(enc + '\0', &got).code(), absl::StatusCode::kDataLoss);
  }
}

TEST(Values, BadTagScaleAndMantissaAreDataLoss) {
  std::vector<double> got;
  absl::Status status = DecodeValues(std::string("\x07\x01\x00", 3), &got);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(status.message()), testing::HasSubstr("unknown encoding tag 7"));

  status = DecodeValues(std::string("\x02\x01\x0a\x02", 4), &got);  // scale 10
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(status.message()), testing::HasSubstr("scale 10"));

  std::string enc("\x02\x02\x00", 3);  // decimal deltas, 2 values, scale 0
  util::PutVarint(&enc, (int64_t{1} << 53) - 1);
  util::PutUvarint(&enc, util::ZigZagEncode(1) << 1);  // + 1: past 2^53
  status = DecodeValues(enc, &got);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(status.message()), testing::HasSubstr("mantissa out of range"));

  EXPECT_EQ(DecodeValues("", &got).code(), absl::StatusCode::kDataLoss);
  std::string huge("\x01", 1);
  util::PutUvarint(&huge, 1000);  // 1000 XOR values cannot fit in 1 byte
  huge.push_back('\0');
  EXPECT_EQ(DecodeValues(huge, &got).code(), absl::StatusCode::kDataLoss);
}

TEST(Columns, RandomCorruptionNeverCrashes) {
  std::mt19937_64 rng(9);
  std::vector<double> gauge, counter;
  for (int i = 0; i < 120; ++i) {
    gauge.push_back(std::sin(i) * 100);
    counter.push_back(1000 + i * 0.5);
  }
  const std::string streams[] = {EncodeValues(gauge), EncodeValues(counter),
                                 EncodeTimestamps(Scrapes(120, 15'000, 5)),
                                 EncodeTimestamps(Scrapes(120, 15'000, 0))};
  int failures = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string s = streams[round % 4];
    for (int flips = 1 + static_cast<int>(rng() % 3); flips > 0; --flips) {
      s[rng() % s.size()] ^= static_cast<char>(1 << (rng() % 8));
    }
    absl::Status status;
    if (round % 4 < 2) {
      std::vector<double> got;
      status = DecodeValues(s, &got);
    } else {
      std::vector<int64_t> got;
      status = DecodeTimestamps(s, &got);
    }
    ASSERT_TRUE(status.ok() || status.code() == absl::StatusCode::kDataLoss) << status;
    failures += !status.ok();
  }
  EXPECT_GT(failures, 1000);
}

}  // namespace
}  // namespace sextant::tsdb::partition
