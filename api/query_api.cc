#include "api/query_api.h"

#include <algorithm>
#include <set>
#include <utility>
#include <vector>

#include "api/envelope.h"
#include "api/json_output.h"
#include "api/remote/remote.h"
#include "model/duration.h"
#include "model/sample.h"
#include "model/timestamp.h"
#include "promql/parser.h"
#include "promql/printer.h"
#include "scrape/manager.h"
#include "tsdb/db.h"
#include "util/go_format.h"
#include "util/status_macros.h"
#include "util/strings.h"
#include "util/utf8.h"

namespace sextant::api {
namespace {

constexpr char kTruncatedWarning[] = "results truncated due to limit";

ApiResult Error(ErrorType type, std::string_view message) {
  ApiResult r;
  r.status = ErrorTypeHttpCode(type);
  r.body = ErrorBody(type, message);
  return r;
}

// The envelope around already-written `data`, with the annotations Prometheus adds.
ApiResult Success(const std::string& data, const std::vector<std::string>& warnings = {},
                  const std::vector<std::string>& infos = {}) {
  ApiResult r;
  r.body.reserve(data.size() + 64);
  r.body.append("{\"status\":\"success\",\"data\":");
  r.body.append(data);
  for (const auto& [key, list] : {std::pair{"warnings", &warnings}, std::pair{"infos", &infos}}) {
    if (list->empty()) continue;
    util::StrAppend(&r.body, ",\"", key, "\":[");
    for (size_t i = 0; i < list->size(); ++i) {
      if (i > 0) r.body.push_back(',');
      AppendJsonString(&r.body, (*list)[i]);
    }
    r.body.push_back(']');
  }
  r.body.push_back('}');
  return r;
}

ApiResult BadData(const absl::Status& s) {
  return Error(ErrorType::kBadData, util::FromAbsl(s.message()));
}

// The error of a query that failed while running, as Prometheus's returnAPIError maps it.
ApiResult ExecutionError(const absl::Status& s) {
  switch (s.code()) {
    case absl::StatusCode::kCancelled:
      return Error(ErrorType::kCanceled, util::FromAbsl(s.message()));
    case absl::StatusCode::kDeadlineExceeded:
      return Error(ErrorType::kTimeout, util::FromAbsl(s.message()));
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kDataLoss:
    case absl::StatusCode::kUnknown:
      return Error(ErrorType::kInternal, util::FromAbsl(s.message()));
    case absl::StatusCode::kUnavailable:
      return Error(ErrorType::kUnavailable, util::FromAbsl(s.message()));
    default:
      return Error(ErrorType::kExecution, util::FromAbsl(s.message()));
  }
}

// One `match[]` value as a metric selector.
absl::StatusOr<std::vector<model::Matcher>> ParseSelector(std::string_view text) {
  ASSIGN_OR_RETURN(std::unique_ptr<promql::Expr> e, promql::ParseExpr(text));
  const auto* vs = promql::DynCast<promql::VectorSelector>(e.get());
  if (vs == nullptr) {
    return absl::InvalidArgumentError(util::StrCat(
        "1:1: parse error: expected a metric selector, got ",
        promql::DocumentedType(e->Type()) == "instant vector" ? "an expression" : "a value"));
  }
  return vs->matchers;
}

void AppendStringArray(std::string* out, const std::vector<std::string>& values) {
  out->push_back('[');
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out->push_back(',');
    AppendJsonString(out, values[i]);
  }
  out->push_back(']');
}

// Applies `limit` (0: none) to sorted values, with Prometheus's warning when it cuts.
template <typename T>
void Truncate(std::vector<T>* v, int64_t limit, std::vector<std::string>* warnings) {
  if (limit > 0 && v->size() > static_cast<size_t>(limit)) {
    v->resize(static_cast<size_t>(limit));
    warnings->push_back(kTruncatedWarning);
  }
}

void AppendResult(std::string* out, const promql::QueryResult& r, int64_t limit,
                  std::vector<std::string>* warnings) {
  out->append("{\"resultType\":\"");
  switch (r.type()) {
    case promql::ValueType::kScalar: {
      const auto& s = std::get<promql::Scalar>(r.value);
      out->append("scalar\",\"result\":");
      AppendPoint(out, s.t, s.v);
      break;
    }
    case promql::ValueType::kString: {
      const auto& s = std::get<promql::String>(r.value);
      out->append("string\",\"result\":[");
      AppendTimestamp(out, s.t);
      out->push_back(',');
      AppendJsonString(out, s.v);
      out->push_back(']');
      break;
    }
    case promql::ValueType::kVector: {
      const auto& v = std::get<promql::Vector>(r.value);
      size_t n = v.size();
      if (limit > 0 && n > static_cast<size_t>(limit)) {
        n = static_cast<size_t>(limit);
        warnings->push_back(kTruncatedWarning);
      }
      out->append("vector\",\"result\":[");
      for (size_t i = 0; i < n; ++i) {
        if (i > 0) out->push_back(',');
        out->append("{\"metric\":");
        AppendLabelsObject(out, v[i].labels);
        out->append(",\"value\":");
        AppendPoint(out, v[i].t, v[i].v);
        out->push_back('}');
      }
      out->push_back(']');
      break;
    }
    default: {
      const auto& m = std::get<promql::Matrix>(r.value);
      size_t n = m.size();
      if (limit > 0 && n > static_cast<size_t>(limit)) {
        n = static_cast<size_t>(limit);
        warnings->push_back(kTruncatedWarning);
      }
      size_t points = 0;
      for (size_t i = 0; i < n; ++i) points += m[i].points.size();
      out->reserve(out->size() + points * 32 + n * 128);
      out->append("matrix\",\"result\":[");
      for (size_t i = 0; i < n; ++i) {
        if (i > 0) out->push_back(',');
        out->append("{\"metric\":");
        AppendLabelsObject(out, m[i].labels);
        out->append(",\"values\":[");
        for (size_t j = 0; j < m[i].points.size(); ++j) {
          if (j > 0) out->push_back(',');
          AppendPoint(out, m[i].points[j].t, m[i].points[j].v);
        }
        out->append("]}");
      }
      out->push_back(']');
      break;
    }
  }
}

void AppendStats(std::string* out, const promql::QueryResult& r, absl::Duration total) {
  std::string secs;
  AppendJsonNumber(&secs, absl::ToDoubleSeconds(total));
  util::StrAppend(out, ",\"stats\":{\"timings\":{\"evalTotalTime\":", secs,
                  ",\"resultSortTime\":0,\"queryPreparationTime\":0,\"innerEvalTime\":", secs,
                  ",\"execQueueTime\":0,\"execTotalTime\":", secs,
                  "},\"samples\":{\"totalQueryableSamples\":", r.stats.total_samples,
                  ",\"peakSamples\":", r.stats.peak_samples, "}}");
}

// Label names and values in ascending order of count, then name; the top `limit`.
std::string StatsArray(std::vector<std::pair<std::string, uint64_t>> v, size_t limit) {
  std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  if (v.size() > limit) v.resize(limit);
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) {
    if (i > 0) out.push_back(',');
    out.append("{\"name\":");
    AppendJsonString(&out, v[i].first);
    util::StrAppend(&out, ",\"value\":", v[i].second, "}");
  }
  out.push_back(']');
  return out;
}

