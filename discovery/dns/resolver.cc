#include "discovery/dns/resolver.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util/log.h"
#include "util/strings.h"

namespace sextant::discovery::dns {
namespace {

using util::StrCat;

const util::Logger kLog("discovery");

constexpr uint16_t kClassIn = 1;
constexpr uint16_t kEdnsPayload = 4096;  // miekg/dns's DefaultMsgSize
constexpr absl::Duration kExchangeTimeout = absl::Seconds(2);

void Put16(std::string* out, uint16_t v) {
  out->push_back(static_cast<char>(v >> 8));
  out->push_back(static_cast<char>(v & 0xff));
}

bool IsFqdn(std::string_view name) { return !name.empty() && name.back() == '.'; }

std::string Fqdn(std::string_view name) {
  return IsFqdn(name) ? std::string(name) : StrCat(name, ".");
}

// miekg/dns's CountLabel: the labels of a name, "." having none.
int CountLabels(std::string_view name) {
  int n = 0;
  size_t start = 0;
  while (start < name.size()) {
    const size_t dot = name.find('.', start);
    ++n;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return name == "." ? 0 : n;
}

class Reader {
 public:
  explicit Reader(std::string_view msg) : msg_(msg) {}

  size_t pos() const { return pos_; }
  void Seek(size_t pos) { pos_ = pos; }
  absl::Status Need(size_t n) const {
    if (pos_ + n > msg_.size()) {
      return absl::DataLossError(StrCat("dns message truncated at offset ", pos_));
    }
    return absl::OkStatus();
  }
  absl::StatusOr<uint16_t> U16() {
    if (absl::Status s = Need(2); !s.ok()) return s;
    const uint16_t v = static_cast<uint16_t>((static_cast<uint8_t>(msg_[pos_]) << 8) |
                                             static_cast<uint8_t>(msg_[pos_ + 1]));
    pos_ += 2;
    return v;
  }
  absl::StatusOr<uint32_t> U32() {
    absl::StatusOr<uint16_t> hi = U16();
    if (!hi.ok()) return hi.status();
    absl::StatusOr<uint16_t> lo = U16();
    if (!lo.ok()) return lo.status();
    return (static_cast<uint32_t>(*hi) << 16) | *lo;
  }
  absl::StatusOr<std::string_view> Bytes(size_t n) {
    if (absl::Status s = Need(n); !s.ok()) return s;
    std::string_view v = msg_.substr(pos_, n);
    pos_ += n;
    return v;
  }
  // A possibly compressed name, in presentation form ("www.example.com."; "." for the root).
  absl::StatusOr<std::string> Name() {
    std::string name;
    size_t p = pos_;
    bool jumped = false;
    for (int hops = 0;; ++hops) {
      if (p >= msg_.size() || hops > 128) {
        return absl::DataLossError(StrCat("bad dns name at offset ", pos_));
      }
      const uint8_t len = static_cast<uint8_t>(msg_[p]);
      if ((len & 0xc0) == 0xc0) {
        if (p + 1 >= msg_.size()) return absl::DataLossError(StrCat("bad dns pointer at ", p));
        const size_t target =
            (static_cast<size_t>(len & 0x3f) << 8) | static_cast<uint8_t>(msg_[p + 1]);
        if (!jumped) pos_ = p + 2;
        jumped = true;
        p = target;
        continue;
      }
      if (len & 0xc0) return absl::DataLossError(StrCat("bad dns label at offset ", p));
      if (len == 0) {
        if (!jumped) pos_ = p + 1;
        break;
      }
      if (p + 1 + len > msg_.size()) {
        return absl::DataLossError(StrCat("dns name truncated at offset ", p));
      }
      for (size_t i = 0; i < len; ++i) {
        const unsigned char c = static_cast<unsigned char>(msg_[p + 1 + i]);
        // Escaped as miekg/dns prints names.
        if (c == '.' || c == '\\' || c == '(' || c == ')' || c == ';' || c == ' ' || c == '@' ||
            c == '"') {
          name.push_back('\\');
          name.push_back(static_cast<char>(c));
        } else if (c < 0x20 || c > 0x7e) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\%03u", c);
          name += buf;
        } else {
          name.push_back(static_cast<char>(c));
        }
      }
      name.push_back('.');
      p += 1 + len;
    }
    return name.empty() ? std::string(".") : name;
  }

 private:
  std::string_view msg_;
  size_t pos_ = 0;
};

std::string AddressText(int family, const void* bytes) {
  if (family == AF_INET6) {
    const auto* b = static_cast<const unsigned char*>(bytes);
    static constexpr unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    // Go prints an IPv4-mapped IPv6 address as the IPv4 address.
    if (std::memcmp(b, kMapped, 12) == 0) return AddressText(AF_INET, b + 12);
  }
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(family, bytes, text, sizeof(text));
  return text;
}

absl::StatusOr<Record> ParseRecord(Reader& r, std::string_view msg) {
  Record rec;
  absl::StatusOr<std::string> name = r.Name();
  if (!name.ok()) return name.status();
  rec.name = *std::move(name);
  absl::StatusOr<uint16_t> type = r.U16();
  if (!type.ok()) return type.status();
  rec.type = *type;
  if (absl::StatusOr<uint16_t> cls = r.U16(); !cls.ok()) return cls.status();
  absl::StatusOr<uint32_t> ttl = r.U32();
  if (!ttl.ok()) return ttl.status();
  rec.ttl = *ttl;
  absl::StatusOr<uint16_t> rdlen = r.U16();
  if (!rdlen.ok()) return rdlen.status();
  const size_t start = r.pos();
  if (absl::Status s = r.Need(*rdlen); !s.ok()) return s;
  const auto bad = [&] {
    return absl::DataLossError(
        StrCat("bad rdata of a type ", rec.type, " record at offset ", start));
  };
  // Names inside rdata may point anywhere in the message, so rdata is read from the whole message.
  Reader rd(msg);
  rd.Seek(start);
  switch (rec.type) {
    case kTypeA:
    case kTypeAaaa: {
      const size_t size = rec.type == kTypeA ? 4 : 16;
      if (*rdlen != size) return bad();
      absl::StatusOr<std::string_view> b = rd.Bytes(size);
      if (!b.ok()) return b.status();
      rec.address = AddressText(rec.type == kTypeA ? AF_INET : AF_INET6, b->data());
      break;
    }
    case kTypeSrv:
    case kTypeMx: {
      absl::StatusOr<uint16_t> priority = rd.U16();
      if (!priority.ok()) return priority.status();
      rec.priority = *priority;
      if (rec.type == kTypeSrv) {
        absl::StatusOr<uint16_t> weight = rd.U16();
        absl::StatusOr<uint16_t> port = rd.U16();
        if (!weight.ok() || !port.ok()) return bad();
        rec.weight = *weight;
        rec.port = *port;
      }
      [[fallthrough]];
    }
    case kTypeNs:
    case kTypeCname: {
      absl::StatusOr<std::string> target = rd.Name();
      if (!target.ok()) return target.status();
      rec.target = *std::move(target);
      if (rd.pos() != start + *rdlen) return bad();
      break;
    }
    default:
      break;
  }
  r.Seek(start + *rdlen);
  return rec;
}

// Splits "ip:port" / "[ip6]:port" into a socket address.
absl::StatusOr<sockaddr_storage> ParseServer(const std::string& server, socklen_t* len) {
  std::string host;
  std::string port;
  if (!server.empty() && server[0] == '[') {
    const size_t close = server.find(']');
    if (close == std::string::npos || close + 1 >= server.size() || server[close + 1] != ':') {
      return absl::InvalidArgumentError(StrCat("bad dns server address ", server));
    }
    host = server.substr(1, close - 1);
    port = server.substr(close + 2);
  } else {
    const size_t colon = server.rfind(':');
    if (colon == std::string::npos) {
      return absl::InvalidArgumentError(StrCat("bad dns server address ", server));
    }
    host = server.substr(0, colon);
    port = server.substr(colon + 1);
  }
  if (const size_t zone = host.find('%'); zone != std::string::npos) host.resize(zone);
  sockaddr_storage ss{};
  const int p = std::atoi(port.c_str());
  auto* v4 = reinterpret_cast<sockaddr_in*>(&ss);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&ss);
  if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(p));
    *len = sizeof(sockaddr_in);
  } else if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(p));
    *len = sizeof(sockaddr_in6);
  } else {
    return absl::InvalidArgumentError(StrCat("bad dns server address ", server));
  }
  return ss;
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Waits until `fd` is ready for `events`, checking `stop` every 100 ms.
absl::Status Wait(int fd, short events, absl::Time deadline, const std::atomic<bool>* stop) {
  while (true) {
    if (stop != nullptr && stop->load()) return absl::CancelledError("stopping");
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) return absl::UnavailableError("i/o timeout");
    pollfd p{fd, events, 0};
    const int ms =
        static_cast<int>(absl::ToInt64Milliseconds(std::min(left, absl::Milliseconds(100)))) + 1;
    const int n = ::poll(&p, 1, ms);
    if (n < 0 && errno != EINTR) return absl::UnavailableError(std::strerror(errno));
    if (n > 0) return absl::OkStatus();
  }
}

