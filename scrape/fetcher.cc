#include "scrape/fetcher.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <arpa/inet.h>
#include <httplib.h>
#include <netdb.h>
#include <netinet/in.h>
#include <unistd.h>

#include "util/build_info.h"
#include "util/strings.h"

namespace sextant::scrape {
namespace {

std::string ReadTrimmed(const std::string& path, absl::Status* error) {
  std::ifstream in(path);
  if (!in) {
    *error = absl::FailedPreconditionError(util::StrCat("unable to read file ", path));
    return {};
  }
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

std::string_view StatusText(int code) {
  switch (code) {
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "";
  }
}

}  // namespace

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
  const std::string base = url_.substr(0, path_start);
  path_ = path_start == std::string::npos ? "/" : url_.substr(path_start);
  const config::TlsConfig& tls = cfg.http.tls_config;
  // tls_config.server_name: connect to the target's address, but present and verify the
  // server name (SNI and certificate check) instead of the address.
  std::string connect_base = base;
  std::map<std::string, std::string> addr_map;
  const size_t host_start = scheme_end == std::string::npos ? 0 : scheme_end + 3;
  std::string hostport = base.substr(host_start);
  if (!tls.server_name.empty() && url_.starts_with("https://")) {
    const size_t colon = hostport.rfind(':');
    const std::string host = colon == std::string::npos ? hostport : hostport.substr(0, colon);
    const std::string port = colon == std::string::npos ? "443" : hostport.substr(colon + 1);
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    if (getaddrinfo(host.c_str(), port.c_str(), &hints, &res) == 0 && res != nullptr) {
      char ip[INET6_ADDRSTRLEN] = {};
      const void* a =
          res->ai_family == AF_INET
              ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(res->ai_addr)->sin_addr)
              : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(res->ai_addr)->sin6_addr);
      inet_ntop(res->ai_family, a, ip, sizeof(ip));
      freeaddrinfo(res);
      addr_map[tls.server_name] = ip;
      connect_base = util::StrCat("https://", tls.server_name, ":", port);
      host_header_ = hostport;
    }
  }
  // Inline PEM (`ca`, `cert`, `key`) goes to private temporary files, which httplib reads.
  std::string ca_file = tls.ca_file;
  std::string cert_file = tls.cert_file;
  std::string key_file = tls.key_file;
  if (!tls.ca.empty()) ca_file = WriteTemp(tls.ca);
  if (!tls.cert.empty()) cert_file = WriteTemp(tls.cert);
  if (!tls.key.empty()) key_file = WriteTemp(tls.key.value);
  if (!cert_file.empty() || !key_file.empty()) {
    client_ = std::make_unique<httplib::Client>(connect_base, cert_file, key_file);
  } else {
    client_ = std::make_unique<httplib::Client>(connect_base);
  }
  if (!addr_map.empty()) client_->set_hostname_addr_map(addr_map);
  if (!client_->is_valid()) {
    init_error_ = absl::InvalidArgumentError(util::StrCat("invalid scrape URL ", url_));
  }
  client_->set_keep_alive(true);
  client_->set_follow_location(cfg.http.follow_redirects);
  client_->set_decompress(true);
  if (!ca_file.empty()) client_->set_ca_cert_path(ca_file.c_str());
  if (tls.insecure_skip_verify) client_->enable_server_certificate_verification(false);
}

Fetcher::~Fetcher() {
  for (const std::string& f : temp_files_) std::remove(f.c_str());
}

std::string Fetcher::WriteTemp(const std::string& content) {
  std::string path = (std::filesystem::temp_directory_path() / "sextant-tls-XXXXXX").string();
  const int fd = mkstemp(path.data());  // mode 0600
  if (fd < 0) {
    init_error_ = absl::InternalError("cannot write a temporary file for tls_config");
    return {};
  }
  size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  temp_files_.push_back(path);
  return path;
}

FetchResult Fetcher::Fetch(absl::Duration timeout) {
  FetchResult r;
  if (!init_error_.ok()) {
    r.status = init_error_;
    return r;
  }
  const int64_t us = absl::ToInt64Microseconds(timeout);
  client_->set_connection_timeout(us / 1'000'000, us % 1'000'000);
  client_->set_read_timeout(us / 1'000'000, us % 1'000'000);
  client_->set_write_timeout(us / 1'000'000, us % 1'000'000);

  httplib::Headers headers = {
      {"Accept", accept_},
      {"User-Agent", util::StrCat("Sextant/", util::GetBuildInfo().version)},
      {"X-Prometheus-Scrape-Timeout-Seconds", util::StrCat(absl::ToDoubleSeconds(timeout))},
  };
  if (cfg_.enable_compression) headers.emplace("Accept-Encoding", "gzip");
  if (!host_header_.empty()) headers.emplace("Host", host_header_);
  absl::Status secret_error;
  if (cfg_.http.basic_auth) {
    const config::BasicAuth& b = *cfg_.http.basic_auth;
    const std::string user =
        b.username_file.empty() ? b.username : ReadTrimmed(b.username_file, &secret_error);
    const std::string pass =
        b.password_file.empty() ? b.password.value : ReadTrimmed(b.password_file, &secret_error);
    client_->set_basic_auth(user.c_str(), pass.c_str());
  }
  if (cfg_.http.authorization) {
    const config::Authorization& a = *cfg_.http.authorization;
    const std::string cred = a.credentials_file.empty()
                                 ? a.credentials.value
                                 : ReadTrimmed(a.credentials_file, &secret_error);
    headers.emplace("Authorization", util::StrCat(a.type, " ", cred));
  }
  if (!secret_error.ok()) {
    r.status = secret_error;
    return r;
  }

  r.body.reserve(last_body_size_ + last_body_size_ / 8);  // pages change little
  const uint64_t limit = cfg_.limits.body_size_limit;
  bool too_big = false;
  const absl::Time deadline = absl::Now() + timeout;
  bool timed_out = false;
  httplib::Result res = client_->Get(
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
        util::StrCat("Get \"", url_, "\": ", httplib::to_string(res.error())));
  } else if (res->status != 200) {
    r.status = absl::UnavailableError(
        util::StrCat("server returned HTTP status ", res->status, " ", StatusText(res->status)));
  }
  if (r.status.ok()) last_body_size_ = r.body.size();
  if (!r.status.ok()) {
    r.body.clear();
    client_->stop();  // a fresh connection next time
  }
  return r;
}

}  // namespace sextant::scrape
