#include "api/web/web_config_watcher.h"

#include <string>

#include <gtest/gtest.h>
#include <unistd.h>

#include "api/web/test_certs.h"

namespace sextant::api::web {
namespace {

constexpr char kAliceHash[] = "$2y$04$Q1w2E3r4T5y6U7i8O9p0Au.PE7zIYRsgZf9zRQYyJqYtAIvVzpyfm";
constexpr char kBobHash[] = "$2a$05$ZZZZZZZZZZZZZZZZZZZZZuj.rb2HZFLeGvfyAkEosbC12ElUr4SGK";
constexpr char kAliceRight[] = "Basic YWxpY2U6YWxpY2Utc2VjcmV0";  // alice:alice-secret

const WebConfigWatcherOptions kEveryCall{.check_interval = absl::ZeroDuration()};

class WatcherTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(certs_.ok()); }
  std::string path() const { return certs_.Path("web.yml"); }
  // Replaces the file as editors and config management do: write aside, then rename.
  void Replace(const std::string& content) {
    certs_.Write("web.yml.tmp", content);
    ASSERT_EQ(::rename(certs_.Path("web.yml.tmp").c_str(), path().c_str()), 0);
  }
  testing::TestCerts certs_;
};

TEST_F(WatcherTest, EmptyPathMeansNothing) {
  auto w = WebConfigWatcher::Create("");
  ASSERT_TRUE(w.ok());
  EXPECT_FALSE((*w)->tls_enabled());
  auto snap = (*w)->Current();
  EXPECT_EQ(snap->tls_context(), nullptr);
  EXPECT_FALSE(snap->auth().enabled());
  EXPECT_TRUE(snap->extra_headers().empty());
}

TEST_F(WatcherTest, BadFileFailsCreate) {
  certs_.Write("web.yml", "basic_auth_users:\n  john: doe\n");
  auto w = WebConfigWatcher::Create(path());
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.status().message(),
            "crypto/bcrypt: hashedSecret too short to be a bcrypted password");
  certs_.Write("web.yml", "tls_server_config:\n  cert_file: server.crt\n  key_file: nokey\n");
  EXPECT_FALSE(WebConfigWatcher::Create(path()).ok());
  EXPECT_FALSE(WebConfigWatcher::Create(certs_.Path("missing.yml")).ok());
}

TEST_F(WatcherTest, TlsContextFromFile) {
  certs_.Write("web.yml",
               "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n"
               "http_server_config:\n  headers:\n    X-Frame-Options: deny\n");
  auto w = WebConfigWatcher::Create(path(), kEveryCall);
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_TRUE((*w)->tls_enabled());
  auto snap = (*w)->Current();
  EXPECT_NE(snap->tls_context(), nullptr);
  ASSERT_EQ(snap->extra_headers().size(), 1u);
  EXPECT_EQ(snap->extra_headers()[0].first, "X-Frame-Options");
}

TEST_F(WatcherTest, ChangedFileTakesEffect) {
  certs_.Write("web.yml", std::string("basic_auth_users:\n  alice: ") + kAliceHash + "\n");
  auto w = WebConfigWatcher::Create(path(), kEveryCall);
  ASSERT_TRUE(w.ok()) << w.status();
  auto before = (*w)->Current();
  EXPECT_EQ(before->auth().Check(kAliceRight), AuthResult::kAllowed);
  // Nothing changed: the same version.
  EXPECT_EQ((*w)->Current(), before);
  Replace(std::string("basic_auth_users:\n  bob: ") + kBobHash + "\n");
  auto after = (*w)->Current();
  EXPECT_NE(after, before);
  EXPECT_EQ(after->auth().Check(kAliceRight), AuthResult::kUnauthorized);
  EXPECT_EQ((*w)->reloads(), 1);
  // The old version still works for whoever holds it.
  EXPECT_EQ(before->auth().Check(kAliceRight), AuthResult::kAllowed);
}

