#include "remote/read/read_client.h"

#include <cstdint>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "remote/read/remote_read_server_testing.h"
#include "tsdb/chunkenc/xor_chunk.h"
#include "util/crc32c.h"
#include "util/varint.h"

namespace sextant::remote {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

model::Matcher Eq(std::string_view name, std::string_view value) {
  return *model::Matcher::Create(model::MatchType::kEqual, name, value);
}

config::RemoteReadConfig Entry(std::string url) {
  config::RemoteReadConfig cfg;
  cfg.url = std::move(url);
  cfg.remote_timeout = absl::Seconds(5);
  return cfg;
}

class ReadClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // One long series (more than one 120-sample chunk, so the stream has several chunks) and a
    // short one.
    for (int64_t t = 1000; t <= 300'000; t += 1000) {
      ASSERT_TRUE(server_.storage
                      .Add(model::Labels::FromPairs({{"__name__", "up"}, {"job", "a"}}), t,
                           static_cast<double>(t) / 1000)
                      .ok());
    }
    ASSERT_TRUE(
        server_.storage.Add(model::Labels::FromPairs({{"__name__", "up"}, {"job", "b"}}), 5000, 7)
            .ok());
  }

  std::vector<RemoteSeries> Expected(int64_t mint, int64_t maxt) {
    RemoteSeries a{model::Labels::FromPairs({{"__name__", "up"}, {"job", "a"}}), {}};
    for (int64_t t = std::max<int64_t>(mint, 1000); t <= std::min<int64_t>(maxt, 300'000);
         t += 1000) {
      a.samples.push_back(model::Sample{t, static_cast<double>(t) / 1000});
    }
    RemoteSeries b{model::Labels::FromPairs({{"__name__", "up"}, {"job", "b"}}), {{5000, 7}}};
    return {a, b};
  }

  RemoteQuery Query(int64_t mint, int64_t maxt) {
    RemoteQuery q;
    q.start_ms = mint;
    q.end_ms = maxt;
    q.matchers = {Eq("__name__", "up")};
    return q;
  }

  testing::RemoteReadServer server_;
};