// The parameters the metadata endpoints share: start and end (defaulting to all time),
// limit and the match[] selectors.
struct MetadataRequest {
  int64_t start = kApiMinTime;
  int64_t end = kApiMaxTime;
  int64_t limit = 0;
  std::vector<std::vector<model::Matcher>> sets;
};

// Errors: InvalidArgument with Prometheus's messages (answered as bad_data).
absl::StatusOr<MetadataRequest> ParseMetadataRequest(const Params& p) {
  MetadataRequest r;
  ASSIGN_OR_RETURN(r.start, TimeParam(p, "start", kApiMinTime));
  ASSIGN_OR_RETURN(r.end, TimeParam(p, "end", kApiMaxTime));
  ASSIGN_OR_RETURN(r.limit, LimitParam(p));
  ASSIGN_OR_RETURN(r.sets, MatcherSets(p));
  return r;
}

}  // namespace

// Every match[] value as matchers. Errors are bad_data with the parser's message, and
// Prometheus's message for a selector that matches only empty values.
absl::StatusOr<std::vector<std::vector<model::Matcher>>> MatcherSets(const Params& p) {
  std::vector<std::vector<model::Matcher>> sets;
  for (const std::string& m : ParamAll(p, "match[]")) {
    ASSIGN_OR_RETURN(std::vector<model::Matcher> set, ParseSelector(m));
    if (std::all_of(set.begin(), set.end(),
                    [](const model::Matcher& x) { return x.MatchesEmpty(); })) {
      return absl::InvalidArgumentError("match[] must contain at least one non-empty matcher");
    }
    sets.push_back(std::move(set));
  }
  return sets;
}

ApiResult ErrorResult(const absl::Status& status) {
  if (status.code() == absl::StatusCode::kInvalidArgument) return BadData(status);
  if (status.code() == absl::StatusCode::kNotFound) {
    return Error(ErrorType::kNotFound, util::FromAbsl(status.message()));
  }
  return ExecutionError(status);
}

