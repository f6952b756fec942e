#include "api/remote/remote.h"

#include <algorithm>
#include <climits>
#include <cstring>
#include <memory>
#include <optional>
#include <span>

#include <google/protobuf/arena.h>
#include <snappy.h>

#include "api/remote/external_labels.h"
#include "api/remote/prompb/remote.pb.h"
#include "api/remote/prompb/types.pb.h"
#include "api/remote/read_stream.h"
#include "api/remote/wire_check.h"
#include "model/timestamp.h"
#include "util/log.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace sextant::api::remote {
namespace {

using util::StrCat;
using util::ToAbsl;

const util::Logger kLog("remote");

absl::Status BadRequest(std::string_view message) {
  return absl::InvalidArgumentError(ToAbsl(message));
}

// Decodes a snappy block-format body, refusing oversized output before allocating it. A corrupt
// body gets the text of Go's snappy package, which Prometheus answers with.
absl::StatusOr<std::string> Decompress(std::string_view body, std::string_view what) {
  size_t length = 0;
  if (!snappy::GetUncompressedLength(body.data(), body.size(), &length)) {
    return BadRequest("snappy: corrupt input");
  }
  if (length > kMaxDecompressedBytes) {
    return BadRequest(StrCat("decoding ", what, ": decompressed size ", length,
                             " bytes exceeds the limit of ", kMaxDecompressedBytes, " bytes"));
  }
  std::string out;
  if (!snappy::Uncompress(body.data(), body.size(), &out)) {
    return BadRequest("snappy: corrupt input");
  }
  return out;
}

// Parses `data` into `message` if Prometheus's decoder would accept it (CheckWire: the error is
// then its text); Google's parser alone would accept more, such as a known field with the wrong
// wire type.
template <typename Message>
absl::Status ParseMessage(std::string_view data, WireMessage wire, Message* message) {
  RETURN_IF_ERROR(CheckWire(data, wire));
  // Decompress() bounds the size far below INT_MAX, the most protobuf parses at once. What
  // CheckWire lets through and protobuf still refuses (a tag beyond 32 bits, groups nested past
  // protobuf's depth limit) gets a message of our own.
  if (data.size() > static_cast<size_t>(INT_MAX) ||
      !message->ParseFromArray(data.data(), static_cast<int>(data.size()))) {
    return BadRequest(
        StrCat("proto: ", message->GetTypeName(), ": not a valid protobuf (malformed)"));
  }
  return absl::OkStatus();
}

// A WriteRequest as the receiver uses it, decoded in the same pass that checks it (CheckWire);
// label names and values borrow the decompressed body.
struct WireLabel {
  std::string_view name;
  std::string_view value;
};
struct WireSample {
  int64_t timestamp = 0;
  double value = 0;
};
struct WireSeries {
  std::vector<WireLabel> labels;
  std::vector<WireSample> samples;
  int64_t exemplars = 0;
  int64_t histograms = 0;
};
struct WireWriteRequest {
  std::vector<WireSeries> timeseries;
  int64_t metadata = 0;
};

// The WireVisitors filling a WireWriteRequest; field numbers as in prompb/*.proto.
class LabelVisitor : public WireVisitor {
 public:
  WireLabel* label = nullptr;
  void Bytes(int32_t field, std::string_view value) override {
    (field == 1 ? label->name : label->value) = value;
  }
};

class SampleVisitor : public WireVisitor {
 public:
  WireSample* sample = nullptr;
  void Varint(int32_t field, uint64_t value) override {
    if (field == 2) sample->timestamp = static_cast<int64_t>(value);
  }
  void Fixed64(int32_t field, uint64_t bits) override {
    if (field == 1) std::memcpy(&sample->value, &bits, sizeof(double));
  }
};

class SeriesVisitor : public WireVisitor {
 public:
  WireSeries* series = nullptr;
  WireVisitor* Message(int32_t field) override {
    switch (field) {
      case 1:
        label_.label = &series->labels.emplace_back();
        return &label_;
      case 2:
        sample_.sample = &series->samples.emplace_back();
        return &sample_;
      case 3:
        ++series->exemplars;
        return nullptr;
      default:
        ++series->histograms;
        return nullptr;
    }
  }

 private:
  LabelVisitor label_;
  SampleVisitor sample_;
};

class WriteRequestVisitor : public WireVisitor {
 public:
  explicit WriteRequestVisitor(WireWriteRequest* req) : req_(req) {}
  WireVisitor* Message(int32_t field) override {
    if (field != 1) {
      ++req_->metadata;
      return nullptr;
    }
    series_.series = &req_->timeseries.emplace_back();
    return &series_;
  }

