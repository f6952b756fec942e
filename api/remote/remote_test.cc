#include "api/remote/remote.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include <snappy.h>

#include "api/remote/prompb/remote.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/sample.h"
#include "tsdb/mem_storage.h"
#include "util/log.h"

namespace sextant::api::remote {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using MT = model::MatchType;

model::Labels L(std::initializer_list<std::pair<std::string_view, std::string_view>> pairs) {
  return model::Labels::FromPairs(pairs);
}

std::string Snappy(const std::string& raw) {
  std::string out;
  snappy::Compress(raw.data(), raw.size(), &out);
  return out;
}

std::string Unsnappy(std::string_view body) {
  std::string out;
  EXPECT_TRUE(snappy::Uncompress(body.data(), body.size(), &out));
  return out;
}

// Everything stored, read back through the storage's own querier (not through Read()).
std::vector<ReadSeries> Stored(tsdb::Storage& st) {
  auto q = *st.NewQuerier(std::numeric_limits<int64_t>::min() / 2,
                          std::numeric_limits<int64_t>::max() / 2);
  auto m = *model::Matcher::Create(MT::kRegexMatch, "__name__", ".+");
  auto set = q->Select(std::span(&m, 1));
  std::vector<ReadSeries> out;
  while (set->Next()) {
    ReadSeries s{set->At().labels(), {}};
    auto it = set->At().Iterator();
    EXPECT_TRUE(tsdb::ReadAll(*it, &s.samples).ok());
    out.push_back(std::move(s));
  }
  EXPECT_TRUE(set->status().ok());
  return out;
}

// Runs Read() on one query and decodes the answer.
absl::StatusOr<std::vector<ReadSeries>> ReadOne(tsdb::Storage& st, ReadQuery query,
                                                int64_t max_samples = kDefaultReadSampleLimit) {
  absl::StatusOr<ReadAnswer> body =
      Read(EncodeReadRequest({query}), st, {.sample_limit = max_samples});
  if (!body.ok()) return body.status();
  EXPECT_EQ(body->content_type, kReadContentType);
  EXPECT_EQ(body->content_encoding, kReadContentEncoding);
  absl::StatusOr<std::vector<std::vector<ReadSeries>>> results = DecodeReadResponse(body->body);
  if (!results.ok()) return results.status();
  EXPECT_EQ(results->size(), 1u);
  if (results->empty()) return absl::InternalError("no result");
  return (*results)[0];
}

ReadQuery Q(int64_t start, int64_t end, std::vector<ReadQuery::MatcherSpec> matchers) {
  return ReadQuery{start, end, std::move(matchers)};
}

std::vector<std::string> Jobs(const std::vector<ReadSeries>& series) {
  std::vector<std::string> out;
  for (const ReadSeries& s : series) out.emplace_back(s.labels.Get("job"));
  return out;
}

// A WriteRequest built field by field, for label sets model::Labels cannot hold.
std::string RawWrite(const prometheus::WriteRequest& req) {
  return Snappy(req.SerializeAsString());
}

prometheus::TimeSeries* AddSeries(prometheus::WriteRequest* req,
                                  std::vector<std::pair<std::string, std::string>> labels,
                                  std::vector<std::pair<int64_t, double>> samples) {
  prometheus::TimeSeries* ts = req->add_timeseries();
  for (const auto& [n, v] : labels) {
    prometheus::Label* l = ts->add_labels();
    l->set_name(n);
    l->set_value(v);
  }
  for (const auto& [t, v] : samples) {
    prometheus::Sample* s = ts->add_samples();
    s->set_timestamp(t);
    s->set_value(v);
  }
  return ts;
}

TEST(RemoteWrite, RoundTripThroughStorageAndRead) {
  tsdb::MemStorage st;
  WriteStats stats;
  ASSERT_TRUE(Write(EncodeWriteRequest(
                        {{L({{"__name__", "up"}, {"job", "a"}}), {{1000, 1}, {2000, 0}, {3000, 1}}},
                         {L({{"__name__", "temp"}, {"room", "k"}}), {{1500, 21.5}}}}),
                    st, &stats)
                  .ok());
  EXPECT_EQ(stats.series, 2);
  EXPECT_EQ(stats.samples, 4);
  EXPECT_EQ(stats.series_invalid_labels, 0);

  const ReadSeries up{L({{"__name__", "up"}, {"job", "a"}}), {{1000, 1}, {2000, 0}, {3000, 1}}};
  const ReadSeries temp{L({{"__name__", "temp"}, {"room", "k"}}), {{1500, 21.5}}};
  EXPECT_THAT(Stored(st), ElementsAre(temp, up));

  auto got = ReadOne(st, Q(0, 10000, {{MT::kRegexMatch, "__name__", "up|temp"}}));
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_THAT(*got, ElementsAre(temp, up));  // sorted by labels, as the storage returns them
}

TEST(RemoteWrite, EmptyRequestIsOk) {
  tsdb::MemStorage st;
  WriteStats stats;
  stats.samples = 99;
  ASSERT_TRUE(Write(EncodeWriteRequest({}), st, &stats).ok());
  EXPECT_EQ(stats.samples, 0);
  EXPECT_EQ(stats.series, 0);
  EXPECT_THAT(Stored(st), IsEmpty());
}

TEST(RemoteWrite, OutOfOrderSampleInTheMiddleWritesNothing) {
  tsdb::MemStorage st;
  WriteStats stats;
  absl::Status s = Write(EncodeWriteRequest({{L({{"__name__", "a"}}), {{1, 1}, {2, 2}}},
                                             {L({{"__name__", "b"}}), {{5, 1}, {4, 1}, {6, 1}}},
                                             {L({{"__name__", "c"}}), {{1, 1}}}}),
                         st, &stats);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "out of order sample");
  EXPECT_EQ(tsdb::AppendErrorOf(s), tsdb::AppendError::kOutOfOrder);
  EXPECT_THAT(Stored(st), IsEmpty());  // not even series "a", appended before the error
  EXPECT_EQ(stats.samples, 0);         // stats are filled only on success
}

