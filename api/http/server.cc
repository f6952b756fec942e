#include "api/http/server.h"

#include <charconv>
#include <chrono>
#include <optional>
#include <thread>
#include <utility>  // before Asio: 1.74's awaitable.hpp uses std::exchange without including it

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "api/http/connection.h"
#include "util/strings.h"

namespace sextant::api::http {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

}  // namespace

absl::StatusOr<ListenAddress> ParseListenAddress(std::string_view address) {
  auto bad = [&](std::string_view why) {
    return absl::InvalidArgumentError(util::StrCat("address ", address, ": ", why));
  };
  std::string_view host;
  std::string_view port;
  if (!address.empty() && address[0] == '[') {
    const size_t close = address.find(']');
    if (close == std::string_view::npos) return bad("missing ']' in address");
    host = address.substr(1, close - 1);
    if (close + 1 >= address.size() || address[close + 1] != ':') {
      return bad("missing port in address");
    }
    port = address.substr(close + 2);
  } else {
    const size_t colon = address.rfind(':');
    if (colon == std::string_view::npos) return bad("missing port in address");
    host = address.substr(0, colon);
    if (host.find(':') != std::string_view::npos) return bad("too many colons in address");
    port = address.substr(colon + 1);
  }
  int p = -1;
  const auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
  if (ec != std::errc() || ptr != port.data() + port.size() || p < 0 || p > 65535) {
    return bad("invalid port");
  }
  return ListenAddress{.address = std::string(address),
                       .host = host.empty() ? std::string("0.0.0.0") : std::string(host),
                       .port = p};
}

struct HttpServer::Impl {
  Impl(HttpServerOptions o, const Router* router)
      : options(std::move(o)), state(options, *router), ioc(std::max(1, options.io_threads)) {}

  asio::awaitable<void> AcceptLoop();

  const HttpServerOptions options;
  internal::ServerState state;
  // Declared after `state`: destroying the context destroys the connections' coroutine frames,
  // which still count themselves out of `state`.
  asio::io_context ioc;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::optional<tcp::acceptor> acceptor;  // on its own strand
  std::vector<std::thread> threads;
  int port = 0;
  bool started = false;
  bool stopped = false;
};

asio::awaitable<void> HttpServer::Impl::AcceptLoop() {
  asio::steady_timer pause(co_await asio::this_coro::executor);
  const int64_t max = options.max_connections;
  for (;;) {
    error_code ec;
    // At the limit, stop accepting (clients wait in the backlog) until a connection closes.
    while (max > 0 && state.connections.load() >= max && acceptor->is_open()) {
      pause.expires_after(std::chrono::milliseconds(5));
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    tcp::socket socket(asio::make_strand(ioc));
    co_await acceptor->async_accept(socket, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (!acceptor->is_open() || ec == asio::error::operation_aborted) co_return;
      // Out of descriptors and the like: retry shortly, as Go's Serve does.
      pause.expires_after(std::chrono::milliseconds(10));
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    state.connections.fetch_add(1);
    socket.set_option(tcp::no_delay(true), ec);
    if (options.on_accept) options.on_accept(socket.native_handle());
    const auto ex = socket.get_executor();
    asio::co_spawn(ex, internal::ServeConnection(state, std::move(socket)), asio::detached);
  }
}

HttpServer::HttpServer(HttpServerOptions options, const Router* router)
    : impl_(std::make_unique<Impl>(std::move(options), router)) {}

HttpServer::~HttpServer() { Stop(); }

absl::Status HttpServer::Start() {
  Impl& s = *impl_;
  const std::string& host = s.options.listen_address.host;
  const int port = s.options.listen_address.port;
  error_code ec;
  tcp::resolver resolver(s.ioc);
  const auto endpoints = resolver.resolve(
      host, std::to_string(port), tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || endpoints.empty()) {
    return absl::UnavailableError(util::StrCat("listen tcp ", s.options.listen_address.address,
                                               ": lookup ", host, ": ", ec.message()));
  }
  const tcp::endpoint endpoint = endpoints.begin()->endpoint();
  s.acceptor.emplace(asio::make_strand(s.ioc));
  auto fail = [&](std::string_view what) {
    s.acceptor.reset();
    return absl::UnavailableError(util::StrCat("listen tcp ", s.options.listen_address.address,
                                               ": ", what, ": ", ec.message()));
  };
  s.acceptor->open(endpoint.protocol(), ec);
  if (ec) return fail("socket");
  // SO_REUSEADDR for quick restarts; never SO_REUSEPORT, which would let a second server bind
  // the same port silently.
  s.acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
  if (ec) return fail("setsockopt");
  s.acceptor->bind(endpoint, ec);
  if (ec) return fail("bind");
  s.acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail("listen");
  s.port = s.acceptor->local_endpoint(ec).port();
  s.work.emplace(s.ioc.get_executor());
  asio::co_spawn(s.acceptor->get_executor(), s.AcceptLoop(), asio::detached);
  for (int i = 0; i < std::max(1, s.options.io_threads); ++i) {
    s.threads.emplace_back([&s] { s.ioc.run(); });
  }
  s.started = true;
  return absl::OkStatus();
}

void HttpServer::Stop() {
  Impl& s = *impl_;
  if (!s.started || s.stopped) return;
  s.stopped = true;
  s.state.stopping.store(true);
  asio::post(s.acceptor->get_executor(), [&s] {
    error_code ec;
    s.acceptor->close(ec);
  });
  s.state.CancelAll();
  // Requests in flight get their answers (a /-/quit response, a canceled query's 499).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (s.state.busy.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  s.work.reset();
  s.ioc.stop();
  for (std::thread& t : s.threads) t.join();
  s.threads.clear();
  // Handlers still running hold references into connection frames: let them end before the
  // context (and with it the frames) is destroyed.
  s.state.query_pool.stop();
  s.state.blocking_pool.stop();
  s.state.query_pool.join();
  s.state.blocking_pool.join();
  // Queued authentication checks are skipped now that the server is stopping (connection.cc).
  s.state.auth_pool.join();
}

int HttpServer::port() const { return impl_->port; }

int64_t HttpServer::open_connections() const { return impl_->state.connections.load(); }

}  // namespace sextant::api::http
