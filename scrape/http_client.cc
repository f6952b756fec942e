#include "scrape/http_client.h"

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

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

// The addresses of host:port for a TCP connection, freed with the pointer; null when the name
// does not resolve.
std::unique_ptr<addrinfo, void (*)(addrinfo*)> Lookup(const std::string& host,
                                                      const std::string& port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (getaddrinfo(host.c_str(), port.c_str(), &hints, &res) != 0) res = nullptr;
  return {res, [](addrinfo* a) {
            if (a != nullptr) freeaddrinfo(a);
          }};
}

// The first address `host` resolves to, as text; "" when it does not resolve.
std::string Resolve(const std::string& host, const std::string& port) {
  const auto res = Lookup(host, port);
  if (res == nullptr) return "";
  char ip[INET6_ADDRSTRLEN] = {};
  const void* a =
      res->ai_family == AF_INET
          ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(res->ai_addr)->sin_addr)
          : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(res->ai_addr)->sin6_addr);
  inet_ntop(res->ai_family, a, ip, sizeof(ip));
  return ip;
}

// Why connecting to host:port fails: one TCP connect, waited for at most `wait`; 0 when it
// connects, ETIMEDOUT when it does not answer in time, -1 when the name does not resolve.
int ConnectError(const std::string& host, const std::string& port, int wait_ms) {
  const auto res = Lookup(host, port);
  if (res == nullptr) return -1;
  int err = 0;
  const int fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    err = errno;
  } else if (connect(fd, res->ai_addr, res->ai_addrlen) != 0) {
    err = errno;
    if (err == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      socklen_t len = sizeof(err);
      if (poll(&p, 1, wait_ms) != 1 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) {
        err = ETIMEDOUT;
      }
    }
  }
  if (fd >= 0) close(fd);
  return err;
}