TEST(RemoteWrite, SampleOlderThanStoredOneIsOutOfOrder) {
  tsdb::MemStorage st;
  ASSERT_TRUE(st.Add(L({{"__name__", "a"}}), 100, 1).ok());
  absl::Status s = Write(EncodeWriteRequest({{L({{"__name__", "new"}}), {{10, 1}}},
                                             {L({{"__name__", "a"}}), {{50, 1}}}}),
                         st);
  EXPECT_EQ(tsdb::AppendErrorOf(s), tsdb::AppendError::kOutOfOrder);
  EXPECT_THAT(Stored(st), ElementsAre(ReadSeries{L({{"__name__", "a"}}), {{100, 1}}}));
}

TEST(RemoteWrite, DuplicateTimestampWithOtherValueIsRejected) {
  tsdb::MemStorage st;
  ASSERT_TRUE(st.Add(L({{"__name__", "a"}}), 100, 1).ok());
  absl::Status s = Write(EncodeWriteRequest({{L({{"__name__", "a"}}), {{100, 2}}}}), st);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "duplicate sample for timestamp");
  // The identical sample again is accepted and ignored, as in Prometheus.
  EXPECT_TRUE(Write(EncodeWriteRequest({{L({{"__name__", "a"}}), {{100, 1}}}}), st).ok());
}

TEST(RemoteWrite, SampleFarInTheFutureIsOutOfBounds) {
  tsdb::MemStorage st;
  const int64_t year_2200 = 7258118400000;
  absl::Status s =
      Write(EncodeWriteRequest({{L({{"__name__", "a"}}), {{1, 1}, {year_2200, 1}}}}), st);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(tsdb::AppendErrorOf(s), tsdb::AppendError::kOutOfBounds);
  EXPECT_THAT(Stored(st), IsEmpty());
}

