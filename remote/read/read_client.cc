#include "remote/read/read_client.h"

#include <algorithm>
#include <utility>

#include <httplib.h>
#include <snappy.h>

#include "api/remote/prompb/remote.pb.h"
#include "api/remote/prompb/types.pb.h"
#include "remote/endpoint.h"
#include "scrape/http_client.h"
#include "tsdb/chunkenc/xor_chunk.h"
#include "util/build_info.h"
#include "util/crc32c.h"
#include "util/go_format.h"
#include "util/status_macros.h"
#include "util/strings.h"
#include "util/varint.h"

namespace sextant::remote {
namespace {

using util::StrCat;

constexpr char kSampledContentType[] = "application/x-protobuf";
constexpr char kStreamedContentType[] =
    "application/x-streamed-protobuf; proto=prometheus.ChunkedReadResponse";
// A sampled answer may not decompress to more than this (the sender's own limit is the server's
// sample limit; this only stops a lying snappy header from allocating without bound).
constexpr size_t kMaxDecompressedBytes = 1ull << 30;

prometheus::LabelMatcher::Type ToProto(model::MatchType t) {
  switch (t) {
    case model::MatchType::kEqual:
      return prometheus::LabelMatcher::EQ;
    case model::MatchType::kNotEqual:
      return prometheus::LabelMatcher::NEQ;
    case model::MatchType::kRegexMatch:
      return prometheus::LabelMatcher::RE;
    case model::MatchType::kRegexNoMatch:
      return prometheus::LabelMatcher::NRE;
  }
  return prometheus::LabelMatcher::EQ;
}

absl::StatusOr<model::Labels> ToLabels(
    const google::protobuf::RepeatedPtrField<prometheus::Label>& pairs) {
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(pairs.size());
  for (const prometheus::Label& l : pairs) out.emplace_back(l.name(), l.value());
  std::sort(out.begin(), out.end());
  for (size_t i = 1; i < out.size(); ++i) {
    if (out[i].first == out[i - 1].first) {
      return absl::InvalidArgumentError(
          StrCat("remote read: series has label ", util::QuoteGo(out[i].first), " twice"));
    }
  }
  return model::Labels::FromPairs(out);
}

std::string FirstLine(std::string_view body) {
  body = body.substr(0, 1024);
  while (!body.empty() && body.back() == '\n') body.remove_suffix(1);
  while (!body.empty() && body.front() == '\n') body.remove_prefix(1);
  return std::string(body);
}

// Merges b into a by timestamp; a's sample wins on equal timestamps.
std::vector<model::Sample> MergeSamples(const std::vector<model::Sample>& a,
                                        const std::vector<model::Sample>& b) {
  std::vector<model::Sample> out;
  out.reserve(a.size() + b.size());
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    if (j == b.size() || (i < a.size() && a[i].t <= b[j].t)) {
      if (j < b.size() && b[j].t == a[i].t) ++j;
      out.push_back(a[i++]);
    } else {
      out.push_back(b[j++]);
    }
  }
  return out;
}

class VectorSeries final : public tsdb::Series {
 public:
  explicit VectorSeries(const RemoteSeries* s) : s_(s) {}
  const model::Labels& labels() const override { return s_->labels; }
  std::unique_ptr<tsdb::SeriesIterator> Iterator() const override {
    return std::make_unique<It>(&s_->samples);
  }

 private:
  class It final : public tsdb::SeriesIterator {
   public:
    explicit It(const std::vector<model::Sample>* samples) : samples_(samples) {}
    bool Next() override { return ++pos_ < samples_->size(); }
    bool Seek(int64_t t) override {
      if (pos_ == kBefore) pos_ = 0;
      while (pos_ < samples_->size() && (*samples_)[pos_].t < t) ++pos_;
      return pos_ < samples_->size();
    }
    int64_t t() const override { return (*samples_)[pos_].t; }
    double v() const override { return (*samples_)[pos_].v; }
    absl::Status status() const override { return absl::OkStatus(); }

   private:
    static constexpr size_t kBefore = static_cast<size_t>(-1);
    const std::vector<model::Sample>* samples_;
    size_t pos_ = kBefore;  // ++ wraps to 0
  };
  const RemoteSeries* s_;
};

class VectorSeriesSet final : public tsdb::SeriesSet {
 public:
  explicit VectorSeriesSet(std::vector<RemoteSeries> series) : series_(std::move(series)) {}
  bool Next() override {
    if (next_ >= series_.size()) return false;
    cur_ = VectorSeries(&series_[next_++]);
    return true;
  }
  const tsdb::Series& At() const override { return cur_; }
  absl::Status status() const override { return absl::OkStatus(); }

 private:
  std::vector<RemoteSeries> series_;
  size_t next_ = 0;
  VectorSeries cur_{nullptr};
};

}  // namespace

