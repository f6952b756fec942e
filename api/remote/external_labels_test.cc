// External labels in remote-read answers, against what Prometheus's read handler does
// (read_handler.go filterExtLabelsFromMatchers and codec.go MergeLabels): the rewrite of the
// matchers, the labels each series is sent with, in both answer types.

#include "api/remote/external_labels.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "api/remote/prompb/remote.pb.h"
#include "api/remote/prompb/types.pb.h"
#include "api/remote/read_stream.h"
#include "api/remote/remote.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tsdb/mem_storage.h"

namespace sextant::api::remote {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using MT = model::MatchType;

model::Labels L(std::initializer_list<std::pair<std::string_view, std::string_view>> pairs) {
  return model::Labels::FromPairs(pairs);
}

const model::Labels kExternal = L({{"cluster", "eu"}, {"replica", "a"}});

model::Matcher M(MT type, std::string_view name, std::string_view value) {
  absl::StatusOr<model::Matcher> m = model::Matcher::Create(type, name, value);
  EXPECT_TRUE(m.ok()) << m.status();
  return *m;
}

std::vector<std::string> Strings(const std::vector<model::Matcher>& matchers) {
  std::vector<std::string> out;
  for (const model::Matcher& m : matchers) out.push_back(m.ToString());
  return out;
}

model::Labels FromVector(const std::vector<model::Label>& labels) {
  return model::Labels::FromSorted(labels);
}

// ---- The two functions ----

TEST(FilterExternalLabelMatchers, OnlyEqualityMatchersTheValueSatisfiesBecomeEmpty) {
  EXPECT_THAT(Strings(FilterExternalLabelMatchers(
                  {M(MT::kEqual, "__name__", "up"), M(MT::kEqual, "cluster", "eu"),
                   M(MT::kEqual, "replica", "b"), M(MT::kRegexMatch, "cluster", "e.*"),
                   M(MT::kNotEqual, "cluster", "eu"), M(MT::kRegexNoMatch, "replica", "a"),
                   M(MT::kEqual, "job", ""), M(MT::kEqual, "replica", "a")},
                  kExternal)),
              ElementsAre("__name__=\"up\"", "cluster=\"\"", "replica=\"b\"", "cluster=~\"e.*\"",
                          "cluster!=\"eu\"", "replica!~\"a\"", "job=\"\"", "replica=\"\""));
}

TEST(FilterExternalLabelMatchers, NoExternalLabelsChangeNothing) {
  EXPECT_THAT(Strings(FilterExternalLabelMatchers({M(MT::kEqual, "cluster", "eu")}, {})),
              ElementsAre("cluster=\"eu\""));
}

TEST(MergeExternalLabels, SortedByNameTheSeriesOwnLabelWins) {
  const model::Labels series = L({{"__name__", "up"}, {"cluster", "us"}, {"job", "x"}});
  EXPECT_EQ(FromVector(MergeExternalLabels(series, kExternal)),
            L({{"__name__", "up"}, {"cluster", "us"}, {"job", "x"}, {"replica", "a"}}));
  const model::Labels zoned = L({{"__name__", "up"}, {"zone", "1"}});  // the views borrow it
  const std::vector<model::Label> merged = MergeExternalLabels(zoned, kExternal);
  ASSERT_EQ(merged.size(), 4u);
  EXPECT_EQ(merged[0].name, "__name__");
  EXPECT_EQ(merged[1], (model::Label{"cluster", "eu"}));
  EXPECT_EQ(merged[2], (model::Label{"replica", "a"}));
  EXPECT_EQ(merged[3], (model::Label{"zone", "1"}));
  EXPECT_EQ(FromVector(MergeExternalLabels(series, {})), series);
}

// Frames without their checks (read_stream_test.cc checks the framing itself).
std::vector<prometheus::ChunkedReadResponse> Frames(std::string_view body) {
  std::vector<prometheus::ChunkedReadResponse> out;
  while (!body.empty()) {
    uint64_t len = 0;
    for (int shift = 0;; shift += 7) {
      const uint8_t b = static_cast<uint8_t>(body[0]);
      body.remove_prefix(1);
      len |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (b < 0x80) break;
    }
    EXPECT_GE(body.size(), 4 + len);
    if (body.size() < 4 + len) break;
    EXPECT_TRUE(out.emplace_back().ParseFromArray(body.data() + 4, static_cast<int>(len)));
    body.remove_prefix(4 + len);
  }
  return out;
}

// ---- Read() with external labels {cluster="eu", replica="a"} ----

class ExternalLabelsRead : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const model::Labels& l :
         {L({{"__name__", "up"}, {"job", "a"}}), L({{"__name__", "up"}, {"job", "b"}}),
          L({{"__name__", "up"}, {"cluster", "us"}, {"job", "c"}})}) {
      ASSERT_TRUE(st_.Add(l, 10, 1).ok());
    }
  }

  // The labels of the series one SAMPLES query returns, in answer order.
  std::vector<model::Labels> Sampled(std::vector<ReadQuery::MatcherSpec> matchers) {
    absl::StatusOr<ReadAnswer> answer =
        Read(EncodeReadRequest({{0, 100, std::move(matchers)}}), st_, options_);
    EXPECT_TRUE(answer.ok()) << answer.status();
    if (!answer.ok()) return {};
    auto results = DecodeReadResponse(answer->body);
    EXPECT_TRUE(results.ok()) << results.status();
    if (!results.ok() || results->size() != 1) return {};
    std::vector<model::Labels> out;
    for (const ReadSeries& s : (*results)[0]) {
      EXPECT_EQ(s.samples, (std::vector<model::Sample>{{10, 1}}));
      out.push_back(s.labels);
    }
    return out;
  }

  // The same through a STREAMED_XOR_CHUNKS answer; labels as sent (order checked).
  std::vector<model::Labels> Streamed(std::vector<ReadQuery::MatcherSpec> matchers) {
    absl::StatusOr<ReadAnswer> answer =
        Read(EncodeReadRequest({{0, 100, std::move(matchers)}}, {ResponseType::kStreamedXorChunks}),
             st_, options_);
    EXPECT_TRUE(answer.ok()) << answer.status();
    if (!answer.ok()) return {};
    std::vector<model::Labels> out;
    for (const prometheus::ChunkedReadResponse& frame : Frames(answer->body)) {
      EXPECT_EQ(frame.chunked_series_size(), 1);
      for (const prometheus::ChunkedSeries& cs : frame.chunked_series()) {
        std::vector<model::Label> labels;
        for (const prometheus::Label& l : cs.labels()) labels.push_back({l.name(), l.value()});
        EXPECT_TRUE(std::is_sorted(labels.begin(), labels.end(),
                                   [](const auto& a, const auto& b) { return a.name < b.name; }));
        out.push_back(model::Labels::FromSorted(labels));
      }
    }
    return out;
  }

  // Both answer types must agree; returns the labels.
  std::vector<model::Labels> Both(const std::vector<ReadQuery::MatcherSpec>& matchers) {
    std::vector<model::Labels> sampled = Sampled(matchers);
    EXPECT_EQ(Streamed(matchers), sampled);
    return sampled;
  }

  tsdb::MemStorage st_;
  ReadOptions options_{.external_labels = kExternal};
};

