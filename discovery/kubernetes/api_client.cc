#include "discovery/kubernetes/api_client.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <httplib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "discovery/kubernetes/kubeconfig.h"
#include "scrape/http_client.h"
#include "util/build_info.h"
#include "util/go_format.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace sextant::discovery::kubernetes {
namespace {

using nlohmann::json;
using util::StrCat;

constexpr absl::Duration kListTimeout = absl::Seconds(60);
constexpr absl::Duration kConnectTimeout = absl::Seconds(10);
constexpr absl::Duration kWatchSilence = absl::Minutes(1);
// Enough of an error response for its Status message.
constexpr size_t kMaxErrorBody = 64 << 10;

// The file's content, or Go's os.ReadFile error ("open <path>: no such file or directory").
absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return absl::FailedPreconditionError(StrCat("open ", path, ": ", util::GoErrnoText(errno)));
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof(buf))) > 0) out.append(buf, static_cast<size_t>(n));
  const int read_errno = errno;
  ::close(fd);
  if (n < 0) {
    return absl::FailedPreconditionError(
        StrCat("read ", path, ": ", util::GoErrnoText(read_errno)));
  }
  return out;
}

absl::StatusOr<Connection> InCluster(const config::KubernetesSdConfig& cfg,
                                     const ResolveOptions& options) {
  const auto getenv = [&](const char* name) -> std::string {
    const char* v = options.getenv ? options.getenv(name) : std::getenv(name);
    return v == nullptr ? "" : v;
  };
  const std::string host = getenv("KUBERNETES_SERVICE_HOST");
  const std::string port = getenv("KUBERNETES_SERVICE_PORT");
  if (host.empty() || port.empty()) {
    return absl::FailedPreconditionError(
        "unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and "
        "KUBERNETES_SERVICE_PORT must be defined");
  }
  Connection conn;
  // net.JoinHostPort: an IPv6 address goes in brackets.
  conn.base_url = host.find(':') == std::string::npos ? StrCat("https://", host, ":", port)
                                                      : StrCat("https://[", host, "]:", port);
  const std::string& dir = options.service_account_dir;
  const std::string token_file = StrCat(dir, "/token");
  // client-go reads the token once up front and fails without it; later it re-reads the file.
  RETURN_IF_ERROR(ReadWholeFile(token_file).status());
  config::Authorization auth;
  auth.type = "Bearer";
  auth.credentials_file = token_file;
  conn.http.authorization = std::move(auth);
  // Without a readable CA file client-go logs and uses the system roots.
  const std::string ca_file = StrCat(dir, "/ca.crt");
  if (::access(ca_file.c_str(), R_OK) == 0) conn.http.tls_config.ca_file = ca_file;
  if (cfg.namespaces.own_namespace) {
    absl::StatusOr<std::string> ns = ReadWholeFile(StrCat(dir, "/namespace"));
    if (!ns.ok()) {
      return absl::FailedPreconditionError(
          StrCat("could not determine the pod's namespace: ", ns.status().message()));
    }
    if (ns->empty()) {
      return absl::FailedPreconditionError("could not read own namespace name (empty file)");
    }
    conn.own_namespace = *std::move(ns);
  }
  return conn;
}

// Go's url.QueryEscape, except that a space is %20 (unambiguous in every part of a URL).
std::string QueryEscape(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 15]);
    }
  }
  return out;
}

class Query {
 public:
  void Add(std::string_view key, std::string_view value) {
    query_.append(query_.empty() ? "?" : "&");
    util::StrAppend(&query_, key, "=", QueryEscape(value));
  }
  const std::string& str() const { return query_; }

 private:
  std::string query_;
};

// The message of a Kubernetes Status object in `body`, else the body itself (shortened).
std::string StatusMessage(std::string_view body) {
  try {
    const json status = json::parse(body);
    if (status.is_object()) {
      auto it = status.find("message");
      if (it != status.end() && it->is_string()) return it->get<std::string>();
    }
  } catch (const json::exception&) {
    // Not a Status: the body is the best description there is.
  }
  while (!body.empty() && std::isspace(static_cast<unsigned char>(body.back()))) {
    body.remove_suffix(1);
  }
  return std::string(body.substr(0, 512));
}