 private:
  WireWriteRequest* req_;
  SeriesVisitor series_;
};

// Decodes a WriteRequest in one pass if Prometheus's decoder would accept it (the error is then
// its text, as ParseMessage's). Only where the body holds something Google's parser may refuse
// (rare: CheckWire's `unusual`) does that parser also run, so the verdict stays ParseMessage's.
absl::StatusOr<WireWriteRequest> DecodeWriteRequest(std::string_view data) {
  WireWriteRequest req;
  WriteRequestVisitor visitor(&req);
  bool unusual = false;
  RETURN_IF_ERROR(CheckWire(data, WireMessage::kWriteRequest, &visitor, &unusual));
  if (unusual) {
    prometheus::WriteRequest parsed;
    RETURN_IF_ERROR(ParseMessage(data, WireMessage::kWriteRequest, &parsed));
  }
  return req;
}

std::string Compress(const std::string& data) {
  std::string out;
  snappy::Compress(data.data(), data.size(), &out);
  return out;
}

// Go's utf8.ValidString: well-formed UTF-8 without surrogates, overlong forms or code points
// above U+10FFFF.
bool IsValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    const unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    int n;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      if (c == 0xE0) lo = 0xA0;  // overlong
      if (c == 0xED) hi = 0x9F;  // surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      if (c == 0xF0) lo = 0x90;  // overlong
      if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
    } else {
      return false;
    }
    if (end - p <= n) return false;
    if (p[1] < lo || p[1] > hi) return false;
    for (int i = 2; i <= n; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
    }
    p += n + 1;
  }
  return true;
}

// Renders a series' labels as received (unsorted, possibly invalid) for log messages.
std::string RawLabelsString(const WireSeries& ts) {
  std::string out = "{";
  for (size_t i = 0; i < ts.labels.size(); ++i) {
    if (i > 0) out += ", ";
    util::StrAppend(&out, ts.labels[i].name, "=\"", ts.labels[i].value, "\"");
  }
  out += "}";
  return out;
}

// The series' label set under the rules in remote.h, or the reason it is invalid. `scratch` is
// reused across series; the returned Labels owns its data.
std::optional<model::Labels> ToLabels(const WireSeries& ts, std::vector<model::Label>* scratch,
                                      std::string* reason) {
  scratch->clear();
  for (const WireLabel& l : ts.labels) {
    if (l.name.empty()) {
      *reason = "empty label name";
      return std::nullopt;
    }
    if (!IsValidUtf8(l.name) || !IsValidUtf8(l.value)) {
      *reason = "label name or value is not valid UTF-8";
      return std::nullopt;
    }
    scratch->push_back({l.name, l.value});
  }
  std::sort(scratch->begin(), scratch->end(),
            [](const model::Label& a, const model::Label& b) { return a.name < b.name; });
  auto dup = std::adjacent_find(
      scratch->begin(), scratch->end(),
      [](const model::Label& a, const model::Label& b) { return a.name == b.name; });
  if (dup != scratch->end()) {
    *reason = StrCat("duplicate label name \"", dup->name, "\"");
    return std::nullopt;
  }
  std::erase_if(*scratch, [](const model::Label& l) { return l.value.empty(); });
  const bool has_name = std::any_of(scratch->begin(), scratch->end(), [](const model::Label& l) {
    return l.name == model::kMetricNameLabel;
  });
  if (!has_name) {
    *reason = "missing or empty __name__ label";
    return std::nullopt;
  }
  return model::Labels::FromSorted(*scratch);
}

bool IsSampleRejection(tsdb::AppendError kind) {
  return kind == tsdb::AppendError::kOutOfOrder || kind == tsdb::AppendError::kDuplicate ||
         kind == tsdb::AppendError::kOutOfBounds;
}

// Append() behind Prometheus 3.x's timeLimitAppender: samples too far ahead are out of bounds.
absl::StatusOr<tsdb::SeriesRef> AppendSample(tsdb::Appender& app, tsdb::SeriesRef ref,
                                             const model::Labels& labels, const WireSample& s,
                                             int64_t max_t) {
  if (s.timestamp > max_t) return tsdb::MakeAppendError(tsdb::AppendError::kOutOfBounds);
  return app.Append(ref, labels, s.timestamp, s.value);
}

