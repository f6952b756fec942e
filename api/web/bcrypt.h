#pragma once

// bcrypt password hashes as Go's golang.org/x/crypto/bcrypt reads them (the toolkit's
// basic_auth_users): "$2a$", "$2b$", "$2y$" (any minor letter, as Go) + two-digit cost + "$" +
// 22 characters of salt + 31 of hash. The hashing itself is libxcrypt's bcrypt (crypt_rn),
// always run as "$2b$": Go computes every minor version the same way, and libxcrypt's "$2x$"
// and "$2a$" would differ from it on rare 8-bit passwords.
//
// Thread-safety: all functions are safe to call concurrently.

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace sextant::api::web {

// bcrypt.Cost: the cost of a well-formed hash. Errors (InvalidArgument) with Go's wording:
//   crypto/bcrypt: hashedSecret too short to be a bcrypted password
//   crypto/bcrypt: bcrypt hashes must start with '$', but hashedSecret started with 'x'
//   crypto/bcrypt: bcrypt algorithm version '3' requested is newer than current version '2'
//   crypto/bcrypt: cost 3 is outside allowed range (4,31)
//   strconv.Atoi: parsing "x$": invalid syntax
absl::StatusOr<int> BcryptCost(std::string_view hash);

// bcrypt.CompareHashAndPassword(hash, password) == nil. Costs one bcrypt computation at the
// hash's cost whatever the outcome (a malformed hash or a password with a NUL byte is a
// mismatch, decided after the same computation on a stand-in), and compares the result in
// constant time.
bool BcryptMatches(std::string_view hash, std::string_view password);

// A well-formed hash of the given cost (4..31) with a random salt and hash, which no password
// matches in practice: the stand-in an unknown user is checked against, so that a wrong user
// costs the same time as a wrong password.
std::string BcryptDummyHash(int cost);

// bcrypt of `password` with a random salt at `cost` ("$2b$..."); for tests and tooling.
absl::StatusOr<std::string> BcryptHash(std::string_view password, int cost);

}  // namespace sextant::api::web
