// The streamed remote-read answer (STREAMED_XOR_CHUNKS), checked with a decoder written here from
// the published format (Prometheus's storage/remote/chunked.go and prompb/types.proto, as
// docs/format/remote-read-stream.md writes them down): frames are parsed and their CRCs checked
// without Sextant's framing code, the chunks decoded with Sextant's own XOR iterator.

#include "api/remote/read_stream.h"

#include <bit>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <snappy.h>

#include "api/remote/prompb/remote.pb.h"
#include "api/remote/prompb/types.pb.h"
#include "api/remote/remote.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/sample.h"
#include "tsdb/chunkenc/xor_chunk.h"
#include "tsdb/head/head.h"
#include "tsdb/mem_storage.h"

namespace sextant::api::remote {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using MT = model::MatchType;

// ---- The decoder, from the format ----

// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), bit by bit.
uint32_t Castagnoli(std::string_view data) {
  uint32_t crc = 0xffffffffu;
  for (char c : data) {
    crc ^= static_cast<uint8_t>(c);
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0x82F63B78u & (0u - (crc & 1u)));
  }
  return ~crc;
}

// One frame's payload: a ChunkedReadResponse.
struct Frame {
  size_t data_size = 0;
  prometheus::ChunkedReadResponse msg;
};

// Splits a body into frames: uvarint length, 4-byte big-endian CRC32C, data.
absl::StatusOr<std::vector<Frame>> ParseFrames(std::string_view body) {
  std::vector<Frame> frames;
  while (!body.empty()) {
    uint64_t len = 0;
    int shift = 0;
    for (;;) {
      if (body.empty() || shift > 63) return absl::DataLossError("truncated frame length");
      const uint8_t b = static_cast<uint8_t>(body[0]);
      body.remove_prefix(1);
      len |= static_cast<uint64_t>(b & 0x7f) << shift;
      shift += 7;
      if (b < 0x80) break;
    }
    if (body.size() < 4) return absl::DataLossError("truncated frame checksum");
    uint32_t crc = 0;
    for (int i = 0; i < 4; ++i) crc = crc << 8 | static_cast<uint8_t>(body[i]);
    body.remove_prefix(4);
    if (body.size() < len) return absl::DataLossError("truncated frame data");
    const std::string_view data = body.substr(0, len);
    body.remove_prefix(len);
    if (Castagnoli(data) != crc) return absl::DataLossError("corrupted frame; checksum mismatch");
    Frame& f = frames.emplace_back();
    f.data_size = data.size();
    if (!f.msg.ParseFromArray(data.data(), static_cast<int>(data.size()))) {
      return absl::DataLossError("not a ChunkedReadResponse");
    }
  }
  return frames;
}

// A series as the stream carries it, its frames merged.
struct StreamedSeries {
  int64_t query_index = 0;
  model::Labels labels;
  std::vector<model::Sample> samples;
  int frames = 0;
  int chunks = 0;
};

model::Labels LabelsOf(const prometheus::ChunkedSeries& s) {
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const prometheus::Label& l : s.labels()) pairs.emplace_back(l.name(), l.value());
  EXPECT_TRUE(std::is_sorted(pairs.begin(), pairs.end())) << "labels not sorted by name";
  return model::Labels::FromPairs(pairs);
}

// Decodes every frame (one series each) and every chunk, checking the chunk invariants; frames
// of the same series (same query, same labels) that follow each other are merged.
std::vector<StreamedSeries> DecodeStream(std::string_view body) {
  absl::StatusOr<std::vector<Frame>> frames = ParseFrames(body);
  EXPECT_TRUE(frames.ok()) << frames.status();
  std::vector<StreamedSeries> out;
  if (!frames.ok()) return out;
  for (const Frame& f : *frames) {
    EXPECT_EQ(f.msg.chunked_series_size(), 1) << "one series per frame";
    for (const prometheus::ChunkedSeries& cs : f.msg.chunked_series()) {
      model::Labels labels = LabelsOf(cs);
      if (out.empty() || out.back().query_index != f.msg.query_index() ||
          out.back().labels != labels) {
        if (!out.empty() && out.back().query_index == f.msg.query_index()) {
          EXPECT_TRUE(out.back().labels < labels) << "series not in label order";
        }
        out.push_back({f.msg.query_index(), labels, {}, 0, 0});
      }
      StreamedSeries& s = out.back();
      ++s.frames;
      EXPECT_GT(cs.chunks_size(), 0) << "frame without chunks";
      for (const prometheus::Chunk& c : cs.chunks()) {
        ++s.chunks;
        EXPECT_EQ(c.type(), prometheus::Chunk::XOR);
        std::vector<model::Sample> got;
        tsdb::chunkenc::XorIterator it(c.data());
        while (it.Next()) got.push_back({it.t(), it.v()});
        EXPECT_TRUE(it.status().ok()) << it.status();
        if (got.empty()) {
          ADD_FAILURE() << "empty chunk";
          continue;
        }
        EXPECT_LE(got.size(), static_cast<size_t>(kMaxSamplesPerChunk));
        EXPECT_EQ(c.min_time_ms(), got.front().t);
        EXPECT_EQ(c.max_time_ms(), got.back().t);
        if (!s.samples.empty()) {
          EXPECT_LT(s.samples.back().t, got.front().t) << "chunks out of time order";
        }
        s.samples.insert(s.samples.end(), got.begin(), got.end());
      }
    }
  }
  return out;
}

