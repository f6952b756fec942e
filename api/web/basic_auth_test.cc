#include "api/web/basic_auth.h"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace sextant::api::web {
namespace {

constexpr char kAliceHash[] = "$2y$04$Q1w2E3r4T5y6U7i8O9p0Au.PE7zIYRsgZf9zRQYyJqYtAIvVzpyfm";
// "alice:alice-secret", "alice:wrong", "mallory:alice-secret"
constexpr char kAliceRight[] = "Basic YWxpY2U6YWxpY2Utc2VjcmV0";
constexpr char kAliceWrong[] = "Basic YWxpY2U6d3Jvbmc=";
constexpr char kMallory[] = "Basic bWFsbG9yeTphbGljZS1zZWNyZXQ=";

BasicAuthenticator MakeAuth(std::shared_ptr<BasicAuthCache> cache = nullptr) {
  if (cache == nullptr) cache = std::make_shared<BasicAuthCache>();
  return BasicAuthenticator({{"alice", kAliceHash}}, std::move(cache));
}

TEST(ParseBasicAuthorization, GoRules) {
  auto c = ParseBasicAuthorization(kAliceRight);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->user, "alice");
  EXPECT_EQ(c->password, "alice-secret");
  // The scheme is case-insensitive; the password may hold colons; it may be empty.
  c = ParseBasicAuthorization("bAsIc dTphOmI6Yw==");  // "u:a:b:c"
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->user, "u");
  EXPECT_EQ(c->password, "a:b:c");
  c = ParseBasicAuthorization("Basic dTo=");  // "u:"
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->password, "");
  EXPECT_FALSE(ParseBasicAuthorization("Bearer abc").has_value());
  EXPECT_FALSE(ParseBasicAuthorization("Basic").has_value());
  EXPECT_FALSE(ParseBasicAuthorization("Basic dQ==").has_value());   // "u": no colon
  EXPECT_FALSE(ParseBasicAuthorization("Basic dTo").has_value());    // missing padding
  EXPECT_FALSE(ParseBasicAuthorization("Basic d!o=").has_value());   // bad alphabet
  EXPECT_FALSE(ParseBasicAuthorization("Basic  dTo=").has_value());  // extra space
}

TEST(BasicAuthenticator, NoUsersAllowsEverything) {
  BasicAuthenticator auth({}, std::make_shared<BasicAuthCache>());
  EXPECT_FALSE(auth.enabled());
  EXPECT_EQ(auth.Check(std::nullopt), AuthResult::kAllowed);
  EXPECT_EQ(auth.CheckCached("garbage"), AuthResult::kAllowed);
}

TEST(BasicAuthenticator, RightWrongMissing) {
  const BasicAuthenticator auth = MakeAuth();
  EXPECT_TRUE(auth.enabled());
  EXPECT_EQ(auth.Check(kAliceRight), AuthResult::kAllowed);
  EXPECT_EQ(auth.Check(kAliceWrong), AuthResult::kUnauthorized);
  EXPECT_EQ(auth.Check(kMallory), AuthResult::kUnauthorized);
  EXPECT_EQ(auth.Check(std::nullopt), AuthResult::kUnauthorized);
  EXPECT_EQ(auth.Check("Basic !!!!"), AuthResult::kUnauthorized);
}

TEST(BasicAuthenticator, CacheRemembersOutcomes) {
  auto cache = std::make_shared<BasicAuthCache>();
  const BasicAuthenticator auth = MakeAuth(cache);
  // Nothing cached yet: the fast path declines.
  EXPECT_FALSE(auth.CheckCached(kAliceRight).has_value());
  EXPECT_FALSE(auth.CheckCached(kMallory).has_value());
  // Missing credentials need no bcrypt.
  EXPECT_EQ(auth.CheckCached(std::nullopt), AuthResult::kUnauthorized);
  EXPECT_EQ(auth.Check(kAliceRight), AuthResult::kAllowed);
  EXPECT_EQ(auth.Check(kAliceWrong), AuthResult::kUnauthorized);
  EXPECT_EQ(auth.Check(kMallory), AuthResult::kUnauthorized);
  EXPECT_EQ(cache->size(), 3u);
  EXPECT_EQ(auth.CheckCached(kAliceRight), AuthResult::kAllowed);
  EXPECT_EQ(auth.CheckCached(kAliceWrong), AuthResult::kUnauthorized);
  EXPECT_EQ(auth.CheckCached(kMallory), AuthResult::kUnauthorized);
}

