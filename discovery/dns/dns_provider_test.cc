#include "discovery/dns/dns_provider.h"

#include <atomic>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "discovery/dns/resolver.h"
#include "discovery/metrics.h"
#include "discovery/testing.h"
#include "gtest/gtest.h"

namespace sextant::discovery {
namespace {

void Put16(std::string* out, uint16_t v) {
  out->push_back(static_cast<char>(v >> 8));
  out->push_back(static_cast<char>(v & 0xff));
}

void PutName(std::string* out, const std::string& name) {
  size_t start = 0;
  while (start < name.size()) {
    size_t dot = name.find('.', start);
    if (dot == std::string::npos) dot = name.size();
    out->push_back(static_cast<char>(dot - start));
    out->append(name, start, dot - start);
    start = dot + 1;
  }
  out->push_back('\0');
}

// One answer record of the test server, rdata already encoded.
struct Rr {
  uint16_t type;
  std::string rdata;
};

Rr Srv(uint16_t port, const std::string& target) {
  std::string d;
  Put16(&d, 10);  // priority
  Put16(&d, 5);   // weight
  Put16(&d, port);
  PutName(&d, target);
  return {dns::kTypeSrv, d};
}
Rr A(const char* ip) {
  std::string d(4, '\0');
  inet_pton(AF_INET, ip, d.data());
  return {dns::kTypeA, d};
}
Rr Aaaa(const char* ip) {
  std::string d(16, '\0');
  inet_pton(AF_INET6, ip, d.data());
  return {dns::kTypeAaaa, d};
}
Rr Mx(const std::string& host) {
  std::string d;
  Put16(&d, 10);
  PutName(&d, host);
  return {dns::kTypeMx, d};
}
Rr Named(uint16_t type, const std::string& host) {
  std::string d;
  PutName(&d, host);
  return {type, d};
}

// A tiny authoritative DNS server on 127.0.0.1: UDP, and TCP on the same port. Answers from a
// table keyed by "<name>/<type>"; names not in it get NXDOMAIN, names in `fail` SERVFAIL, and
// names in `truncate` a truncated UDP answer (the whole answer over TCP).
class DnsServer {
 public:
  DnsServer() {
    // A TCP port, then UDP on the same number (retried when that one is taken).
    for (int attempt = 0; attempt < 50 && port_ == 0; ++attempt) {
      sockaddr_in addr{};
      addr.sin_family = AF_INET;
      addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      tcp_ = ::socket(AF_INET, SOCK_STREAM, 0);
      const int one = 1;
      setsockopt(tcp_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
      socklen_t len = sizeof(addr);
      if (::bind(tcp_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
          ::listen(tcp_, 8) != 0 ||
          getsockname(tcp_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        ::close(tcp_);
        continue;
      }
      udp_ = ::socket(AF_INET, SOCK_DGRAM, 0);
      if (::bind(udp_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
        ::close(udp_);
        ::close(tcp_);
        continue;
      }
      port_ = ntohs(addr.sin_port);
    }
    EXPECT_NE(port_, 0) << "no port free for both UDP and TCP";
    thread_ = std::thread([this] { Serve(); });
  }
  ~DnsServer() {
    stop_ = true;
    thread_.join();
    ::close(udp_);
    ::close(tcp_);
  }

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  void Set(const std::string& name, uint16_t type, std::vector<Rr> records) {
    std::lock_guard<std::mutex> l(mu_);
    table_[name + "/" + std::to_string(type)] = std::move(records);
  }
  void Fail(const std::string& name, bool fail) {
    std::lock_guard<std::mutex> l(mu_);
    fail_[name] = fail;
  }
  void Truncate(const std::string& name) {
    std::lock_guard<std::mutex> l(mu_);
    truncate_[name] = true;
  }
  int tcp_queries() const { return tcp_queries_; }

 private:
  std::string Answer(std::string_view query, bool tcp) {
    // Header, then one question: name, type, class.
    size_t p = 12;
    std::string name;
    while (p < query.size() && query[p] != 0) {
      const size_t len = static_cast<uint8_t>(query[p]);
      name.append(query.substr(p + 1, len)).push_back('.');
      p += 1 + len;
    }
    const std::string_view question = query.substr(12, p + 5 - 12);
    const uint16_t type = static_cast<uint16_t>((static_cast<uint8_t>(query[p + 1]) << 8) |
                                                static_cast<uint8_t>(query[p + 2]));
    std::lock_guard<std::mutex> l(mu_);
    uint16_t flags = 0x8180;  // response, recursion desired and available
    std::vector<Rr> answers;
    if (fail_[name]) {
      flags |= 2;  // SERVFAIL
    } else if (auto it = table_.find(name + "/" + std::to_string(type)); it != table_.end()) {
      answers = it->second;
    } else if (!table_.contains(name + "/*")) {
      flags |= 3;  // NXDOMAIN
    }
    if (truncate_[name] && !tcp) {
      flags |= 0x0200;
      answers.resize(answers.empty() ? 0 : 1);
    }
    std::string out(query.substr(0, 2));
    Put16(&out, flags);
    Put16(&out, 1);
    Put16(&out, static_cast<uint16_t>(answers.size()));
    Put16(&out, 0);
    Put16(&out, 0);
    out.append(question);
    for (const Rr& rr : answers) {
      Put16(&out, 0xc00c);  // the owner: a pointer to the question's name
      Put16(&out, rr.type);
      Put16(&out, 1);
      Put16(&out, 0);
      Put16(&out, 60);
      Put16(&out, static_cast<uint16_t>(rr.rdata.size()));
      out += rr.rdata;
    }
    return out;
  }

  void Serve() {
    while (!stop_) {
      pollfd fds[2] = {{udp_, POLLIN, 0}, {tcp_, POLLIN, 0}};
      if (::poll(fds, 2, 20) <= 0) continue;
      if (fds[0].revents & POLLIN) {
        char buf[4096];
        sockaddr_in from{};
        socklen_t len = sizeof(from);
        const ssize_t n =
            ::recvfrom(udp_, buf, sizeof(buf), 0, reinterpret_cast<sockaddr*>(&from), &len);
        if (n > 12) {
          const std::string reply = Answer(std::string_view(buf, n), false);
          ::sendto(udp_, reply.data(), reply.size(), 0, reinterpret_cast<sockaddr*>(&from), len);
        }
      }
      if (fds[1].revents & POLLIN) {
        const int c = ::accept(tcp_, nullptr, nullptr);
        if (c < 0) continue;
        ++tcp_queries_;
        unsigned char size[2];
        if (::recv(c, size, 2, MSG_WAITALL) == 2) {
          std::string q((size[0] << 8) | size[1], '\0');
          if (::recv(c, q.data(), q.size(), MSG_WAITALL) == static_cast<ssize_t>(q.size())) {
            const std::string reply = Answer(q, true);
            std::string framed;
            Put16(&framed, static_cast<uint16_t>(reply.size()));
            framed += reply;
            (void)::send(c, framed.data(), framed.size(), MSG_NOSIGNAL);
          }
        }
        ::close(c);
      }
    }
  }

  int udp_ = -1;
  int tcp_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> tcp_queries_{0};
  std::mutex mu_;
  std::map<std::string, std::vector<Rr>> table_;
  std::map<std::string, bool> fail_;
  std::map<std::string, bool> truncate_;
  std::thread thread_;
};

config::DnsSdConfig Config(std::vector<std::string> names, std::string type, int64_t port) {
  config::DnsSdConfig cfg;
  cfg.names = std::move(names);
  cfg.type = std::move(type);
  cfg.port = port;
  cfg.refresh_interval = absl::Milliseconds(20);
  return cfg;
}

using testing::RefreshUntil;

// The labels Prometheus gives a target: every non-empty one.
std::string Show(const model::Labels& l) { return l.ToString(); }

TEST(DnsProvider, SrvTargetsAndLabels) {
  DnsServer server;
  server.Set("_web._tcp.example.", dns::kTypeSrv, {Srv(8080, "a.example"), Srv(9090, "b.example")});
  DnsProvider p(Config({"_web._tcp.example"}, "SRV", 0), 1, {.server = server.address()});
  EXPECT_EQ(p.name(), "dns/1");
  ASSERT_TRUE(RefreshUntil(p, [&] { return !p.groups().empty(); }));
  ASSERT_EQ(p.groups().size(), 1u);
  const TargetGroup& g = p.groups()[0];
  EXPECT_EQ(g.source, "_web._tcp.example");
  ASSERT_EQ(g.targets.size(), 2u);
  EXPECT_EQ(Show(g.targets[0]),
            "{__address__=\"a.example:8080\", __meta_dns_name=\"_web._tcp.example\", "
            "__meta_dns_srv_record_port=\"8080\", __meta_dns_srv_record_target=\"a.example.\"}");
  EXPECT_EQ(g.targets[1].Get("__address__"), "b.example:9090");
}

TEST(DnsProvider, AAaaaMxNsWithThePort) {
  DnsServer server;
  server.Set("h.example.", dns::kTypeA, {A("10.0.0.1"), A("10.0.0.2")});
  server.Set("h.example.", dns::kTypeAaaa, {Aaaa("2001:db8::1"), Aaaa("::ffff:10.0.0.3")});
  server.Set("h.example.", dns::kTypeMx, {Mx("mail.example")});
  server.Set("h.example.", dns::kTypeNs, {Named(dns::kTypeNs, "ns1.example")});
  struct Case {
    const char* type;
    std::vector<std::string> want;
  };
  for (const Case& c :
       {Case{"A",
             {"{__address__=\"10.0.0.1:9100\", __meta_dns_name=\"h.example\"}",
              "{__address__=\"10.0.0.2:9100\", __meta_dns_name=\"h.example\"}"}},
        Case{"aaaa",
             {"{__address__=\"[2001:db8::1]:9100\", __meta_dns_name=\"h.example\"}",
              "{__address__=\"10.0.0.3:9100\", __meta_dns_name=\"h.example\"}"}},
        Case{"MX",
             {"{__address__=\"mail.example:9100\", __meta_dns_mx_record_target=\"mail.example.\", "
              "__meta_dns_name=\"h.example\"}"}},
        Case{"NS",
             {"{__address__=\"ns1.example:9100\", __meta_dns_name=\"h.example\", "
              "__meta_dns_ns_record_target=\"ns1.example.\"}"}}}) {
    SCOPED_TRACE(c.type);
    DnsProvider p(Config({"h.example"}, c.type, 9100), 0, {.server = server.address()});
    ASSERT_TRUE(RefreshUntil(p, [&] { return !p.groups().empty(); }));
    std::vector<std::string> got;
    for (const auto& t : p.groups()[0].targets) got.push_back(Show(t));
    EXPECT_EQ(got, c.want);
  }
}

TEST(DnsProvider, CnameInAnswerIsSkipped) {
  DnsServer server;
  server.Set("alias.example.", dns::kTypeA, {Named(dns::kTypeCname, "h.example"), A("10.0.0.9")});
  DnsProvider p(Config({"alias.example"}, "A", 80), 0, {.server = server.address()});
  ASSERT_TRUE(RefreshUntil(p, [&] { return !p.groups().empty(); }));
  ASSERT_EQ(p.groups()[0].targets.size(), 1u);
  EXPECT_EQ(p.groups()[0].targets[0].Get("__address__"), "10.0.0.9:80");
}

TEST(DnsProvider, NxdomainIsAnEmptyGroup) {
  DnsServer server;
  DnsProvider p(Config({"missing.example"}, "SRV", 0), 0, {.server = server.address()});
  ASSERT_TRUE(RefreshUntil(p, [&] { return !p.groups().empty(); }));
  EXPECT_EQ(p.groups()[0].source, "missing.example");
  EXPECT_TRUE(p.groups()[0].targets.empty());
}

TEST(DnsProvider, FailureKeepsTheNamesGroupAndCounts) {
  DnsServer server;
  server.Set("a.example.", dns::kTypeA, {A("10.0.0.1")});
  server.Set("b.example.", dns::kTypeA, {A("10.0.0.2")});
  DnsProvider p(Config({"a.example", "b.example"}, "A", 80), 0, {.server = server.address()});
  ASSERT_TRUE(RefreshUntil(p, [&] { return p.groups().size() == 2; }));
  const double lookups = GlobalSdMetrics().dns_lookups.value();
  const double failures = GlobalSdMetrics().dns_lookup_failures.value();
  server.Fail("a.example.", true);
  server.Set("b.example.", dns::kTypeA, {A("10.0.0.3")});
  ASSERT_TRUE(RefreshUntil(
      p, [&] { return p.groups()[1].targets[0].Get("__address__") == "10.0.0.3:80"; }));
  EXPECT_EQ(p.groups()[0].source, "a.example");
  EXPECT_EQ(p.groups()[0].targets[0].Get("__address__"), "10.0.0.1:80");  // kept
  EXPECT_GE(GlobalSdMetrics().dns_lookup_failures.value(), failures + 1);
  EXPECT_GE(GlobalSdMetrics().dns_lookups.value(), lookups + 2);
}

TEST(DnsProvider, TruncatedAnswerIsAskedAgainOverTcp) {
  DnsServer server;
  server.Set("big.example.", dns::kTypeSrv,
             {Srv(1, "a.example"), Srv(2, "b.example"), Srv(3, "c.example")});
  server.Truncate("big.example.");
  DnsProvider p(Config({"big.example"}, "SRV", 0), 0, {.server = server.address()});
  ASSERT_TRUE(RefreshUntil(p, [&] { return !p.groups().empty(); }));
  EXPECT_EQ(p.groups()[0].targets.size(), 3u);
  EXPECT_GE(server.tcp_queries(), 1);
}

TEST(DnsProvider, RefusedServerCountsFailures) {
  const double failures = GlobalSdMetrics().dns_lookup_failures.value();
  DnsProvider p(Config({"x.example"}, "SRV", 0), 0, {.server = "127.0.0.1:1"});
  ASSERT_TRUE(RefreshUntil(
      p, [&] { return GlobalSdMetrics().dns_lookup_failures.value() >= failures + 1; }));
  EXPECT_TRUE(p.groups().empty());
}

TEST(DnsProvider, DestroyingInterruptsALookupInProgress) {
  // A server that never answers: the exchange would wait its 2 s timeout.
  const int silent = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(silent, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  socklen_t len = sizeof(addr);
  getsockname(silent, reinterpret_cast<sockaddr*>(&addr), &len);
  absl::Time start;
  {
    DnsProvider p(Config({"x.example"}, "SRV", 0), 0,
                  {.server = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port))});
    EXPECT_FALSE(p.Refresh(absl::Now()));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    start = absl::Now();
  }
  EXPECT_LT(absl::Now() - start, absl::Seconds(1));
  ::close(silent);
}

TEST(Resolver, NameListFollowsNdotsAndSearch) {
  dns::ResolvConf conf;
  conf.search = {"svc.cluster.local", "example.com"};
  conf.ndots = 1;
  EXPECT_EQ(dns::NameList(conf, "db"),
            (std::vector<std::string>{"db.svc.cluster.local.", "db.example.com.", "db."}));
  EXPECT_EQ(
      dns::NameList(conf, "db.prod"),
      (std::vector<std::string>{"db.prod.", "db.prod.svc.cluster.local.", "db.prod.example.com."}));
  EXPECT_EQ(dns::NameList(conf, "db.prod."), (std::vector<std::string>{"db.prod."}));
}

TEST(Resolver, ReadsResolvConf) {
  const std::string path = ::testing::TempDir() + "/resolv_" + std::to_string(::getpid());
  std::ofstream(path) << "# comment\nnameserver 10.0.0.2\nnameserver ::1\n"
                         "domain ignored.example\nsearch a.example b.example.\n"
                         "options ndots:5 timeout:1\n";
  absl::StatusOr<dns::ResolvConf> conf = dns::ReadResolvConf(path);
  ASSERT_TRUE(conf.ok()) << conf.status();
  EXPECT_EQ(conf->servers, (std::vector<std::string>{"10.0.0.2", "::1"}));
  EXPECT_EQ(conf->search, (std::vector<std::string>{"a.example", "b.example"}));
  EXPECT_EQ(conf->ndots, 5);
  std::remove(path.c_str());
  EXPECT_EQ(dns::ReadResolvConf(path).status().code(), absl::StatusCode::kNotFound);
}

TEST(Resolver, ParseMessageRejectsCorruption) {
  std::string msg;
  Put16(&msg, 7);
  Put16(&msg, 0x8180);
  Put16(&msg, 0);
  Put16(&msg, 1);  // one answer
  Put16(&msg, 0);
  Put16(&msg, 0);
  EXPECT_EQ(dns::ParseMessage(msg.substr(0, 11)).status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(dns::ParseMessage(msg).status().code(), absl::StatusCode::kDataLoss);  // no answer
  std::string loop = msg;
  Put16(&loop, 0xc00c);  // the owner name points at itself
  EXPECT_EQ(dns::ParseMessage(loop).status().code(), absl::StatusCode::kDataLoss);
  std::string short_a = msg;
  short_a.push_back('\0');
  Put16(&short_a, dns::kTypeA);
  Put16(&short_a, 1);
  Put16(&short_a, 0);
  Put16(&short_a, 0);
  Put16(&short_a, 3);  // an A record of 3 bytes
  short_a += "abc";
  EXPECT_EQ(dns::ParseMessage(short_a).status().code(), absl::StatusCode::kDataLoss);
}

TEST(Resolver, JoinHostPortBracketsIpv6) {
  EXPECT_EQ(dns::JoinHostPort("10.0.0.1", 80), "10.0.0.1:80");
  EXPECT_EQ(dns::JoinHostPort("::1", 80), "[::1]:80");
}

}  // namespace
}  // namespace sextant::discovery
