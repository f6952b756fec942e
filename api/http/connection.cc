#include "api/http/connection.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <optional>
#include <string>

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "api/http/gzip.h"
#include "util/log.h"

namespace sextant::api::http::internal {
namespace {

// Pool threads run below the I/O threads' priority (nice +10 for the calling thread only: on
// Linux, setpriority on a thread id), so that with every query slot busy the I/O threads still
// get a core at once and health checks, /metrics and the self-scrape answer in milliseconds.
// Other threads (scrape loops, rule groups) keep theirs, so queries cannot starve them either.
void DeprioritizePoolThread() {
  thread_local const bool done = [] {
    return setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 10) == 0;
  }();
  (void)done;
}

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;

const util::Logger kLog("web");

constexpr char kTextPlain[] = "text/plain; charset=utf-8";
// How much a connection reads ahead while its handler runs on a pool (a pipelined request).
constexpr size_t kWatchReadBytes = 16 * 1024;

auto Await(error_code& ec) { return asio::redirect_error(asio::use_awaitable, ec); }

Clock::duration Chrono(absl::Duration d) {
  return std::chrono::duration_cast<Clock::duration>(absl::ToChronoNanoseconds(d));
}

beast::string_view ToBeast(std::string_view s) { return beast::string_view(s.data(), s.size()); }
std::string_view ToStd(beast::string_view s) { return std::string_view(s.data(), s.size()); }

// An RFC 7231 IMF-fixdate, as Go writes the Date header.
std::string HttpDate() {
  const time_t now = time(nullptr);
  struct tm tm;
  gmtime_r(&now, &tm);
  char buf[64];
  const size_t n = strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return std::string(buf, n);
}

bool IsFormRequest(const Request& req) {
  if (req.method != "POST" && req.method != "PUT" && req.method != "PATCH") return false;
  std::string_view type = req.GetHeader("Content-Type");
  type = type.substr(0, type.find(';'));
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  return EqualsIgnoreCase(type, "application/x-www-form-urlencoded");
}

void CallHandler(const Handler& handler, Request& req, Response& res) {
  try {
    handler(req, res);
  } catch (const std::exception& e) {
    kLog.Error("HTTP handler failed", {{"path", req.path}, {"err", e.what()}});
    res = Response();
    res.Set(500, "Internal Server Error\n", kTextPlain);
  }
}

// Counts a request from the end of its read to the end of its answer (Stop() waits for these).
class BusyScope {
 public:
  explicit BusyScope(std::atomic<int64_t>* busy) : busy_(busy) { busy_->fetch_add(1); }
  ~BusyScope() { busy_->fetch_sub(1); }
  BusyScope(const BusyScope&) = delete;
  BusyScope& operator=(const BusyScope&) = delete;

 private:
  std::atomic<int64_t>* busy_;
};

// One connection's request loop over a plain or TLS stream.
template <class Stream>
class Connection {
 public:
  Connection(ServerState& state, Stream& stream, bool tls, std::string remote)
      : state_(state),
        options_(state.options),
        stream_(stream),
        tls_(tls),
        remote_(std::move(remote)) {}

  asio::awaitable<void> Run() {
    for (bool first = true;; first = false) {
      Request req;
      bool keep_alive = false;
      if (!co_await ReadRequest(first, &req, &keep_alive)) co_return;
      BusyScope busy(&state_.busy);
      Response res;
      co_await Dispatch(req, res);
      keep_alive = keep_alive && !peer_gone_ && !state_.stopping.load();
      if (!co_await Write(req, res, keep_alive) || !keep_alive) co_return;
    }
  }

 private:
  auto& lowest() { return beast::get_lowest_layer(stream_); }

