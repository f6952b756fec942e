#include "config/go_url.h"

#include <gtest/gtest.h>

namespace sextant::config::internal {
namespace {

std::string ParseError(std::string_view url) {
  auto parsed = ParseGoUrl(url);
  return parsed.ok() ? "<ok>" : std::string(parsed.status().message());
}

TEST(ParseGoUrl, KeepsSchemeAndHost) {
  auto url = ParseGoUrl("HTTPS://user:pw@k8s.example:6443/api?x=1#top");
  ASSERT_TRUE(url.ok()) << url.status();
  EXPECT_EQ(url->scheme, "https");
  EXPECT_EQ(url->host, "k8s.example:6443");
  EXPECT_TRUE(url->has_authority);
  EXPECT_TRUE(url->has_password);
  EXPECT_EQ(ParseError("http://[::1]:9090/sd"), "<ok>");
  EXPECT_EQ(ParseError("a:b/c"), "<ok>");  // opaque
  EXPECT_EQ(ParseError("/relative/path"), "<ok>");
  EXPECT_EQ(ParseError(""), "<ok>");
}

TEST(ParseGoUrl, ErrorsAreGos) {
  EXPECT_EQ(ParseError("http://a:b/c"), "parse \"http://a:b/c\": invalid port \":b\" after host");
  EXPECT_EQ(ParseError(":x"), "parse \":x\": missing protocol scheme");
  EXPECT_EQ(ParseError("1a:b"), "parse \"1a:b\": first path segment in URL cannot contain colon");
  EXPECT_EQ(ParseError("http://x/%zz"), "parse \"http://x/%zz\": invalid URL escape \"%zz\"");
  EXPECT_EQ(ParseError("http://x/%4"), "parse \"http://x/%4\": invalid URL escape \"%4\"");
  EXPECT_EQ(ParseError("http://x y/"),
            "parse \"http://x y/\": invalid character \" \" in host name");
  EXPECT_EQ(ParseError("http://[::1"), "parse \"http://[::1\": missing ']' in host");
  EXPECT_EQ(ParseError("http://a b@h"), "parse \"http://a b@h\": net/url: invalid userinfo");
  EXPECT_EQ(ParseError("http://x/\x01"),
            "parse \"http://x/\\x01\": net/url: invalid control character in URL");
  // The fragment is split off first: errors in it name the whole URL, others the rest.
  EXPECT_EQ(ParseError("http://x#%zz"), "parse \"http://x#%zz\": invalid URL escape \"%zz\"");
  EXPECT_EQ(ParseError("http://a:b#f"), "parse \"http://a:b\": invalid port \":b\" after host");
}

TEST(RedactGoUrl, HidesOnlyThePassword) {
  EXPECT_EQ(RedactGoUrl("https://u:secret@k8s:6443/x"), "https://u:xxxxx@k8s:6443/x");
  EXPECT_EQ(RedactGoUrl("https://u@k8s:6443"), "https://u@k8s:6443");
  EXPECT_EQ(RedactGoUrl("https://k8s:6443"), "https://k8s:6443");
}

}  // namespace
}  // namespace sextant::config::internal