TEST(RemoteWrite, StaleMarkersAreStoredBitForBit) {
  tsdb::MemStorage st;
  ASSERT_TRUE(
      Write(EncodeWriteRequest({{L({{"__name__", "a"}}), {{1, 1}, {2, model::StaleNaN()}}}}), st)
          .ok());
  auto stored = Stored(st);
  ASSERT_EQ(stored.size(), 1u);
  ASSERT_EQ(stored[0].samples.size(), 2u);
  EXPECT_TRUE(model::IsStaleNaN(stored[0].samples[1].v));
}

TEST(RemoteWrite, InvalidLabelsSkipTheSeriesAndAreCounted) {
  prometheus::WriteRequest req;
  AddSeries(&req, {{"job", "no_name"}}, {{1, 1}, {2, 1}});
  AddSeries(&req, {{"__name__", ""}, {"job", "empty_name_value"}}, {{1, 1}});
  AddSeries(&req, {{"__name__", "x"}, {"", "v"}}, {{1, 1}});
  AddSeries(&req, {{"__name__", "x"}, {"job", "a"}, {"job", "b"}}, {{1, 1}});
  AddSeries(&req, {{"__name__", "x"}, {"job", "bad\xff"}}, {{1, 1}});
  AddSeries(&req,
            {{"__name__", "x"},
             {"jo\xc0\xaf"
              "b",
              "overlong"}},
            {{1, 1}});
  AddSeries(&req, {{"__name__", "x"}, {"job", "\xed\xa0\x80"}}, {{1, 1}});  // a surrogate
  AddSeries(&req, {{"__name__", "ok"}, {"job", "j"}}, {{1, 1}, {2, 2}});
  tsdb::MemStorage st;
  WriteStats stats;
  int warnings = 0;
  util::SetLogSinkForTesting([&](std::string_view record) {
    if (record.find("Invalid metric names or labels") != std::string_view::npos) ++warnings;
  });
  absl::Status status = Write(RawWrite(req), st, &stats);
  util::SetLogSinkForTesting(nullptr);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(warnings, 7);
  EXPECT_EQ(stats.series_invalid_labels, 7);
  EXPECT_EQ(stats.samples_invalid_labels, 8);
  EXPECT_EQ(stats.series, 1);
  EXPECT_EQ(stats.samples, 2);
  EXPECT_THAT(Stored(st),
              ElementsAre(ReadSeries{L({{"__name__", "ok"}, {"job", "j"}}), {{1, 1}, {2, 2}}}));
}

TEST(RemoteWrite, LabelsAreSortedEmptyValuesDroppedUtf8NamesAccepted) {
  prometheus::WriteRequest req;
  AddSeries(&req, {{"zone", "z"}, {"__name__", "m"}, {"empty", ""}, {"job", "a"}}, {{1, 1}});
  AddSeries(&req, {{"__name__", "http.requests"}, {"größe", "groß"}}, {{1, 2}});
  tsdb::MemStorage st;
  WriteStats stats;
  ASSERT_TRUE(Write(RawWrite(req), st, &stats).ok());
  EXPECT_EQ(stats.series, 2);
  EXPECT_EQ(stats.series_invalid_labels, 0);
  EXPECT_THAT(
      Stored(st),
      ElementsAre(ReadSeries{L({{"__name__", "http.requests"}, {"größe", "groß"}}), {{1, 2}}},
                  ReadSeries{L({{"__name__", "m"}, {"job", "a"}, {"zone", "z"}}), {{1, 1}}}));
}

TEST(RemoteWrite, ExemplarsHistogramsAndMetadataAreCountedNotStored) {
  prometheus::WriteRequest req;
  prometheus::TimeSeries* ts = AddSeries(&req, {{"__name__", "h"}}, {{1, 1}});
  ts->add_exemplars()->set_value(3);
  ts->add_exemplars()->set_value(4);
  prometheus::Histogram* h = ts->add_histograms();
  h->set_count_int(5);
  h->set_schema(3);
  h->add_positive_spans()->set_length(2);
  h->add_positive_deltas(-1);
  h->set_timestamp(2);
  req.add_metadata()->set_metric_family_name("h");
  tsdb::MemStorage st;
  WriteStats stats;
  ASSERT_TRUE(Write(RawWrite(req), st, &stats).ok());
  EXPECT_EQ(stats.exemplars_ignored, 2);
  EXPECT_EQ(stats.histograms_ignored, 1);
  EXPECT_EQ(stats.metadata_ignored, 1);
  EXPECT_EQ(stats.samples, 1);
  EXPECT_THAT(Stored(st), ElementsAre(ReadSeries{L({{"__name__", "h"}}), {{1, 1}}}));
}

