#include "api/http/request.h"

#include <gtest/gtest.h>

namespace sextant::api::http {
namespace {

TEST(ParseTarget, DecodesPathAndQuery) {
  Params params;
  EXPECT_EQ(ParseTarget("/api/v1/label/a%2Fb/values?match%5B%5D=up&x=a+b%20c&flag", &params),
            "/api/v1/label/a/b/values");
  ASSERT_EQ(params.size(), 3u);
  EXPECT_EQ(params.find("match[]")->second, "up");
  EXPECT_EQ(params.find("x")->second, "a b c");
  EXPECT_EQ(params.find("flag")->second, "");
}

TEST(ParseTarget, PlusInPathStaysAndBadEscapesAreKept) {
  Params params;
  EXPECT_EQ(ParseTarget("/a+b%zz%4", &params), "/a+b%zz%4");
  EXPECT_TRUE(params.empty());
}

TEST(ParseQueryText, RepeatedKeysKeepTheirOrder) {
  Params params;
  ParseQueryText("m=1&&m=2&=3", &params);
  auto [b, e] = params.equal_range("m");
  ASSERT_EQ(std::distance(b, e), 2);
  EXPECT_EQ(b->second, "1");
  EXPECT_EQ(std::next(b)->second, "2");
  EXPECT_EQ(params.count(""), 1u);
}

TEST(Headers, CaseInsensitive) {
  Request req;
  req.headers = {{"content-type", "a"}, {"Content-Type", "b"}};
  EXPECT_EQ(req.GetHeader("CONTENT-TYPE"), "a");
  EXPECT_TRUE(req.HasHeader("Content-type"));
  EXPECT_FALSE(req.HasHeader("Content-Length"));
  Response res;
  res.AddHeader("Vary", "Origin");
  res.AddHeader("vary", "Accept-Encoding");
  res.SetHeader("VARY", "x");
  ASSERT_EQ(res.headers.size(), 1u);
  EXPECT_EQ(res.GetHeader("vary"), "x");
}

}  // namespace
}  // namespace sextant::api::http