  // Reads the next request into `req`. False when the connection is to be closed (the client
  // closed it, a timeout, or a malformed request, which has been answered).
  asio::awaitable<bool> ReadRequest(bool first, Request* req, bool* keep_alive) {
    error_code ec;
    if (buffer_.size() == 0) {
      // Waiting for a request's first byte: idle time, not read time.
      lowest().expires_after(Chrono(first ? options_.header_timeout : options_.idle_timeout));
      const size_t n =
          co_await stream_.async_read_some(buffer_.prepare(kWatchReadBytes), Await(ec));
      if (ec) co_return false;
      buffer_.commit(n);
    }
    const Clock::time_point deadline = Clock::now() + Chrono(options_.read_timeout);
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(options_.max_header_bytes));
    parser.body_limit(options_.max_body_bytes);
    lowest().expires_at(std::min(Clock::now() + Chrono(options_.header_timeout), deadline));
    co_await bhttp::async_read_header(stream_, buffer_, parser, Await(ec));
    if (ec) co_return co_await Refuse(ec);
    const auto& header = parser.get();
    // Beast accepts a repeated Content-Length with equal values; Sextant refuses any repetition.
    const auto lengths = header.equal_range(bhttp::field::content_length);
    const auto encodings = header.equal_range(bhttp::field::transfer_encoding);
    if (std::distance(lengths.first, lengths.second) > 1 ||
        (lengths.first != lengths.second &&
         lengths.first->value().find(',') != beast::string_view::npos) ||
        std::distance(encodings.first, encodings.second) > 1) {
      co_return co_await Refuse(bhttp::error::bad_content_length);
    }
    if (encodings.first != encodings.second && !parser.chunked()) {
      co_await WriteError("501 Not Implemented", "Unsupported transfer encoding");
      co_return false;
    }
    if (!parser.is_done()) {
      if (EqualsIgnoreCase(ToStd(header[bhttp::field::expect]), "100-continue")) {
        static constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
        co_await asio::async_write(stream_, asio::buffer(kContinue, sizeof(kContinue) - 1),
                                   Await(ec));
        if (ec) co_return false;
      }
      lowest().expires_at(deadline);
      co_await bhttp::async_read(stream_, buffer_, parser, Await(ec));
      if (ec) co_return co_await Refuse(ec);
    }
    bhttp::request<bhttp::string_body> msg = parser.release();
    *keep_alive = msg.keep_alive();
    req->method = std::string(ToStd(msg.method_string()));
    req->target = std::string(ToStd(msg.target()));
    std::string_view target = req->target;
    if (const size_t scheme = target.find("://");
        !target.empty() && target[0] != '/' && scheme != std::string_view::npos) {
      // Absolute form (a request through a proxy): the path starts after the authority.
      const size_t slash = target.find('/', scheme + 3);
      target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
    }
    for (const auto& field : msg) {
      req->headers.push_back(
          {std::string(ToStd(field.name_string())), std::string(ToStd(field.value()))});
    }
    req->body = std::move(msg.body());
    if (IsFormRequest(*req)) ParseQueryText(req->body, &req->params);
    req->path = ParseTarget(target, &req->params);
    req->remote_address = remote_;
    req->tls = tls_;
    co_return true;
  }