TEST_F(ReadClientTest, StreamedAnswerDecodes) {
  auto client = ReadClient::Create(Entry(server_.url()));
  ASSERT_TRUE(client.ok()) << client.status();
  auto got = (*client)->Read(Query(0, 400'000));
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, Expected(0, 400'000));
  // Prometheus 3.x's preference order went out.
  const prometheus::ReadRequest req = server_.last_request();
  ASSERT_EQ(req.accepted_response_types_size(), 2);
  EXPECT_EQ(req.accepted_response_types(0), prometheus::ReadRequest::STREAMED_XOR_CHUNKS);
  EXPECT_EQ(req.accepted_response_types(1), prometheus::ReadRequest::SAMPLES);
}

TEST_F(ReadClientTest, StreamedAnswerKeepsOnlyTheQueryRange) {
  auto client = ReadClient::Create(Entry(server_.url()));
  ASSERT_TRUE(client.ok()) << client.status();
  auto got = (*client)->Read(Query(4000, 130'500));
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, Expected(4000, 130'500));
}

TEST_F(ReadClientTest, SampledAnswerDecodes) {
  auto client = ReadClient::Create(Entry(server_.url()));
  ASSERT_TRUE(client.ok()) << client.status();
  auto got = (*client)->Read(Query(0, 400'000), {ReadResponseType::kSamples});
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, Expected(0, 400'000));
}

TEST_F(ReadClientTest, ServerThatOnlySpeaksSamplesIsUnderstood) {
  server_.set_samples_only(true);
  auto client = ReadClient::Create(Entry(server_.url()));
  ASSERT_TRUE(client.ok()) << client.status();
  auto got = (*client)->Read(Query(0, 400'000));
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, Expected(0, 400'000));
}

TEST_F(ReadClientTest, SendsHeadersHintsAndMatchers) {
  config::RemoteReadConfig cfg = Entry(server_.url());
  cfg.headers = {{"X-Tenant", "t1"}};
  auto client = ReadClient::Create(cfg);
  ASSERT_TRUE(client.ok()) << client.status();
  RemoteQuery q = Query(10, 20);
  q.hints = tsdb::SelectHints{.start = 11, .end = 19, .step = 3, .func = "rate"};
  ASSERT_TRUE((*client)->Read(q).ok());
  const httplib::Headers h = server_.last_headers();
  auto header = [&h](const std::string& name) {
    auto it = h.find(name);
    return it == h.end() ? std::string("<none>") : it->second;
  };
  EXPECT_EQ(header("X-Tenant"), "t1");
  EXPECT_EQ(header("Content-Encoding"), "snappy");
  EXPECT_EQ(header("X-Prometheus-Remote-Read-Version"), "0.1.0");
  const prometheus::ReadRequest req = server_.last_request();
  ASSERT_EQ(req.queries_size(), 1);
  const prometheus::Query& sent = req.queries(0);
  EXPECT_EQ(sent.start_timestamp_ms(), 10);
  EXPECT_EQ(sent.end_timestamp_ms(), 20);
  ASSERT_EQ(sent.matchers_size(), 1);
  EXPECT_EQ(sent.matchers(0).name(), "__name__");
  EXPECT_EQ(sent.matchers(0).value(), "up");
  EXPECT_EQ(sent.hints().func(), "rate");
  EXPECT_EQ(sent.hints().step_ms(), 3);
  EXPECT_EQ(sent.hints().start_ms(), 11);
  EXPECT_EQ(sent.hints().end_ms(), 19);
}

TEST_F(ReadClientTest, Non2xxIsAnError) {
  server_.set_fail_status(500);
  auto client = ReadClient::Create(Entry(server_.url()));
  ASSERT_TRUE(client.ok()) << client.status();
  auto got = (*client)->Read(Query(0, 10));
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(got.status().message(), "remote server " + server_.url() +
                                        " returned http status 500 Internal Server Error: "
                                        "something broke");
}

TEST(ReadClient, ServerDownIsAnError) {
  std::string url;
  {
    testing::RemoteReadServer gone;
    url = gone.url();
  }
  auto client = ReadClient::Create(Entry(url));
  ASSERT_TRUE(client.ok()) << client.status();
  auto got = (*client)->Read(RemoteQuery{0, 10, {Eq("__name__", "up")}, std::nullopt});
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(got.status().message(), HasSubstr("error sending request: Post \"" + url + "\""));
}

TEST(ReadClient, CreateRejectsBadUrls) {
  EXPECT_FALSE(ReadClient::Create(Entry("ftp://x/api/v1/read")).ok());
  EXPECT_FALSE(ReadClient::Create(Entry("http:///api/v1/read")).ok());
  EXPECT_FALSE(ReadClient::Create(Entry("localhost:9090")).ok());
  EXPECT_TRUE(ReadClient::Create(Entry("https://user@h:9090/api/v1/read?x=1")).ok());
}

std::string Frame(const std::string& data) {
  std::string out;
  util::PutUvarint(&out, data.size());
  const uint32_t crc = util::Crc32c(data);
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(crc >> shift));
  return out + data;
}

std::string OneSeriesFrame() {
  prometheus::ChunkedReadResponse resp;
  prometheus::ChunkedSeries* s = resp.add_chunked_series();
  prometheus::Label* l = s->add_labels();
  l->set_name("__name__");
  l->set_value("x");
  tsdb::chunkenc::XorChunk chunk;
  chunk.Append(1, 1.5);
  chunk.Append(2, 2.5);
  prometheus::Chunk* c = s->add_chunks();
  c->set_type(prometheus::Chunk::XOR);
  c->set_min_time_ms(1);
  c->set_max_time_ms(2);
  c->set_data(std::string(chunk.bytes()));
  return Frame(resp.SerializeAsString());
}

TEST(DecodeStreamedReadResponse, SplitSeriesBecomesOne) {
  const std::string body = OneSeriesFrame() + OneSeriesFrame();
  auto got = DecodeStreamedReadResponse(body, 0, 10);
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->size(), 1u);
  EXPECT_THAT((*got)[0].samples, ElementsAre(model::Sample{1, 1.5}, model::Sample{2, 2.5}));
}

TEST(DecodeStreamedReadResponse, BadChecksum) {
  std::string body = OneSeriesFrame();
  body.back() ^= 1;
  auto got = DecodeStreamedReadResponse(body, 0, 10);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(got.status().message(), HasSubstr("checksum mismatch"));
}

TEST(DecodeStreamedReadResponse, Truncated) {
  std::string body = OneSeriesFrame();
  for (size_t keep : {size_t{1}, size_t{3}, body.size() - 1}) {
    auto got = DecodeStreamedReadResponse(body.substr(0, keep), 0, 10);
    ASSERT_FALSE(got.ok()) << keep;
    EXPECT_EQ(got.status().code(), absl::StatusCode::kDataLoss) << keep;
  }
}

TEST(DecodeStreamedReadResponse, FrameOverLimit) {
  auto got = DecodeStreamedReadResponse(OneSeriesFrame(), 0, 10, /*frame_limit=*/4);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(DecodeSampledReadResponse, CorruptBodies) {
  EXPECT_EQ(DecodeSampledReadResponse("not snappy at all").status().code(),
            absl::StatusCode::kInvalidArgument);
  // A valid ReadResponse with no results: one was asked for.
  std::string empty;
  snappy::Compress("", 0, &empty);
  auto got = DecodeSampledReadResponse(empty);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().message(), "responses: want 1, got 0");
}

TEST(SortAndMergeSeries, MergesEqualLabelSets) {
  const model::Labels a = model::Labels::FromPairs({{"a", "1"}});
  const model::Labels b = model::Labels::FromPairs({{"b", "1"}});
  std::vector<RemoteSeries> s = {{b, {{1, 1}}}, {a, {{1, 1}, {3, 3}}}, {a, {{1, 9}, {2, 2}}}};
  SortAndMergeSeries(&s);
  EXPECT_EQ(s, (std::vector<RemoteSeries>{{a, {{1, 1}, {2, 2}, {3, 3}}}, {b, {{1, 1}}}}));
}

}  // namespace
}  // namespace sextant::remote