absl::StatusOr<Message> CheckReply(std::string_view bytes, uint16_t id) {
  absl::StatusOr<Message> reply = ParseMessage(bytes);
  if (!reply.ok()) return reply.status();
  if (reply->id != id || !reply->response) return absl::UnavailableError("dns: id mismatch");
  return reply;
}

absl::StatusOr<Message> ExchangeUdp(const sockaddr_storage& addr, socklen_t len,
                                    const std::string& query, uint16_t id, absl::Time deadline,
                                    const std::atomic<bool>* stop) {
  Fd fd(::socket(addr.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return absl::UnavailableError(StrCat("socket: ", std::strerror(errno)));
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), len) != 0 ||
      ::send(fd.get(), query.data(), query.size(), 0) != static_cast<ssize_t>(query.size())) {
    return absl::UnavailableError(StrCat("udp: ", std::strerror(errno)));
  }
  std::string buf(kEdnsPayload, '\0');
  while (true) {
    if (absl::Status s = Wait(fd.get(), POLLIN, deadline, stop); !s.ok()) return s;
    const ssize_t n = ::recv(fd.get(), buf.data(), buf.size(), 0);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      return absl::UnavailableError(StrCat("udp: ", std::strerror(errno)));
    }
    absl::StatusOr<Message> reply = CheckReply(std::string_view(buf.data(), n), id);
    // A stray datagram (an earlier query's late answer) is skipped, not an error.
    if (reply.ok() || reply.status().code() == absl::StatusCode::kDataLoss) return reply;
  }
}