// The bytes a Prometheus sender puts on the wire, written by hand from Prometheus's field numbers:
// checks our .proto against theirs rather than against itself.
TEST(RemoteWrite, DecodesPrometheusWireBytes) {
  std::string label_name = std::string("\x0a\x08__name__\x12\x02up", 14);
  std::string label_job = std::string("\x0a\x03job\x12\x01x", 8);
  std::string sample = "\x09";  // value: field 1, fixed64
  double v = 1.5;
  char v_bytes[8];
  std::memcpy(v_bytes, &v, 8);  // little-endian on every platform Sextant builds on
  sample.append(v_bytes, 8);
  sample += "\x10\xe8\x07";  // timestamp: field 2, varint 1000
  std::string series;
  series += "\x0a" + std::string(1, static_cast<char>(label_name.size())) + label_name;
  series += "\x0a" + std::string(1, static_cast<char>(label_job.size())) + label_job;
  series += "\x12" + std::string(1, static_cast<char>(sample.size())) + sample;
  std::string req = "\x0a" + std::string(1, static_cast<char>(series.size())) + series;

  tsdb::MemStorage st;
  ASSERT_TRUE(Write(Snappy(req), st).ok());
  EXPECT_THAT(Stored(st),
              ElementsAre(ReadSeries{L({{"__name__", "up"}, {"job", "x"}}), {{1000, 1.5}}}));
}

TEST(RemoteWrite, BadSnappyIsInvalidArgument) {
  tsdb::MemStorage st;
  std::string valid = EncodeWriteRequest({{L({{"__name__", "a"}}), {{1, 1}, {2, 2}}}});
  std::string truncated = valid.substr(0, valid.size() - 3);
  for (const std::string& body :
       {std::string(), std::string("\xff\xff\xff\xff\xff\xff"), truncated}) {
    absl::Status s = Write(body, st);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
    EXPECT_THAT(std::string(s.message()), HasSubstr("snappy: corrupt input"));
  }
  EXPECT_THAT(Stored(st), IsEmpty());
}

TEST(RemoteWrite, OversizedBodyIsRefusedBeforeDecompressing) {
  // A snappy header announcing 100 MiB (varint) and no data.
  std::string body = "\x80\x80\x80\x32";
  tsdb::MemStorage st;
  absl::Status s = Write(body, st);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("exceeds the limit of 67108864 bytes"));
}

TEST(RemoteWrite, TruncatedProtobufIsInvalidArgument) {
  std::string raw = Unsnappy(EncodeWriteRequest({{L({{"__name__", "a"}}), {{1, 1}, {2, 2}}}}));
  tsdb::MemStorage st;
  for (size_t cut : {size_t{1}, size_t{3}, raw.size() / 2}) {
    absl::Status s = Write(Snappy(raw.substr(0, raw.size() - cut)), st);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << cut;
    EXPECT_EQ(s.message(), "unexpected EOF") << cut;
  }
  EXPECT_THAT(Stored(st), IsEmpty());
}

TEST(RemoteWrite, GarbageIsInvalidArgument) {
  tsdb::MemStorage st;
  // Field 1 with wire type 7 (invalid), then an end-group tag without a start.
  for (const std::string& raw : {std::string("\x0f\x01\x02"), std::string("\x0c")}) {
    absl::Status s = Write(Snappy(raw), st);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  }
  EXPECT_EQ(Write(Snappy("\x0f\x01\x02"), st).message(),
            "proto: wrong wireType = 7 for field Timeseries");
  EXPECT_EQ(Write(Snappy("\x0c"), st).message(),
            "proto: WriteRequest: wiretype end group for non-group");
}

