#include "api/web/basic_auth.h"

#include <cstring>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "api/web/bcrypt.h"
#include "util/strings.h"

namespace sextant::api::web {
namespace {

// Strict standard base64 with padding (Go's base64.StdEncoding).
std::optional<std::string> DecodeBase64(std::string_view in) {
  if (in.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(in.size() / 4 * 3);
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  for (size_t i = 0; i < in.size(); i += 4) {
    int v[4];
    int pad = 0;
    for (int j = 0; j < 4; ++j) {
      const char c = in[i + j];
      if (c == '=' && i + 4 == in.size() && j >= 2) {
        v[j] = 0;
        ++pad;
        continue;
      }
      if (pad > 0) return std::nullopt;
      v[j] = value(c);
      if (v[j] < 0) return std::nullopt;
    }
    const uint32_t n =
        (uint32_t(v[0]) << 18) | (uint32_t(v[1]) << 12) | (uint32_t(v[2]) << 6) | uint32_t(v[3]);
    out.push_back(static_cast<char>(n >> 16));
    if (pad < 2) out.push_back(static_cast<char>((n >> 8) & 0xff));
    if (pad < 1) out.push_back(static_cast<char>(n & 0xff));
  }
  return out;
}

void AppendLengthPrefixed(std::string* out, std::string_view s) {
  const uint64_t n = s.size();
  out->append(reinterpret_cast<const char*>(&n), sizeof(n));
  out->append(s);
}

}  // namespace

std::optional<BasicCredentials> ParseBasicAuthorization(std::string_view header_value) {
  constexpr std::string_view kPrefix = "Basic ";
  if (header_value.size() < kPrefix.size() ||
      util::AsciiLower(header_value.substr(0, kPrefix.size())) != "basic ") {
    return std::nullopt;
  }
  auto decoded = DecodeBase64(header_value.substr(kPrefix.size()));
  if (!decoded.has_value()) return std::nullopt;
  const size_t colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  return BasicCredentials{decoded->substr(0, colon), decoded->substr(colon + 1)};
}

// --- BasicAuthCache ----------------------------------------------------------------------------

BasicAuthCache::BasicAuthCache() {
  if (RAND_bytes(secret_.data(), static_cast<int>(secret_.size())) != 1) secret_.fill(0x5a);
  uint64_t seed = 0;
  std::memcpy(&seed, secret_.data(), sizeof(seed));
  util::MutexLock lock(&mu_);
  rng_ = seed | 1;
}

BasicAuthCache::Key BasicAuthCache::MakeKey(std::string_view user, std::string_view hash,
                                            std::string_view password) const {
  std::string message;
  AppendLengthPrefixed(&message, user);
  AppendLengthPrefixed(&message, hash);
  AppendLengthPrefixed(&message, password);
  Key key{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), key.data(), &len);
  OPENSSL_cleanse(message.data(), message.size());
  return key;
}

size_t BasicAuthCache::KeyHash::operator()(const Key& k) const {
  size_t h = 0;
  std::memcpy(&h, k.data(), sizeof(h));
  return h;
}

std::optional<bool> BasicAuthCache::Get(const Key& key) const {
  util::ReaderMutexLock lock(&mu_);
  const auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

void BasicAuthCache::Set(const Key& key, bool ok) {
  util::MutexLock lock(&mu_);
  if (entries_.size() >= kCapacity && !entries_.contains(key)) {
    // As the toolkit: drop about a tenth at random, so that a full cache does not evict on every
    // insertion.
    const size_t to_delete = std::max<size_t>(entries_.size() / 10, 1);
    for (size_t d = 0; d < to_delete && !entries_.empty(); ++d) {
      rng_ ^= rng_ << 13;
      rng_ ^= rng_ >> 7;
      rng_ ^= rng_ << 17;
      auto it = entries_.begin();
      std::advance(it, static_cast<long>(rng_ % entries_.size()));
      entries_.erase(it);
    }
  }
  entries_[key] = ok;
}

size_t BasicAuthCache::size() const {
  util::ReaderMutexLock lock(&mu_);
  return entries_.size();
}

// --- BasicAuthenticator ------------------------------------------------------------------------

BasicAuthenticator::BasicAuthenticator(std::map<std::string, std::string> users,
                                       std::shared_ptr<BasicAuthCache> cache)
    : users_(std::move(users)),
      cache_(std::move(cache)),
      bcrypt_mu_(std::make_shared<util::Mutex>()) {
  int max_cost = 10;  // the toolkit's stand-in hash is of cost 10
  bool any = false;
  for (const auto& [user, hash] : users_) {
    auto cost = BcryptCost(hash);
    if (!cost.ok()) continue;
    max_cost = any ? std::max(max_cost, *cost) : *cost;
    any = true;
  }
  stand_in_cost_ = max_cost;
  dummy_hash_ = BcryptDummyHash(max_cost);
}

BasicAuthenticator::Lookup BasicAuthenticator::Find(
    std::optional<std::string_view> authorization) const {
  Lookup l;
  if (users_.empty()) {
    l.decided = AuthResult::kAllowed;
    return l;
  }
  std::optional<BasicCredentials> creds;
  if (authorization.has_value()) creds = ParseBasicAuthorization(*authorization);
  if (!creds.has_value()) {
    l.decided = AuthResult::kUnauthorized;
    return l;
  }
  const auto it = users_.find(creds->user);
  l.valid_user = it != users_.end();
  l.hash = l.valid_user ? std::string_view(it->second) : std::string_view(dummy_hash_);
  l.key = cache_->MakeKey(creds->user, l.hash, creds->password);
  if (const std::optional<bool> cached = cache_->Get(l.key); cached.has_value()) {
    l.decided = (*cached && l.valid_user) ? AuthResult::kAllowed : AuthResult::kUnauthorized;
    return l;
  }
  l.password = std::move(creds->password);
  return l;
}

std::optional<AuthResult> BasicAuthenticator::CheckCached(
    std::optional<std::string_view> authorization) const {
  return Find(authorization).decided;
}

AuthResult BasicAuthenticator::Check(std::optional<std::string_view> authorization) const {
  Lookup l = Find(authorization);
  if (l.decided.has_value()) return *l.decided;
  bool matches;
  {
    util::MutexLock lock(bcrypt_mu_.get());
    matches = BcryptMatches(l.hash, l.password);
  }
  bcrypt_computations_.fetch_add(1);
  OPENSSL_cleanse(l.password.data(), l.password.size());
  const bool ok = matches && l.valid_user;
  cache_->Set(l.key, ok);
  return ok ? AuthResult::kAllowed : AuthResult::kUnauthorized;
}

}  // namespace sextant::api::web