absl::Status HttpError(std::string_view url, int code, std::string_view body) {
  std::string message = StrCat("Get ", util::QuoteGo(url), ": server returned HTTP status ", code);
  if (std::string_view text = scrape::HttpStatusText(code); !text.empty()) {
    util::StrAppend(&message, " ", text);
  }
  if (std::string reason = StatusMessage(body); !reason.empty()) {
    util::StrAppend(&message, ": ", reason);
  }
  if (code == 410) return absl::OutOfRangeError(message);
  if (code == 401 || code == 403) return absl::PermissionDeniedError(message);
  if (code == 429 || code >= 500) return absl::UnavailableError(message);
  if (code >= 400) return absl::InvalidArgumentError(message);
  return absl::UnavailableError(message);
}

absl::Status Interrupted() { return absl::CancelledError("the Kubernetes API client was stopped"); }

}  // namespace

absl::StatusOr<Connection> ConnectionForUrl(std::string_view url,
                                            const config::HttpClientConfig& http) {
  const size_t scheme_end = url.find("://");
  const std::string scheme =
      scheme_end == std::string_view::npos ? "" : util::AsciiLower(url.substr(0, scheme_end));
  if (scheme != "http" && scheme != "https") {
    return absl::FailedPreconditionError(
        StrCat("API server URL ", util::QuoteGo(url), ": the scheme must be http or https"));
  }
  std::string_view rest = url.substr(scheme_end + 3);
  rest = rest.substr(0, rest.find_first_of("?#"));
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash);
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  if (authority.empty() || authority.front() == ':') {
    return absl::FailedPreconditionError(
        StrCat("API server URL ", util::QuoteGo(url), ": no host"));
  }
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  Connection conn;
  conn.base_url = StrCat(scheme, "://", authority);
  conn.path_prefix = std::string(path);
  conn.http = http;
  return conn;
}

absl::StatusOr<Connection> ResolveConnection(const config::KubernetesSdConfig& cfg,
                                             const ResolveOptions& options) {
  if (!cfg.kubeconfig_file.empty()) return ConnectionFromKubeconfig(cfg.kubeconfig_file);
  if (!cfg.api_server.empty()) return ConnectionForUrl(cfg.api_server, cfg.http);
  return InCluster(cfg, options);
}

std::string CollectionPath(std::string_view resource, std::string_view ns) {
  if (resource == "nodes" || resource == "namespaces") return StrCat("/api/v1/", resource);
  std::string_view group = "/api/v1";
  if (resource == "endpointslices") group = "/apis/discovery.k8s.io/v1";
  if (resource == "ingresses") group = "/apis/networking.k8s.io/v1";
  if (ns.empty()) return StrCat(group, "/", resource);
  return StrCat(group, "/namespaces/", ns, "/", resource);
}

bool IsResourceExpired(const absl::Status& status) {
  return status.code() == absl::StatusCode::kOutOfRange;
}

struct ApiClient::Impl {
  explicit Impl(const Connection& c)
      : conn(c), http(std::make_unique<scrape::HttpClient>(c.base_url, c.http)) {
    // Queries are encoded here; httplib's own encoding would turn them into something else.
    http->client().set_url_encode(false);
    // Interrupt() may come between the check at the start of a request and httplib creating its
    // socket, when Client::stop() has no socket to shut down. httplib creates sockets under the
    // lock stop() takes and calls this hook before connecting, so a socket created after
    // Interrupt() is swapped for one that cannot connect to an IP address: the request fails at
    // once instead of waiting for its timeout.
    http->client().set_socket_options([this](int sock) {
      if (!interrupted.load()) return;
      const int dead = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
      if (dead < 0) return;
      ::dup2(dead, sock);
      ::close(dead);
    });
  }