// Protobuf wire bytes, by hand, for bodies no encoder would produce.
std::string WireVarint(uint64_t v) {
  std::string out;
  for (; v >= 0x80; v >>= 7) out.push_back(static_cast<char>(v | 0x80));
  out.push_back(static_cast<char>(v));
  return out;
}
std::string WireTag(int field, int wire_type) { return WireVarint(field << 3 | wire_type); }
std::string WireLen(int field, const std::string& payload) {
  return WireTag(field, 2) + WireVarint(payload.size()) + payload;
}

// Malformed bodies get Prometheus's answer: 400 (InvalidArgument) with gogo-protobuf's text, one
// error log line, and nothing of the request appended, not even the well-formed series before the
// bad one. The first four are bodies that Google's protobuf parser alone accepts (it keeps a known
// field with the wrong wire type as an unknown field), so they used to be acknowledged.
TEST(RemoteWrite, MalformedProtobufIsRefusedWithPrometheusTextAndNothingAppended) {
  const std::string label = WireLen(1, "__name__") + WireLen(2, "up");
  const std::string sample = WireTag(1, 1) + std::string(8, '\0') + WireTag(2, 0) + WireVarint(5);
  const std::string good_series = WireLen(1, WireLen(1, label) + WireLen(2, sample));
  struct Case {
    std::string raw;  // appended to good_series
    std::string message;
    bool accepted_by_protobuf;
  };
  const Case cases[] = {
      // WriteRequest.timeseries as a varint.
      {WireTag(1, 0) + WireVarint(1), "proto: wrong wireType = 0 for field Timeseries", true},
      // TimeSeries.labels as a fixed64.
      {WireLen(1, WireLen(2, sample) + WireTag(1, 1) + "12345678"),
       "proto: wrong wireType = 1 for field Labels", true},
      // TimeSeries.samples as a varint.
      {WireLen(1, WireLen(1, label) + WireTag(2, 0) + WireVarint(7)),
       "proto: wrong wireType = 0 for field Samples", true},
      // Sample.timestamp as a fixed64.
      {WireLen(1, WireLen(1, label) + WireLen(2, WireTag(2, 1) + "12345678")),
       "proto: wrong wireType = 1 for field Timestamp", true},
      // A truncated varint: the sample's timestamp stops at the end of the sample.
      {WireLen(1, WireLen(1, label) + WireLen(2, WireTag(2, 0) + "\xe8")), "unexpected EOF", false},
      // A length past the end of the body.
      {WireTag(1, 2) + WireVarint(100) + "abc", "unexpected EOF", false},
      // A length past the end of its enclosing message (the label inside the series).
      {WireLen(1, WireTag(1, 2) + WireVarint(50) + label), "unexpected EOF", false},
      // A varint of 11 bytes.
      {WireTag(1, 2) + std::string(10, '\xff') + "\x01", "proto: integer overflow", false},
  };
  for (const Case& c : cases) {
    const std::string raw = good_series + c.raw;
    prometheus::WriteRequest lenient;
    EXPECT_EQ(lenient.ParseFromString(raw), c.accepted_by_protobuf) << c.message;
    tsdb::MemStorage st;
    int errors = 0;
    util::SetLogSinkForTesting([&](std::string_view record) {
      if (record.find("level=error") != std::string_view::npos &&
          record.find("Error decoding remote write request") != std::string_view::npos &&
          record.find(c.message) != std::string_view::npos) {
        ++errors;
      }
    });
    WriteStats stats;
    const absl::Status s = Write(Snappy(raw), st, &stats);
    util::SetLogSinkForTesting(nullptr);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.message;
    EXPECT_EQ(s.message(), c.message);
    EXPECT_EQ(errors, 1) << c.message;
    EXPECT_THAT(Stored(st), IsEmpty()) << c.message;
  }
}