TEST_F(WatcherTest, InPlaceRewriteOfSameSizeIsSeen) {
  certs_.Write("web.yml", "http_server_config:\n  headers:\n    X-Frame-Options: deny\n");
  auto w = WebConfigWatcher::Create(path(), kEveryCall);
  ASSERT_TRUE(w.ok());
  certs_.Write("web.yml", "http_server_config:\n  headers:\n    X-Frame-Options: DENY\n");
  // Seen although the size (and maybe the mtime) is unchanged; "DENY" is no allowed value.
  EXPECT_FALSE((*w)->CheckNow().ok());
  EXPECT_EQ((*w)->failed_reloads(), 1);
  certs_.Write("web.yml", "http_server_config:\n  headers:\n    X-XSS-Protection: 0\n\n\n\n");
  EXPECT_EQ((*w)->Current()->extra_headers()[0].first, "X-XSS-Protection");
}

TEST_F(WatcherTest, BrokenFileKeepsLastGoodVersionAndIsNotRetried) {
  certs_.Write("web.yml", std::string("basic_auth_users:\n  alice: ") + kAliceHash + "\n");
  auto w = WebConfigWatcher::Create(path(), kEveryCall);
  ASSERT_TRUE(w.ok());
  auto good = (*w)->Current();
  Replace("basic_auth_users: [\n");
  const absl::Status st = (*w)->CheckNow();
  EXPECT_FALSE(st.ok());
  EXPECT_EQ((*w)->Current(), good);
  EXPECT_EQ((*w)->failed_reloads(), 1);
  // Unchanged broken file: not loaded (nor logged) again.
  EXPECT_TRUE((*w)->CheckNow().ok());
  EXPECT_EQ((*w)->failed_reloads(), 1);
  Replace(std::string("basic_auth_users:\n  bob: ") + kBobHash + "\n");
  EXPECT_NE((*w)->Current(), good);
  EXPECT_EQ((*w)->reloads(), 1);
}

TEST_F(WatcherTest, CertificateRotationWithoutConfigChange) {
  certs_.Write("web.yml", "tls_server_config:\n  cert_file: live.crt\n  key_file: live.key\n");
  certs_.Write("live.crt", certs_.Read("server.crt"));
  certs_.Write("live.key", certs_.Read("server.key"));
  auto w = WebConfigWatcher::Create(path(), kEveryCall);
  ASSERT_TRUE(w.ok()) << w.status();
  auto first = (*w)->Current();
  // A half-rotated pair (new cert, old key) is refused and the old context kept...
  certs_.Write("live.crt", certs_.Read("client.crt") + "\n");
  EXPECT_FALSE((*w)->CheckNow().ok());
  EXPECT_EQ((*w)->Current(), first);
  // ...and the completed rotation is taken.
  certs_.Write("live.key", certs_.Read("client.key") + "\n");
  auto second = (*w)->Current();
  EXPECT_NE(second, first);
  EXPECT_NE(second->tls_context(), first->tls_context());
}

TEST_F(WatcherTest, TlsCannotBeRemovedOrAddedWithoutRestart) {
  certs_.Write("web.yml", "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n");
  auto w = WebConfigWatcher::Create(path(), kEveryCall);
  ASSERT_TRUE(w.ok());
  auto tls = (*w)->Current();
  Replace("http_server_config:\n  http2: false\n");
  EXPECT_EQ((*w)->CheckNow().message(), "TLS config is not present");
  EXPECT_EQ((*w)->Current(), tls);

  certs_.Write("plain.yml", "");
  auto plain = WebConfigWatcher::Create(certs_.Path("plain.yml"), kEveryCall);
  ASSERT_TRUE(plain.ok());
  certs_.Write("plain.yml",
               "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n");
  EXPECT_TRUE((*plain)->CheckNow().ok());
  EXPECT_FALSE((*plain)->tls_enabled());
  EXPECT_EQ((*plain)->Current()->tls_context(), nullptr);
}

TEST_F(WatcherTest, CheckIntervalLimitsLooks) {
  certs_.Write("web.yml", "");
  auto w = WebConfigWatcher::Create(path(), {.check_interval = absl::Hours(1)});
  ASSERT_TRUE(w.ok());
  certs_.Write("web.yml", "http_server_config:\n  http2: false\n");
  EXPECT_TRUE((*w)->Current()->config().http_server_config.http2);  // not looked at yet
  ASSERT_TRUE((*w)->CheckNow().ok());
  EXPECT_FALSE((*w)->Current()->config().http_server_config.http2);
}

}  // namespace
}  // namespace sextant::api::web
