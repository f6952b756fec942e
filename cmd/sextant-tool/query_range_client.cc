#include "cmd/sextant-tool/query_range_client.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <map>

#include <httplib.h>

#include "nlohmann/json.hpp"
#include "scrape/http_client.h"
#include "util/strings.h"

namespace sextant::tool {
namespace {

absl::Status ApiError(std::string_view type, std::string_view message) {
  return absl::UnavailableError(util::ToAbsl(util::StrCat(type, ": ", message)));
}

std::string FormatFixed(double x) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), x, std::chars_format::fixed);
  return std::string(buf, r.ptr);
}

// Prometheus's API writes sample values as strings in Go's float syntax ("NaN", "+Inf", "1e-05").
absl::StatusOr<double> ParseValue(const nlohmann::json& j) {
  if (!j.is_string()) return absl::InvalidArgumentError("sample value is not a string");
  const std::string& s = j.get_ref<const std::string&>();
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size()) {
    return absl::InvalidArgumentError(util::ToAbsl(util::StrCat("invalid sample value ", s)));
  }
  return v;
}

// model.Time's JSON: Unix seconds with up to three decimals, read exactly to the millisecond.
absl::StatusOr<int64_t> ParseTimestamp(const nlohmann::json& j) {
  if (!j.is_number()) return absl::InvalidArgumentError("sample timestamp is not a number");
  if (j.is_number_integer()) return j.get<int64_t>() * 1000;
  return static_cast<int64_t>(std::llround(j.get<double>() * 1000));
}

// `data` of a matrix result; throws nlohmann's exceptions on the wrong shapes.
absl::StatusOr<RangeResult> DecodeMatrix(const nlohmann::json& data) {
  RangeResult out;
  for (const nlohmann::json& series : data.at("result")) {
    RangeSeries rs;
    std::vector<std::pair<std::string, std::string>> labels;
    for (const auto& [name, value] : series.at("metric").items()) {
      labels.emplace_back(name, value.get<std::string>());
    }
    rs.metric = model::Labels::FromPairs(labels);
    if (series.contains("values")) {
      for (const nlohmann::json& pair : series.at("values")) {
        if (!pair.is_array() || pair.size() != 2) {
          return absl::InvalidArgumentError("sample is not a [time, value] pair");
        }
        absl::StatusOr<int64_t> t = ParseTimestamp(pair[0]);
        if (!t.ok()) return t.status();
        absl::StatusOr<double> v = ParseValue(pair[1]);
        if (!v.ok()) return v.status();
        rs.samples.push_back({*t, *v});
      }
    }
    out.matrix.push_back(std::move(rs));
  }
  return out;
}

class HttpQueryRangeApi : public QueryRangeApi {
 public:
  explicit HttpQueryRangeApi(std::string_view url) : url_(url) {
    const size_t scheme_end = url_.find("://");
    scheme_ = scheme_end == std::string::npos ? "" : url_.substr(0, scheme_end);
    const size_t host_start = scheme_end == std::string::npos ? 0 : scheme_end + 3;
    const size_t path_start = url_.find('/', host_start);
    host_port_ = url_.substr(host_start, path_start - host_start);
    std::string prefix = path_start == std::string::npos ? "" : url_.substr(path_start);
    while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
    path_ = prefix + "/api/v1/query_range";
    if (scheme_ == "http" || scheme_ == "https") {
      client_ = std::make_unique<scrape::HttpClient>(util::StrCat(scheme_, "://", host_port_),
                                                     config::HttpClientConfig{});
      // Go's default client has no timeout; a long range query must not be cut at httplib's 5s.
      client_->client().set_read_timeout(std::chrono::hours(1));
      client_->client().set_write_timeout(std::chrono::minutes(5));
    }
  }