TEST(RemoteWrite, UnknownFieldsAreSkipped) {
  // Field 2 (Cortex's source) and an unknown field inside a sample, as Prometheus skips them.
  const std::string label = WireLen(1, "__name__") + WireLen(2, "up");
  const std::string sample =
      WireTag(1, 1) + std::string(8, '\0') + WireTag(2, 0) + WireVarint(5) + WireLen(9, "x");
  const std::string raw =
      WireTag(2, 0) + WireVarint(1) + WireLen(1, WireLen(1, label) + WireLen(2, sample));
  tsdb::MemStorage st;
  ASSERT_TRUE(Write(Snappy(raw), st).ok());
  EXPECT_THAT(Stored(st), ElementsAre(ReadSeries{L({{"__name__", "up"}}), {{5, 0}}}));
}

// ---- Read ----

class RemoteRead : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(Write(EncodeWriteRequest({{L({{"__name__", "up"}, {"job", "a"}}), {{10, 1}}},
                                          {L({{"__name__", "up"}, {"job", "ab"}}), {{10, 2}}},
                                          {L({{"__name__", "up"}, {"job", "b"}}), {{10, 3}}},
                                          {L({{"__name__", "up"}}), {{10, 4}}}}),
                      st_)
                    .ok());
  }
  tsdb::MemStorage st_;
};

TEST_F(RemoteRead, MatchersOfAllFourTypes) {
  const ReadQuery::MatcherSpec name{MT::kEqual, "__name__", "up"};
  auto eq = ReadOne(st_, Q(0, 100, {name, {MT::kEqual, "job", "a"}}));
  ASSERT_TRUE(eq.ok()) << eq.status();
  EXPECT_THAT(Jobs(*eq), ElementsAre("a"));

  auto neq = ReadOne(st_, Q(0, 100, {name, {MT::kNotEqual, "job", "a"}}));
  ASSERT_TRUE(neq.ok());
  EXPECT_THAT(Jobs(*neq), ElementsAre("", "ab", "b"));  // the series without job too

  auto re = ReadOne(st_, Q(0, 100, {name, {MT::kRegexMatch, "job", "a|b"}}));
  ASSERT_TRUE(re.ok());
  EXPECT_THAT(Jobs(*re), ElementsAre("a", "b"));  // anchored: "ab" does not match

  auto nre = ReadOne(st_, Q(0, 100, {name, {MT::kRegexNoMatch, "job", "a.*"}}));
  ASSERT_TRUE(nre.ok());
  EXPECT_THAT(Jobs(*nre), ElementsAre("", "b"));

  auto empty_re = ReadOne(st_, Q(0, 100, {name, {MT::kRegexMatch, "job", ""}}));
  ASSERT_TRUE(empty_re.ok());
  EXPECT_THAT(Jobs(*empty_re), ElementsAre(""));  // =~"" selects series without the label
}

TEST_F(RemoteRead, SeveralQueriesAnswerInRequestOrder) {
  auto body = Read(EncodeReadRequest({Q(0, 100, {{MT::kEqual, "job", "b"}}),
                                      Q(0, 100, {{MT::kEqual, "job", "nope"}}),
                                      Q(0, 100, {{MT::kEqual, "job", "a"}})}),
                   st_);
  ASSERT_TRUE(body.ok()) << body.status();
  auto results = DecodeReadResponse(body->body);
  ASSERT_TRUE(results.ok()) << results.status();
  ASSERT_EQ(results->size(), 3u);
  EXPECT_THAT(Jobs((*results)[0]), ElementsAre("b"));
  EXPECT_THAT((*results)[1], IsEmpty());
  EXPECT_THAT(Jobs((*results)[2]), ElementsAre("a"));
  EXPECT_EQ((*results)[0][0].samples, (std::vector<model::Sample>{{10, 3}}));
}

