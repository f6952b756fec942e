#include "scrape/fetcher.h"

#include <cstdio>

#include <httplib.h>

#include "scrape/http_client.h"
#include "util/build_info.h"
#include "util/strings.h"

namespace sextant::scrape {
std::string Fetcher::AcceptHeader(const std::vector<std::string>& protocols) {
  static const std::vector<std::string> kDefault = {"OpenMetricsText1.0.0", "OpenMetricsText0.0.1",
                                                    "PrometheusText1.0.0", "PrometheusText0.0.4"};
  const std::vector<std::string>& list = protocols.empty() ? kDefault : protocols;
  std::string out;
  double weight = 0.5;
  for (const std::string& p : list) {
    std::string_view header;
    if (p == "OpenMetricsText1.0.0") header = "application/openmetrics-text;version=1.0.0";
    if (p == "OpenMetricsText0.0.1") header = "application/openmetrics-text;version=0.0.1";
    if (p == "PrometheusText1.0.0") header = "text/plain;version=1.0.0";
    if (p == "PrometheusText0.0.4") header = "text/plain;version=0.0.4";
    if (header.empty()) continue;  // native-histogram protobuf: not supported
    char q[16];
    std::snprintf(q, sizeof(q), "%.1f", weight);
    util::StrAppend(&out, out.empty() ? "" : ",", header, ";q=", q);
    weight = std::max(0.1, weight - 0.1);
  }
  return util::StrCat(out, ",*/*;q=0.1");
}

Fetcher::Fetcher(std::string url, const config::ScrapeConfig& cfg)
    : url_(std::move(url)), cfg_(cfg), accept_(AcceptHeader(cfg.scrape_protocols)) {
  const size_t scheme_end = url_.find("://");
  const size_t path_start = url_.find('/', scheme_end == std::string::npos ? 0 : scheme_end + 3);
  path_ = path_start == std::string::npos ? "/" : url_.substr(path_start);
  client_ = std::make_unique<HttpClient>(url_.substr(0, path_start), cfg.http);
  init_error_ = client_->init_status();
  if (init_error_.code() == absl::StatusCode::kInvalidArgument) {
    init_error_ = absl::InvalidArgumentError(util::StrCat("invalid scrape URL ", url_));
  }
}

Fetcher::~Fetcher() = default;

FetchResult Fetcher::Fetch(absl::Duration timeout) {
  FetchResult r;
  if (!init_error_.ok()) {
    r.status = init_error_;
    return r;
  }
  client_->SetTimeout(timeout);

  httplib::Headers headers = {
      {"Accept", accept_},
      {"User-Agent", util::StrCat("Sextant/", util::GetBuildInfo().version)},
      {"X-Prometheus-Scrape-Timeout-Seconds", util::StrCat(absl::ToDoubleSeconds(timeout))},
  };
  if (cfg_.enable_compression) headers.emplace("Accept-Encoding", "gzip");
  if (absl::Status secret_error = client_->PrepareRequest(&headers); !secret_error.ok()) {
    r.status = std::move(secret_error);
    return r;
  }

  r.body.reserve(last_body_size_ + last_body_size_ / 8);  // pages change little
  const uint64_t limit = cfg_.limits.body_size_limit;
  bool too_big = false;
  const absl::Time deadline = absl::Now() + timeout;
  bool timed_out = false;
  httplib::Result res = client_->client().Get(
      path_.c_str(), headers,
      [&](const httplib::Response& response) {
        r.content_type = response.get_header_value("Content-Type");
        return true;
      },
      [&](const char* data, size_t n) {
        if (limit > 0 && r.body.size() + n > limit) {
          too_big = true;
          return false;
        }
        if (absl::Now() > deadline) {
          timed_out = true;
          return false;
        }
        r.body.append(data, n);
        return true;
      });
  if (too_big) {
    r.status = absl::ResourceExhaustedError("body size limit exceeded");
  } else if (timed_out || (!res && res.error() == httplib::Error::Read)) {
    r.status =
        absl::DeadlineExceededError(util::StrCat("Get \"", url_, "\": context deadline exceeded"));
  } else if (!res) {
    r.status = absl::UnavailableError(
        util::StrCat("Get \"", url_, "\": ", client_->ErrorText(res.error())));
  } else if (res->status != 200) {
    r.status = absl::UnavailableError(util::StrCat("server returned HTTP status ", res->status, " ",
                                                   HttpStatusText(res->status)));
  }
  if (r.status.ok()) last_body_size_ = r.body.size();
  if (!r.status.ok()) {
    r.body.clear();
    client_->client().stop();  // a fresh connection next time
  }
  return r;
}

}  // namespace sextant::scrape