absl::Status WriteAll(int fd, std::string_view data, absl::Time deadline,
                      const std::atomic<bool>* stop) {
  while (!data.empty()) {
    if (absl::Status s = Wait(fd, POLLOUT, deadline, stop); !s.ok()) return s;
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      return absl::UnavailableError(StrCat("tcp: ", std::strerror(errno)));
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

absl::Status ReadFull(int fd, char* out, size_t size, absl::Time deadline,
                      const std::atomic<bool>* stop) {
  size_t done = 0;
  while (done < size) {
    if (absl::Status s = Wait(fd, POLLIN, deadline, stop); !s.ok()) return s;
    const ssize_t n = ::recv(fd, out + done, size - done, 0);
    if (n == 0) return absl::UnavailableError("tcp: connection closed");
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      return absl::UnavailableError(StrCat("tcp: ", std::strerror(errno)));
    }
    done += static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

absl::StatusOr<Message> ExchangeTcp(const sockaddr_storage& addr, socklen_t len,
                                    const std::string& query, uint16_t id, absl::Time deadline,
                                    const std::atomic<bool>* stop) {
  Fd fd(::socket(addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return absl::UnavailableError(StrCat("socket: ", std::strerror(errno)));
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), len) != 0 &&
      errno != EINPROGRESS) {
    return absl::UnavailableError(StrCat("tcp: ", std::strerror(errno)));
  }
  if (absl::Status s = Wait(fd.get(), POLLOUT, deadline, stop); !s.ok()) return s;
  int err = 0;
  socklen_t err_len = sizeof(err);
  getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &err_len);
  if (err != 0) return absl::UnavailableError(StrCat("tcp: ", std::strerror(err)));
  std::string framed;
  Put16(&framed, static_cast<uint16_t>(query.size()));
  framed += query;
  if (absl::Status s = WriteAll(fd.get(), framed, deadline, stop); !s.ok()) return s;
  char size_bytes[2];
  if (absl::Status s = ReadFull(fd.get(), size_bytes, 2, deadline, stop); !s.ok()) return s;
  const size_t size =
      (static_cast<uint8_t>(size_bytes[0]) << 8) | static_cast<uint8_t>(size_bytes[1]);
  std::string buf(size, '\0');
  if (absl::Status s = ReadFull(fd.get(), buf.data(), size, deadline, stop); !s.ok()) return s;
  return CheckReply(buf, id);
}

uint16_t RandomId() {
  thread_local std::mt19937 gen(std::random_device{}());
  return static_cast<uint16_t>(gen());
}

}  // namespace