const ReadQuery::MatcherSpec kUp{MT::kEqual, "__name__", "up"};

TEST_F(ExternalLabelsRead, EverySeriesCarriesThemItsOwnClusterWins) {
  // In the order of the stored labels: {cluster="us", job="c"} < {job="a"} < {job="b"}.
  EXPECT_THAT(
      Both({kUp}),
      ElementsAre(L({{"__name__", "up"}, {"cluster", "us"}, {"job", "c"}, {"replica", "a"}}),
                  L({{"__name__", "up"}, {"cluster", "eu"}, {"job", "a"}, {"replica", "a"}}),
                  L({{"__name__", "up"}, {"cluster", "eu"}, {"job", "b"}, {"replica", "a"}})));
}

TEST_F(ExternalLabelsRead, WithoutExternalLabelsTheStoredLabels) {
  options_.external_labels = {};
  EXPECT_THAT(Both({kUp, {MT::kEqual, "job", "a"}}),
              ElementsAre(L({{"__name__", "up"}, {"job", "a"}})));
}

std::vector<std::string> Jobs(const std::vector<model::Labels>& series) {
  std::vector<std::string> out;
  for (const model::Labels& l : series) out.emplace_back(l.Get("job"));
  return out;
}

TEST_F(ExternalLabelsRead, EqualityOnTheExternalValueSelectsSeriesWithoutTheLabel) {
  EXPECT_THAT(Jobs(Both({kUp, {MT::kEqual, "cluster", "eu"}})), ElementsAre("a", "b"));
  EXPECT_THAT(Jobs(Both({kUp, {MT::kEqual, "cluster", "eu"}, {MT::kEqual, "replica", "a"}})),
              ElementsAre("a", "b"));
  // As the only matcher: `cluster=""` alone selects every series without a cluster label.
  EXPECT_THAT(Jobs(Both({{MT::kEqual, "cluster", "eu"}})), ElementsAre("a", "b"));
}

TEST_F(ExternalLabelsRead, EqualityOnAnotherValueIsMatchedAgainstStoredLabels) {
  // Only the series whose own label is cluster="us".
  EXPECT_THAT(Jobs(Both({kUp, {MT::kEqual, "cluster", "us"}})), ElementsAre("c"));
  EXPECT_THAT(Both({kUp, {MT::kEqual, "replica", "b"}}), IsEmpty());
}