absl::StatusOr<std::string> UnescapeLabelName(std::string_view name) {
  if (!name.starts_with("U__")) return std::string(name);
  std::string out;
  const std::string_view s = name.substr(3);
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '_') {
      out.push_back(s[i]);
      continue;
    }
    if (i + 1 < s.size() && s[i + 1] == '_') {
      out.push_back('_');
      ++i;
      continue;
    }
    const size_t end = s.find('_', i + 1);
    if (end == std::string_view::npos || end == i + 1) {
      return absl::InvalidArgumentError(util::StrCat("invalid escaped label name: \"", name, "\""));
    }
    uint32_t cp = 0;
    for (size_t j = i + 1; j < end; ++j) {
      const char c = s[j];
      const int d = c >= '0' && c <= '9'   ? c - '0'
                    : c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                           : -1;
      if (d < 0 || cp > 0x10FFFF) {
        return absl::InvalidArgumentError(
            util::StrCat("invalid escaped label name: \"", name, "\""));
      }
      cp = cp * 16 + static_cast<uint32_t>(d);
    }
    if (cp > 0x10FFFF) {
      return absl::InvalidArgumentError(util::StrCat("invalid escaped label name: \"", name, "\""));
    }
    util::AppendUtf8(&out, cp);
    i = end;
  }
  return out;
}

QueryApi::QueryApi(QueryApiOptions options, tsdb::Storage* storage, promql::Engine* engine,
                   tsdb::DB* db, const scrape::ScrapeManager* scrape)
    : options_(std::move(options)),
      storage_(storage),
      engine_(engine),
      db_(db),
      scrape_(scrape),
      read_gate_(options_.remote_read_concurrent_limit) {}

int64_t QueryApi::Now() const { return options_.now ? options_.now() : model::NowTimestamp(); }

ApiResult QueryApi::Query(const Params& p, const RequestContext& ctx) const {
  return RunQuery(p, /*range=*/false, ctx);
}
ApiResult QueryApi::QueryRange(const Params& p, const RequestContext& ctx) const {
  return RunQuery(p, /*range=*/true, ctx);
}

ApiResult QueryApi::RunQuery(const Params& p, bool range, const RequestContext& ctx) const {
  promql::QueryOptions opts;
  opts.cancel = ctx.cancel;
  if (auto to = Param(p, "timeout"); to && !to->empty()) {
    absl::StatusOr<absl::Duration> d = ParseApiDuration(*to);
    if (!d.ok()) return BadData(InvalidParam("timeout", util::FromAbsl(d.status().message())));
    opts.timeout = *d;
  }
  if (auto lb = Param(p, "lookback_delta"); lb && !lb->empty()) {
    absl::StatusOr<absl::Duration> d = ParseApiDuration(*lb);
    if (!d.ok()) {
      return BadData(InvalidParam("lookback_delta", util::FromAbsl(d.status().message())));
    }
    if (*d > absl::ZeroDuration()) opts.lookback_delta_ms = absl::ToInt64Milliseconds(*d);
  }
  absl::StatusOr<int64_t> limit = LimitParam(p);
  if (!limit.ok()) return BadData(limit.status());

  int64_t start = 0, end = 0, step = 0;
  if (range) {
    const std::string_view no_value;
    for (std::string_view name : {"start", "end"}) {
      if (!Param(p, name) || Param(p, name)->empty()) {
        return BadData(InvalidParam(
            name, util::StrCat("cannot parse \"", no_value, "\" to a valid timestamp")));
      }
    }
    absl::StatusOr<int64_t> s = TimeParam(p, "start", 0);
    if (!s.ok()) return BadData(s.status());
    absl::StatusOr<int64_t> e = TimeParam(p, "end", 0);
    if (!e.ok()) return BadData(e.status());
    if (*e < *s) {
      return BadData(InvalidParam("end", "end timestamp must not be before start time"));
    }
    absl::StatusOr<absl::Duration> st = ParseApiDuration(Param(p, "step").value_or(""));
    if (!st.ok()) return BadData(InvalidParam("step", util::FromAbsl(st.status().message())));
    step = absl::ToInt64Milliseconds(*st);
    if (step <= 0) {
      return BadData(InvalidParam(
          "step",
          "zero or negative query resolution step widths are not accepted. Try a positive "
          "integer"));
    }
    if ((*e - *s) / step > options_.max_points_per_series) {
      return Error(ErrorType::kBadData,
                   "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing "
                   "the query resolution (?step=XX)");
    }
    start = *s;
    end = *e;
  } else {
    absl::StatusOr<int64_t> t = TimeParam(p, "time", Now());
    if (!t.ok()) return BadData(t.status());
    start = end = *t;
  }

  const std::string_view query = Param(p, "query").value_or("");
  absl::StatusOr<std::unique_ptr<promql::Expr>> expr = promql::ParseExpr(query);
  if (!expr.ok()) {
    return BadData(InvalidParam("query", util::FromAbsl(expr.status().message())));
  }
  if (range && (*expr)->Type() != promql::ValueType::kScalar &&
      (*expr)->Type() != promql::ValueType::kVector) {
    return BadData(InvalidParam(
        "query", util::StrCat("invalid expression type \"", promql::DocumentedType((*expr)->Type()),
                              "\" for range query, must be Scalar or instant Vector")));
  }
  opts.query_text = query;
  const absl::Time began = absl::Now();
  absl::StatusOr<promql::QueryResult> r =
      engine_->Evaluate(*storage_, **expr, start, end, step, opts);
  if (!r.ok()) return ExecutionError(r.status());
  const absl::Duration took = absl::Now() - began;

  std::vector<std::string> warnings = r->warnings;
  std::string data;
  AppendResult(&data, *r, *limit, &warnings);
  if (auto stats = Param(p, "stats"); stats && !stats->empty()) AppendStats(&data, *r, took);
  data.push_back('}');
  return Success(data, warnings, r->infos);
}

