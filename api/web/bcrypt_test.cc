#include "api/web/bcrypt.h"

#include <string>

#include <gtest/gtest.h>

namespace sextant::api::web {
namespace {

// Test vectors from the bcrypt literature (OpenBSD / Openwall crypt_blowfish), "$2a$" at cost 5.
struct Vector {
  const char* hash;
  const char* password;
};
constexpr Vector kVectors[] = {
    {"$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", "U*U"},
    {"$2a$05$CCCCCCCCCCCCCCCCCCCCC.VGOzA784oUp/Z0DY336zx7pLYAy0lwK", "U*U*"},
    {"$2a$05$XXXXXXXXXXXXXXXXXXXXXOAcXxm9kjPGEMsLznoKqmqw7tc8WCx4a", "U*U*U"},
    {"$2a$05$abcdefghijklmnopqrstuu5s2v8.iXieOjg/.AySBTTZIIVFJeBui",
     "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789chars after 72 are "
     "ignored"},
    {"$2a$05$CCCCCCCCCCCCCCCCCCCCC.7uG0VCzI2bS7j6ymqJi9CdcdxiRTWNy", ""},
    // Made with Python's crypt.crypt (libxcrypt): "$2y$", "$2a$" with UTF-8, and the toolkit's
    // stand-in hash of "fakepassword" (cost 10) re-prefixed as "$2b$".
    {"$2y$04$Q1w2E3r4T5y6U7i8O9p0Au.PE7zIYRsgZf9zRQYyJqYtAIvVzpyfm", "alice-secret"},
    {"$2a$05$ZZZZZZZZZZZZZZZZZZZZZuj.rb2HZFLeGvfyAkEosbC12ElUr4SGK", "bob p\xc3\xa4ssword"},
    {"$2b$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi", "fakepassword"},
};

TEST(Bcrypt, KnownVectorsMatch) {
  for (const Vector& v : kVectors) {
    SCOPED_TRACE(v.hash);
    EXPECT_TRUE(BcryptMatches(v.hash, v.password));
  }
}

TEST(Bcrypt, WrongPasswordsDoNotMatch) {
  for (const Vector& v : kVectors) {
    SCOPED_TRACE(v.hash);
    EXPECT_FALSE(BcryptMatches(v.hash, "x" + std::string(v.password)));
  }
  EXPECT_FALSE(BcryptMatches(kVectors[0].hash, "U*u"));
}

TEST(Bcrypt, MinorVersionDoesNotChangeTheHash) {
  // Go computes $2a$, $2b$, $2y$ (and any other minor letter) alike.
  std::string h = kVectors[0].hash;
  for (char minor : {'a', 'b', 'y', 'x'}) {
    h[2] = minor;
    EXPECT_TRUE(BcryptMatches(h, "U*U")) << h;
  }
}

TEST(Bcrypt, PasswordBeyond72BytesIgnored) {
  std::string p = kVectors[3].password;
  EXPECT_TRUE(BcryptMatches(kVectors[3].hash, p.substr(0, 72)));
  EXPECT_FALSE(BcryptMatches(kVectors[3].hash, p.substr(0, 71)));
}

TEST(Bcrypt, NulBytesNeverMatch) {
  EXPECT_FALSE(BcryptMatches(kVectors[0].hash, std::string("U*U\0x", 5)));
}

TEST(Bcrypt, MalformedHashesNeverMatch) {
  EXPECT_FALSE(BcryptMatches("doe", "doe"));
  EXPECT_FALSE(BcryptMatches("$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOe", "U*U"));
  EXPECT_FALSE(
      BcryptMatches("$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeWW", "U*U"));
  EXPECT_FALSE(
      BcryptMatches("$2a$05$CCCCCCCCCCCCCCCCCCCC!.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", "U*U"));
}

TEST(Bcrypt, CostAndGoMessages) {
  EXPECT_EQ(*BcryptCost(kVectors[0].hash), 5);
  EXPECT_EQ(*BcryptCost(kVectors[7].hash), 10);
  EXPECT_EQ(BcryptCost("x").status().message(),
            "crypto/bcrypt: hashedSecret too short to be a bcrypted password");
  std::string h = kVectors[0].hash;
  h[4] = '3';
  h[5] = '2';
  EXPECT_EQ(BcryptCost(h).status().message(),
            "crypto/bcrypt: cost 32 is outside allowed range (4,31)");
  h[4] = '-';
  h[5] = '1';
  EXPECT_EQ(BcryptCost(h).status().message(),
            "crypto/bcrypt: cost -1 is outside allowed range (4,31)");
}

TEST(Bcrypt, HashRoundTrip) {
  auto h = BcryptHash("s3cret", 4);
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_EQ(h->size(), 60u);
  EXPECT_EQ(*BcryptCost(*h), 4);
  EXPECT_TRUE(BcryptMatches(*h, "s3cret"));
  EXPECT_FALSE(BcryptMatches(*h, "s3cre"));
  auto h2 = BcryptHash("s3cret", 4);
  ASSERT_TRUE(h2.ok());
  EXPECT_NE(*h, *h2);  // random salts
}

TEST(Bcrypt, DummyHashIsWellFormedAtTheGivenCost) {
  const std::string d = BcryptDummyHash(7);
  EXPECT_EQ(d.size(), 60u);
  EXPECT_EQ(*BcryptCost(d), 7);
  EXPECT_NE(d, BcryptDummyHash(7));
  EXPECT_FALSE(BcryptMatches(d, ""));
  EXPECT_FALSE(BcryptMatches(d, "fakepassword"));
}

}  // namespace
}  // namespace sextant::api::web