// ---- Fixtures ----

model::Labels L(std::initializer_list<std::pair<std::string_view, std::string_view>> pairs) {
  return model::Labels::FromPairs(pairs);
}

ReadQuery Q(int64_t start, int64_t end, std::vector<ReadQuery::MatcherSpec> matchers) {
  return ReadQuery{start, end, std::move(matchers)};
}

const std::vector<ResponseType> kStreamed = {ResponseType::kStreamedXorChunks};

std::vector<model::Sample> Regular(int n, int64_t start, int64_t step) {
  std::vector<model::Sample> out;
  for (int i = 0; i < n; ++i) out.push_back({start + i * step, std::sin(i * 0.1) * 1e3 + i});
  return out;
}

void Add(tsdb::MemStorage& st, const model::Labels& labels,
         const std::vector<model::Sample>& samples) {
  for (const model::Sample& s : samples) ASSERT_TRUE(st.Add(labels, s.t, s.v).ok());
}

std::string StreamedBody(tsdb::MemStorage& st, const std::vector<ReadQuery>& queries,
                         ReadOptions options = {}) {
  absl::StatusOr<ReadAnswer> answer = Read(EncodeReadRequest(queries, kStreamed), st, options);
  EXPECT_TRUE(answer.ok()) << answer.status();
  if (!answer.ok()) return "";
  EXPECT_EQ(answer->type, ResponseType::kStreamedXorChunks);
  EXPECT_EQ(answer->content_type,
            "application/x-streamed-protobuf; proto=prometheus.ChunkedReadResponse");
  EXPECT_EQ(answer->content_encoding, "");
  return answer->body;
}

// Bitwise equality, so that stale markers compare equal.
bool SameSamples(const std::vector<model::Sample>& a, const std::vector<model::Sample>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].t != b[i].t || std::bit_cast<uint64_t>(a[i].v) != std::bit_cast<uint64_t>(b[i].v)) {
      return false;
    }
  }
  return true;
}

// ---- Framing ----

TEST(AppendFrame, LengthBigEndianCastagnoliThenData) {
  std::string out;
  AppendFrame("123456789", &out);  // CRC-32C check value: 0xE3069283
  EXPECT_EQ(out, std::string("\x09\xe3\x06\x92\x83"
                             "123456789",
                             14));
  EXPECT_EQ(Castagnoli("123456789"), 0xE3069283u);  // the test's own CRC agrees
  out.clear();
  AppendFrame("", &out);  // Prometheus's ChunkedWriter writes nothing for empty data
  EXPECT_EQ(out, "");
  AppendFrame(std::string(300, 'x'), &out);
  EXPECT_EQ(out.substr(0, 2), "\xac\x02");  // uvarint 300
  EXPECT_EQ(out.size(), 2u + 4u + 300u);
}

TEST(ParseFrames, DetectsCorruption) {
  prometheus::ChunkedReadResponse msg;
  msg.set_query_index(3);
  std::string body;
  AppendFrame(msg.SerializeAsString(), &body);
  msg.set_query_index(4);
  AppendFrame(msg.SerializeAsString(), &body);
  ASSERT_EQ(body.size(), 2u * (1 + 4 + 2));
  ASSERT_TRUE(ParseFrames(body).ok());
  std::string flipped = body;
  flipped[body.size() - 1] ^= 1;
  EXPECT_EQ(ParseFrames(flipped).status().message(), "corrupted frame; checksum mismatch");
  EXPECT_EQ(ParseFrames(body.substr(0, body.size() - 1)).status().message(),
            "truncated frame data");
  EXPECT_EQ(ParseFrames(body.substr(0, 10)).status().message(), "truncated frame checksum");
  EXPECT_EQ(ParseFrames("\x80").status().message(), "truncated frame length");
}