absl::StatusOr<ResolvConf> ReadResolvConf(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(StrCat("could not load resolv.conf: cannot read ", path));
  ResolvConf conf;
  std::string line;
  while (std::getline(in, line)) {
    if (const size_t c = line.find_first_of("#;"); c != std::string::npos) line.resize(c);
    std::istringstream words(line);
    std::vector<std::string> f;
    for (std::string w; words >> w;) f.push_back(w);
    if (f.size() < 2) continue;
    const auto strip_dot = [](std::string s) {
      while (!s.empty() && s.back() == '.') s.pop_back();
      return s;
    };
    if (f[0] == "nameserver") {
      conf.servers.push_back(f[1]);
    } else if (f[0] == "domain") {
      conf.search = {strip_dot(f[1])};
    } else if (f[0] == "search") {
      conf.search.clear();
      for (size_t i = 1; i < f.size(); ++i) conf.search.push_back(strip_dot(f[i]));
    } else if (f[0] == "options") {
      for (size_t i = 1; i < f.size(); ++i) {
        if (f[i].starts_with("ndots:")) {
          conf.ndots = std::clamp(std::atoi(f[i].c_str() + 6), 0, 15);
        }
      }
    }
  }
  return conf;
}

std::vector<std::string> NameList(const ResolvConf& conf, std::string_view name) {
  if (IsFqdn(name)) return {std::string(name)};
  const bool enough_dots = CountLabels(name) > conf.ndots;
  const std::string fqdn = Fqdn(name);
  std::vector<std::string> names;
  if (enough_dots) names.push_back(fqdn);
  for (const std::string& s : conf.search) {
    if (!s.empty()) names.push_back(StrCat(fqdn, s, "."));
  }
  if (!enough_dots) names.push_back(fqdn);
  return names;
}

std::string BuildQuery(uint16_t id, std::string_view name, uint16_t type, bool edns) {
  std::string q;
  Put16(&q, id);
  Put16(&q, 0x0100);  // a standard query, recursion desired
  Put16(&q, 1);       // questions
  Put16(&q, 0);
  Put16(&q, 0);
  Put16(&q, edns ? 1 : 0);
  size_t start = 0;
  while (start < name.size()) {
    size_t dot = name.find('.', start);
    if (dot == std::string_view::npos) dot = name.size();
    const std::string_view label = name.substr(start, std::min<size_t>(dot - start, 63));
    if (!label.empty()) {
      q.push_back(static_cast<char>(label.size()));
      q.append(label);
    }
    start = dot + 1;
  }
  q.push_back('\0');
  Put16(&q, type);
  Put16(&q, kClassIn);
  if (edns) {
    q.push_back('\0');  // the root name
    Put16(&q, kTypeOpt);
    Put16(&q, kEdnsPayload);  // the class field holds the UDP payload size
    Put16(&q, 0);             // extended rcode, version
    Put16(&q, 0);             // flags
    Put16(&q, 0);             // no options
  }
  return q;
}