TEST(RemoteReadRange, ReturnsSamplesInClosedRangeWithStaleMarkers) {
  tsdb::MemStorage st;
  ASSERT_TRUE(Write(EncodeWriteRequest({{L({{"__name__", "m"}}),
                                         {{10, 1}, {20, 2}, {30, model::StaleNaN()}, {40, 4}}}}),
                    st)
                  .ok());
  auto got = ReadOne(st, Q(20, 30, {{MT::kEqual, "__name__", "m"}}));
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->size(), 1u);
  ASSERT_EQ((*got)[0].samples.size(), 2u);
  EXPECT_EQ((*got)[0].samples[0], (model::Sample{20, 2}));
  EXPECT_EQ((*got)[0].samples[1].t, 30);
  EXPECT_TRUE(model::IsStaleNaN((*got)[0].samples[1].v));

  auto outside = ReadOne(st, Q(41, 100, {{MT::kEqual, "__name__", "m"}}));
  ASSERT_TRUE(outside.ok());
  EXPECT_THAT(*outside, IsEmpty());  // no series without samples in range
}

TEST_F(RemoteRead, NoMatchersOrInvertedRangeSelectNothing) {
  auto none = ReadOne(st_, Q(0, 100, {}));
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_THAT(*none, IsEmpty());
  auto inverted = ReadOne(st_, Q(100, 0, {{MT::kEqual, "__name__", "up"}}));
  ASSERT_TRUE(inverted.ok()) << inverted.status();
  EXPECT_THAT(*inverted, IsEmpty());
}

TEST_F(RemoteRead, BadRegexIsInvalidArgument) {
  auto got = ReadOne(st_, Q(0, 100, {{MT::kRegexMatch, "job", "a("}}));
  EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(got.status().message()), HasSubstr("invalid matcher job=~\"a(\""));
}

TEST_F(RemoteRead, UnknownMatcherTypeIsInvalidArgument) {
  prometheus::ReadRequest req;
  prometheus::LabelMatcher* m = req.add_queries()->add_matchers();
  m->set_type(static_cast<prometheus::LabelMatcher::Type>(7));
  m->set_name("job");
  m->set_value("a");
  auto got = Read(Snappy(req.SerializeAsString()), st_);
  EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(got.status().message()), HasSubstr("invalid matcher type 7"));
}

