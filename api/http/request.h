#pragma once

// Request and Response: one HTTP exchange as the server's handlers see it, independent of the
// HTTP library underneath (api/http/server.h reads and writes them with Boost.Beast).
//
// Thread-safety: plain values; a handler owns both for the duration of its call.

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace sextant::api::http {

// Request parameters, as api/params.h's Params (the same type).
using Params = std::multimap<std::string, std::string, std::less<>>;

struct Header {
  std::string name;
  std::string value;
  bool operator==(const Header&) const = default;
};

struct Request {
  std::string method;  // as sent, e.g. "GET"
  std::string target;  // the request target as sent, e.g. "/api/v1/query?query=up"
  std::string path;    // the target's path, percent-decoded (route prefix included)
  // The form body's parameters (urlencoded POST, PUT or PATCH) followed by the URL's, as Go's
  // Request.Form: a parameter in both takes its first value from the body.
  Params params;
  std::vector<Header> headers;  // in request order, names as sent
  std::string body;
  // The values of a route's ":name" segments and "*" tail, in pattern order (api/http/router.h).
  std::vector<std::string> path_params;
  std::string remote_address;  // "ip:port" of the client
  bool tls = false;            // arrived over TLS
  // Set to true by the server when the client goes away while the handler runs on a worker pool
  // (never null there); null for handlers run on the I/O threads.
  const std::atomic<bool>* cancel = nullptr;

  // The first value of the header `name` (case-insensitive), or "" when absent.
  std::string_view GetHeader(std::string_view name) const;
  bool HasHeader(std::string_view name) const;
  bool cancelled() const { return cancel != nullptr && cancel->load(std::memory_order_relaxed); }
};

struct Response {
  int status = 200;
  std::string body;
  // Sent as given, after the server's own (Date, Content-Length, Connection). Content-Type goes
  // here too; without one, a non-empty body is sent as "text/plain; charset=utf-8".
  std::vector<Header> headers;

  // Replaces every header named `name` (case-insensitive) by one with `value`.
  void SetHeader(std::string_view name, std::string_view value);
  // Adds a header, keeping existing ones of the same name.
  void AddHeader(std::string_view name, std::string_view value) {
    headers.push_back({std::string(name), std::string(value)});
  }
  std::string_view GetHeader(std::string_view name) const;
  // Sets status, body and Content-Type together.
  void Set(int code, std::string content, std::string_view content_type) {
    status = code;
    body = std::move(content);
    SetHeader("Content-Type", content_type);
  }
};

using Handler = std::function<void(Request&, Response&)>;

// Splits a request target into its percent-decoded path and its query parameters.
// Parameters are decoded as Go's url.ParseQuery decodes them ('+' is a space); a malformed
// escape is kept as it is. Appends to `params`.
std::string ParseTarget(std::string_view target, Params* params);
// Appends the parameters of an application/x-www-form-urlencoded text to `params`.
void ParseQueryText(std::string_view text, Params* params);
// Percent-decodes `s`; with `plus_is_space`, '+' becomes ' ' (query strings, not paths).
std::string PercentDecode(std::string_view s, bool plus_is_space);
// Case-insensitive ASCII comparison of header names and tokens.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace sextant::api::http
