#include "tsdb/chunkenc/xor_chunk.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/sample.h"
#include "util/bit_stream.h"
#include "util/varint.h"

namespace sextant::tsdb::chunkenc {
namespace {

using model::Sample;

constexpr int64_t kMin64 = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax64 = std::numeric_limits<int64_t>::max();
constexpr double kInf = std::numeric_limits<double>::infinity();

XorChunk Encode(const std::vector<Sample>& samples) {
  XorChunk c;
  for (const Sample& s : samples) c.Append(s.t, s.v);
  return c;
}

std::vector<Sample> Decode(std::string_view bytes, absl::Status* status) {
  std::vector<Sample> out;
  XorIterator it(bytes);
  while (it.Next()) out.push_back({it.t(), it.v()});
  *status = it.status();
  return out;
}

std::vector<Sample> DecodeOk(const XorChunk& c) {
  absl::Status status;
  std::vector<Sample> out = Decode(c.bytes(), &status);
  EXPECT_TRUE(status.ok()) << status;
  return out;
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

// Checks the chunk's bytes decode to exactly `samples` (values compared bitwise).
void ExpectRoundTrip(const std::vector<Sample>& samples) {
  const XorChunk c = Encode(samples);
  ASSERT_EQ(c.num_samples(), static_cast<int>(samples.size()));
  EXPECT_EQ(DecodeOk(c), samples) << Hex(c.bytes());
  if (!samples.empty()) {
    EXPECT_EQ(c.min_time(), samples.front().t);
    EXPECT_EQ(c.max_time(), samples.back().t);
  }
}

std::vector<Sample> Regular(int n, int64_t start, int64_t step, double (*value)(int)) {
  std::vector<Sample> out;
  for (int i = 0; i < n; ++i) out.push_back({start + i * step, value(i)});
  return out;
}

double Constant(int) { return 1; }
double Counter(int i) { return 1000.0 + 17.0 * i + (i % 7 == 0 ? 0.5 : 0); }
double Gauge(int i) { return std::sin(i * 0.1) * 1e3 + 0.001 * i; }

// A realistic scrape: 15 s with a few ms of jitter.
std::vector<Sample> Jittered(int n, double (*value)(int), uint32_t seed = 1) {
  std::mt19937 rng(seed);
  std::vector<Sample> out;
  int64_t t = 1'700'000'000'000;
  for (int i = 0; i < n; ++i) {
    out.push_back({t, value(i)});
    t += 15'000 + static_cast<int>(rng() % 11) - 5;
  }
  return out;
}

TEST(XorChunk, EmptyChunkIsTwoZeroBytes) {
  XorChunk c;
  EXPECT_EQ(c.bytes(), std::string_view("\0\0", 2));
  EXPECT_EQ(c.num_samples(), 0);
  XorIterator it = c.Iterator();
  EXPECT_FALSE(it.Next());
  EXPECT_TRUE(it.status().ok());
  EXPECT_FALSE(it.Seek(0));
}

TEST(XorChunk, OneSampleIsVarintPlusRawValue) {
  XorChunk c;
  c.Append(-3, 1.0);  // zig-zag(-3) = 5
  EXPECT_EQ(c.bytes(), std::string_view("\x00\x01\x05\x3f\xf0\x00\x00\x00\x00\x00\x00", 11));
  EXPECT_EQ(DecodeOk(c), (std::vector<Sample>{{-3, 1.0}}));
}

TEST(XorChunk, HandWorkedExample) {
  // The example of docs/format/chunks.md.
  XorChunk c;
  c.Append(1000, 1.0);
  c.Append(16000, 1.0);
  c.Append(31000, 1.0);
  c.Append(46005, 2.0);
  EXPECT_EQ(Hex(c.bytes()),
            "0004"              // 4 samples
            "d00f"              // varint 1000 (zig-zag 2000)
            "3ff0000000000000"  // 1.0
            "9875"              // uvarint delta 15000
            "1000b84bffe0");    // the bit stream worked through in the document
  EXPECT_EQ(DecodeOk(c),
            (std::vector<Sample>{{1000, 1.0}, {16000, 1.0}, {31000, 1.0}, {46005, 2.0}}));
}

TEST(XorChunk, SpecialValuesRoundTripBitwise) {
  const double values[] = {std::nan(""),
                           model::StaleNaN(),
                           std::bit_cast<double>(model::kNormalNaNBits),
                           kInf,
                           -kInf,
                           -0.0,
                           0.0,
                           std::numeric_limits<double>::denorm_min(),
                           -std::numeric_limits<double>::denorm_min(),
                           std::numeric_limits<double>::max(),
                           std::numeric_limits<double>::lowest(),
                           std::numeric_limits<double>::min(),
                           1.0,
                           std::nextafter(1.0, 2.0),
                           model::StaleNaN(),
                           model::StaleNaN(),
                           -0.0,
                           0.0,
                           std::bit_cast<double>(~uint64_t{0}),
                           std::bit_cast<double>(uint64_t{1} << 63 | 1),
                           42.0};
  std::vector<Sample> samples;
  int64_t t = 1'000;
  for (double v : values) samples.push_back({t += 15'000, v});
  ExpectRoundTrip(samples);
  // The stale marker survives as itself, not as some other NaN.
  const std::vector<Sample> decoded = DecodeOk(Encode(samples));
  ASSERT_EQ(decoded.size(), samples.size());
  EXPECT_TRUE(model::IsStaleNaN(decoded[1].v));
  EXPECT_EQ(std::bit_cast<uint64_t>(decoded[5].v), uint64_t{1} << 63);
}

TEST(XorChunk, NegativeTimestamps) {
  ExpectRoundTrip(Regular(200, -1'000'000, 1'000, Gauge));
  ExpectRoundTrip(Regular(5, -5, 1, Constant));
  ExpectRoundTrip({{kMin64, 1}, {kMin64 + 1, 2}, {kMin64 + 3, 3}, {-1, 4}, {0, 5}, {1, 6}});
}

TEST(XorChunk, ExtremeTimestampsAndDeltas) {
  ExpectRoundTrip({{kMin64, 1}, {kMax64, 2}});
  ExpectRoundTrip({{kMin64, 1}, {0, 2}, {kMax64, 3}});
  ExpectRoundTrip({{kMin64, 1}, {kMin64 + 1, 2}, {kMax64 - 1, 3}, {kMax64, 4}});
  ExpectRoundTrip({{-(int64_t{1} << 62), 1}, {0, 2}, {1, 3}, {int64_t{1} << 62, 4}});
}

TEST(XorChunk, DeltaOfDeltaBucketBoundaries) {
  struct Case {
    int64_t dod;
    int prefix_ones;  // the bucket's prefix: '0', '10', '110', '1110' or '1111'
    int payload_bits;
  };
  // Prometheus's buckets hold [-(2^(n-1) - 1), 2^(n-1)].
  const Case cases[] = {
      {0, 0, 0},
      {1, 1, 14},
      {-1, 1, 14},
      {8192, 1, 14},
      {-8191, 1, 14},
      {8193, 2, 17},
      {-8192, 2, 17},
      {65536, 2, 17},
      {-65535, 2, 17},
      {65537, 3, 20},
      {-65536, 3, 20},
      {524288, 3, 20},
      {-524287, 3, 20},
      {524289, 4, 64},
      {-524288, 4, 64},
      {int64_t{1} << 40, 4, 64},
      {-(int64_t{1} << 40), 4, 64},
  };
  const int64_t delta = 1'000'000'000;  // the first delta: a 5-byte uvarint
  for (const Case& c : cases) {
    XorChunk chunk;
    chunk.Append(0, 5);
    chunk.Append(delta, 5);
    chunk.Append(2 * delta + c.dod, 5);
    EXPECT_EQ(DecodeOk(chunk), (std::vector<Sample>{{0, 5}, {delta, 5}, {2 * delta + c.dod, 5}}));
    // Skip the header, varint 0, the value, uvarint delta and the second value's '0'.
    util::BitReader r(chunk.bytes());
    for (int skip = 16 + 8 + 64 + 40 + 1; skip > 0; skip -= 32) r.ReadBits(std::min(skip, 32));
    int ones = 0;
    while (ones < 4 && r.ReadBit()) ++ones;
    EXPECT_EQ(ones, c.prefix_ones) << "dod " << c.dod;
    const uint64_t payload = r.ReadBitsWide(c.payload_bits);
    const uint64_t mask = c.payload_bits == 64 ? ~uint64_t{0} : (uint64_t{1} << c.payload_bits) - 1;
    EXPECT_EQ(payload, static_cast<uint64_t>(c.dod) & mask) << "dod " << c.dod;
    EXPECT_FALSE(r.ReadBit());  // the repeated value
    EXPECT_FALSE(r.overrun());
    EXPECT_EQ((r.bits_read() + 7) / 8, chunk.size_bytes()) << "dod " << c.dod;
  }
}

TEST(XorChunk, DeltaOfDeltaBucketsRoundTripInOneChunk) {
  const int64_t dods[] = {0,       8192,    -8191,      8193,   -8192,   65536,
                          -65535,  65537,   -65536,     524288, -524287, 524289,
                          -524288, 1 << 30, -(1 << 30), 3,      -3,      0};
  std::vector<Sample> samples = {{0, 0}};
  int64_t delta = int64_t{1} << 31;
  int64_t t = 0;
  for (int64_t dod : dods) {
    t += delta;
    samples.push_back({t, static_cast<double>(t)});
    delta += dod;
  }
  ExpectRoundTrip(samples);
}

TEST(XorChunk, ConstantCounterAndGaugeData) {
  ExpectRoundTrip(Regular(120, 1'700'000'000'000, 15'000, Constant));
  ExpectRoundTrip(Regular(120, 1'700'000'000'000, 15'000, Counter));
  ExpectRoundTrip(Regular(120, 1'700'000'000'000, 15'000, Gauge));
  ExpectRoundTrip(Jittered(120, Constant));
  ExpectRoundTrip(Jittered(120, Counter));
  ExpectRoundTrip(Jittered(120, Gauge));
}

TEST(XorChunk, CompressesRegularDataWell) {
  // 120 samples of a constant at a fixed interval: 2 bits a sample after the first two.
  const XorChunk constant = Encode(Regular(120, 1'700'000'000'000, 15'000, Constant));
  EXPECT_LE(constant.size_bytes(), 2 + 7 + 8 + 3 + 30 + 1u);
  const XorChunk counter = Encode(Jittered(120, Counter));
  EXPECT_LT(counter.size_bytes(), 120 * 4u);
}

TEST(XorChunk, MaximumSampleCount) {
  std::vector<Sample> samples = Jittered(65535, Gauge, 3);
  samples[100].v = model::StaleNaN();
  samples[60000].v = -kInf;
  ExpectRoundTrip(samples);
  EXPECT_EQ(Encode(samples).bytes().substr(0, 2), "\xff\xff");
}

TEST(XorChunk, FromBytesThenAppendMatchesAppendingAtOnce) {
  std::vector<std::vector<Sample>> series = {Jittered(150, Counter), Jittered(150, Gauge),
                                             Regular(150, -100, 7, Constant)};
  // Values that repeat at first, so no XOR window exists when the chunk is reopened.
  std::vector<Sample> late_change = Regular(10, 0, 1000, Constant);
  late_change.push_back({20000, 3.5});
  late_change.push_back({21000, model::StaleNaN()});
  series.push_back(late_change);
  for (const std::vector<Sample>& samples : series) {
    const XorChunk all = Encode(samples);
    for (size_t split = 0; split <= samples.size(); ++split) {
      XorChunk first;
      for (size_t i = 0; i < split; ++i) first.Append(samples[i].t, samples[i].v);
      absl::StatusOr<XorChunk> reopened = XorChunk::FromBytes(first.bytes());
      ASSERT_TRUE(reopened.ok()) << reopened.status();
      EXPECT_EQ(reopened->bytes(), first.bytes());
      for (size_t i = split; i < samples.size(); ++i) reopened->Append(samples[i].t, samples[i].v);
      ASSERT_EQ(Hex(reopened->bytes()), Hex(all.bytes())) << "split at " << split;
      EXPECT_EQ(reopened->min_time(), samples.front().t);
      EXPECT_EQ(reopened->max_time(), samples.back().t);
    }
  }
}

TEST(XorChunk, FromStateThenAppendMatchesAppendingAtOnce) {
  std::vector<std::vector<Sample>> series = {Jittered(150, Counter), Jittered(150, Gauge),
                                             Regular(150, -100, 7, Constant)};
  for (const std::vector<Sample>& samples : series) {
    const XorChunk all = Encode(samples);
    for (size_t split = 1; split <= samples.size(); split += 7) {
      XorChunk first;
      for (size_t i = 0; i < split; ++i) first.Append(samples[i].t, samples[i].v);
      const std::string saved(first.bytes());
      absl::StatusOr<XorChunk> resumed = XorChunk::FromState(saved, first.state());
      ASSERT_TRUE(resumed.ok()) << resumed.status();
      for (size_t i = split; i < samples.size(); ++i) resumed->Append(samples[i].t, samples[i].v);
      ASSERT_EQ(Hex(resumed->bytes()), Hex(all.bytes())) << "split at " << split;
      EXPECT_EQ(resumed->last_value(), samples.back().v);
    }
  }
}

TEST(XorChunk, FromStateRejectsMismatchedState) {
  XorChunk c = Encode(Jittered(20, Gauge));
  XorChunk::AppendState st = c.state();
  st.count = 19;  // the header says 20
  EXPECT_EQ(XorChunk::FromState(c.bytes(), st).status().code(), absl::StatusCode::kDataLoss);
  st = c.state();
  st.free_bits = 9;
  EXPECT_EQ(XorChunk::FromState(c.bytes(), st).status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(XorChunk::FromState("x", c.state()).status().code(), absl::StatusCode::kDataLoss);
}

TEST(XorChunk, CopiesAppendIndependently) {
  const std::vector<Sample> samples = Jittered(40, Gauge);
  XorChunk a;
  for (int i = 0; i < 20; ++i) a.Append(samples[i].t, samples[i].v);
  XorChunk b = a;
  for (int i = 20; i < 40; ++i) a.Append(samples[i].t, samples[i].v);
  b.Append(samples[19].t + 1, model::StaleNaN());
  EXPECT_EQ(DecodeOk(a), samples);
  std::vector<Sample> want_b(samples.begin(), samples.begin() + 20);
  want_b.push_back({samples[19].t + 1, model::StaleNaN()});
  EXPECT_EQ(DecodeOk(b), want_b);
}

TEST(XorChunk, FromBytesDropsTrailingBytesAndPaddingBits) {
  const XorChunk c = Encode(Jittered(10, Gauge));
  std::string padded(c.bytes());
  padded.back() = static_cast<char>(padded.back() | 0x01);  // may be a data bit; then it differs
  padded += std::string("\xde\xad\xbe\xef", 4);
  absl::StatusOr<XorChunk> reopened = XorChunk::FromBytes(padded);
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ(reopened->size_bytes(), c.size_bytes());
  // Whatever the flipped bit did to the last value, the result must decode consistently.
  EXPECT_EQ(DecodeOk(*reopened).size(), 10u);
}

TEST(XorChunk, FromBytesRejectsShortAndCorruptInput) {
  EXPECT_EQ(XorChunk::FromBytes("").status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(XorChunk::FromBytes("\x01").status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(XorChunk::FromBytes(std::string_view("\x00\x05\x02", 3)).status().code(),
            absl::StatusCode::kDataLoss);
  absl::StatusOr<XorChunk> empty = XorChunk::FromBytes(std::string_view("\0\0", 2));
  ASSERT_TRUE(empty.ok());
  empty->Append(5, 1.5);
  EXPECT_EQ(DecodeOk(*empty), (std::vector<Sample>{{5, 1.5}}));
}

TEST(XorIterator, Seek) {
  const XorChunk c = Encode(Regular(100, 1000, 10, Counter));  // t = 1000, 1010, ..., 1990
  {
    XorIterator it = c.Iterator();
    ASSERT_TRUE(it.Seek(0));  // before the first sample: the first sample
    EXPECT_EQ(it.t(), 1000);
  }
  {
    XorIterator it = c.Iterator();
    ASSERT_TRUE(it.Seek(1500));  // exact hit
    EXPECT_EQ(it.t(), 1500);
    EXPECT_EQ(it.v(), Counter(50));
    ASSERT_TRUE(it.Seek(1501));  // between samples: the next one
    EXPECT_EQ(it.t(), 1510);
    ASSERT_TRUE(it.Seek(1200));  // never backwards
    EXPECT_EQ(it.t(), 1510);
    ASSERT_TRUE(it.Next());
    EXPECT_EQ(it.t(), 1520);
    ASSERT_TRUE(it.Seek(1990));
    EXPECT_EQ(it.t(), 1990);
    EXPECT_FALSE(it.Next());
    EXPECT_FALSE(it.Seek(0));  // ended
    EXPECT_TRUE(it.status().ok());
  }
  {
    XorIterator it = c.Iterator();
    EXPECT_FALSE(it.Seek(1991));  // past the end
    EXPECT_TRUE(it.status().ok());
    EXPECT_FALSE(it.Seek(1000));
  }
}

TEST(XorIterator, ShortBufferIsDataLoss) {
  XorIterator it(std::string_view("\x00", 1));
  EXPECT_FALSE(it.Next());
  EXPECT_EQ(it.status().code(), absl::StatusCode::kDataLoss);
}

TEST(XorIterator, CountBeyondTheStreamIsDataLoss) {
  const XorChunk c = Encode(Jittered(50, Gauge));
  std::string bytes(c.bytes());
  // One more sample may still decode from the zero padding bits of the last byte ('0' for the
  // timestamp, '0' for the value), as in Prometheus; ten more cannot.
  bytes[1] = 60;
  absl::Status status;
  const size_t decoded = Decode(bytes, &status).size();
  EXPECT_GE(decoded, 50u);
  EXPECT_LT(decoded, 60u);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(status.message()), testing::HasSubstr("of 60"));
}

TEST(XorIterator, EveryTruncationIsDataLoss) {
  for (const auto& samples :
       {Jittered(120, Counter), Jittered(120, Gauge), Regular(120, 0, 15'000, Constant)}) {
    const XorChunk c = Encode(samples);
    for (size_t len = 2; len < c.size_bytes(); ++len) {
      absl::Status status;
      const std::vector<Sample> got = Decode(c.bytes().substr(0, len), &status);
      ASSERT_EQ(status.code(), absl::StatusCode::kDataLoss) << "length " << len;
      ASSERT_LT(got.size(), samples.size());
      for (size_t i = 0; i < got.size(); ++i) ASSERT_EQ(got[i], samples[i]);
    }
  }
}

TEST(XorIterator, BitFlipsNeverCrash) {
  std::mt19937_64 rng(7);
  std::vector<Sample> samples = Jittered(120, Gauge);
  samples[3].v = model::StaleNaN();
  const XorChunk c = Encode(samples);
  int data_loss = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string bytes(c.bytes());
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int i = 0; i < flips; ++i) {
      const size_t bit = rng() % (bytes.size() * 8);
      bytes[bit / 8] = static_cast<char>(bytes[bit / 8] ^ (1 << (bit % 8)));
    }
    if (rng() % 4 == 0) bytes.resize(rng() % (bytes.size() + 1));
    absl::Status status;
    const std::vector<Sample> got = Decode(bytes, &status);
    ASSERT_TRUE(status.ok() || status.code() == absl::StatusCode::kDataLoss) << status;
    if (!status.ok()) ++data_loss;
    if (status.ok() && bytes.size() >= 2) {
      ASSERT_EQ(got.size(), (static_cast<uint8_t>(bytes[0]) << 8 | static_cast<uint8_t>(bytes[1])));
    }
    absl::StatusOr<XorChunk> reopened = XorChunk::FromBytes(bytes);
    ASSERT_EQ(reopened.ok(), status.ok() && bytes.size() >= 2);
    XorIterator it(bytes);
    it.Seek(static_cast<int64_t>(rng()));  // must terminate too
  }
  EXPECT_GT(data_loss, 1000);
}

TEST(XorIterator, RandomGarbageNeverCrashes) {
  std::mt19937_64 rng(11);
  for (int round = 0; round < 20000; ++round) {
    std::string bytes(rng() % 64, '\0');
    for (char& b : bytes) b = static_cast<char>(rng());
    absl::Status status;
    Decode(bytes, &status);
    ASSERT_TRUE(status.ok() || status.code() == absl::StatusCode::kDataLoss) << status;
  }
}

// --- Golden test against Prometheus 2.42 -------------------------------------------------------
//
// testdata/prometheus-2.42 holds an OpenMetrics file and the chunks file promtool built from it
// (see the README there). Our encoder must produce the same bytes for every chunk.

constexpr char kGoldenDir[] = "tsdb/chunkenc/testdata/prometheus-2.42/";

std::string ReadFileOrDie(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  EXPECT_TRUE(f.good()) << "cannot open " << path << " (run tests from the repository root)";
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// Series in file order; each line is `name value seconds.millis`.
std::vector<std::vector<Sample>> ParseOpenMetrics(const std::string& text) {
  std::vector<std::vector<Sample>> series;
  std::string last_name;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string name, value, ts;
    fields >> name >> value >> ts;
    if (name != last_name) series.emplace_back();
    last_name = name;
    const size_t dot = ts.find('.');
    EXPECT_EQ(ts.size() - dot, 4u) << line;
    const int64_t t = std::stoll(ts.substr(0, dot)) * 1000 + std::stoll(ts.substr(dot + 1));
    // Go parses "NaN" to its own NaN bit pattern.
    const double v = value == "NaN" ? std::bit_cast<double>(model::kNormalNaNBits)
                                    : std::strtod(value.c_str(), nullptr);
    series.back().push_back({t, v});
  }
  return series;
}

// The chunks of a Prometheus chunks file: 8-byte header, then per chunk a uvarint length, an
// encoding byte, the data and a CRC32C.
std::vector<std::string> ParseChunksFile(std::string_view file) {
  std::vector<std::string> chunks;
  EXPECT_EQ(Hex(file.substr(0, 5)), "85bd40dd01");  // magic, version 1
  file.remove_prefix(8);
  while (!file.empty()) {
    uint64_t len;
    if (!util::GetUvarint(&file, &len) || file.size() < len + 5) {
      ADD_FAILURE() << "bad chunks file";
      break;
    }
    EXPECT_EQ(file[0], 1) << "not an XOR chunk";
    chunks.emplace_back(file.substr(1, len));
    file.remove_prefix(1 + len + 4);
  }
  return chunks;
}

TEST(XorChunkGolden, MatchesPrometheusByteForByte) {
  const std::vector<std::vector<Sample>> series =
      ParseOpenMetrics(ReadFileOrDie(std::string(kGoldenDir) + "input.om"));
  const std::vector<std::string> chunks =
      ParseChunksFile(ReadFileOrDie(std::string(kGoldenDir) + "chunks_000001"));
  ASSERT_EQ(series.size(), 4u);
  ASSERT_EQ(chunks.size(), series.size());
  for (size_t i = 0; i < series.size(); ++i) {
    const XorChunk ours = Encode(series[i]);
    EXPECT_EQ(Hex(ours.bytes()), Hex(chunks[i])) << "series " << i;
    // And we read Prometheus's bytes back to the same samples.
    absl::Status status;
    EXPECT_EQ(Decode(chunks[i], &status), series[i]) << "series " << i;
    EXPECT_TRUE(status.ok()) << status;
  }
}

TEST(XorChunkGolden, ContinuesPrometheusChunks) {
  const std::vector<std::vector<Sample>> series =
      ParseOpenMetrics(ReadFileOrDie(std::string(kGoldenDir) + "input.om"));
  const std::vector<std::string> chunks =
      ParseChunksFile(ReadFileOrDie(std::string(kGoldenDir) + "chunks_000001"));
  ASSERT_EQ(chunks.size(), series.size());
  for (size_t i = 0; i < series.size(); ++i) {
    absl::StatusOr<XorChunk> c = XorChunk::FromBytes(chunks[i]);
    ASSERT_TRUE(c.ok()) << c.status();
    EXPECT_EQ(c->bytes(), chunks[i]);
    std::vector<Sample> want = series[i];
    want.push_back({want.back().t + 15'000, model::StaleNaN()});
    c->Append(want.back().t, want.back().v);
    EXPECT_EQ(Hex(c->bytes()), Hex(Encode(want).bytes()));
  }
}

}  // namespace
}  // namespace sextant::tsdb::chunkenc