TEST_F(RemoteRead, SampleLimitPerQuery) {
  const ReadQuery all = Q(0, 100, {{MT::kEqual, "__name__", "up"}});  // 4 samples
  auto over = ReadOne(st_, all, 3);
  EXPECT_EQ(over.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(over.status().message(), "exceeded sample limit (3)");
  auto at = ReadOne(st_, all, 4);
  ASSERT_TRUE(at.ok()) << at.status();
  EXPECT_EQ(at->size(), 4u);
  auto unlimited = ReadOne(st_, all, 0);
  ASSERT_TRUE(unlimited.ok());
  EXPECT_EQ(unlimited->size(), 4u);
  // The limit applies to each query, as Prometheus's does: two queries of 4 pass a limit of 4.
  EXPECT_TRUE(Read(EncodeReadRequest({all, all}), st_, {.sample_limit = 4}).ok());
}

TEST_F(RemoteRead, ResponseTypeNegotiation) {
  const ReadQuery q = Q(0, 100, {{MT::kEqual, "job", "a"}});
  using RT = ResponseType;
  const auto unknown = static_cast<RT>(5);
  const std::vector<std::pair<std::vector<RT>, RT>> cases = {
      {{}, RT::kSamples},
      {{RT::kSamples}, RT::kSamples},
      {{RT::kStreamedXorChunks}, RT::kStreamedXorChunks},
      {{RT::kStreamedXorChunks, RT::kSamples}, RT::kStreamedXorChunks},
      {{RT::kSamples, RT::kStreamedXorChunks}, RT::kSamples},
      {{unknown, RT::kStreamedXorChunks, RT::kSamples}, RT::kStreamedXorChunks},
      {{unknown, RT::kSamples}, RT::kSamples},
  };
  for (const auto& [accepted, want] : cases) {
    auto body = Read(EncodeReadRequest({q}, accepted), st_);
    ASSERT_TRUE(body.ok()) << body.status();
    EXPECT_EQ(body->type, want);
    if (want == RT::kStreamedXorChunks) {
      EXPECT_EQ(body->content_type, kStreamedReadContentType);
      EXPECT_EQ(body->content_encoding, "");
      continue;
    }
    EXPECT_EQ(body->content_type, kReadContentType);
    auto results = DecodeReadResponse(body->body);
    ASSERT_TRUE(results.ok());
    ASSERT_EQ(results->size(), 1u);
    EXPECT_THAT(Jobs((*results)[0]), ElementsAre("a"));
  }
  prometheus::ReadRequest req;
  req.add_queries();
  req.add_accepted_response_types(static_cast<prometheus::ReadRequest::ResponseType>(5));
  req.add_accepted_response_types(static_cast<prometheus::ReadRequest::ResponseType>(7));
  auto none = Read(Snappy(req.SerializeAsString()), st_);
  EXPECT_EQ(none.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(none.status().message(),
            "server does not support any of the requested response types: [5 7]; supported: "
            "map[SAMPLES:{} STREAMED_XOR_CHUNKS:{}]");
}

TEST_F(RemoteRead, BadBodiesAreInvalidArgument) {
  EXPECT_EQ(Read("not snappy \xff\xff\xff\xff", st_).status().code(),
            absl::StatusCode::kInvalidArgument);
  std::string raw =
      Unsnappy(EncodeReadRequest({Q(0, 100, {{MT::kEqual, "job", "a"}, {MT::kEqual, "x", "y"}})}));
  auto truncated = Read(Snappy(raw.substr(0, raw.size() - 2)), st_);
  EXPECT_EQ(truncated.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(truncated.status().message(), "unexpected EOF");
  // Query.matchers (3) as a varint: Google's parser would keep it as an unknown field.
  auto wrong_type = Read(Snappy(std::string("\x0a\x02\x18\x01", 4)), st_);
  EXPECT_EQ(wrong_type.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(wrong_type.status().message(), "proto: wrong wireType = 0 for field Matchers");
}

// A read request as Prometheus's client encodes it, by hand from Prometheus's field numbers, and
// the response checked at the byte level where the layout is fixed.
TEST_F(RemoteRead, PrometheusWireBytes) {
  std::string matcher = std::string(
      "\x08\x00\x12\x03job\x1a\x01"
      "a",
      10);                                   // EQ job="a"
  std::string query("\x08\x00\x10\x64", 4);  // start 0, end 100
  query += "\x1a" + std::string(1, static_cast<char>(matcher.size())) + matcher;
  std::string req = "\x0a" + std::string(1, static_cast<char>(query.size())) + query;
  auto body = Read(Snappy(req), st_);
  ASSERT_TRUE(body.ok()) << body.status();
  std::string resp = Unsnappy(body->body);
  // ReadResponse.results(1) { QueryResult.timeseries(1) { labels(1) {name(1) "__name__" ...
  ASSERT_GE(resp.size(), 8u);
  EXPECT_EQ(resp[0], '\x0a');
  EXPECT_EQ(resp[2], '\x0a');
  EXPECT_EQ(resp[4], '\x0a');
  EXPECT_EQ(resp.substr(6, 10), std::string("\x0a\x08__name__", 10));
  // The one sample: Sample { value(1) fixed64 1.0, timestamp(2) varint 10 }.
  std::string sample = "\x12\x0b\x09";
  double one = 1;
  char one_bytes[8];
  std::memcpy(one_bytes, &one, 8);
  sample.append(one_bytes, 8);
  sample += "\x10\x0a";
  EXPECT_NE(resp.find(sample), std::string::npos);
}

TEST(RemoteReadDecode, RejectsCorruptResponses) {
  EXPECT_EQ(DecodeReadResponse("\xff\xff").status().code(), absl::StatusCode::kInvalidArgument);
  prometheus::ReadResponse resp;
  prometheus::TimeSeries* ts = resp.add_results()->add_timeseries();
  for (int i = 0; i < 2; ++i) {
    prometheus::Label* l = ts->add_labels();
    l->set_name("job");
    l->set_value("a");
  }
  EXPECT_EQ(DecodeReadResponse(Snappy(resp.SerializeAsString())).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace sextant::api::remote