  // The request's target (path and query) and its headers, after the common checks.
  absl::StatusOr<httplib::Headers> Prepare(absl::Duration timeout) {
    if (interrupted.load()) return Interrupted();
    RETURN_IF_ERROR(http->init_status());
    http->SetTimeout(timeout);
    const int64_t connect_us = absl::ToInt64Microseconds(std::min(timeout, kConnectTimeout));
    http->client().set_connection_timeout(connect_us / 1'000'000, connect_us % 1'000'000);
    httplib::Headers headers = {
        {"Accept", "application/json"},
        {"User-Agent", StrCat("Sextant/", util::GetBuildInfo().version)},
    };
    RETURN_IF_ERROR(http->PrepareRequest(&headers));
    return headers;
  }

  std::string Url(const std::string& target) const { return StrCat(conn.base_url, target); }

  absl::Status ConnectionError(const std::string& target, httplib::Error error) const {
    return absl::UnavailableError(
        StrCat("Get ", util::QuoteGo(Url(target)), ": ", http->ErrorText(error)));
  }

  const Connection conn;
  const std::unique_ptr<scrape::HttpClient> http;
  std::atomic<bool> interrupted{false};
};

ApiClient::ApiClient(const Connection& connection) : impl_(std::make_unique<Impl>(connection)) {}

ApiClient::~ApiClient() = default;

void ApiClient::Interrupt() {
  impl_->interrupted.store(true);
  // Shuts the socket of a request in progress down; safe from another thread.
  impl_->http->client().stop();
}

absl::StatusOr<json> ApiClient::List(std::string_view path, const ListOptions& options) {
  ASSIGN_OR_RETURN(httplib::Headers headers, impl_->Prepare(kListTimeout));
  Query query;
  if (!options.label_selector.empty()) query.Add("labelSelector", options.label_selector);
  if (!options.field_selector.empty()) query.Add("fieldSelector", options.field_selector);
  if (options.limit > 0) query.Add("limit", StrCat(options.limit));
  if (!options.continue_token.empty()) {
    query.Add("continue", options.continue_token);
  } else if (!options.resource_version.empty()) {
    query.Add("resourceVersion", options.resource_version);
  }
  const std::string target = StrCat(impl_->conn.path_prefix, path, query.str());

  httplib::Result res = impl_->http->client().Get(target, headers);
  if (impl_->interrupted.load()) return Interrupted();
  if (!res) return impl_->ConnectionError(target, res.error());
  if (res->status != 200) return HttpError(impl_->Url(target), res->status, res->body);
  json page;
  try {
    page = json::parse(res->body);
  } catch (const json::exception& e) {
    return absl::InvalidArgumentError(
        StrCat("Get ", util::QuoteGo(impl_->Url(target)), ": malformed list: ", e.what()));
  }
  if (!page.is_object()) {
    return absl::InvalidArgumentError(
        StrCat("Get ", util::QuoteGo(impl_->Url(target)), ": malformed list: not a JSON object"));
  }
  return page;
}

namespace {

// Splits a watch stream into lines and hands each event over; the first error or stop ends it.
class WatchDecoder {
 public:
  WatchDecoder(std::string url, const std::function<bool(const WatchEvent&)>& on_event)
      : url_(std::move(url)), on_event_(on_event) {}

  // False when the stream must end: after an error (status()) or when on_event said so.
  bool Feed(std::string_view data) {
    buffer_.append(data);
    size_t start = 0;
    bool more = true;
    for (size_t nl; more && (nl = buffer_.find('\n', start)) != std::string::npos; start = nl + 1) {
      more = Line(std::string_view(buffer_).substr(start, nl - start));
    }
    buffer_.erase(0, start);
    return more;
  }

  // At the end of the stream: an event without its final newline still counts.
  void Finish() {
    if (status_.ok() && !stopped_) Line(buffer_);
    buffer_.clear();
  }

  const absl::Status& status() const { return status_; }
  bool stopped() const { return stopped_; }