// Appends every valid series' samples; on error the caller rolls back.
absl::Status AppendAll(const WireWriteRequest& req, int64_t max_t, tsdb::Appender& app,
                       WriteStats* st) {
  std::vector<model::Label> scratch;
  std::string reason;
  for (const WireSeries& ts : req.timeseries) {
    st->exemplars_ignored += ts.exemplars;
    st->histograms_ignored += ts.histograms;
    std::optional<model::Labels> labels = ToLabels(ts, &scratch, &reason);
    if (!labels) {
      kLog.Warn("Invalid metric names or labels",
                {{"got", RawLabelsString(ts)}, {"reason", reason}});
      ++st->series_invalid_labels;
      st->samples_invalid_labels += static_cast<int64_t>(ts.samples.size());
      continue;
    }
    ++st->series;
    tsdb::SeriesRef ref = 0;
    for (const WireSample& s : ts.samples) {
      absl::StatusOr<tsdb::SeriesRef> appended = AppendSample(app, ref, *labels, s, max_t);
      if (!appended.ok()) {
        if (IsSampleRejection(tsdb::AppendErrorOf(appended.status()))) {
          kLog.Error("Out of order sample from remote write", {{"err", appended.status()},
                                                               {"series", labels->ToString()},
                                                               {"timestamp", s.timestamp}});
        }
        return appended.status();
      }
      ref = *appended;
      ++st->samples;
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<model::MatchType> ToMatchType(int type) {
  switch (type) {
    case prometheus::LabelMatcher::EQ:
      return model::MatchType::kEqual;
    case prometheus::LabelMatcher::NEQ:
      return model::MatchType::kNotEqual;
    case prometheus::LabelMatcher::RE:
      return model::MatchType::kRegexMatch;
    case prometheus::LabelMatcher::NRE:
      return model::MatchType::kRegexNoMatch;
    default:
      return BadRequest(StrCat("invalid matcher type ", type));
  }
}

absl::StatusOr<std::vector<model::Matcher>> ToMatchers(const prometheus::Query& query) {
  std::vector<model::Matcher> out;
  out.reserve(query.matchers_size());
  for (const prometheus::LabelMatcher& m : query.matchers()) {
    ASSIGN_OR_RETURN(model::MatchType type, ToMatchType(m.type()));
    absl::StatusOr<model::Matcher> matcher = model::Matcher::Create(type, m.name(), m.value());
    if (!matcher.ok()) {
      return BadRequest(StrCat("invalid matcher ", m.name(), model::MatchTypeString(type), "\"",
                               m.value(), "\": ", util::FromAbsl(matcher.status().message())));
    }
    out.push_back(*std::move(matcher));
  }
  return out;
}

// Prometheus's NegotiateResponseType: the first supported type listed wins; none listed means
// SAMPLES. The message is Go's rendering of Prometheus's slice and map.
absl::StatusOr<ResponseType> NegotiateResponseType(const prometheus::ReadRequest& req) {
  if (req.accepted_response_types_size() == 0) return ResponseType::kSamples;
  std::string listed;
  for (int type : req.accepted_response_types()) {
    if (type == prometheus::ReadRequest::SAMPLES) return ResponseType::kSamples;
    if (type == prometheus::ReadRequest::STREAMED_XOR_CHUNKS) {
      return ResponseType::kStreamedXorChunks;
    }
    util::StrAppend(&listed, listed.empty() ? "" : " ", type);
  }
  return BadRequest(StrCat("server does not support any of the requested response types: [", listed,
                           "]; supported: map[SAMPLES:{} STREAMED_XOR_CHUNKS:{}]"));
}

// The series one query selects, with the querier they borrow; `set` is null when the query
// selects nothing.
struct Selection {
  std::unique_ptr<tsdb::Querier> querier;
  std::unique_ptr<tsdb::SeriesSet> set;
};

// `chunks`: for a streamed answer, whose chunk querier in Prometheus ignores hint func "series".
absl::StatusOr<Selection> Select(const prometheus::Query& query, tsdb::Storage& storage,
                                 const model::Labels& external_labels, bool chunks) {
  ASSIGN_OR_RETURN(std::vector<model::Matcher> parsed, ToMatchers(query));
  const std::vector<model::Matcher> matchers =
      FilterExternalLabelMatchers(std::move(parsed), external_labels);
  const int64_t start = query.start_timestamp_ms();
  const int64_t end = query.end_timestamp_ms();
  Selection sel;
  // Prometheus's TSDB selects nothing without matchers or over an empty range.
  if (matchers.empty() || start > end) return sel;

  tsdb::SelectHints hints;
  if (query.has_hints()) {
    hints.start = query.hints().start_ms();
    hints.end = query.hints().end_ms();
    hints.step = query.hints().step_ms();
    hints.func = query.hints().func();
    if (chunks && hints.func == "series") hints.func.clear();
  } else {
    hints.start = start;
    hints.end = end;
  }
  ASSIGN_OR_RETURN(sel.querier, storage.NewQuerier(start, end));
  sel.set = sel.querier->Select(matchers, &hints);
  return sel;
}

// Fills `out` with the series and samples `query` selects, external labels applied, at most
// `options.sample_limit` samples (0: no limit).
absl::Status RunQuery(const prometheus::Query& query, tsdb::Storage& storage,
                      const ReadOptions& options, prometheus::QueryResult* out) {
  ASSIGN_OR_RETURN(Selection sel, Select(query, storage, options.external_labels,
                                         /*chunks=*/false));
  const int64_t max_samples = options.sample_limit;
  if (sel.set == nullptr) return absl::OkStatus();
  const int64_t start = query.start_timestamp_ms();
  const int64_t end = query.end_timestamp_ms();
  tsdb::SeriesSet* set = sel.set.get();
  int64_t samples = 0;
  while (set->Next()) {
    const tsdb::Series& series = set->At();
    prometheus::TimeSeries* ts = out->add_timeseries();
    for (const model::Label& l : MergeExternalLabels(series.labels(), options.external_labels)) {
      prometheus::Label* label = ts->add_labels();
      label->set_name(l.name.data(), l.name.size());
      label->set_value(l.value.data(), l.value.size());
    }
    std::unique_ptr<tsdb::SeriesIterator> it = series.Iterator();
    while (it->Next()) {
      if (it->t() < start || it->t() > end) continue;  // the querier's range is the contract
      if (max_samples > 0 && ++samples > max_samples) {
        return absl::ResourceExhaustedError(
            ToAbsl(StrCat("exceeded sample limit (", max_samples, ")")));
      }
      prometheus::Sample* s = ts->add_samples();
      s->set_timestamp(it->t());
      s->set_value(it->v());
    }
    RETURN_IF_ERROR(it->status());
  }
  return set->status();
}

absl::StatusOr<ReadAnswer> ReadSamples(const prometheus::ReadRequest& req, tsdb::Storage& storage,
                                       const ReadOptions& options, google::protobuf::Arena* arena) {
  auto* resp = google::protobuf::Arena::CreateMessage<prometheus::ReadResponse>(arena);
  for (const prometheus::Query& query : req.queries()) {
    RETURN_IF_ERROR(RunQuery(query, storage, options, resp->add_results()));
  }
  std::string serialized;
  if (resp->ByteSizeLong() > static_cast<size_t>(INT_MAX) ||
      !resp->SerializeToString(&serialized)) {
    return absl::ResourceExhaustedError("remote read response exceeds 2 GiB; lower the limit");
  }
  ReadAnswer answer;
  answer.type = ResponseType::kSamples;
  answer.content_type = kReadContentType;
  answer.content_encoding = kReadContentEncoding;
  answer.body = Compress(serialized);
  return answer;
}

absl::StatusOr<ReadAnswer> ReadStreamed(const prometheus::ReadRequest& req, tsdb::Storage& storage,
                                        const ReadOptions& options) {
  ReadAnswer answer;
  answer.type = ResponseType::kStreamedXorChunks;
  answer.content_type = kStreamedReadContentType;
  for (int i = 0; i < req.queries_size(); ++i) {
    const prometheus::Query& query = req.queries(i);
    ASSIGN_OR_RETURN(Selection sel,
                     Select(query, storage, options.external_labels, /*chunks=*/true));
    if (sel.set == nullptr) continue;
    RETURN_IF_ERROR(AppendChunkedQuery(*sel.set, i, query.start_timestamp_ms(),
                                       query.end_timestamp_ms(), options.max_bytes_in_frame,
                                       options.external_labels, &answer.body));
  }
  return answer;
}

prometheus::LabelMatcher::Type ToProtoMatchType(model::MatchType type) {
  switch (type) {
    case model::MatchType::kEqual:
      return prometheus::LabelMatcher::EQ;
    case model::MatchType::kNotEqual:
      return prometheus::LabelMatcher::NEQ;
    case model::MatchType::kRegexMatch:
      return prometheus::LabelMatcher::RE;
    case model::MatchType::kRegexNoMatch:
      return prometheus::LabelMatcher::NRE;
  }
  return prometheus::LabelMatcher::EQ;  // unreachable: the switch covers every MatchType
}

}  // namespace

absl::Status Write(std::string_view body, tsdb::Storage& storage, WriteStats* stats) {
  absl::StatusOr<std::string> raw = Decompress(body, "remote write request");
  absl::StatusOr<WireWriteRequest> req = raw.ok() ? DecodeWriteRequest(*raw) : raw.status();
  if (!req.ok()) {
    kLog.Error("Error decoding remote write request", {{"err", req.status()}});
    return req.status();
  }

  WriteStats st;
  st.metadata_ignored = req->metadata;
  const int64_t max_t = model::NowTimestamp() + kMaxAheadMs;
  std::unique_ptr<tsdb::Appender> app = storage.NewAppender();
  if (absl::Status status = AppendAll(*req, max_t, *app, &st); !status.ok()) {
    app->Rollback();
    return status;
  }
  RETURN_IF_ERROR(app->Commit());
  if (stats != nullptr) *stats = st;
  return absl::OkStatus();
}

absl::StatusOr<ReadAnswer> Read(std::string_view body, tsdb::Storage& storage,
                                const ReadOptions& options) {
  ASSIGN_OR_RETURN(std::string raw, Decompress(body, "remote read request"));
  google::protobuf::Arena arena;
  auto* req = google::protobuf::Arena::CreateMessage<prometheus::ReadRequest>(&arena);
  RETURN_IF_ERROR(ParseMessage(raw, WireMessage::kReadRequest, req));
  ASSIGN_OR_RETURN(ResponseType type, NegotiateResponseType(*req));
  if (type == ResponseType::kStreamedXorChunks) {
    return ReadStreamed(*req, storage, options);
  }
  return ReadSamples(*req, storage, options, &arena);
}

std::string EncodeWriteRequest(const std::vector<SeriesSamples>& series) {
  prometheus::WriteRequest req;
  for (const auto& [labels, samples] : series) {
    prometheus::TimeSeries* ts = req.add_timeseries();
    for (const model::Label& l : labels) {
      prometheus::Label* label = ts->add_labels();
      label->set_name(l.name.data(), l.name.size());
      label->set_value(l.value.data(), l.value.size());
    }
    for (const auto& [t, v] : samples) {
      prometheus::Sample* s = ts->add_samples();
      s->set_timestamp(t);
      s->set_value(v);
    }
  }
  return Compress(req.SerializeAsString());
}

std::string EncodeReadRequest(const std::vector<ReadQuery>& queries,
                              const std::vector<ResponseType>& accepted) {
  prometheus::ReadRequest req;
  for (const ReadQuery& q : queries) {
    prometheus::Query* query = req.add_queries();
    query->set_start_timestamp_ms(q.start_ms);
    query->set_end_timestamp_ms(q.end_ms);
    for (const ReadQuery::MatcherSpec& m : q.matchers) {
      prometheus::LabelMatcher* matcher = query->add_matchers();
      matcher->set_type(ToProtoMatchType(m.type));
      matcher->set_name(m.name);
      matcher->set_value(m.value);
    }
  }
  for (ResponseType type : accepted) {
    req.add_accepted_response_types(static_cast<prometheus::ReadRequest::ResponseType>(type));
  }
  return Compress(req.SerializeAsString());
}

absl::StatusOr<std::vector<std::vector<ReadSeries>>> DecodeReadResponse(
    std::string_view snappy_body) {
  ASSIGN_OR_RETURN(std::string raw, Decompress(snappy_body, "remote read response"));
  prometheus::ReadResponse resp;
  RETURN_IF_ERROR(ParseMessage(raw, WireMessage::kReadResponse, &resp));
  std::vector<std::vector<ReadSeries>> out;
  out.reserve(resp.results_size());
  for (const prometheus::QueryResult& result : resp.results()) {
    std::vector<ReadSeries>& series = out.emplace_back();
    for (const prometheus::TimeSeries& ts : result.timeseries()) {
      std::vector<std::pair<std::string, std::string>> pairs;
      for (const prometheus::Label& l : ts.labels()) pairs.emplace_back(l.name(), l.value());
      std::sort(pairs.begin(), pairs.end());
      for (size_t i = 1; i < pairs.size(); ++i) {
        if (pairs[i].first == pairs[i - 1].first) {
          return BadRequest(
              StrCat("remote read response: duplicate label name \"", pairs[i].first, "\""));
        }
      }
      ReadSeries& s = series.emplace_back();
      s.labels = model::Labels::FromPairs(pairs);
      s.samples.reserve(ts.samples_size());
      for (const prometheus::Sample& sample : ts.samples()) {
        s.samples.push_back({sample.timestamp(), sample.value()});
      }
    }
  }
  return out;
}

}  // namespace sextant::api::remote
