#pragma once

// HttpClient: an HTTP(S) client for one server, set up from a config::HttpClientConfig the way
// Prometheus's common/config NewClientFromConfig does, shared by everything that talks HTTP to a
// configured endpoint (scrape targets, Alertmanagers):
//
//   - tls_config: `ca` / `ca_file`, the client certificate and key (`cert`/`cert_file`,
//     `key`/`key_file`; inline PEM goes to private temporary files, removed with the client),
//     `insecure_skip_verify`, and `server_name` (connect to the URL's address but present and
//     verify the server name, sending the URL's host:port as the Host header);
//   - basic_auth (`username`/`username_file`, `password`/`password_file`) and authorization
//     (`type` and `credentials`/`credentials_file`): the `_file` forms are read, trimmed, at every
//     request, so rotated secrets are picked up;
//   - follow_redirects; responses are decompressed;
//   - proxy_url: an HTTP proxy, http://[user:password@]host[:port] (port 80 by default; the
//     user and password, percent-decoded, as Proxy-Authorization basic auth). http:// requests
//     go to the proxy in absolute form, https:// ones through a CONNECT tunnel.
//
// Not supported here (yet): https:// and socks5:// proxies, proxy_from_environment, no_proxy,
// HTTP/2, TLS versions.
//
// Thread-safety: not thread-safe; one request at a time per HttpClient.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <httplib.h>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "config/config.h"

namespace sextant::scrape {

// The reason phrase of an HTTP status code as Go's net/http has it ("Not Found"); "" for codes
// it does not know.
std::string_view HttpStatusText(int code);

class HttpClient {
 public:
  // `base_url`: scheme://host[:port], without a path.
  HttpClient(std::string_view base_url, const config::HttpClientConfig& cfg);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // OK, or why the client cannot be used: InvalidArgument for an unusable URL or proxy_url,
  // Unimplemented for a proxy_url scheme other than http, Internal when inline TLS material
  // could not be written to a temporary file.
  const absl::Status& init_status() const { return init_status_; }

  // Connection, read and write timeouts of the next requests.
  void SetTimeout(absl::Duration timeout);

  // Adds the headers of one request (Host when tls_config.server_name is set, Authorization) and
  // sets basic auth. Errors: FailedPrecondition ("unable to read file <path>") when a secret file
  // cannot be read; the request must then not be sent.
  absl::Status PrepareRequest(httplib::Headers* headers);

  httplib::Client& client() { return *client_; }

  // Why a request failed, as Go's net/http words the usual causes ("dial tcp 127.0.0.1:1:
  // connect: connection refused", "dial tcp: lookup nowhere.invalid: no such host"), for scrape
  // errors and logs; httplib's own words for the rest. A connection failure is diagnosed by one
  // more connect attempt (at most 100 ms).
  std::string ErrorText(httplib::Error error) const;

 private:
  std::string WriteTemp(const std::string& content);
  absl::Status SetProxy(std::string_view proxy_url);

  const config::HttpClientConfig cfg_;
  std::unique_ptr<httplib::Client> client_;
  absl::Status init_status_;
  std::string host_header_;   // the URL's host:port when tls_config.server_name replaces it
  std::string dial_address_;  // host:port as Go dials it (the scheme's port when none)
  std::vector<std::string> temp_files_;  // inline tls_config PEM
};

}  // namespace sextant::scrape