 private:
  bool Line(std::string_view line) {
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) {
      line.remove_suffix(1);
    }
    if (line.empty()) return true;
    json event;
    try {
      event = json::parse(line);
    } catch (const json::exception& e) {
      return Fail(StrCat("malformed watch event: ", e.what()));
    }
    if (!event.is_object()) return Fail("malformed watch event: not a JSON object");
    auto type = event.find("type");
    auto object = event.find("object");
    if (type == event.end() || !type->is_string() || object == event.end() ||
        !object->is_object()) {
      return Fail("malformed watch event: no type or object");
    }
    const std::string& name = type->get_ref<const std::string&>();
    WatchEvent e;
    if (name == "ADDED") {
      e.type = EventType::kAdded;
    } else if (name == "MODIFIED") {
      e.type = EventType::kModified;
    } else if (name == "DELETED") {
      e.type = EventType::kDeleted;
    } else if (name == "BOOKMARK") {
      e.type = EventType::kBookmark;
    } else if (name == "ERROR") {
      return ErrorEvent(*object);
    } else {
      return Fail(StrCat("unknown watch event type ", util::QuoteGo(name)));
    }
    e.object = std::move(*object);
    if (!on_event_(e)) {
      stopped_ = true;
      return false;
    }
    return true;
  }

  // The Status object of an ERROR event: 410 means the resourceVersion is gone.
  bool ErrorEvent(const json& object) {
    auto code = object.find("code");
    const bool gone = code != object.end() && code->is_number_integer() && *code == 410;
    std::string message = StrCat("Get ", util::QuoteGo(url_), ": watch error");
    if (auto m = object.find("message"); m != object.end() && m->is_string()) {
      util::StrAppend(&message, ": ", m->get_ref<const std::string&>());
    }
    status_ = gone ? absl::OutOfRangeError(message) : absl::UnavailableError(message);
    return false;
  }

  bool Fail(std::string_view message) {
    status_ = absl::InvalidArgumentError(StrCat("Get ", util::QuoteGo(url_), ": ", message));
    return false;
  }

  const std::string url_;
  const std::function<bool(const WatchEvent&)>& on_event_;
  std::string buffer_;
  absl::Status status_;
  bool stopped_ = false;
};

}  // namespace

absl::Status ApiClient::Watch(std::string_view path, const WatchOptions& options,
                              const std::function<bool(const WatchEvent&)>& on_event) {
  ASSIGN_OR_RETURN(httplib::Headers headers, impl_->Prepare(options.timeout + kWatchSilence));
  Query query;
  if (!options.label_selector.empty()) query.Add("labelSelector", options.label_selector);
  if (!options.field_selector.empty()) query.Add("fieldSelector", options.field_selector);
  query.Add("watch", "1");
  if (!options.resource_version.empty()) query.Add("resourceVersion", options.resource_version);
  if (options.allow_bookmarks) query.Add("allowWatchBookmarks", "true");
  if (options.timeout > absl::ZeroDuration()) {
    query.Add("timeoutSeconds", StrCat(absl::ToInt64Seconds(options.timeout)));
  }
  const std::string target = StrCat(impl_->conn.path_prefix, path, query.str());

  WatchDecoder decoder(impl_->Url(target), on_event);
  int status = 0;
  std::string error_body;
  httplib::Result res = impl_->http->client().Get(
      target, headers,
      [&](const httplib::Response& response) {
        status = response.status;
        return !impl_->interrupted.load();
      },
      [&](const char* data, size_t length) {
        if (impl_->interrupted.load()) return false;
        if (status != 200) {
          error_body.append(data, std::min(length, kMaxErrorBody - error_body.size()));
          return true;
        }
        return decoder.Feed(std::string_view(data, length));
      });
  if (impl_->interrupted.load()) return Interrupted();
  if (!decoder.status().ok()) return decoder.status();
  if (decoder.stopped()) return absl::OkStatus();
  if (!res) return impl_->ConnectionError(target, res.error());
  if (status != 200) return HttpError(impl_->Url(target), status, error_body);
  decoder.Finish();
  return decoder.status();
}

}  // namespace sextant::discovery::kubernetes
