#include "remote/codec.h"

#include <bit>
#include <cmath>
#include <limits>
#include <vector>

#include <snappy.h>

#include "api/remote/prompb/remote.pb.h"
#include "gtest/gtest.h"

namespace sextant::remote {
namespace {

prometheus::WriteRequest Decode(const std::string& compressed) {
  std::string raw;
  EXPECT_TRUE(snappy::Uncompress(compressed.data(), compressed.size(), &raw));
  prometheus::WriteRequest req;
  EXPECT_TRUE(req.ParseFromString(raw));
  return req;
}

TEST(Codec, RoundTripsThroughSnappyAndTheGeneratedParser) {
  const std::string long_value(300, 'x');  // a length that needs a two-byte varint
  std::vector<SeriesSample> samples = {
      {1, model::Labels::FromPairs({{"__name__", "up"}, {"job", "node"}}), 1700000000123, 1},
      {2, model::Labels::FromPairs({{"__name__", "neg"}, {"v", long_value}}), -5, -2.5},
      {1, model::Labels::FromPairs({{"__name__", "up"}, {"job", "node"}}), 0, 0},
      {3, model::Labels(), std::numeric_limits<int64_t>::max(),
       std::numeric_limits<double>::infinity()},
  };
  std::string scratch, body;
  EncodeSnappyWriteRequest(samples, &scratch, &body);
  const prometheus::WriteRequest req = Decode(body);

  ASSERT_EQ(req.timeseries_size(), 4);
  for (int i = 0; i < 4; ++i) {
    const prometheus::TimeSeries& ts = req.timeseries(i);
    const SeriesSample& want = samples[i];
    ASSERT_EQ(static_cast<size_t>(ts.labels_size()), want.labels.size()) << i;
    int j = 0;
    for (const model::Label& l : want.labels) {
      EXPECT_EQ(ts.labels(j).name(), l.name);
      EXPECT_EQ(ts.labels(j).value(), l.value);
      ++j;
    }
    ASSERT_EQ(ts.samples_size(), 1);
    EXPECT_EQ(ts.samples(0).timestamp(), want.timestamp_ms);
    EXPECT_EQ(ts.samples(0).value(), want.value);
    EXPECT_EQ(ts.exemplars_size(), 0);
    EXPECT_EQ(ts.histograms_size(), 0);
  }
}

TEST(Codec, KeepsNaNBits) {
  // Prometheus's stale marker is a NaN with a particular payload; it must survive as is.
  const uint64_t stale_bits = 0x7ff0000000000002ULL;
  std::vector<SeriesSample> samples = {
      {1, model::Labels::FromPairs({{"__name__", "x"}}), 10, std::bit_cast<double>(stale_bits)}};
  std::string scratch, body;
  EncodeSnappyWriteRequest(samples, &scratch, &body);
  const prometheus::WriteRequest req = Decode(body);
  ASSERT_EQ(req.timeseries_size(), 1);
  EXPECT_EQ(std::bit_cast<uint64_t>(req.timeseries(0).samples(0).value()), stale_bits);
}

TEST(Codec, MatchesTheGeneratedSerializerApartFromDefaults) {
  std::vector<SeriesSample> samples = {
      {7, model::Labels::FromPairs({{"__name__", "m"}, {"a", "b"}}), 42, 3.5}};
  std::string raw;
  EncodeWriteRequest(samples, &raw);

  prometheus::WriteRequest req;
  prometheus::TimeSeries* ts = req.add_timeseries();
  for (auto [n, v] : {std::pair{"__name__", "m"}, std::pair{"a", "b"}}) {
    prometheus::Label* l = ts->add_labels();
    l->set_name(n);
    l->set_value(v);
  }
  prometheus::Sample* s = ts->add_samples();
  s->set_value(3.5);
  s->set_timestamp(42);
  EXPECT_EQ(raw, req.SerializeAsString());
}

TEST(Codec, EmptyBatchIsAnEmptyRequest) {
  std::string scratch = "garbage", body = "garbage";
  EncodeSnappyWriteRequest({}, &scratch, &body);
  EXPECT_EQ(Decode(body).timeseries_size(), 0);
}

}  // namespace
}  // namespace sextant::remote