absl::StatusOr<Message> ParseMessage(std::string_view bytes) {
  Reader r(bytes);
  Message m;
  absl::StatusOr<uint16_t> id = r.U16();
  absl::StatusOr<uint16_t> flags = r.U16();
  absl::StatusOr<uint16_t> qd = r.U16();
  absl::StatusOr<uint16_t> an = r.U16();
  if (!id.ok() || !flags.ok() || !qd.ok() || !an.ok() || !r.Bytes(4).ok()) {
    return absl::DataLossError("dns message shorter than its 12-byte header");
  }
  m.id = *id;
  m.response = (*flags & 0x8000) != 0;
  m.truncated = (*flags & 0x0200) != 0;
  m.rcode = *flags & 0x000f;
  for (uint16_t i = 0; i < *qd; ++i) {
    if (absl::StatusOr<std::string> n = r.Name(); !n.ok()) return n.status();
    if (absl::StatusOr<std::string_view> b = r.Bytes(4); !b.ok()) return b.status();
  }
  for (uint16_t i = 0; i < *an; ++i) {
    absl::StatusOr<Record> rec = ParseRecord(r, bytes);
    if (!rec.ok()) {
      // A truncated answer may end mid-record; what arrived whole still counts.
      if (m.truncated) break;
      return rec.status();
    }
    m.answers.push_back(*std::move(rec));
  }
  return m;
}

absl::StatusOr<Message> Exchange(const std::string& server, std::string_view name, uint16_t type,
                                 absl::Duration timeout, const std::atomic<bool>* stop) {
  socklen_t len = 0;
  absl::StatusOr<sockaddr_storage> addr = ParseServer(server, &len);
  if (!addr.ok()) return addr.status();
  const uint16_t id = RandomId();
  absl::StatusOr<Message> reply =
      ExchangeUdp(*addr, len, BuildQuery(id, name, type, true), id, absl::Now() + timeout, stop);
  if (!reply.ok() || !reply->truncated) return reply;
  const uint16_t tcp_id = RandomId();
  reply = ExchangeTcp(*addr, len, BuildQuery(tcp_id, name, type, false), tcp_id,
                      absl::Now() + timeout, stop);
  if (reply.ok() && reply->truncated) {
    return absl::UnavailableError("got truncated message on TCP (64kiB limit exceeded?)");
  }
  return reply;
}

absl::StatusOr<Message> LookupWithSearchPath(const ResolvConf& conf, std::string_view name,
                                             uint16_t type, const std::atomic<bool>* stop) {
  bool all_valid = true;
  for (const std::string& candidate : NameList(conf, name)) {
    bool answered = false;
    for (const std::string& server : conf.servers) {
      const std::string address = JoinHostPort(server, std::atoi(conf.port.c_str()));
      absl::StatusOr<Message> reply = Exchange(address, candidate, type, kExchangeTimeout, stop);
      if (!reply.ok()) {
        if (reply.status().code() == absl::StatusCode::kCancelled) return reply.status();
        kLog.Warn("DNS resolution failed",
                  {{"server", server}, {"name", candidate}, {"err", reply.status()}});
        continue;
      }
      if (reply->rcode == kRcodeSuccess) return reply;
      if (reply->rcode == kRcodeNameError) {
        answered = true;
        break;
      }
    }
    if (!answered) all_valid = false;
  }
  if (all_valid) return Message{};
  return absl::UnavailableError(
      StrCat("could not resolve \"", name,
             "\": all servers responded with errors to at least one search domain"));
}

std::string JoinHostPort(std::string_view host, int64_t port) {
  if (host.find(':') != std::string_view::npos) return StrCat("[", host, "]:", port);
  return StrCat(host, ":", port);
}

}  // namespace sextant::discovery::dns
