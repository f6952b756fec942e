#pragma once

// A small DNS stub resolver for dns_sd_configs, behaving as Prometheus's discovery/dns (which
// uses github.com/miekg/dns rather than the system's resolver library):
//
//   - servers, search domains and `ndots` come from /etc/resolv.conf (ReadResolvConf);
//   - a name is tried in the order NameList() gives (the name itself first when it has more
//     labels than ndots, then with each search domain appended, else the name last);
//   - each name is asked of every server in turn over UDP with EDNS0 (4096-byte payload), and
//     again over TCP when the answer comes back truncated; 2 s per exchange;
//   - a server's answer counts when its RCODE is NOERROR or NXDOMAIN; the first NOERROR answer
//     wins; all NXDOMAIN is an empty answer; anything else (timeouts, SERVFAIL, ...) for some name
//     with no NOERROR anywhere is an error.
//
// The messages are RFC 1035's (with RFC 2782 SRV, RFC 3596 AAAA and RFC 6891 EDNS0), big-endian,
// names compressed by pointers; ParseMessage() decodes every record type it does not understand
// as an opaque record.
//
// Thread-safety: free functions, no shared state.

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace sextant::discovery::dns {

enum RecordType : uint16_t {
  kTypeA = 1,
  kTypeNs = 2,
  kTypeCname = 5,
  kTypeMx = 15,
  kTypeAaaa = 28,
  kTypeSrv = 33,
  kTypeOpt = 41,
};

constexpr int kRcodeSuccess = 0;
constexpr int kRcodeNameError = 3;  // NXDOMAIN

struct Record {
  std::string name;  // owner, absolute with a trailing dot
  uint16_t type = 0;
  uint32_t ttl = 0;
  // By type: the address as text for A and AAAA ("10.0.0.1", "2001:db8::1"); the target name
  // (absolute, trailing dot) for SRV, MX, NS and CNAME.
  std::string address;
  std::string target;
  uint16_t port = 0;      // SRV
  uint16_t priority = 0;  // SRV, and MX's preference
  uint16_t weight = 0;    // SRV
};

struct Message {
  uint16_t id = 0;
  bool response = false;
  bool truncated = false;
  int rcode = 0;
  std::vector<Record> answers;
};

struct ResolvConf {
  std::vector<std::string> servers;  // addresses ("10.0.0.2", "::1")
  std::string port = "53";
  std::vector<std::string> search;  // domains, without trailing dots
  int ndots = 1;
};

// Reads a resolv.conf: `nameserver`, `domain`, `search` and `options ndots:N`. Errors: NotFound
// when the file cannot be read.
absl::StatusOr<ResolvConf> ReadResolvConf(const std::string& path);

// The names to try for `name`, each absolute (trailing dot), as miekg/dns's ClientConfig.NameList.
std::vector<std::string> NameList(const ResolvConf& conf, std::string_view name);

// A query for `name` (absolute) of `type`, recursion desired, with an EDNS0 OPT record when
// `edns`.
std::string BuildQuery(uint16_t id, std::string_view name, uint16_t type, bool edns);

// Decodes a message. Errors: DataLoss for a truncated or malformed message (naming the offset).
absl::StatusOr<Message> ParseMessage(std::string_view bytes);

// Asks `server` ("ip:port", IPv6 in brackets) about `name` (absolute) over UDP, and over TCP when
// the answer is truncated. Gives up early when `*stop` becomes true. Errors: Unavailable
// (network, timeouts, a mismatched reply), DataLoss (malformed reply), Cancelled.
absl::StatusOr<Message> Exchange(const std::string& server, std::string_view name, uint16_t type,
                                 absl::Duration timeout, const std::atomic<bool>* stop);

// The lookup of one configured name with the search path and every server (see above). Returns
// the first NOERROR message, or an empty message when every server said NXDOMAIN for every
// candidate name. Errors: Unavailable.
absl::StatusOr<Message> LookupWithSearchPath(const ResolvConf& conf, std::string_view name,
                                             uint16_t type, const std::atomic<bool>* stop);

// host:port as Go's net.JoinHostPort: IPv6 addresses in brackets.
std::string JoinHostPort(std::string_view host, int64_t port);

}  // namespace sextant::discovery::dns