ApiResult QueryApi::FormatQuery(const Params& p) const {
  absl::StatusOr<std::unique_ptr<promql::Expr>> expr =
      promql::ParseExpr(Param(p, "query").value_or(""));
  if (!expr.ok()) return BadData(InvalidParam("query", util::FromAbsl(expr.status().message())));
  std::string data;
  AppendJsonString(&data, promql::Format(**expr));
  return Success(data);
}

ApiResult QueryApi::Series(const Params& p) const {
  if (ParamAll(p, "match[]").empty()) {
    return Error(ErrorType::kBadData, "no match[] parameter provided");
  }
  absl::StatusOr<MetadataRequest> req = ParseMetadataRequest(p);
  if (!req.ok()) return BadData(req.status());
  absl::StatusOr<std::unique_ptr<tsdb::Querier>> q = storage_->NewQuerier(req->start, req->end);
  if (!q.ok()) return ExecutionError(q.status());
  std::set<model::Labels> found;
  std::vector<std::string> warnings;
  for (const std::vector<model::Matcher>& set : req->sets) {
    tsdb::SelectHints hints;
    hints.start = req->start;
    hints.end = req->end;
    hints.func = "series";
    std::unique_ptr<tsdb::SeriesSet> ss = (*q)->Select(set, &hints);
    while (ss->Next()) found.insert(ss->At().labels());
    if (!ss->status().ok()) return ExecutionError(ss->status());
    // A remote_read endpoint that failed: its series are missing, said as Prometheus says it.
    for (std::string& w : ss->Warnings()) warnings.push_back(std::move(w));
  }
  std::vector<model::Labels> series(found.begin(), found.end());
  Truncate(&series, req->limit, &warnings);
  std::string data = "[";
  for (size_t i = 0; i < series.size(); ++i) {
    if (i > 0) data.push_back(',');
    AppendLabelsObject(&data, series[i]);
  }
  data.push_back(']');
  return Success(data, warnings);
}

ApiResult QueryApi::LabelStrings(
    const Params& p, const std::function<absl::StatusOr<std::vector<std::string>>(
                         tsdb::Querier&, const std::vector<model::Matcher>&)>& list) const {
  absl::StatusOr<MetadataRequest> req = ParseMetadataRequest(p);
  if (!req.ok()) return BadData(req.status());
  absl::StatusOr<std::unique_ptr<tsdb::Querier>> q = storage_->NewQuerier(req->start, req->end);
  if (!q.ok()) return ExecutionError(q.status());
  if (req->sets.empty()) req->sets.emplace_back();
  std::set<std::string> all;
  for (const std::vector<model::Matcher>& set : req->sets) {
    absl::StatusOr<std::vector<std::string>> got = list(**q, set);
    if (!got.ok()) return ExecutionError(got.status());
    all.insert(got->begin(), got->end());
  }
  std::vector<std::string> out(all.begin(), all.end());
  std::vector<std::string> warnings;
  Truncate(&out, req->limit, &warnings);
  std::string data;
  AppendStringArray(&data, out);
  return Success(data, warnings);
}

ApiResult QueryApi::LabelNames(const Params& p) const {
  return LabelStrings(p, [](tsdb::Querier& q, const std::vector<model::Matcher>& set) {
    return q.LabelNames(set);
  });
}

ApiResult QueryApi::LabelValues(std::string_view raw_name, const Params& p) const {
  absl::StatusOr<std::string> name = UnescapeLabelName(raw_name);
  if (!name.ok()) return BadData(name.status());
  if (name->empty() || !util::IsValidUtf8(*name)) {
    return Error(ErrorType::kBadData, util::StrCat("invalid label name: \"", *name, "\""));
  }
  return LabelStrings(p, [&name](tsdb::Querier& q, const std::vector<model::Matcher>& set) {
    return q.LabelValues(*name, set);
  });
}

