// The load generator of bench/http_load.py's concurrent phase: `clients` keep-alive connections,
// each on its own thread, sending GET requests for the given targets in turn for `seconds`.
// Native so that the client costs little CPU and the servers, not the client, bound the
// throughput on a small machine. Prints "<responses with status 200> <errors>".
//
// Usage: http_load_client <port> <clients> <seconds> <target>...

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

void Client(int port, std::vector<std::string> targets, size_t first,
            std::chrono::steady_clock::time_point stop, std::atomic<int64_t>* ok,
            std::atomic<int64_t>* errors) {
  asio::io_context io;
  const asio::ip::tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"),
                                         static_cast<unsigned short>(port));
  size_t i = first;
  while (std::chrono::steady_clock::now() < stop) {
    beast::tcp_stream stream(io);
    beast::error_code ec;
    stream.socket().connect(endpoint, ec);
    if (ec) {
      errors->fetch_add(1);
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      continue;
    }
    stream.socket().set_option(asio::ip::tcp::no_delay(true));
    beast::flat_buffer buffer;
    while (std::chrono::steady_clock::now() < stop) {
      http::request<http::empty_body> req(http::verb::get, targets[i++ % targets.size()], 11);
      req.set(http::field::host, "127.0.0.1");
      http::write(stream, req, ec);
      http::response<http::string_body> res;
      if (!ec) http::read(stream, buffer, res, ec);
      if (ec) {
        errors->fetch_add(1);
        break;  // reconnect
      }
      (res.result_int() == 200 ? *ok : *errors).fetch_add(1);
      if (!res.keep_alive()) break;
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: %s <port> <clients> <seconds> <target>...\n", argv[0]);
    return 2;
  }
  const int port = std::atoi(argv[1]);
  const int clients = std::atoi(argv[2]);
  const double seconds = std::atof(argv[3]);
  std::vector<std::string> targets(argv + 4, argv + argc);
  const auto stop = std::chrono::steady_clock::now() +
                    std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
  std::atomic<int64_t> ok{0}, errors{0};
  std::vector<std::thread> threads;
  for (int k = 0; k < clients; ++k) {
    threads.emplace_back(Client, port, targets, static_cast<size_t>(k), stop, &ok, &errors);
  }
  for (std::thread& t : threads) t.join();
  std::printf("%lld %lld\n", static_cast<long long>(ok.load()),
              static_cast<long long>(errors.load()));
  return 0;
}