// RFC 3986 percent-decoding of a URL's userinfo; malformed escapes stay as they are.
std::string PercentDecode(std::string_view s) {
  const auto hex = [](char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

}  // namespace

std::string_view HttpStatusText(int code) {
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
    case 410:
      return "Gone";
    case 413:
      return "Request Entity Too Large";
    case 422:
      return "Unprocessable Entity";
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

HttpClient::HttpClient(std::string_view base_url, const config::HttpClientConfig& cfg) : cfg_(cfg) {
  const std::string base(base_url);
  const config::TlsConfig& tls = cfg.tls_config;
  // tls_config.server_name: connect to the URL's address, but present and verify the server
  // name (SNI and certificate check) instead of the address.
  std::string connect_base = base;
  std::map<std::string, std::string> addr_map;
  const size_t scheme_end = base.find("://");
  const std::string hostport = base.substr(scheme_end == std::string::npos ? 0 : scheme_end + 3);
  dial_address_ = hostport.substr(0, hostport.find('/'));
  if (dial_address_.rfind(':') == std::string::npos || dial_address_.ends_with(']')) {
    util::StrAppend(&dial_address_, base.starts_with("https://") ? ":443" : ":80");
  }
  if (!tls.server_name.empty() && base.starts_with("https://")) {
    const size_t colon = hostport.rfind(':');
    const std::string host = colon == std::string::npos ? hostport : hostport.substr(0, colon);
    const std::string port = colon == std::string::npos ? "443" : hostport.substr(colon + 1);
    if (std::string ip = Resolve(host, port); !ip.empty()) {
      addr_map[tls.server_name] = std::move(ip);
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
  if (init_status_.ok() && !client_->is_valid()) {
    init_status_ = absl::InvalidArgumentError(util::StrCat("invalid URL ", base));
  }
  client_->set_keep_alive(true);
  client_->set_follow_location(cfg.follow_redirects);
  client_->set_decompress(true);
  if (!ca_file.empty()) client_->set_ca_cert_path(ca_file.c_str());
  if (tls.insecure_skip_verify) client_->enable_server_certificate_verification(false);
  if (!cfg.proxy_url.empty() && init_status_.ok()) init_status_ = SetProxy(cfg.proxy_url);
}

absl::Status HttpClient::SetProxy(std::string_view proxy_url) {
  const auto invalid = [&](std::string_view why) {
    return absl::InvalidArgumentError(util::StrCat("invalid proxy_url ", proxy_url, ": ", why));
  };
  const size_t scheme_end = proxy_url.find("://");
  if (scheme_end == std::string_view::npos) return invalid("no scheme");
  const std::string scheme = util::AsciiLower(proxy_url.substr(0, scheme_end));
  if (scheme != "http") {
    return absl::UnimplementedError(util::StrCat("proxy_url ", proxy_url, ": ", scheme,
                                                 " proxies are not supported, only http"));
  }
  std::string_view authority = proxy_url.substr(scheme_end + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  std::string_view userinfo;
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
    userinfo = authority.substr(0, at);
    authority.remove_prefix(at + 1);
  }
  std::string_view host = authority;
  std::string_view port = "80";
  if (authority.starts_with('[')) {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return invalid("unclosed [");
    host = authority.substr(1, close - 1);
    std::string_view rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return invalid("bad port");
      port = rest.substr(1);
    }
  } else if (const size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  int port_number = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), port_number);
  if (ec != std::errc() || end != port.data() + port.size() || port_number <= 0 ||
      port_number > 65535) {
    return invalid("bad port");
  }
  if (host.empty()) return invalid("no host");
  client_->set_proxy(std::string(host), port_number);
  if (!userinfo.empty()) {
    const size_t colon = userinfo.find(':');
    const std::string user = PercentDecode(userinfo.substr(0, colon));
    const std::string pass =
        colon == std::string_view::npos ? "" : PercentDecode(userinfo.substr(colon + 1));
    client_->set_proxy_basic_auth(user, pass);
  }
  return absl::OkStatus();
}

HttpClient::~HttpClient() {
  for (const std::string& f : temp_files_) std::remove(f.c_str());
}

std::string HttpClient::WriteTemp(const std::string& content) {
  std::string path = (std::filesystem::temp_directory_path() / "sextant-tls-XXXXXX").string();
  const int fd = mkstemp(path.data());  // mode 0600
  if (fd < 0) {
    init_status_ = absl::InternalError("cannot write a temporary file for tls_config");
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

void HttpClient::SetTimeout(absl::Duration timeout) {
  const int64_t us = absl::ToInt64Microseconds(timeout);
  client_->set_connection_timeout(us / 1'000'000, us % 1'000'000);
  client_->set_read_timeout(us / 1'000'000, us % 1'000'000);
  client_->set_write_timeout(us / 1'000'000, us % 1'000'000);
}

absl::Status HttpClient::PrepareRequest(httplib::Headers* headers) {
  if (!host_header_.empty()) headers->emplace("Host", host_header_);
  absl::Status error;
  if (cfg_.basic_auth) {
    const config::BasicAuth& b = *cfg_.basic_auth;
    const std::string user =
        b.username_file.empty() ? b.username : ReadTrimmed(b.username_file, &error);
    const std::string pass =
        b.password_file.empty() ? b.password.value : ReadTrimmed(b.password_file, &error);
    client_->set_basic_auth(user.c_str(), pass.c_str());
  }
  if (cfg_.authorization) {
    const config::Authorization& a = *cfg_.authorization;
    const std::string cred =
        a.credentials_file.empty() ? a.credentials.value : ReadTrimmed(a.credentials_file, &error);
    headers->emplace("Authorization", util::StrCat(a.type, " ", cred));
  }
  return error;
}

std::string HttpClient::ErrorText(httplib::Error error) const {
  switch (error) {
    case httplib::Error::Connection:
      break;
    case httplib::Error::Write:
      return "error writing the request";
    case httplib::Error::SSLConnection:
      return "TLS handshake failed";
    case httplib::Error::SSLLoadingCerts:
      return "cannot load TLS certificates";
    case httplib::Error::SSLServerVerification:
      return "x509: certificate verification failed";
    case httplib::Error::ExceedRedirectCount:
      return "stopped after too many redirects";
    default:
      return httplib::to_string(error);
  }
  // httplib does not keep the socket's error: ask the network once more, briefly.
  const size_t colon = dial_address_.rfind(':');
  std::string host = dial_address_.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  const std::string dial = util::StrCat("dial tcp ", dial_address_, ": ");
  switch (ConnectError(host, dial_address_.substr(colon + 1), 100)) {
    case -1:
      return util::StrCat("dial tcp: lookup ", host, ": no such host");
    case ECONNREFUSED:
      return util::StrCat(dial, "connect: connection refused");
    case EHOSTUNREACH:
      return util::StrCat(dial, "connect: no route to host");
    case ENETUNREACH:
      return util::StrCat(dial, "connect: network is unreachable");
    case ETIMEDOUT:
      return util::StrCat(dial, "i/o timeout");
    default:
      return util::StrCat(dial, "connect: connection failed");
  }
}

}  // namespace sextant::scrape