  absl::StatusOr<RangeResult> QueryRange(std::string_view query, absl::Time start, absl::Time end,
                                         absl::Duration step) override {
    const std::string full_url = util::StrCat(scheme_, "://", host_port_, path_);
    if (client_ == nullptr) {
      return absl::UnavailableError(util::ToAbsl(
          util::StrCat("Post \"", full_url, "\": unsupported protocol scheme \"", scheme_, "\"")));
    }
    if (!client_->init_status().ok()) return client_->init_status();
    httplib::Params params{{"query", std::string(query)},
                           {"start", FormatApiSeconds(start)},
                           {"end", FormatApiSeconds(end)},
                           {"step", FormatApiSeconds(step)}};
    httplib::Headers headers;
    if (absl::Status s = client_->PrepareRequest(&headers); !s.ok()) return s;
    httplib::Result res =
        client_->client().Post(path_, headers, httplib::detail::params_to_query_str(params),
                               "application/x-www-form-urlencoded");
    std::string method = "Post";
    // client_golang's DoGetFallback: servers that do not take POST get a GET.
    if (res && (res->status == 405 || res->status == 501)) {
      method = "Get";
      res = client_->client().Get(path_, params, headers);
    }
    if (!res) {
      client_->client().stop();
      return absl::UnavailableError(
          util::ToAbsl(util::StrCat(method, " \"", full_url, "\": ", DescribeError(res.error()))));
    }
    return DecodeQueryRangeResponse(res->status, res->body);
  }

 private:
  // Go's wording where httplib's one-word error names have a counterpart.
  std::string DescribeError(httplib::Error e) const {
    switch (e) {
      case httplib::Error::Connection:
        return util::StrCat("dial tcp ", host_port_,
                            ": connection failed (refused or unreachable)");
      case httplib::Error::ConnectionTimeout:
        return util::StrCat("dial tcp ", host_port_, ": i/o timeout");
      case httplib::Error::Read:
        return "EOF";
      case httplib::Error::SSLConnection:
        return "TLS handshake failed";
      case httplib::Error::SSLServerVerification:
        return "x509: certificate verification failed";
      default:
        return httplib::to_string(e);
    }
  }

  const std::string url_;
  std::string scheme_;
  std::string host_port_;
  std::string path_;
  std::unique_ptr<scrape::HttpClient> client_;
};

}  // namespace

std::string FormatApiSeconds(absl::Time t) {
  const int64_t ns = absl::ToUnixNanos(t);
  int64_t sec = ns / 1'000'000'000;
  int64_t frac = ns % 1'000'000'000;
  if (frac < 0) {  // Go's Unix() and Nanosecond(): the fraction is never negative
    frac += 1'000'000'000;
    --sec;
  }
  return FormatFixed(static_cast<double>(sec) + static_cast<double>(frac) / 1e9);
}

std::string FormatApiSeconds(absl::Duration d) { return FormatFixed(absl::ToDoubleSeconds(d)); }

absl::StatusOr<RangeResult> DecodeQueryRangeResponse(int http_status, std::string_view body) {
  const bool api_error = http_status == 400 || http_status == 422;
  if (http_status / 100 != 2 && !api_error) {
    switch (http_status / 100) {
      case 4:
        return ApiError("client_error", util::StrCat("client error: ", http_status));
      case 5:
        return ApiError("server_error", util::StrCat("server error: ", http_status));
      default:
        return ApiError("bad_response", util::StrCat("bad response code ", http_status));
    }
  }
  if (http_status == 204) return ApiError("bad_response", "empty response");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(body);
  } catch (const nlohmann::json::exception& e) {
    return ApiError("bad_response", e.what());
  }
  if (!j.is_object()) return ApiError("bad_response", "response is not a JSON object");
  const std::string status = j.value("status", "");
  if (status == "error") {
    return ApiError(j.value("errorType", ""), j.value("error", ""));
  }
  if (api_error && status == "success") {
    return ApiError("bad_response", "inconsistent body for response code");
  }
  if (!j.contains("data") || !j["data"].is_object()) {
    return ApiError("bad_response", "response has no data");
  }
  // promtool's own check, after the API's.
  if (const std::string type = j["data"].value("resultType", ""); type != "matrix") {
    return absl::FailedPreconditionError(
        util::ToAbsl(util::StrCat("rule result is wrong type ", type)));
  }
  absl::StatusOr<RangeResult> out;
  try {
    out = DecodeMatrix(j["data"]);
  } catch (const nlohmann::json::exception& e) {
    return ApiError("bad_response", e.what());
  }
  if (!out.ok()) {
    return ApiError("bad_response", util::FromAbsl(out.status().message()));
  }
  if (j.contains("warnings") && j["warnings"].is_array()) {
    for (const nlohmann::json& w : j["warnings"]) {
      if (w.is_string()) out->warnings.push_back(w.get<std::string>());
    }
  }
  return out;
}

std::unique_ptr<QueryRangeApi> NewHttpQueryRangeApi(std::string_view url) {
  return std::make_unique<HttpQueryRangeApi>(url);
}

}  // namespace sextant::tool