  // Answers a read error as Go's server does; always false (close the connection).
  asio::awaitable<bool> Refuse(error_code ec) {
    if (ec == bhttp::error::header_limit) {
      co_await WriteError("431 Request Header Fields Too Large",
                          "431 Request Header Fields Too Large");
    } else if (ec == bhttp::error::body_limit) {
      co_await WriteError("413 Request Entity Too Large", "413 Request Entity Too Large");
    } else if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
               ec != bhttp::error::partial_message && ec != bhttp::error::end_of_stream) {
      co_await WriteError("400 Bad Request", "400 Bad Request");
    }
    // Anything else (timeout, reset, EOF mid-request) closes without an answer.
    co_return false;
  }

  // Writes a minimal answer for a request that could not be read, as Go's server does.
  asio::awaitable<void> WriteError(std::string_view reason, std::string_view body) {
    std::string text = "HTTP/1.1 ";
    text.append(reason).append("\r\nContent-Type: ").append(kTextPlain);
    text.append("\r\nConnection: close\r\nContent-Length: ").append(std::to_string(body.size()));
    text.append("\r\n\r\n").append(body);
    error_code ec;
    lowest().expires_after(Chrono(options_.write_timeout));
    co_await asio::async_write(stream_, asio::buffer(text), Await(ec));
  }

  asio::awaitable<void> Dispatch(Request& req, Response& res) {
    // One version of the web configuration serves the whole request.
    RequestHooks own_hooks;
    const RequestHooks* hooks = &options_.web;
    if (options_.web.for_request) {
      own_hooks = options_.web.for_request();
      hooks = &own_hooks;
    }
    if (hooks->authenticate) {
      AuthResult auth = hooks->authenticate(req);
      if (auth.deferred) {
        auth.allowed = false;
        if (hooks->authenticate_blocking) {
          co_await RunOn(state_.auth_pool, [&] {
            if (!state_.stopping.load()) auth = hooks->authenticate_blocking(req);
          });
        }
      }
      if (!auth.allowed) {
        res.status = auth.status;
        res.headers = std::move(auth.headers);
        res.body = std::move(auth.body);
        if (res.GetHeader("Content-Type").empty()) res.SetHeader("Content-Type", kTextPlain);
        Finish(*hooks, req, res);
        co_return;
      }
    }
    std::optional<Router::Match> match = state_.router.Find(req.method, req.path);
    if (!match) {
      if (state_.router.not_found()) {
        CallHandler(state_.router.not_found(), req, res);
      } else {
        res.Set(404, "404 page not found\n", kTextPlain);
      }
      Finish(*hooks, req, res);
      co_return;
    }
    req.path_params = std::move(match->path_params);
    const Route& route = *match->route;
    switch (route.executor) {
      case Executor::kInline:
        CallHandler(route.handler, req, res);
        Finish(*hooks, req, res);
        break;
      case Executor::kQuery:
        co_await RunOnPool(state_.query_pool, route.handler, *hooks, req, res);
        break;
      case Executor::kBlocking:
        co_await RunOnPool(state_.blocking_pool, route.handler, *hooks, req, res);
        break;
    }
  }

  // Runs `fn` on `pool` and resumes on this connection's strand once it has returned. The socket
  // is not watched meanwhile (for short jobs; see RunOnPool).
  template <class Fn>
  asio::awaitable<void> RunOn(asio::thread_pool& pool, Fn fn) {
    asio::steady_timer wake(co_await asio::this_coro::executor, Clock::time_point::max());
    bool done = false;  // only touched on this connection's strand
    PostJob(pool, wake, &done, std::move(fn));
    while (!done) co_await Doze(wake);
  }

  // Runs `fn` on `pool`; once it has returned, sets `*done` and cancels `wake` on the strand of
  // `wake`'s executor (this connection's). `wake` and `done` must outlive the job.
  template <class Fn>
  static void PostJob(asio::thread_pool& pool, asio::steady_timer& wake, bool* done, Fn fn) {
    asio::post(pool, [&wake, done, ex = wake.get_executor(), fn = std::move(fn)]() mutable {
      fn();
      asio::post(ex, [&wake, done] {
        *done = true;
        wake.cancel();
      });
    });
  }

  // Sleeps until `wake` is cancelled, then re-arms it.
  static asio::awaitable<void> Doze(asio::steady_timer& wake) {
    error_code ec;
    co_await wake.async_wait(Await(ec));
    wake.expires_at(Clock::time_point::max());
  }

  // The web config's headers, and compression; on the pool for pooled handlers (large bodies).
  void Finish(const RequestHooks& hooks, const Request& req, Response& res) const {
    if (hooks.response_headers) {
      std::vector<Header> extra = hooks.response_headers();
      const size_t own = res.headers.size();
      for (Header& h : extra) {
        const auto first = res.headers.begin();
        const bool set =
            std::any_of(first, first + static_cast<std::ptrdiff_t>(own),
                        [&](const Header& o) { return EqualsIgnoreCase(o.name, h.name); });
        if (!set) res.headers.push_back(std::move(h));
      }
    }
    if (res.body.empty() || !res.GetHeader("Content-Encoding").empty() ||
        !AcceptsGzip(req.GetHeader("Accept-Encoding")) ||
        !IsCompressible(res.GetHeader("Content-Type"))) {
      return;
    }
    std::string compressed = GzipCompress(res.body);
    if (compressed.empty()) return;
    res.body = std::move(compressed);
    res.SetHeader("Content-Encoding", "gzip");
    res.AddHeader("Vary", "Accept-Encoding");
  }

  // Runs the handler on `pool` while watching the socket: if the client closes the connection,
  // the request's cancel flag is set. Returns when the handler has finished and the watch ended.
  asio::awaitable<void> RunOnPool(asio::thread_pool& pool, const Handler& handler,
                                  const RequestHooks& hooks, Request& req, Response& res) {
    std::atomic<bool> cancel{false};
    req.cancel = &cancel;
    state_.Register(&cancel);
    const auto ex = co_await asio::this_coro::executor;
    // Handlers below run on this connection's strand, as this coroutine does, so the flags need
    // no lock; `wake` is cancelled to resume the coroutine after each change.
    asio::steady_timer wake(ex, Clock::time_point::max());
    bool done = false;
    bool watching = false;
    PostJob(pool, wake, &done, [&] {
      DeprioritizePoolThread();
      CallHandler(handler, req, res);
      Finish(hooks, req, res);
    });
    lowest().expires_never();
    std::function<void()> watch = [&] {
      watching = true;
      stream_.async_read_some(buffer_.prepare(kWatchReadBytes), [&](error_code ec, size_t n) {
        watching = false;
        if (!ec) {
          buffer_.commit(n);
          if (!done && buffer_.size() < options_.max_header_bytes) {
            watch();
            return;
          }
        } else if (ec != asio::error::operation_aborted) {
          peer_gone_ = true;
          cancel.store(true);
        }
        wake.cancel();
      });
    };
    watch();
    bool watch_cancelled = false;
    while (!done || watching) {
      if (done && watching && !watch_cancelled) {
        lowest().cancel();
        watch_cancelled = true;
      }
      co_await Doze(wake);
    }
    state_.Unregister(&cancel);
    req.cancel = nullptr;
    cancelled_ = cancel.load();
  }

  asio::awaitable<bool> Write(const Request& req, Response& res, bool keep_alive) {
    bhttp::response<bhttp::string_body> msg;
    msg.version(11);
    msg.result(static_cast<unsigned>(res.status));
    if (msg.result() == bhttp::status::unknown) {
      msg.reason(ToBeast("status code " + std::to_string(res.status)));  // Go's text for 499
    }
    msg.set(bhttp::field::date, HttpDate());
    for (const Header& h : res.headers) msg.insert(ToBeast(h.name), ToBeast(h.value));
    const bool bodiless = res.status < 200 || res.status == 204 || res.status == 304;
    if (!res.body.empty() && msg.find(bhttp::field::content_type) == msg.end()) {
      msg.set(bhttp::field::content_type, kTextPlain);
    }
    msg.keep_alive(keep_alive);
    if (!bodiless) {
      msg.content_length(res.body.size());
      // HEAD: GET's Content-Length, no body.
      if (req.method != "HEAD") msg.body() = std::move(res.body);
    }
    error_code ec;
    lowest().expires_after(Chrono(options_.write_timeout));
    const size_t n = co_await bhttp::async_write(stream_, msg, Await(ec));
    if (ec) {
      if (cancelled_) {
        // What Prometheus logs when the client of a canceled query has gone.
        kLog.Error(
            "error writing response",
            {{"path", req.path}, {"bytesWritten", static_cast<int64_t>(n)}, {"err", ec.message()}});
      }
      co_return false;
    }
    co_return true;
  }

  ServerState& state_;
  const HttpServerOptions& options_;
  Stream& stream_;
  const bool tls_;
  const std::string remote_;
  beast::flat_buffer buffer_;
  bool peer_gone_ = false;  // the client closed the connection during a pooled handler
  bool cancelled_ = false;  // the last pooled handler was cancelled
};