std::string EncodeRemoteReadRequest(const RemoteQuery& query,
                                    const std::vector<ReadResponseType>& accepted) {
  prometheus::ReadRequest req;
  prometheus::Query* q = req.add_queries();
  q->set_start_timestamp_ms(query.start_ms);
  q->set_end_timestamp_ms(query.end_ms);
  for (const model::Matcher& m : query.matchers) {
    prometheus::LabelMatcher* pm = q->add_matchers();
    pm->set_type(ToProto(m.type()));
    pm->set_name(m.name());
    pm->set_value(m.value());
  }
  if (query.hints) {
    prometheus::ReadHints* h = q->mutable_hints();
    h->set_start_ms(query.hints->start);
    h->set_end_ms(query.hints->end);
    h->set_step_ms(query.hints->step);
    h->set_func(query.hints->func);
  }
  for (ReadResponseType t : accepted) {
    req.add_accepted_response_types(static_cast<prometheus::ReadRequest::ResponseType>(t));
  }
  const std::string raw = req.SerializeAsString();
  std::string out;
  snappy::Compress(raw.data(), raw.size(), &out);
  return out;
}

absl::StatusOr<std::vector<RemoteSeries>> DecodeSampledReadResponse(std::string_view snappy_body) {
  size_t length = 0;
  if (!snappy::GetUncompressedLength(snappy_body.data(), snappy_body.size(), &length)) {
    return absl::InvalidArgumentError("error reading response: snappy: corrupt input");
  }
  if (length > kMaxDecompressedBytes) {
    return absl::InvalidArgumentError(
        StrCat("error reading response: decompressed size ", length, " is too large"));
  }
  std::string raw;
  if (!snappy::Uncompress(snappy_body.data(), snappy_body.size(), &raw)) {
    return absl::InvalidArgumentError("error reading response: snappy: corrupt input");
  }
  prometheus::ReadResponse resp;
  if (!resp.ParseFromString(raw)) {
    return absl::InvalidArgumentError("unable to unmarshal response body");
  }
  if (resp.results_size() != 1) {
    return absl::InvalidArgumentError(StrCat("responses: want 1, got ", resp.results_size()));
  }
  std::vector<RemoteSeries> out;
  for (const prometheus::TimeSeries& ts : resp.results(0).timeseries()) {
    RemoteSeries s;
    ASSIGN_OR_RETURN(s.labels, ToLabels(ts.labels()));
    s.samples.reserve(ts.samples_size());
    for (const prometheus::Sample& p : ts.samples()) {
      s.samples.push_back(model::Sample{p.timestamp(), p.value()});
    }
    out.push_back(std::move(s));
  }
  return out;
}

absl::StatusOr<std::vector<RemoteSeries>> DecodeStreamedReadResponse(std::string_view body,
                                                                     int64_t mint, int64_t maxt,
                                                                     uint64_t frame_limit) {
  std::vector<RemoteSeries> out;
  prometheus::ChunkedReadResponse resp;
  while (!body.empty()) {
    const size_t offset_before = body.size();
    uint64_t len = 0;
    if (!util::GetUvarint(&body, &len) || body.size() < 4) {
      return absl::DataLossError("remote read stream: truncated frame header");
    }
    if (len > frame_limit) {
      return absl::InvalidArgumentError(StrCat("chunkedReader: message size exceeded the limit ",
                                               len, " bytes; limit ", frame_limit, " bytes"));
    }
    const uint32_t want = (uint32_t{static_cast<uint8_t>(body[0])} << 24) |
                          (uint32_t{static_cast<uint8_t>(body[1])} << 16) |
                          (uint32_t{static_cast<uint8_t>(body[2])} << 8) |
                          uint32_t{static_cast<uint8_t>(body[3])};
    body.remove_prefix(4);
    if (body.size() < len) return absl::DataLossError("remote read stream: truncated frame");
    const std::string_view data = body.substr(0, len);
    body.remove_prefix(len);
    if (util::Crc32c(data) != want) {
      return absl::DataLossError(
          StrCat("chunkedReader: corrupted frame; checksum mismatch (frame at ", offset_before,
                 " bytes from the end)"));
    }
    if (!resp.ParseFromArray(data.data(), static_cast<int>(data.size()))) {
      return absl::DataLossError("remote read stream: undecodable ChunkedReadResponse");
    }
    for (const prometheus::ChunkedSeries& cs : resp.chunked_series()) {
      ASSIGN_OR_RETURN(model::Labels labels, ToLabels(cs.labels()));
      if (out.empty() || !(out.back().labels == labels)) {
        out.push_back(RemoteSeries{std::move(labels), {}});
      }
      std::vector<model::Sample>& samples = out.back().samples;
      for (const prometheus::Chunk& c : cs.chunks()) {
        if (c.type() != prometheus::Chunk::XOR) {
          return absl::InvalidArgumentError(StrCat(
              "remote read stream: unsupported chunk encoding ", static_cast<int>(c.type())));
        }
        tsdb::chunkenc::XorIterator it(c.data());
        while (it.Next()) {
          if (it.t() < mint || it.t() > maxt) continue;
          if (!samples.empty() && it.t() <= samples.back().t) continue;  // overlapping chunks
          samples.push_back(model::Sample{it.t(), it.v()});
        }
        if (!it.status().ok()) {
          return absl::DataLossError(StrCat("remote read stream: ", it.status().message()));
        }
      }
    }
  }
  return out;
}

