#include "remote/codec.h"

#include <bit>
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <snappy.h>

#include "api/remote/prompb/remote.pb.h"
#include "api/remote/prompb/write_v2.pb.h"
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

namespace v2 = io::prometheus::write::v2;

v2::Request DecodeV2(const std::string& compressed) {
  std::string raw;
  EXPECT_TRUE(snappy::Uncompress(compressed.data(), compressed.size(), &raw));
  v2::Request req;
  EXPECT_TRUE(req.ParseFromString(raw));
  return req;
}

// The symbol a reference names; "<bad ref>" when out of range.
std::string Symbol(const v2::Request& req, uint32_t ref) {
  return ref < static_cast<uint32_t>(req.symbols_size()) ? req.symbols(static_cast<int>(ref))
                                                         : "<bad ref>";
}

// The series' labels, resolved through the symbol table.
std::vector<std::pair<std::string, std::string>> ResolvedLabels(const v2::Request& req,
                                                                const v2::TimeSeries& ts) {
  std::vector<std::pair<std::string, std::string>> out;
  EXPECT_EQ(ts.labels_refs_size() % 2, 0);
  for (int i = 0; i + 1 < ts.labels_refs_size(); i += 2) {
    out.emplace_back(Symbol(req, ts.labels_refs(i)), Symbol(req, ts.labels_refs(i + 1)));
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> Pairs(const model::Labels& labels) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const model::Label& l : labels) out.emplace_back(l.name, l.value);
  return out;
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

TEST(CodecV2, RoundTripsLabelsSamplesAndMetadataThroughTheGeneratedParser) {
  auto counter = std::make_shared<const MetricMetadata>(
      MetricMetadata{MetricType::kCounter, "http_requests_total", "Requests served.", ""});
  auto gauge = std::make_shared<const MetricMetadata>(
      MetricMetadata{MetricType::kGauge, "temp_celsius", "Temperature.", "celsius"});
  const std::string long_value(300, 'x');  // a length that needs a two-byte varint
  std::vector<SeriesSample> samples = {
      {1, model::Labels::FromPairs({{"__name__", "http_requests_total"}, {"code", "200"}}),
       1700000000123, 7, counter},
      {2, model::Labels::FromPairs({{"__name__", "temp_celsius"}, {"room", long_value}}), -5, -2.5,
       gauge},
      {3, model::Labels::FromPairs({{"__name__", "no_metadata"}}), 0, 0},
      {4, model::Labels(), std::numeric_limits<int64_t>::max(),
       std::numeric_limits<double>::infinity()},
  };
  std::string scratch, body;
  EncodeSnappyWriteRequestV2(samples, &scratch, &body);
  const v2::Request req = DecodeV2(body);

  ASSERT_GE(req.symbols_size(), 1);
  EXPECT_EQ(req.symbols(0), "");
  ASSERT_EQ(req.timeseries_size(), 4);
  for (int i = 0; i < 4; ++i) {
    const v2::TimeSeries& ts = req.timeseries(i);
    const SeriesSample& want = samples[i];
    EXPECT_EQ(ResolvedLabels(req, ts), Pairs(want.labels.get())) << i;
    ASSERT_EQ(ts.samples_size(), 1) << i;
    EXPECT_EQ(ts.samples(0).timestamp(), want.timestamp_ms);
    EXPECT_EQ(ts.samples(0).value(), want.value);
    EXPECT_EQ(ts.samples(0).start_timestamp(), 0);
    EXPECT_EQ(ts.histograms_size(), 0);
    EXPECT_EQ(ts.exemplars_size(), 0);
  }
  const v2::Metadata& m0 = req.timeseries(0).metadata();
  EXPECT_EQ(m0.type(), v2::Metadata::METRIC_TYPE_COUNTER);
  EXPECT_EQ(Symbol(req, m0.help_ref()), "Requests served.");
  EXPECT_EQ(m0.unit_ref(), 0u);  // no unit: the "" symbol
  const v2::Metadata& m1 = req.timeseries(1).metadata();
  EXPECT_EQ(m1.type(), v2::Metadata::METRIC_TYPE_GAUGE);
  EXPECT_EQ(Symbol(req, m1.help_ref()), "Temperature.");
  EXPECT_EQ(Symbol(req, m1.unit_ref()), "celsius");
  for (int i : {2, 3}) {
    EXPECT_TRUE(req.timeseries(i).has_metadata()) << i;  // sent empty, as Prometheus does
    EXPECT_EQ(req.timeseries(i).metadata().type(), v2::Metadata::METRIC_TYPE_UNSPECIFIED);
    EXPECT_EQ(req.timeseries(i).metadata().help_ref(), 0u);
    EXPECT_EQ(req.timeseries(i).metadata().unit_ref(), 0u);
  }
  // A 1.0 parser skips every field of it as unknown and finds an empty request: what a 1.0-only
  // receiver that ignores Content-Type writes (nothing), hence the written-count check of
  // write_client.h.
  std::string raw;
  ASSERT_TRUE(snappy::Uncompress(body.data(), body.size(), &raw));
  prometheus::WriteRequest v1;
  ASSERT_TRUE(v1.ParseFromString(raw));
  EXPECT_EQ(v1.timeseries_size(), 0);
  EXPECT_EQ(v1.metadata_size(), 0);
}

TEST(CodecV2, EveryMetricTypeKeepsItsNumber) {
  const std::vector<std::pair<MetricType, v2::Metadata::MetricType>> types = {
      {MetricType::kUnknown, v2::Metadata::METRIC_TYPE_UNSPECIFIED},
      {MetricType::kCounter, v2::Metadata::METRIC_TYPE_COUNTER},
      {MetricType::kGauge, v2::Metadata::METRIC_TYPE_GAUGE},
      {MetricType::kHistogram, v2::Metadata::METRIC_TYPE_HISTOGRAM},
      {MetricType::kGaugeHistogram, v2::Metadata::METRIC_TYPE_GAUGEHISTOGRAM},
      {MetricType::kSummary, v2::Metadata::METRIC_TYPE_SUMMARY},
      {MetricType::kInfo, v2::Metadata::METRIC_TYPE_INFO},
      {MetricType::kStateset, v2::Metadata::METRIC_TYPE_STATESET},
  };
  std::vector<SeriesSample> samples;
  for (const auto& [type, unused] : types) {
    samples.push_back({0, model::Labels::FromPairs({{"__name__", "m"}}), 1, 1,
                       std::make_shared<const MetricMetadata>(MetricMetadata{type, "m", "", ""})});
  }
  std::string scratch, body;
  EncodeSnappyWriteRequestV2(samples, &scratch, &body);
  const v2::Request req = DecodeV2(body);
  ASSERT_EQ(req.timeseries_size(), static_cast<int>(types.size()));
  for (size_t i = 0; i < types.size(); ++i) {
    EXPECT_EQ(req.timeseries(static_cast<int>(i)).metadata().type(), types[i].second) << i;
  }
}

TEST(CodecV2, EachStringIsOneSymbol) {
  auto meta = std::make_shared<const MetricMetadata>(
      MetricMetadata{MetricType::kGauge, "up", "up", ""});  // help equal to a label value
  std::vector<SeriesSample> samples = {
      {1, model::Labels::FromPairs({{"__name__", "up"}, {"job", "a"}}), 1, 1, meta},
      {2, model::Labels::FromPairs({{"__name__", "up"}, {"job", "b"}}), 1, 1, meta},
      {1, model::Labels::FromPairs({{"__name__", "up"}, {"job", "a"}}), 2, 1, meta},
      {3, model::Labels::FromPairs({{"__name__", "job"}, {"empty", ""}}), 1, 1},
  };
  std::string raw;
  EncodeWriteRequestV2(samples, &raw);
  v2::Request req;
  ASSERT_TRUE(req.ParseFromString(raw));
  // First use order after "": __name__, up, job, a, b, empty.
  const std::vector<std::string> want = {"", "__name__", "up", "job", "a", "b", "empty"};
  ASSERT_EQ(req.symbols_size(), static_cast<int>(want.size()));
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(req.symbols(static_cast<int>(i)), want[i]);
  // Identical strings share a reference; an empty value is the "" symbol.
  EXPECT_EQ(req.timeseries(0).labels_refs(1), req.timeseries(0).metadata().help_ref());
  EXPECT_EQ(req.timeseries(2).labels_refs(3), req.timeseries(0).labels_refs(3));
  EXPECT_EQ(req.timeseries(3).labels_refs(1), 3u);  // "job" as a value: the same symbol
  EXPECT_EQ(req.timeseries(3).labels_refs(3), 0u);
}

TEST(CodecV2, MatchesTheGeneratedSerializerApartFromDefaults) {
  auto meta = std::make_shared<const MetricMetadata>(
      MetricMetadata{MetricType::kHistogram, "m", "Help.", "seconds"});
  std::vector<SeriesSample> samples = {
      {7, model::Labels::FromPairs({{"__name__", "m"}, {"a", "b"}}), 42, 3.5, meta},
      {8, model::Labels::FromPairs({{"__name__", "m"}, {"a", "c"}}), 43, 4.5}};
  std::string raw;
  EncodeWriteRequestV2(samples, &raw);

  v2::Request req;
  for (const char* s : {"", "__name__", "m", "a", "b", "Help.", "seconds", "c"}) {
    req.add_symbols(s);
  }
  v2::TimeSeries* ts = req.add_timeseries();
  for (uint32_t ref : {1, 2, 3, 4}) ts->add_labels_refs(ref);
  v2::Sample* s = ts->add_samples();
  s->set_value(3.5);
  s->set_timestamp(42);
  ts->mutable_metadata()->set_type(v2::Metadata::METRIC_TYPE_HISTOGRAM);
  ts->mutable_metadata()->set_help_ref(5);
  ts->mutable_metadata()->set_unit_ref(6);
  ts = req.add_timeseries();
  for (uint32_t ref : {1, 2, 3, 7}) ts->add_labels_refs(ref);
  s = ts->add_samples();
  s->set_value(4.5);
  s->set_timestamp(43);
  ts->mutable_metadata();  // present and empty
  EXPECT_EQ(raw, req.SerializeAsString());
}

TEST(CodecV2, KeepsNaNBits) {
  const uint64_t stale_bits = 0x7ff0000000000002ULL;
  std::vector<SeriesSample> samples = {
      {1, model::Labels::FromPairs({{"__name__", "x"}}), 10, std::bit_cast<double>(stale_bits)}};
  std::string scratch, body;
  EncodeSnappyWriteRequestV2(samples, &scratch, &body);
  const v2::Request req = DecodeV2(body);
  ASSERT_EQ(req.timeseries_size(), 1);
  EXPECT_EQ(std::bit_cast<uint64_t>(req.timeseries(0).samples(0).value()), stale_bits);
}

TEST(CodecV2, EmptyBatchHasOnlyTheEmptySymbol) {
  std::string scratch = "garbage", body = "garbage";
  EncodeSnappyWriteRequestV2({}, &scratch, &body);
  const v2::Request req = DecodeV2(body);
  EXPECT_EQ(req.timeseries_size(), 0);
  ASSERT_EQ(req.symbols_size(), 1);
  EXPECT_EQ(req.symbols(0), "");
}

TEST(MetadataRequest, CarriesOnlyMetadataInOrder) {
  const std::vector<MetricMetadata> metadata = {
      {MetricType::kCounter, "http_requests_total", "Requests served.", ""},
      {MetricType::kGaugeHistogram, "queue_wait", "", "seconds"},
      {MetricType::kUnknown, "mystery", "", ""},
      {MetricType::kStateset, "state", std::string(200, 'h'), "bytes"},
  };
  std::string scratch, body;
  EncodeSnappyMetadataRequest(metadata, &scratch, &body);
  const prometheus::WriteRequest req = Decode(body);
  EXPECT_EQ(req.timeseries_size(), 0);
  ASSERT_EQ(req.metadata_size(), 4);
  const prometheus::MetricMetadata::MetricType want_types[] = {
      prometheus::MetricMetadata::COUNTER, prometheus::MetricMetadata::GAUGEHISTOGRAM,
      prometheus::MetricMetadata::UNKNOWN, prometheus::MetricMetadata::STATESET};
  for (int i = 0; i < 4; ++i) {
    const prometheus::MetricMetadata& m = req.metadata(i);
    EXPECT_EQ(m.type(), want_types[i]) << i;
    EXPECT_EQ(m.metric_family_name(), metadata[i].metric_family_name);
    EXPECT_EQ(m.help(), metadata[i].help);
    EXPECT_EQ(m.unit(), metadata[i].unit);
  }
}

TEST(MetadataRequest, MatchesTheGeneratedSerializer) {
  const std::vector<MetricMetadata> metadata = {
      {MetricType::kSummary, "rpc_duration_seconds", "RPC latency.", "seconds"},
      {MetricType::kUnknown, "", "", ""}};
  std::string raw;
  EncodeMetadataRequest(metadata, &raw);
  prometheus::WriteRequest req;
  prometheus::MetricMetadata* m = req.add_metadata();
  m->set_type(prometheus::MetricMetadata::SUMMARY);
  m->set_metric_family_name("rpc_duration_seconds");
  m->set_help("RPC latency.");
  m->set_unit("seconds");
  req.add_metadata();
  EXPECT_EQ(raw, req.SerializeAsString());
}

TEST(MetadataRequest, EmptyListIsAnEmptyRequest) {
  std::string scratch = "garbage", body = "garbage";
  EncodeSnappyMetadataRequest({}, &scratch, &body);
  const prometheus::WriteRequest req = Decode(body);
  EXPECT_EQ(req.metadata_size(), 0);
  EXPECT_EQ(req.timeseries_size(), 0);
}

TEST(MetricType, NamesAreThoseOfPrometheus) {
  const std::vector<std::pair<MetricType, std::string>> names = {
      {MetricType::kUnknown, "unknown"},
      {MetricType::kCounter, "counter"},
      {MetricType::kGauge, "gauge"},
      {MetricType::kHistogram, "histogram"},
      {MetricType::kGaugeHistogram, "gaugehistogram"},
      {MetricType::kSummary, "summary"},
      {MetricType::kInfo, "info"},
      {MetricType::kStateset, "stateset"},
  };
  for (const auto& [type, name] : names) {
    EXPECT_EQ(MetricTypeName(type), name);
    EXPECT_EQ(ParseMetricType(name), type) << name;
  }
  EXPECT_EQ(ParseMetricType("Counter"), std::nullopt);
  EXPECT_EQ(ParseMetricType("untyped"), std::nullopt);
  EXPECT_EQ(ParseMetricType(""), std::nullopt);
}

}  // namespace
}  // namespace sextant::remote