ApiResult QueryApi::QueryExemplars(const Params& p) const {
  absl::StatusOr<int64_t> start = TimeParam(p, "start", kApiMinTime);
  if (!start.ok()) return BadData(start.status());
  absl::StatusOr<int64_t> end = TimeParam(p, "end", kApiMaxTime);
  if (!end.ok()) return BadData(end.status());
  if (*end < *start) {
    return BadData(InvalidParam("end", "end timestamp must not be before start time"));
  }
  absl::StatusOr<std::unique_ptr<promql::Expr>> expr =
      promql::ParseExpr(Param(p, "query").value_or(""));
  if (!expr.ok()) return BadData(InvalidParam("query", util::FromAbsl(expr.status().message())));
  return Success("[]");
}

ApiResult QueryApi::TsdbStatus(const Params& p) const {
  size_t limit = 10;
  if (auto l = Param(p, "limit"); l && !l->empty()) {
    absl::StatusOr<int64_t> n = LimitParam(p);
    if (!n.ok() || *n <= 0) {
      return Error(ErrorType::kBadData, "limit must be a positive number");
    }
    limit = static_cast<size_t>(*n);
  }
  if (db_ == nullptr) return Error(ErrorType::kUnavailable, "TSDB not ready");
  const tsdb::DbStats stats = db_->Stats();
  const tsdb::index::PostingsStats ps = db_->head().postings().Stats(model::kMetricNameLabel);
  std::string data;
  util::StrAppend(&data, "{\"headStats\":{\"numSeries\":", stats.head_series,
                  ",\"numLabelPairs\":", ps.num_label_pairs, ",\"chunkCount\":", stats.head_chunks,
                  ",\"minTime\":", stats.head_series == 0 ? 0 : stats.head_min_time,
                  ",\"maxTime\":", stats.head_series == 0 ? 0 : stats.head_max_time, "}");
  util::StrAppend(&data,
                  ",\"seriesCountByMetricName\":", StatsArray(ps.series_by_metric_name, limit));
  util::StrAppend(&data,
                  ",\"labelValueCountByLabelName\":", StatsArray(ps.values_by_label_name, limit));
  util::StrAppend(&data,
                  ",\"memoryInBytesByLabelName\":", StatsArray(ps.bytes_by_label_name, limit));
  util::StrAppend(
      &data, ",\"seriesCountByLabelValuePair\":", StatsArray(ps.series_by_label_pair, limit), "}");
  return Success(data);
}

ApiResult QueryApi::AdminDeleteSeries(const Params& p) const {
  if (!options_.enable_admin) return Error(ErrorType::kUnavailable, "admin APIs disabled");
  if (ParamAll(p, "match[]").empty()) {
    return Error(ErrorType::kBadData, "no match[] parameter provided");
  }
  absl::StatusOr<MetadataRequest> req = ParseMetadataRequest(p);
  if (!req.ok()) return BadData(req.status());
  if (db_ == nullptr) return Error(ErrorType::kUnavailable, "TSDB not ready");
  for (const std::vector<model::Matcher>& set : req->sets) {
    if (absl::Status s = db_->Delete(req->start, req->end, set); !s.ok()) {
      return Error(ErrorType::kInternal, util::FromAbsl(s.message()));
    }
  }
  ApiResult r;
  r.status = 204;
  return r;
}

ApiResult QueryApi::AdminCleanTombstones(const Params&) const {
  if (!options_.enable_admin) return Error(ErrorType::kUnavailable, "admin APIs disabled");
  if (db_ == nullptr) return Error(ErrorType::kUnavailable, "TSDB not ready");
  if (absl::Status s = db_->CleanTombstones(); !s.ok()) {
    return Error(ErrorType::kInternal, util::FromAbsl(s.message()));
  }
  ApiResult r;
  r.status = 204;
  return r;
}

ApiResult QueryApi::AdminSnapshot(const Params& p) const {
  if (!options_.enable_admin) return Error(ErrorType::kUnavailable, "admin APIs disabled");
  bool skip_head = false;
  if (auto v = Param(p, "skip_head"); v && !v->empty()) {
    const std::optional<bool> b = ParseGoBool(*v);
    if (b.has_value()) {
      skip_head = *b;
    } else {
      return Error(ErrorType::kBadData,
                   util::StrCat("unable to parse boolean 'skip_head' argument: strconv.ParseBool: "
                                "parsing \"",
                                *v, "\": invalid syntax"));
    }
  }
  if (db_ == nullptr) return Error(ErrorType::kUnavailable, "TSDB not ready");
  absl::StatusOr<std::string> name = db_->Snapshot(!skip_head);
  if (!name.ok()) {
    return Error(ErrorType::kInternal,
                 util::StrCat("create snapshot: ", util::FromAbsl(name.status().message())));
  }
  std::string data = "{\"name\":";
  AppendJsonString(&data, *name);
  data.push_back('}');
  return Success(data);
}

