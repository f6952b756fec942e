#pragma once

// HTTP basic authentication against the web config's basic_auth_users (bcrypt hashes), as the
// toolkit's webHandler does it:
//  - no users configured: every request passes;
//  - a missing or malformed Authorization header, an unknown user or a wrong password: 401 with
//    `WWW-Authenticate: Basic` (see kUnauthorizedBody);
//  - an unknown user is checked against a stand-in hash of the highest configured cost, so it
//    costs the same bcrypt time as a wrong password (no user enumeration by timing);
//  - bcrypt runs one at a time (the toolkit's bcryptMtx), bounding its CPU use;
//  - outcomes of checked (user, hash, password) triples, right and wrong, are cached (100
//    entries, random eviction of a tenth when full), so repeated requests skip bcrypt. The
//    cache keys are SHA-256 digests under a random per-process key, never the passwords.

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "util/mutex.h"

namespace sextant::api::web {

// What net/http's http.Error writes for a 401.
inline constexpr std::string_view kUnauthorizedBody = "Unauthorized\n";

// Go's Request.BasicAuth: `Basic <base64(user:password)>` (scheme case-insensitive, standard
// base64 with padding). nullopt when absent or malformed.
struct BasicCredentials {
  std::string user;
  std::string password;
};
std::optional<BasicCredentials> ParseBasicAuthorization(std::string_view header_value);

// The outcome cache. Thread-safe. Shared by the authenticators of successive config versions,
// so a reload keeps the entries (a changed hash makes a different key).
class BasicAuthCache {
 public:
  static constexpr size_t kCapacity = 100;

  BasicAuthCache();

  using Key = std::array<uint8_t, 32>;
  Key MakeKey(std::string_view user, std::string_view hash, std::string_view password) const;
  std::optional<bool> Get(const Key& key) const;
  void Set(const Key& key, bool ok);
  size_t size() const;

 private:
  struct KeyHash {
    size_t operator()(const Key& k) const;
  };
  std::array<uint8_t, 32> secret_;
  mutable util::Mutex mu_;
  std::unordered_map<Key, bool, KeyHash> entries_ ABSL_GUARDED_BY(mu_);
  uint64_t rng_ ABSL_GUARDED_BY(mu_);
};

enum class AuthResult { kAllowed, kUnauthorized };

// One config version's users. Thread-safe: Check may run on many threads at once.
class BasicAuthenticator {
 public:
  // `users`: user -> bcrypt hash, each validated (BcryptCost) by the loader. `cache` must not be
  // null.
  BasicAuthenticator(std::map<std::string, std::string> users,
                     std::shared_ptr<BasicAuthCache> cache);

  bool enabled() const { return !users_.empty(); }

  // The decision for a request with this Authorization header value (nullopt: no header). On a
  // cache miss this runs one bcrypt (about 50-100 ms at cost 10) after waiting for any other in
  // progress: call it where blocking is acceptable (a worker thread), or try CheckCached first.
  AuthResult Check(std::optional<std::string_view> authorization) const;

  // The decision when it needs no bcrypt (auth disabled, no or malformed header, cached outcome);
  // nullopt when Check would run bcrypt. Never blocks for long.
  std::optional<AuthResult> CheckCached(std::optional<std::string_view> authorization) const;

  // The cost of the stand-in hash unknown users are checked against: the highest configured.
  int stand_in_cost() const { return stand_in_cost_; }
  // How many bcrypt computations Check has run (cache misses).
  int64_t bcrypt_computations() const { return bcrypt_computations_.load(); }

 private:
  struct Lookup {
    std::optional<AuthResult> decided;
    BasicAuthCache::Key key{};
    std::string_view hash;
    bool valid_user = false;
    std::string password;
  };
  Lookup Find(std::optional<std::string_view> authorization) const;

  std::map<std::string, std::string> users_;
  std::string dummy_hash_;
  int stand_in_cost_ = 10;
  mutable std::atomic<int64_t> bcrypt_computations_{0};
  std::shared_ptr<BasicAuthCache> cache_;
  std::shared_ptr<util::Mutex> bcrypt_mu_;
};

}  // namespace sextant::api::web
