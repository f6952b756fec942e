#pragma once

// QueryApi: the handlers behind Prometheus's /api/v1 query and metadata endpoints, as plain
// functions of the request parameters, so they are testable without HTTP. ApiServer routes
// requests to them.
//
//   /api/v1/query, /api/v1/query_range      PromQL through the engine
//   /api/v1/series, /labels, /label/<n>/values   series and label metadata from the storage
//   /api/v1/format_query                    the canonical form of a query
//   /api/v1/query_exemplars                 validated, always empty (exemplars are not stored)
//   /api/v1/status/tsdb                     head statistics and top cardinality
//   /api/v1/admin/tsdb/*                    delete_series, clean_tombstones, snapshot
//   /federate                               the latest samples of matching series, text format
//   /api/v1/write, /api/v1/read             remote write receiver and remote read
// plus the valid empty answers Grafana decodes for endpoints whose data other modules will
// provide (metadata, targets, scrape pools, rules, alerts).
//
// Every answer has Prometheus's envelope, error types and status codes (api/envelope.h).
//
// Thread-safety: all handlers may run concurrently; the storage and engine must be thread-safe.

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "api/params.h"
#include "api/remote/read_gate.h"
#include "model/labels.h"
#include "promql/engine.h"
#include "tsdb/storage.h"

namespace sextant::tsdb {
class DB;
}
namespace sextant::scrape {
class ScrapeManager;
}

namespace sextant::api {

// An HTTP answer.
struct ApiResult {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
};

// What a handler knows about its request besides the parameters.
struct RequestContext {
  // Becomes true when the client goes away (the HTTP server watches the connection); the query
  // then stops with 499 canceled. Null: never canceled. Must outlive the call.
  const std::atomic<bool>* cancel = nullptr;
};

struct QueryApiOptions {
  // Points a range query may return per series (Prometheus's fixed 11,000).
  int64_t max_points_per_series = 11'000;
  bool enable_admin = false;                           // --web.enable-admin-api
  bool enable_remote_write = false;                    // --web.enable-remote-write-receiver
  int64_t remote_read_sample_limit = 50'000'000;       // --storage.remote.read-sample-limit
  int64_t remote_read_concurrent_limit = 10;           // --storage.remote.read-concurrent-limit
  int64_t remote_read_max_bytes_in_frame = 1'048'576;  // --storage.remote.read-max-bytes-in-frame
  // The config's external labels, added by /federate and applied by remote read (/api/v1/read,
  // remote::ReadOptions::external_labels); a getter, called once per request: they change on
  // reload.
  std::function<model::Labels()> external_labels;
  // The clock for a query without `time` (ms); tests fix it.
  std::function<int64_t()> now;
  // Agent mode (--agent): ApiServer answers the endpoints UnavailableInAgentMode() names with
  // AgentModeUnavailable(), before reaching any handler, as Prometheus's wrapAgent does. main
  // sets it from Flags::agent and gives the QueryApi the agent storage (tsdb/agent) and no DB.
  bool agent_mode = false;
};

class QueryApi {
 public:
  // `storage` and `engine` must outlive the API. `db` (may be null) backs the admin and
  // status/tsdb endpoints.
  QueryApi(QueryApiOptions options, tsdb::Storage* storage, promql::Engine* engine, tsdb::DB* db,
           const scrape::ScrapeManager* scrape = nullptr);

  ApiResult Query(const Params& p, const RequestContext& ctx = {}) const;
  ApiResult QueryRange(const Params& p, const RequestContext& ctx = {}) const;
  ApiResult FormatQuery(const Params& p) const;
  ApiResult Series(const Params& p) const;
  ApiResult LabelNames(const Params& p) const;
  // `name` as it appears in the path (U__ escapes are decoded here).
  ApiResult LabelValues(std::string_view name, const Params& p) const;
  ApiResult QueryExemplars(const Params& p) const;
  ApiResult TsdbStatus(const Params& p) const;
  ApiResult AdminDeleteSeries(const Params& p) const;
  ApiResult AdminCleanTombstones(const Params& p) const;
  ApiResult AdminSnapshot(const Params& p) const;
  ApiResult Federate(const Params& p) const;
  // Remote write 1.0 (snappy protobuf body; only with enable_remote_write) and remote read,
  // sampled or streamed (api/remote/remote.h). At most remote_read_concurrent_limit reads run at
  // once; the others wait (a client that goes away while waiting gets 500 "context canceled",
  // as from Prometheus).
  ApiResult RemoteWrite(std::string_view body) const;
  ApiResult RemoteRead(std::string_view body, const RequestContext& ctx = {}) const;

  // Scrape data (valid empty answers without a scrape manager).
  ApiResult Targets(const Params& p) const;
  ApiResult TargetsMetadata(const Params& p) const;
  ApiResult Metadata(const Params& p) const;
  ApiResult ScrapePools(const Params& p) const;

  const QueryApiOptions& options() const { return options_; }
  // The scrape manager given at construction (may be null).
  const scrape::ScrapeManager* scrape_manager() const { return scrape_; }

 private:
  int64_t Now() const;
  // /labels and /label/<name>/values: the sorted union of `list` over the match[] sets (one
  // empty set without match[]), with limit.
  ApiResult LabelStrings(const Params& p,
                         const std::function<absl::StatusOr<std::vector<std::string>>(
                             tsdb::Querier&, const std::vector<model::Matcher>&)>& list) const;
  ApiResult RunQuery(const Params& p, bool range, const RequestContext& ctx) const;

  const QueryApiOptions options_;
  tsdb::Storage* const storage_;
  promql::Engine* const engine_;
  tsdb::DB* const db_;
  const scrape::ScrapeManager* const scrape_;
  mutable remote::ReadGate read_gate_;  // thread-safe; mutable as the handlers are const
};

// The API's error answer for a status: InvalidArgument is bad_data (400), Cancelled canceled
// (499), DeadlineExceeded timeout (503), ResourceExhausted and other query failures execution
// (422), Unavailable unavailable (503), NotFound not_found (404), everything else internal (500).
ApiResult ErrorResult(const absl::Status& status);

// Agent mode: whether the route `pattern` (as registered with ApiServer's router, e.g.
// "/api/v1/label/:name/values") is one that Prometheus's API refuses in agent mode: query,
// query_range, query_exemplars, format_query, parse_query, labels, label values, series,
// alertmanagers, status/tsdb (and status/tsdb/blocks), rules, alerts and admin/tsdb/*. Targets,
// scrape pools, metadata, status/config, flags, runtimeinfo, buildinfo, features and the
// remote-write receiver keep working.
bool UnavailableInAgentMode(std::string_view pattern);
// Prometheus's answer there: 422, errorType "execution", error "unavailable with Prometheus
// Agent".
ApiResult AgentModeUnavailable();

// Every match[] value as matchers. Errors: InvalidArgument with the parser's message, or
// "match[] must contain at least one non-empty matcher".
absl::StatusOr<std::vector<std::vector<model::Matcher>>> MatcherSets(const Params& p);

// Decodes a label name from a URL path: `U__` starts Prometheus's escaping (`__` is `_`,
// `_<hex>_` a Unicode code point); other names are returned as they are.
// Errors: InvalidArgument for a malformed escape.
absl::StatusOr<std::string> UnescapeLabelName(std::string_view name);

}  // namespace sextant::api