TEST(BasicAuthenticator, CacheSurvivesReloadButNotAChangedHash) {
  auto cache = std::make_shared<BasicAuthCache>();
  EXPECT_EQ(MakeAuth(cache).Check(kAliceRight), AuthResult::kAllowed);
  // A new config version with the same hash shares the entry...
  EXPECT_EQ(MakeAuth(cache).CheckCached(kAliceRight), AuthResult::kAllowed);
  // ...but a changed hash for alice does not.
  BasicAuthenticator changed(
      {{"alice", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"}}, cache);
  EXPECT_FALSE(changed.CheckCached(kAliceRight).has_value());
  EXPECT_EQ(changed.Check(kAliceRight), AuthResult::kUnauthorized);
}

TEST(BasicAuthCache, KeysAreDigestsNotPasswords) {
  BasicAuthCache cache;
  const auto k1 = cache.MakeKey("a", "h", "p");
  EXPECT_EQ(k1, cache.MakeKey("a", "h", "p"));
  // Length-prefixed fields: shifting bytes between fields changes the key.
  EXPECT_NE(k1, cache.MakeKey("a", "hp", ""));
  EXPECT_NE(k1, cache.MakeKey("ah", "", "p"));
  // A different cache (process) has a different secret.
  BasicAuthCache other;
  EXPECT_NE(k1, other.MakeKey("a", "h", "p"));
}

TEST(BasicAuthCache, BoundedWithRandomEviction) {
  BasicAuthCache cache;
  for (int i = 0; i < 1000; ++i) {
    cache.Set(cache.MakeKey("u", "h", std::to_string(i)), i % 2 == 0);
    ASSERT_LE(cache.size(), BasicAuthCache::kCapacity);
  }
  EXPECT_GE(cache.size(), BasicAuthCache::kCapacity * 8 / 10);
  // The newest entry is always present.
  EXPECT_EQ(cache.Get(cache.MakeKey("u", "h", "999")), std::optional<bool>(false));
}

// By construction an unknown user is checked against a stand-in hash of the highest configured
// cost, so it runs the same bcrypt computation as a wrong password (no user enumeration by
// timing). Checked by counting computations and by the stand-in's cost, not by a stopwatch.
TEST(BasicAuthenticator, UnknownUserPaysOneBcryptAtTheHighestCost) {
  BasicAuthenticator auth({{"alice", kAliceHash},
                           {"bob", "$2a$05$ZZZZZZZZZZZZZZZZZZZZZuj.rb2HZFLeGvfyAkEosbC12ElUr4SGK"}},
                          std::make_shared<BasicAuthCache>());
  EXPECT_EQ(auth.stand_in_cost(), 5);
  EXPECT_EQ(auth.Check(kAliceWrong), AuthResult::kUnauthorized);
  EXPECT_EQ(auth.bcrypt_computations(), 1);
  EXPECT_EQ(auth.Check(kMallory), AuthResult::kUnauthorized);
  EXPECT_EQ(auth.bcrypt_computations(), 2);
  // Even the right password of a known user, sent as an unknown user, fails.
  EXPECT_EQ(auth.Check("Basic bWFsbG9yeTpmYWtlcGFzc3dvcmQ="), AuthResult::kUnauthorized);
  // Cached outcomes need none.
  EXPECT_EQ(auth.Check(kMallory), AuthResult::kUnauthorized);
  EXPECT_EQ(auth.bcrypt_computations(), 3);
}

TEST(BasicAuthenticator, ConcurrentChecks) {
  const BasicAuthenticator auth = MakeAuth();
  std::vector<std::thread> threads;
  std::atomic<int> allowed{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 5; ++i) {
        if (auth.Check(kAliceRight) == AuthResult::kAllowed) ++allowed;
        EXPECT_EQ(auth.Check(kAliceWrong), AuthResult::kUnauthorized);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(allowed.load(), 20);
}

}  // namespace
}  // namespace sextant::api::web