void SortAndMergeSeries(std::vector<RemoteSeries>* series) {
  std::stable_sort(
      series->begin(), series->end(),
      [](const RemoteSeries& a, const RemoteSeries& b) { return a.labels < b.labels; });
  std::vector<RemoteSeries> out;
  out.reserve(series->size());
  for (RemoteSeries& s : *series) {
    if (!out.empty() && out.back().labels == s.labels) {
      out.back().samples = MergeSamples(out.back().samples, s.samples);
    } else {
      out.push_back(std::move(s));
    }
  }
  *series = std::move(out);
}

std::unique_ptr<tsdb::SeriesSet> NewRemoteSeriesSet(std::vector<RemoteSeries> series) {
  return std::make_unique<VectorSeriesSet>(std::move(series));
}

absl::StatusOr<std::unique_ptr<ReadClient>> ReadClient::Create(
    const config::RemoteReadConfig& cfg) {
  absl::StatusOr<Endpoint> endpoint = SplitEndpoint(cfg.url, "remote_read");
  if (!endpoint.ok()) return endpoint.status();
  std::unique_ptr<ReadClient> client(
      new ReadClient(cfg, std::move(endpoint->base), std::move(endpoint->path)));
  if (absl::Status s = client->pool_.Probe(); !s.ok()) {
    return absl::InvalidArgumentError(
        StrCat("remote_read url ", util::QuoteGo(cfg.url), ": ", s.message()));
  }
  return client;
}

ReadClient::ReadClient(const config::RemoteReadConfig& cfg, std::string base, std::string path)
    : url_(cfg.url),
      path_(std::move(path)),
      headers_(cfg.headers),
      pool_(std::move(base), cfg.http, cfg.remote_timeout, [](scrape::HttpClient& c) {
        // The body is snappy (sampled) or framed (streamed); we decode both ourselves, as Go's
        // client does not decompress once Accept-Encoding is set by hand.
        c.client().set_decompress(false);
        // Headers and body go out in separate writes; without this, Nagle's algorithm and the
        // server's delayed ACK hold every request on a reused connection back by ~40 ms.
        c.client().set_tcp_nodelay(true);
      }) {}

ReadClient::~ReadClient() = default;

absl::StatusOr<std::vector<RemoteSeries>> ReadClient::Read(
    const RemoteQuery& query, const std::vector<ReadResponseType>& accepted) {
  std::unique_ptr<scrape::HttpClient> client = pool_.Acquire();
  RETURN_IF_ERROR(client->init_status());
  httplib::Headers headers;
  for (const auto& [name, value] : headers_) headers.emplace(name, value);
  auto set = [&headers](const std::string& name, std::string value) {
    headers.erase(name);
    headers.emplace(name, std::move(value));
  };
  set("Content-Encoding", "snappy");
  set("Accept-Encoding", "snappy");
  set("User-Agent", StrCat("Sextant/", util::GetBuildInfo().version));
  set("X-Prometheus-Remote-Read-Version", "0.1.0");
  if (absl::Status s = client->PrepareRequest(&headers); !s.ok()) {
    pool_.Release(std::move(client));
    return s;
  }
  const std::string body = EncodeRemoteReadRequest(query, accepted);
  httplib::Result res =
      client->client().Post(path_, headers, body.data(), body.size(), kSampledContentType);
  if (!res) {
    std::string message = StrCat("error sending request: Post ", util::QuoteGo(url_), ": ",
                                 client->ErrorText(res.error()));
    pool_.Release(std::move(client));
    return absl::UnavailableError(message);
  }
  pool_.Release(std::move(client));
  if (res->status / 100 != 2) {
    return absl::UnavailableError(StrCat("remote server ", url_, " returned http status ",
                                         res->status, " ", scrape::HttpStatusText(res->status),
                                         ": ", FirstLine(res->body)));
  }
  const std::string content_type = res->get_header_value("Content-Type");
  std::vector<RemoteSeries> series;
  if (content_type.starts_with(kSampledContentType)) {
    ASSIGN_OR_RETURN(series, DecodeSampledReadResponse(res->body));
  } else if (content_type.starts_with(kStreamedContentType)) {
    ASSIGN_OR_RETURN(series, DecodeStreamedReadResponse(res->body, query.start_ms, query.end_ms));
  } else {
    return absl::InvalidArgumentError(StrCat("unsupported content type: ", content_type));
  }
  SortAndMergeSeries(&series);
  return series;
}

}  // namespace sextant::remote
