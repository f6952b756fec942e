#include "api/web/cors.h"

#include <map>
#include <string>

#include <gtest/gtest.h>

namespace sextant::api::web {
namespace {

std::map<std::string, std::string> HeaderMap(const CorsPolicy& p,
                                             std::optional<std::string_view> origin) {
  std::map<std::string, std::string> m;
  for (const auto& [k, v] : p.Headers(origin)) m[std::string(k)] = v;
  return m;
}

TEST(Cors, DefaultAnswersStarWithPrometheusHeaders) {
  auto p = CorsPolicy::Create(".*");
  ASSERT_TRUE(p.ok());
  const auto h = HeaderMap(*p, "https://grafana.example");
  EXPECT_EQ(h.at("Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(h.at("Access-Control-Allow-Headers"), "Accept, Authorization, Content-Type, Origin");
  EXPECT_EQ(h.at("Access-Control-Allow-Methods"), "GET, POST, OPTIONS");
  EXPECT_EQ(h.at("Access-Control-Expose-Headers"), "Date");
  EXPECT_EQ(h.at("Vary"), "Origin");
  EXPECT_EQ(h.size(), 5u);
}

TEST(Cors, NoOriginNoHeaders) {
  auto p = CorsPolicy::Create(".*");
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->Headers(std::nullopt).empty());
  EXPECT_TRUE(p->Headers("").empty());
}

TEST(Cors, MatchingOriginIsEchoed) {
  auto p = CorsPolicy::Create(R"(https?://(a|b)\.example)");
  ASSERT_TRUE(p.ok());
  const auto h = HeaderMap(*p, "https://a.example");
  EXPECT_EQ(h.at("Access-Control-Allow-Origin"), "https://a.example");
  EXPECT_TRUE(p->Allows("http://b.example"));
}

TEST(Cors, RegexIsAnchored) {
  auto p = CorsPolicy::Create(R"(https://a\.example)");
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p->Allows("https://a.example.evil"));
  EXPECT_FALSE(p->Allows("xhttps://a.example"));
  const auto h = HeaderMap(*p, "https://a.example.evil");
  EXPECT_FALSE(h.contains("Access-Control-Allow-Origin"));
  // The other headers are still sent, as Prometheus does.
  EXPECT_EQ(h.at("Vary"), "Origin");
}

TEST(Cors, BadRegexHasPrometheusMessage) {
  auto p = CorsPolicy::Create("(");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().message(),
            "could not compile CORS regex string \"(\": error parsing regexp: missing closing ): "
            "`(`");
}

}  // namespace
}  // namespace sextant::api::web