ApiResult QueryApi::Federate(const Params& p) const {
  ApiResult r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  absl::StatusOr<std::vector<std::vector<model::Matcher>>> sets = MatcherSets(p);
  if (!sets.ok()) {
    r.status = 400;
    r.body = util::StrCat(util::FromAbsl(sets.status().message()), "\n");
    return r;
  }
  const int64_t now = Now();
  const int64_t mint = now - engine_->options().lookback_delta_ms;
  // The local storage only, as Prometheus federates (not what remote_read adds).
  tsdb::Storage* local = db_ != nullptr ? static_cast<tsdb::Storage*>(db_) : storage_;
  absl::StatusOr<std::unique_ptr<tsdb::Querier>> q = local->NewQuerier(mint, now);
  if (!q.ok()) {
    r.status = 500;
    r.body = util::StrCat(util::FromAbsl(q.status().message()), "\n");
    return r;
  }
  // The newest sample of each matching series in the lookback window, stale ones left out.
  std::map<model::Labels, model::Sample> latest;
  for (const std::vector<model::Matcher>& set : *sets) {
    tsdb::SelectHints hints;
    hints.start = mint;
    hints.end = now;
    std::unique_ptr<tsdb::SeriesSet> ss = (*q)->Select(set, &hints);
    while (ss->Next()) {
      const tsdb::Series& s = ss->At();
      std::unique_ptr<tsdb::SeriesIterator> it = s.Iterator();
      bool have = false;
      model::Sample last;
      if (it->Seek(mint + 1)) {
        do {
          if (it->t() > now) break;
          last = model::Sample{it->t(), it->v()};
          have = true;
        } while (it->Next());
      }
      if (have && !model::IsStaleNaN(last.v)) latest.emplace(s.labels(), last);
    }
    if (!ss->status().ok()) {
      r.status = 500;
      r.body = util::StrCat(util::FromAbsl(ss->status().message()), "\n");
      return r;
    }
  }
  // Grouped by metric name with a `# TYPE <name> untyped` line per family, external labels
  // added where the series lacks them, as Prometheus's federation handler writes it.
  std::vector<std::pair<const model::Labels*, model::Sample>> ordered;
  for (const auto& [labels, sample] : latest) ordered.emplace_back(&labels, sample);
  std::stable_sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) {
    return a.first->MetricName() < b.first->MetricName();
  });
  const model::Labels external =
      options_.external_labels ? options_.external_labels() : model::Labels();
  std::string_view family;
  bool first = true;
  for (const auto& [labels, sample] : ordered) {
    const std::string_view name = labels->MetricName();
    if (first || name != family) {
      util::StrAppend(&r.body, "# TYPE ", name, " untyped\n");
      family = name;
      first = false;
    }
    r.body.append(name);
    std::string pairs;
    for (const model::Label& l : *labels) {
      if (l.name == model::kMetricNameLabel || l.value.empty()) continue;
      util::StrAppend(&pairs, pairs.empty() ? "" : ",", l.name, "=", util::QuoteGo(l.value));
    }
    for (const model::Label& l : external) {
      if (labels->Has(l.name) && !labels->Get(l.name).empty()) continue;
      util::StrAppend(&pairs, pairs.empty() ? "" : ",", l.name, "=", util::QuoteGo(l.value));
    }
    if (!pairs.empty()) util::StrAppend(&r.body, "{", pairs, "}");
    util::StrAppend(&r.body, " ", util::FormatFloatGo(sample.v), " ", sample.t, "\n");
  }
  return r;
}

ApiResult QueryApi::RemoteWrite(std::string_view body) const {
  ApiResult r;
  r.content_type = "text/plain; charset=utf-8";
  if (!options_.enable_remote_write) {
    r.status = 404;
    r.body = "remote write receiver needs to be enabled with --web.enable-remote-write-receiver\n";
    return r;
  }
  const absl::Status s = remote::Write(body, *storage_);
  if (s.ok()) {
    r.status = 204;
    return r;
  }
  r.status = s.code() == absl::StatusCode::kInvalidArgument ? 400 : 500;
  r.body = util::StrCat(util::FromAbsl(s.message()), "\n");
  return r;
}

