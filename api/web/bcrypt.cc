#include "api/web/bcrypt.h"

#include <cstring>
#include <memory>

#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "util/strings.h"

namespace sextant::api::web {
namespace {

using util::StrCat;

constexpr size_t kMinHashSize = 59;  // Go's minHashSize
constexpr int kMinCost = 4;
constexpr int kMaxCost = 31;
constexpr size_t kSaltChars = 22;
constexpr size_t kHashChars = 31;
constexpr std::string_view kBase64 =
    "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

struct ParsedHash {
  int cost = 0;
  std::string_view salt;
  std::string_view hash;  // everything after the salt (31 characters when well-formed)
};

std::string CharText(char c) { return std::string(1, c); }

absl::StatusOr<ParsedHash> Parse(std::string_view s) {
  if (s.size() < kMinHashSize) {
    return absl::InvalidArgumentError(
        "crypto/bcrypt: hashedSecret too short to be a bcrypted password");
  }
  if (s[0] != '$') {
    return absl::InvalidArgumentError(
        StrCat("crypto/bcrypt: bcrypt hashes must start with '$', but hashedSecret started with '",
               CharText(s[0]), "'"));
  }
  if (static_cast<unsigned char>(s[1]) > '2') {
    return absl::InvalidArgumentError(StrCat("crypto/bcrypt: bcrypt algorithm version '",
                                             CharText(s[1]),
                                             "' requested is newer than current version '2'"));
  }
  size_t n = s[2] != '$' ? 4 : 3;  // "$2a$" or "$2$"
  std::string_view rest = s.substr(n);
  // strconv.Atoi of the two characters: an optional sign, then digits only.
  const std::string_view cost_text = rest.substr(0, 2);
  int cost = 0;
  bool neg = false;
  size_t i = 0;
  if (cost_text[0] == '+' || cost_text[0] == '-') {
    neg = cost_text[0] == '-';
    i = 1;
  }
  bool valid = i < cost_text.size();
  for (; i < cost_text.size(); ++i) {
    if (cost_text[i] < '0' || cost_text[i] > '9') valid = false;
    cost = cost * 10 + (cost_text[i] - '0');
  }
  if (!valid) {
    return absl::InvalidArgumentError(
        StrCat("strconv.Atoi: parsing \"", cost_text, "\": invalid syntax"));
  }
  if (neg) cost = -cost;
  if (cost < kMinCost || cost > kMaxCost) {
    return absl::InvalidArgumentError(StrCat(
        "crypto/bcrypt: cost ", cost, " is outside allowed range (", kMinCost, ",", kMaxCost, ")"));
  }
  rest.remove_prefix(3);  // the cost and the '$' after it (Go does not check that byte)
  ParsedHash parsed;
  parsed.cost = cost;
  parsed.salt = rest.substr(0, kSaltChars);
  parsed.hash = rest.substr(std::min(rest.size(), kSaltChars));
  return parsed;
}

std::string CostText(int cost) { return StrCat(cost < 10 ? "0" : "", cost); }

std::string RandomBase64(size_t n) {
  unsigned char bytes[64];
  std::string out;
  while (out.size() < n) {
    if (RAND_bytes(bytes, sizeof(bytes)) != 1) std::memset(bytes, 0, sizeof(bytes));
    for (unsigned char b : bytes) {
      if (out.size() == n) break;
      out.push_back(kBase64[b & 63]);
    }
  }
  return out;
}

// crypt_rn with setting "$2b$NN$<salt>"; the output's 31 hash characters, or "" on failure.
std::string Compute(std::string_view password, int cost, std::string_view salt) {
  const std::string setting = StrCat("$2b$", CostText(cost), "$", salt);
  const std::string phrase(password);
  auto data = std::make_unique<crypt_data>();
  const char* out = crypt_rn(phrase.c_str(), setting.c_str(), data.get(), sizeof(crypt_data));
  if (out == nullptr || out[0] == '*') return "";
  const std::string_view result(out);
  if (result.size() != 7 + kSaltChars + kHashChars) return "";
  return std::string(result.substr(7 + kSaltChars));
}

}  // namespace

absl::StatusOr<int> BcryptCost(std::string_view hash) {
  auto parsed = Parse(hash);
  if (!parsed.ok()) return parsed.status();
  return parsed->cost;
}

bool BcryptMatches(std::string_view hash, std::string_view password) {
  auto parsed = Parse(hash);
  bool usable = parsed.ok() && parsed->salt.size() == kSaltChars &&
                password.find('\0') == std::string_view::npos;
  // A malformed hash still costs a computation (at Go's default cost), so that its failure takes
  // no less time than a wrong password's.
  const int cost = parsed.ok() ? parsed->cost : 10;
  const std::string salt = usable ? std::string(parsed->salt) : RandomBase64(kSaltChars);
  const std::string computed = Compute(usable ? password : std::string_view(), cost, salt);
  if (!usable || computed.empty()) return false;
  const std::string_view stored = parsed->hash;
  // The lengths are public (31 for every well-formed hash); the content is compared in constant
  // time.
  if (stored.size() != computed.size()) return false;
  return CRYPTO_memcmp(stored.data(), computed.data(), computed.size()) == 0;
}

std::string BcryptDummyHash(int cost) {
  cost = std::max(kMinCost, std::min(kMaxCost, cost));
  // The salt's last character carries only 2 significant bits; '.' keeps it canonical.
  return StrCat("$2b$", CostText(cost), "$", RandomBase64(kSaltChars - 1), ".",
                RandomBase64(kHashChars));
}

absl::StatusOr<std::string> BcryptHash(std::string_view password, int cost) {
  if (cost < kMinCost || cost > kMaxCost) {
    return absl::InvalidArgumentError(StrCat(
        "crypto/bcrypt: cost ", cost, " is outside allowed range (", kMinCost, ",", kMaxCost, ")"));
  }
  if (password.find('\0') != std::string_view::npos) {
    return absl::InvalidArgumentError("bcrypt: password contains a NUL byte");
  }
  const std::string salt = StrCat(RandomBase64(kSaltChars - 1), ".");
  const std::string hash = Compute(password, cost, salt);
  if (hash.empty()) return absl::InternalError("bcrypt: crypt_rn failed");
  return StrCat("$2b$", CostText(cost), "$", salt, hash);
}

}  // namespace sextant::api::web