TEST_F(ExternalLabelsRead, RegexAndNegativeMatchersIgnoreTheExternalValue) {
  EXPECT_THAT(Both({kUp, {MT::kRegexMatch, "cluster", "eu"}}), IsEmpty());
  EXPECT_THAT(Both({kUp, {MT::kRegexMatch, "cluster", "e.*"}}), IsEmpty());
  EXPECT_THAT(Jobs(Both({kUp, {MT::kRegexMatch, "cluster", "e.*|us"}})), ElementsAre("c"));
  EXPECT_THAT(Jobs(Both({kUp, {MT::kRegexMatch, "replica", ".*"}})), ElementsAre("c", "a", "b"));
  EXPECT_THAT(Jobs(Both({kUp, {MT::kNotEqual, "cluster", "eu"}})), ElementsAre("c", "a", "b"));
  EXPECT_THAT(Jobs(Both({kUp, {MT::kRegexNoMatch, "cluster", "us"}})), ElementsAre("a", "b"));
}

TEST(ExternalLabelsReadOrder, SeriesKeepTheOrderOfTheirStoredLabels) {
  // Stored: {__name__="x"} < {__name__="x", a="1"}; with the external labels the second sorts
  // first ("a" < "cluster"), but Prometheus sends them in stored order, and so does Read().
  tsdb::MemStorage st;
  ASSERT_TRUE(st.Add(L({{"__name__", "x"}, {"a", "1"}}), 10, 1).ok());
  ASSERT_TRUE(st.Add(L({{"__name__", "x"}}), 10, 2).ok());
  const ReadOptions options{.external_labels = kExternal};
  for (ResponseType type : {ResponseType::kSamples, ResponseType::kStreamedXorChunks}) {
    absl::StatusOr<ReadAnswer> answer =
        Read(EncodeReadRequest({{0, 100, {{MT::kEqual, "__name__", "x"}}}}, {type}), st, options);
    ASSERT_TRUE(answer.ok()) << answer.status();
    std::vector<std::string> as;
    if (type == ResponseType::kSamples) {
      auto results = DecodeReadResponse(answer->body);
      ASSERT_TRUE(results.ok()) << results.status();
      for (const ReadSeries& s : (*results)[0]) as.emplace_back(s.labels.Get("a"));
    } else {
      for (const auto& f : Frames(answer->body)) {
        as.emplace_back(f.chunked_series(0).labels(1).name() == "a"
                            ? f.chunked_series(0).labels(1).value()
                            : "");
      }
    }
    EXPECT_THAT(as, ElementsAre("", "1")) << static_cast<int>(type);
  }
}

TEST(ExternalLabelsReadFrames, TheMergedLabelsCountAgainstTheFrameBudget) {
  // One series of 3 chunks. The budget leaves `slack` bytes after its own label and the first
  // chunk: without external labels the first frame takes a second chunk; with them (larger than
  // the slack) the budget is used up after the first chunk.
  std::vector<model::Sample> samples;
  for (int i = 0; i < 250; ++i) samples.push_back({i * 1000, i * 0.5});
  tsdb::MemStorage st;
  for (const model::Sample& s : samples)
    ASSERT_TRUE(st.Add(L({{"__name__", "up"}}), s.t, s.v).ok());
  std::vector<StreamChunk> chunks = EncodeXorChunks(samples, kMaxSamplesPerChunk);
  prometheus::Chunk first;
  first.set_min_time_ms(chunks[0].min_time_ms);
  first.set_max_time_ms(chunks[0].max_time_ms);
  first.set_type(prometheus::Chunk::XOR);
  first.set_data(chunks[0].data);
  prometheus::Label name;
  name.set_name("__name__");
  name.set_value("up");
  const int64_t slack = 5;
  const int64_t budget = static_cast<int64_t>(name.ByteSizeLong() + first.ByteSizeLong()) + slack;

  auto chunks_per_frame = [&](const model::Labels& external) {
    absl::StatusOr<ReadAnswer> answer =
        Read(EncodeReadRequest({{0, 1'000'000, {{MT::kEqual, "__name__", "up"}}}},
                               {ResponseType::kStreamedXorChunks}),
             st, {.max_bytes_in_frame = budget, .external_labels = external});
    EXPECT_TRUE(answer.ok()) << answer.status();
    std::vector<int> out;
    if (answer.ok()) {
      for (const auto& f : Frames(answer->body)) {
        out.push_back(f.chunked_series(0).chunks_size());
      }
    }
    return out;
  };
  EXPECT_THAT(chunks_per_frame({}), ElementsAre(2, 1));
  EXPECT_THAT(chunks_per_frame(kExternal), ElementsAre(1, 1, 1));
}

}  // namespace
}  // namespace sextant::api::remote