ApiResult QueryApi::RemoteRead(std::string_view body, const RequestContext& ctx) const {
  ApiResult r;
  absl::StatusOr<remote::ReadGate::Slot> slot = read_gate_.Enter(ctx.cancel);
  absl::StatusOr<remote::ReadAnswer> out =
      slot.ok()
          ? remote::Read(body, *storage_,
                         {.sample_limit = options_.remote_read_sample_limit,
                          .max_bytes_in_frame = options_.remote_read_max_bytes_in_frame,
                          .external_labels = options_.external_labels ? options_.external_labels()
                                                                      : model::Labels()})
          : slot.status();
  if (!out.ok()) {
    const absl::StatusCode c = out.status().code();
    r.status = c == absl::StatusCode::kInvalidArgument || c == absl::StatusCode::kResourceExhausted
                   ? 400
                   : 500;
    r.content_type = "text/plain; charset=utf-8";
    r.body = util::StrCat(util::FromAbsl(out.status().message()), "\n");
    return r;
  }
  r.content_type = std::move(out->content_type);
  r.body = std::move(out->body);
  return r;
}

namespace {

// "type":..,"help":..,"unit":.. of one metric's metadata.
void AppendMetadataFields(std::string* out, const scrape::MetricMetadata& md) {
  out->append("\"type\":");
  AppendJsonString(out, md.type);
  out->append(",\"help\":");
  AppendJsonString(out, md.help);
  out->append(",\"unit\":");
  AppendJsonString(out, md.unit);
}

// Go's zero time for a target never scraped, RFC3339 otherwise.
std::string ScrapeTime(absl::Time t) {
  return t == absl::UnixEpoch() ? "0001-01-01T00:00:00Z" : model::FormatRfc3339(t);
}

}  // namespace

ApiResult QueryApi::Targets(const Params& p) const {
  const std::string state = util::AsciiLower(Param(p, "state").value_or(""));
  const bool any = state.empty() || state == "any";
  const bool show_dropped = any || state == "dropped";
  // scrapePool narrows the targets listed, not droppedTargetCounts (as Prometheus).
  const std::string_view pool = Param(p, "scrapePool").value_or("");
  std::vector<scrape::TargetStatus> active;
  std::vector<scrape::DroppedTargetStatus> dropped;
  if (scrape_ != nullptr) {
    if (any || state == "active") active = scrape_->ActiveTargets();
    dropped = scrape_->DroppedTargets();
  }
  std::map<std::string, int64_t> dropped_counts;  // every pool, 0 included
  if (scrape_ != nullptr) {
    for (const std::string& name : scrape_->ScrapePools()) dropped_counts[name] = 0;
  }
  for (const auto& d : dropped) ++dropped_counts[d.scrape_pool];
  if (!show_dropped) dropped.clear();
  if (!pool.empty()) {
    std::erase_if(active, [&](const auto& t) { return t.scrape_pool != pool; });
    std::erase_if(dropped, [&](const auto& t) { return t.scrape_pool != pool; });
  }
  std::sort(active.begin(), active.end(), [](const auto& a, const auto& b) {
    return a.scrape_pool != b.scrape_pool ? a.scrape_pool < b.scrape_pool : a.labels < b.labels;
  });
  std::string data = "{\"activeTargets\":[";
  for (size_t i = 0; i < active.size(); ++i) {
    const scrape::TargetStatus& t = active[i];
    if (i > 0) data.push_back(',');
    data.append("{\"discoveredLabels\":");
    AppendLabelsObject(&data, t.discovered_labels);
    data.append(",\"labels\":");
    AppendLabelsObject(&data, t.labels);
    data.append(",\"scrapePool\":");
    AppendJsonString(&data, t.scrape_pool);
    data.append(",\"scrapeUrl\":");
    AppendJsonString(&data, t.scrape_url);
    data.append(",\"globalUrl\":");
    AppendJsonString(&data, t.global_url);
    data.append(",\"lastError\":");
    AppendJsonString(&data, t.last_error);
    data.append(",\"lastScrape\":");
    AppendJsonString(&data, ScrapeTime(t.last_scrape));
    data.append(",\"lastScrapeDuration\":");
    AppendJsonNumber(&data, absl::ToDoubleSeconds(t.last_scrape_duration));
    data.append(",\"health\":");
    AppendJsonString(&data, t.health);
    data.append(",\"scrapeInterval\":");
    AppendJsonString(&data, model::DurationToString(t.interval));
    data.append(",\"scrapeTimeout\":");
    AppendJsonString(&data, model::DurationToString(t.timeout));
    data.push_back('}');
  }
  data.append("],\"droppedTargets\":[");
  for (size_t i = 0; i < dropped.size(); ++i) {
    if (i > 0) data.push_back(',');
    data.append("{\"discoveredLabels\":");
    AppendLabelsObject(&data, dropped[i].discovered_labels);
    data.append(",\"scrapePool\":");
    AppendJsonString(&data, dropped[i].scrape_pool);
    data.push_back('}');
  }
  data.append("],\"droppedTargetCounts\":");
  if (show_dropped) {
    data.push_back('{');
    bool first = true;
    for (const auto& [name, n] : dropped_counts) {
      if (!first) data.push_back(',');
      first = false;
      AppendJsonString(&data, name);
      util::StrAppend(&data, ":", n);
    }
    data.push_back('}');
  } else {
    data.append("null");  // Prometheus leaves its map unset
  }
  data.push_back('}');
  return Success(data);
}