std::string RemoteAddress(const asio::ip::tcp::socket& socket) {
  error_code ec;
  const asio::ip::tcp::endpoint ep = socket.remote_endpoint(ec);
  if (ec) return "";
  const std::string host = ep.address().to_string();
  return (ep.address().is_v6() ? "[" + host + "]" : host) + ":" + std::to_string(ep.port());
}

}  // namespace

asio::awaitable<void> ServeConnection(ServerState& state, asio::ip::tcp::socket socket) {
  struct Closed {
    ServerState& s;
    ~Closed() { s.connections.fetch_sub(1); }
  } closed{state};
  try {
    const std::string remote = RemoteAddress(socket);
    std::shared_ptr<asio::ssl::context> tls;
    if (state.options.web.tls_context) tls = state.options.web.tls_context();
    beast::tcp_stream tcp(std::move(socket));
    if (tls == nullptr) {
      Connection<beast::tcp_stream> c(state, tcp, false, remote);
      co_await c.Run();
      error_code ec;
      tcp.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
      co_return;
    }
    beast::ssl_stream<beast::tcp_stream> ssl(std::move(tcp), *tls);
    error_code ec;
    beast::get_lowest_layer(ssl).expires_after(Chrono(state.options.header_timeout));
    co_await ssl.async_handshake(asio::ssl::stream_base::server, Await(ec));
    if (ec) co_return;
    Connection<beast::ssl_stream<beast::tcp_stream>> c(state, ssl, true, remote);
    co_await c.Run();
    beast::get_lowest_layer(ssl).expires_after(std::chrono::seconds(2));
    co_await ssl.async_shutdown(Await(ec));
  } catch (const std::exception& e) {
    kLog.Warn("HTTP connection failed", {{"err", e.what()}});
  }
}

}  // namespace sextant::api::http::internal
