#pragma once

// Internal to api/http: one connection's coroutine and the state the connections of a server
// share. HttpServer (server.cc) owns the state; ServeConnection runs on the connection's strand.

#include <atomic>
#include <cstdint>
#include <set>
#include <utility>  // before Asio: 1.74's awaitable.hpp uses std::exchange without including it

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/thread_pool.hpp>

#include "api/http/router.h"
#include "api/http/server.h"
#include "util/mutex.h"

namespace sextant::api::http::internal {

struct ServerState {
  ServerState(const HttpServerOptions& o, const Router& r)
      : options(o),
        router(r),
        query_pool(static_cast<size_t>(std::max(1, o.query_threads))),
        blocking_pool(static_cast<size_t>(std::max(1, o.blocking_threads))),
        auth_pool(1) {}

  const HttpServerOptions& options;
  const Router& router;
  boost::asio::thread_pool query_pool;
  boost::asio::thread_pool blocking_pool;
  // WebHooks::authenticate_blocking. Joined (not stopped) by Stop(): its jobs skip the check
  // once the server is stopping, so the queue drains at once.
  boost::asio::thread_pool auth_pool;
  std::atomic<int64_t> connections{0};  // open connections
  std::atomic<int64_t> busy{0};         // requests read and not yet answered
  std::atomic<bool> stopping{false};

  // The cancel flags of handlers running on the pools, so that Stop() can cancel them.
  util::Mutex mu;
  std::set<std::atomic<bool>*> running ABSL_GUARDED_BY(mu);

  // Registers a running handler's flag; if the server is stopping, sets it at once.
  void Register(std::atomic<bool>* cancel) {
    util::MutexLock lock(&mu);
    running.insert(cancel);
    if (stopping.load()) cancel->store(true);
  }
  void Unregister(std::atomic<bool>* cancel) {
    util::MutexLock lock(&mu);
    running.erase(cancel);
  }
  void CancelAll() {
    util::MutexLock lock(&mu);
    for (std::atomic<bool>* c : running) c->store(true);
  }
};

// Serves one accepted connection (its executor must be a strand) until it closes; decrements
// state.connections when done.
boost::asio::awaitable<void> ServeConnection(ServerState& state,
                                             boost::asio::ip::tcp::socket socket);

}  // namespace sextant::api::http::internal