ApiResult QueryApi::ScrapePools(const Params&) const {
  std::vector<std::string> pools;
  if (scrape_ != nullptr) pools = scrape_->ScrapePools();
  std::string data = "{\"scrapePools\":";
  AppendStringArray(&data, pools);
  data.push_back('}');
  return Success(data);
}

ApiResult QueryApi::Metadata(const Params& p) const {
  absl::StatusOr<int64_t> limit = LimitParam(p);
  if (!limit.ok()) return BadData(limit.status());
  absl::StatusOr<int64_t> per_metric = LimitParam(p, "limit_per_metric");
  if (!per_metric.ok()) return BadData(per_metric.status());
  const std::string_view metric = Param(p, "metric").value_or("");
  // Distinct metadata per metric name across all targets.
  std::map<std::string, std::vector<scrape::MetricMetadata>> by_name;
  if (scrape_ != nullptr) {
    for (const scrape::TargetStatus& t : scrape_->ActiveTargets(/*with_metadata=*/true)) {
      for (const auto& [name, md] : t.metadata) {
        if (!metric.empty() && name != metric) continue;
        std::vector<scrape::MetricMetadata>& list = by_name[name];
        if (std::find(list.begin(), list.end(), md) == list.end()) list.push_back(md);
      }
    }
  }
  std::string data = "{";
  int64_t n = 0;
  for (const auto& [name, list] : by_name) {
    if (*limit > 0 && n >= *limit) break;
    if (n++ > 0) data.push_back(',');
    AppendJsonString(&data, name);
    data.append(":[");
    for (size_t i = 0; i < list.size(); ++i) {
      if (*per_metric > 0 && static_cast<int64_t>(i) >= *per_metric) break;
      if (i > 0) data.push_back(',');
      data.push_back('{');
      AppendMetadataFields(&data, list[i]);
      data.push_back('}');
    }
    data.push_back(']');
  }
  data.push_back('}');
  return Success(data);
}

ApiResult QueryApi::TargetsMetadata(const Params& p) const {
  absl::StatusOr<int64_t> limit = LimitParam(p);
  if (!limit.ok()) return BadData(limit.status());
  const std::string_view metric = Param(p, "metric").value_or("");
  std::vector<model::Matcher> match_target;
  if (auto mt = Param(p, "match_target"); mt && !mt->empty()) {
    absl::StatusOr<std::vector<model::Matcher>> m = ParseSelector(*mt);
    if (!m.ok()) return BadData(m.status());
    match_target = *std::move(m);
  }
  std::string data = "[";
  int64_t n = 0;
  if (scrape_ != nullptr) {
    for (const scrape::TargetStatus& t : scrape_->ActiveTargets(/*with_metadata=*/true)) {
      if (!tsdb::MatchesAll(t.labels, match_target)) continue;
      for (const auto& [name, md] : t.metadata) {
        if (!metric.empty() && name != metric) continue;
        if (*limit > 0 && n >= *limit) break;
        if (n++ > 0) data.push_back(',');
        data.append("{\"target\":");
        AppendLabelsObject(&data, t.labels);
        data.append(",\"metric\":");
        AppendJsonString(&data, name);
        data.push_back(',');
        AppendMetadataFields(&data, md);
        data.push_back('}');
      }
    }
  }
  data.push_back(']');
  return Success(data);
}

bool UnavailableInAgentMode(std::string_view pattern) {
  // Prometheus's web/api/v1/api.go, the routes wrapped in wrapAgent.
  static constexpr std::string_view kRoutes[] = {
      "/api/v1/query",
      "/api/v1/query_range",
      "/api/v1/query_exemplars",
      "/api/v1/format_query",
      "/api/v1/parse_query",
      "/api/v1/labels",
      "/api/v1/label/:name/values",
      "/api/v1/series",
      "/api/v1/alertmanagers",
      "/api/v1/status/tsdb",
      "/api/v1/status/tsdb/blocks",
      "/api/v1/alerts",
      "/api/v1/rules",
      "/api/v1/admin/tsdb/delete_series",
      "/api/v1/admin/tsdb/clean_tombstones",
      "/api/v1/admin/tsdb/snapshot",
  };
  return std::find(std::begin(kRoutes), std::end(kRoutes), pattern) != std::end(kRoutes);
}

ApiResult AgentModeUnavailable() {
  return ApiResult{.status = ErrorTypeHttpCode(ErrorType::kExecution),
                   .body = ErrorBody(ErrorType::kExecution, "unavailable with Prometheus Agent")};
}

}  // namespace sextant::api