// ---- Chunks ----

TEST(EncodeXorChunks, PrometheusChunkBytes) {
  // The chunk Prometheus's xor.go writes for these samples, worked out bit by bit from its
  // appender in docs/format/chunks.md (and checked against chunks written by Prometheus 2.42 in
  // tsdb/chunkenc/xor_chunk_test.cc).
  std::vector<StreamChunk> chunks =
      EncodeXorChunks({{1000, 1.0}, {16000, 1.0}, {31000, 1.0}, {46005, 2.0}}, 120);
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_EQ(chunks[0].min_time_ms, 1000);
  EXPECT_EQ(chunks[0].max_time_ms, 46005);
  EXPECT_EQ(chunks[0].data, std::string("\x00\x04"                          // 4 samples
                                        "\xd0\x0f"                          // varint t 1000
                                        "\x3f\xf0\x00\x00\x00\x00\x00\x00"  // 1.0
                                        "\x98\x75"                          // uvarint 15000
                                        "\x10\x00\xb8\x4b\xff\xe0",
                                        20));
}

TEST(EncodeXorChunks, CutsAt120Samples) {
  const std::vector<model::Sample> samples = Regular(300, 0, 15'000);
  std::vector<StreamChunk> chunks = EncodeXorChunks(samples, kMaxSamplesPerChunk);
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(chunks[0].min_time_ms, 0);
  EXPECT_EQ(chunks[0].max_time_ms, 119 * 15'000);
  EXPECT_EQ(chunks[1].min_time_ms, 120 * 15'000);
  EXPECT_EQ(chunks[2].max_time_ms, 299 * 15'000);
  EXPECT_EQ(static_cast<uint8_t>(chunks[2].data[1]), 60);  // the header's count
  EXPECT_THAT(EncodeXorChunks({}, kMaxSamplesPerChunk), IsEmpty());
}

// ---- Read() with STREAMED_XOR_CHUNKS ----

class StreamedRead : public ::testing::Test {
 protected:
  void SetUp() override {
    Add(st_, L({{"__name__", "up"}, {"job", "b"}}), Regular(250, 1000, 15'000));
    Add(st_, L({{"__name__", "up"}, {"job", "a"}}), {{1000, 1}, {2000, model::StaleNaN()}});
    Add(st_, L({{"__name__", "up"}, {"instance", "x"}}), Regular(3, 1000, 1000));
    Add(st_, L({{"__name__", "other"}}), {{1000, 5}});
  }
  tsdb::MemStorage st_;
};

TEST_F(StreamedRead, SeriesLabelsAndSamplesMatchTheSampledAnswer) {
  const ReadQuery q = Q(0, 10'000'000, {{MT::kEqual, "__name__", "up"}});
  const std::vector<StreamedSeries> streamed = DecodeStream(StreamedBody(st_, {q}));
  absl::StatusOr<ReadAnswer> sampled = Read(EncodeReadRequest({q}), st_);
  ASSERT_TRUE(sampled.ok()) << sampled.status();
  auto want = DecodeReadResponse(sampled->body);
  ASSERT_TRUE(want.ok()) << want.status();
  ASSERT_EQ(want->size(), 1u);
  ASSERT_EQ(streamed.size(), 3u);
  ASSERT_EQ((*want)[0].size(), 3u);
  for (size_t i = 0; i < streamed.size(); ++i) {
    EXPECT_EQ(streamed[i].query_index, 0);
    EXPECT_EQ(streamed[i].labels, (*want)[0][i].labels);
    EXPECT_TRUE(SameSamples(streamed[i].samples, (*want)[0][i].samples)) << i;
  }
  // In label order: {instance="x"} < {job="a"} < {job="b"}.
  EXPECT_EQ(streamed[0].labels, L({{"__name__", "up"}, {"instance", "x"}}));
  EXPECT_EQ(streamed[1].labels, L({{"__name__", "up"}, {"job", "a"}}));
  EXPECT_TRUE(model::IsStaleNaN(streamed[1].samples[1].v));  // stale markers are sent
  EXPECT_EQ(streamed[2].samples.size(), 250u);
  EXPECT_EQ(streamed[2].chunks, 3);  // 120 + 120 + 10
  EXPECT_EQ(streamed[2].frames, 1);  // far below the 1 MiB frame budget
}

TEST_F(StreamedRead, OnlySamplesInTheQueryRange) {
  const std::vector<StreamedSeries> got = DecodeStream(StreamedBody(
      st_, {Q(1000 + 100 * 15'000, 1000 + 200 * 15'000 - 1, {{MT::kEqual, "job", "b"}})}));
  ASSERT_EQ(got.size(), 1u);
  ASSERT_EQ(got[0].samples.size(), 100u);
  EXPECT_EQ(got[0].samples.front().t, 1000 + 100 * 15'000);
  EXPECT_EQ(got[0].samples.back().t, 1000 + 199 * 15'000);
  EXPECT_EQ(got[0].chunks, 1);
  // Series without samples in range, no matchers, an inverted range: no frames at all.
  EXPECT_EQ(StreamedBody(st_, {Q(3000, 4000, {{MT::kEqual, "job", "a"}})}), "");
  EXPECT_EQ(StreamedBody(st_, {Q(0, 10'000, {})}), "");
  EXPECT_EQ(StreamedBody(st_, {Q(10'000, 0, {{MT::kEqual, "job", "a"}})}), "");
}

TEST_F(StreamedRead, QueryIndexFollowsRequestOrder) {
  const std::vector<StreamedSeries> got =
      DecodeStream(StreamedBody(st_, {Q(0, 10'000'000, {{MT::kEqual, "__name__", "other"}}),
                                      Q(0, 10'000'000, {{MT::kEqual, "job", "nope"}}),
                                      Q(0, 10'000'000, {{MT::kRegexMatch, "job", "a|b"}})}));
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].query_index, 0);
  EXPECT_EQ(got[0].labels, L({{"__name__", "other"}}));
  EXPECT_TRUE(SameSamples(got[0].samples, {{1000, 5}}));
  EXPECT_EQ(got[1].query_index, 2);  // query 1 matched nothing and sent nothing
  EXPECT_EQ(got[1].labels.Get("job"), "a");
  EXPECT_EQ(got[2].query_index, 2);
  EXPECT_EQ(got[2].labels.Get("job"), "b");
}

TEST_F(StreamedRead, SampleLimitDoesNotApply) {
  const ReadQuery q = Q(0, 10'000'000, {{MT::kEqual, "job", "b"}});
  const std::vector<StreamedSeries> got =
      DecodeStream(StreamedBody(st_, {q}, {.sample_limit = 10}));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].samples.size(), 250u);
  EXPECT_EQ(Read(EncodeReadRequest({q}), st_, {.sample_limit = 10}).status().code(),
            absl::StatusCode::kResourceExhausted);
}

TEST(StreamedReadHints, FuncSeriesStillSendsChunks) {
  // Prometheus's chunk querier ignores func "series"; the sampled answer from the head (which
  // honours the hint) drops the samples.
  tsdb::head::Head head({});
  ASSERT_TRUE(
      Write(EncodeWriteRequest({{L({{"__name__", "up"}, {"job", "a"}}), {{1000, 1}, {2000, 2}}}}),
            head)
          .ok());
  auto request = [](prometheus::ReadRequest::ResponseType type) {
    prometheus::ReadRequest req;
    prometheus::Query* q = req.add_queries();
    q->set_start_timestamp_ms(0);
    q->set_end_timestamp_ms(10'000);
    prometheus::LabelMatcher* m = q->add_matchers();
    m->set_type(prometheus::LabelMatcher::EQ);
    m->set_name("job");
    m->set_value("a");
    q->mutable_hints()->set_func("series");
    q->mutable_hints()->set_start_ms(0);
    q->mutable_hints()->set_end_ms(10'000);
    req.add_accepted_response_types(type);
    std::string raw = req.SerializeAsString(), body;
    snappy::Compress(raw.data(), raw.size(), &body);
    return body;
  };
  absl::StatusOr<ReadAnswer> streamed =
      Read(request(prometheus::ReadRequest::STREAMED_XOR_CHUNKS), head);
  ASSERT_TRUE(streamed.ok()) << streamed.status();
  const std::vector<StreamedSeries> got = DecodeStream(streamed->body);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_TRUE(SameSamples(got[0].samples, {{1000, 1}, {2000, 2}}));

  absl::StatusOr<ReadAnswer> sampled = Read(request(prometheus::ReadRequest::SAMPLES), head);
  ASSERT_TRUE(sampled.ok()) << sampled.status();
  auto results = DecodeReadResponse(sampled->body);
  ASSERT_TRUE(results.ok()) << results.status();
  ASSERT_EQ((*results)[0].size(), 1u);
  EXPECT_THAT((*results)[0][0].samples, IsEmpty());
}

TEST_F(StreamedRead, ErrorsAreStatuses) {
  auto bad = Read(EncodeReadRequest({Q(0, 100, {{MT::kRegexMatch, "job", "a("}})}, kStreamed), st_);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(StreamedReadBytes, TheExampleOfTheFormatDocument) {
  // docs/format/remote-read-stream.md, "Example", byte for byte.
  tsdb::MemStorage st;
  Add(st, L({{"__name__", "up"}}), {{1000, 1.0}, {16000, 1.0}, {31000, 1.0}, {46005, 2.0}});
  const std::string body = StreamedBody(st, {Q(0, 100'000, {{MT::kEqual, "__name__", "up"}})});
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (char c : body) {
    hex.push_back(kDigits[static_cast<uint8_t>(c) >> 4]);
    hex.push_back(kDigits[static_cast<uint8_t>(c) & 15]);
  }
  EXPECT_EQ(hex,
            "33"
            "1e489c18"
            "0a31"
            "0a0e0a085f5f6e616d655f5f12027570"
            "121f"
            "08e807"
            "10b5e702"
            "1801"
            "22140004d00f3ff000000000000098751000b84bffe0");
}

// A long series with a small frame budget: split over several frames as Prometheus splits it.
TEST(StreamedReadFrames, FrameLimitSplitsALongSeries) {
  tsdb::MemStorage st;
  const model::Labels labels = L({{"__name__", "long"}, {"job", "j"}});
  const std::vector<model::Sample> samples = Regular(5000, 0, 15'000);
  Add(st, labels, samples);
  Add(st, L({{"__name__", "long"}, {"job", "k"}}), Regular(10, 0, 15'000));
  constexpr int64_t kMax = 2048;
  const ReadQuery q = Q(0, 5000 * 15'000, {{MT::kEqual, "__name__", "long"}});
  const std::string body = StreamedBody(st, {q}, {.max_bytes_in_frame = kMax});
  absl::StatusOr<std::vector<Frame>> frames = ParseFrames(body);
  ASSERT_TRUE(frames.ok()) << frames.status();

  // Prometheus's rule: labels and chunks are added until their message sizes reach the budget.
  int64_t label_bytes = 0;
  for (const prometheus::Label& l : (*frames)[0].msg.chunked_series(0).labels()) {
    label_bytes += static_cast<int64_t>(l.ByteSizeLong());
  }
  size_t series_j_frames = 0;
  for (size_t i = 0; i < frames->size(); ++i) {
    const prometheus::ChunkedSeries& cs = (*frames)[i].msg.chunked_series(0);
    if (LabelsOf(cs) != labels) continue;
    ++series_j_frames;
    int64_t chunk_bytes = 0;
    int64_t largest = 0;
    for (const prometheus::Chunk& c : cs.chunks()) {
      chunk_bytes += static_cast<int64_t>(c.ByteSizeLong());
      largest = std::max<int64_t>(largest, static_cast<int64_t>(c.ByteSizeLong()));
    }
    const bool last_of_series =
        i + 1 == frames->size() || LabelsOf((*frames)[i + 1].msg.chunked_series(0)) != labels;
    if (!last_of_series) {
      EXPECT_GE(label_bytes + chunk_bytes, kMax) << "frame " << i << " cut early";
    }
    EXPECT_LT(label_bytes + chunk_bytes - largest, kMax) << "frame " << i << " cut late";
    // The frame as sent: over the budget by at most one chunk and the messages' framing.
    EXPECT_LE(static_cast<int64_t>((*frames)[i].data_size), kMax + largest + 64) << i;
  }
  EXPECT_GT(series_j_frames, 5u);

  const std::vector<StreamedSeries> got = DecodeStream(body);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].labels, labels);
  EXPECT_EQ(got[0].frames, static_cast<int>(series_j_frames));
  EXPECT_TRUE(SameSamples(got[0].samples, samples));
  EXPECT_EQ(got[1].frames, 1);

  // With the default budget the whole series is one frame.
  const std::vector<StreamedSeries> whole = DecodeStream(StreamedBody(st, {q}));
  ASSERT_EQ(whole.size(), 2u);
  EXPECT_EQ(whole[0].frames, 1);
  EXPECT_TRUE(SameSamples(whole[0].samples, samples));
}

TEST(StreamedReadFrames, ZeroBudgetSendsAChunkPerFrame) {
  tsdb::MemStorage st;
  Add(st, L({{"__name__", "m"}}), Regular(250, 0, 1000));
  const std::vector<StreamedSeries> got = DecodeStream(StreamedBody(
      st, {Q(0, 1'000'000, {{MT::kEqual, "__name__", "m"}})}, {.max_bytes_in_frame = 0}));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].frames, 3);
  EXPECT_EQ(got[0].chunks, 3);
  EXPECT_EQ(got[0].samples.size(), 250u);
}

}  // namespace
}  // namespace sextant::api::remote
