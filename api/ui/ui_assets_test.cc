#include "api/ui/ui_assets.h"

#include <array>
#include <regex>
#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include "api/http/gzip_testing.h"

namespace sextant::api::ui {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

using http::testing::Gunzip;

const std::string kJs(4000, 'x');  // compresses well
constexpr char kIndex[] =
    "<title>{{TITLE}}</title><link href=\"{{PREFIX}}/assets/a.css\">"
    "<script>x = {prefix: \"{{PREFIX}}\", title: \"{{TITLE}}\", lookbackDelta: "
    "\"{{LOOKBACK_DELTA}}\", agentMode: {{AGENT_MODE}}, ready: {{READY}}};</script>";

std::array<EmbeddedFile, 4> Files() {
  return {{
      {"assets/a.css", "text/css; charset=utf-8", "b{}"},
      {"assets/main-1.js", "application/javascript; charset=utf-8", kJs},
      {"favicon.svg", "image/svg+xml", "<svg/>"},
      {"index.html", "text/html; charset=utf-8", kIndex},
  }};
}

TEST(UiAssets, RenderIndexFillsPlaceholders) {
  const auto files = Files();
  UiAssets ui({.route_prefix = "/p", .page_title = "My <\"&'> \\ title", .lookback_delta = "1m30s"},
              files);
  EXPECT_EQ(ui.RenderIndex(true),
            "<title>My &lt;&#34;&amp;&#39;&gt; &#92; title</title><link href=\"/p/assets/a.css\">"
            "<script>x = {prefix: \"/p\", title: \"My &lt;&#34;&amp;&#39;&gt; &#92; title\", "
            "lookbackDelta: \"1m30s\", agentMode: false, ready: true};</script>");
  EXPECT_THAT(ui.RenderIndex(false), HasSubstr("ready: false}"));
}

TEST(UiAssets, EscapeHtmlAndJs) {
  EXPECT_EQ(EscapeHtmlAndJs("plain /path-1"), "plain /path-1");
  EXPECT_EQ(EscapeHtmlAndJs("</script>"), "&lt;/script&gt;");
  EXPECT_EQ(EscapeHtmlAndJs("a\nb\x01"), "a&#10;b&#1;");
  EXPECT_EQ(EscapeHtmlAndJs("é"), "é");
}

TEST(UiAssets, ServeIndexIsNotCached) {
  const auto files = Files();
  UiAssets ui({}, files);
  http::Response res;
  ui.ServeIndex(true, res);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.GetHeader("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(res.GetHeader("Cache-Control"), "no-cache");
  EXPECT_THAT(res.body, HasSubstr("<title>Sextant Time Series"));
}

TEST(UiAssets, MissingIndexIs500) {
  const std::array<EmbeddedFile, 1> files = {{{"favicon.svg", "image/svg+xml", "<svg/>"}}};
  UiAssets ui({}, files);
  http::Response res;
  ui.ServeIndex(true, res);
  EXPECT_EQ(res.status, 500);
}

TEST(UiAssets, AssetIsImmutableAndGzippedWhenAccepted) {
  const auto files = Files();
  UiAssets ui({}, files);
  http::Request req;
  req.headers.push_back({"Accept-Encoding", "gzip, deflate"});
  http::Response res;
  ui.ServeFile("assets/main-1.js", req, res);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.GetHeader("Content-Type"), "application/javascript; charset=utf-8");
  EXPECT_EQ(res.GetHeader("Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(res.GetHeader("Content-Encoding"), "gzip");
  EXPECT_EQ(res.GetHeader("Vary"), "Accept-Encoding");
  EXPECT_LT(res.body.size(), kJs.size());
  EXPECT_EQ(Gunzip(res.body), kJs);
}

TEST(UiAssets, AssetIsIdentityWithoutAcceptEncoding) {
  const auto files = Files();
  UiAssets ui({}, files);
  for (const char* accept : {"", "gzip;q=0", "br"}) {
    http::Request req;
    if (*accept != '\0') req.headers.push_back({"Accept-Encoding", accept});
    http::Response res;
    ui.ServeFile("assets/main-1.js", req, res);
    EXPECT_EQ(res.status, 200);
    EXPECT_EQ(res.GetHeader("Content-Encoding"), "") << accept;
    EXPECT_EQ(res.GetHeader("Vary"), "Accept-Encoding");
    EXPECT_EQ(res.body, kJs);
  }
}

TEST(UiAssets, UnknownAssetIs404) {
  const auto files = Files();
  UiAssets ui({}, files);
  http::Request req;
  for (const char* path : {"assets/main-2.js", "assets/", "index.html", "../index.html"}) {
    http::Response res;
    ui.ServeFile(path, req, res);
    EXPECT_EQ(res.status, 404) << path;
    EXPECT_EQ(res.GetHeader("Cache-Control"), "") << path;
  }
}

TEST(UiAssets, FaviconIsNotImmutable) {
  const auto files = Files();
  UiAssets ui({}, files);
  http::Request req;
  http::Response res;
  ui.ServeFile("favicon.svg", req, res);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.GetHeader("Content-Type"), "image/svg+xml");
  EXPECT_EQ(res.GetHeader("Cache-Control"), "");
  EXPECT_EQ(res.body, "<svg/>");
}

TEST(UiAssets, RedirectHomeIsUnderThePrefix) {
  http::Response res;
  UiAssets({.route_prefix = "/p"}, Files()).RedirectHome(res);
  EXPECT_EQ(res.status, 302);
  EXPECT_EQ(res.GetHeader("Location"), "/p/query");
}

// The checked-in bundle: index.html has every placeholder, and every file it references is
// embedded, with the Content-Type the browser needs.
TEST(UiBundle, IndexReferencesEmbeddedFiles) {
  std::set<std::string, std::less<>> paths;
  for (const EmbeddedFile& f : UiBundleFiles()) paths.insert(std::string(f.path));
  ASSERT_TRUE(paths.contains("index.html"));
  ASSERT_TRUE(paths.contains("favicon.svg"));
  UiAssets ui({.route_prefix = "/prefix"});
  const std::string index = ui.RenderIndex(true);
  EXPECT_THAT(index, Not(HasSubstr("{{")));
  const std::regex ref("\"/prefix/([^\"]+)\"");
  int refs = 0;
  http::Request req;
  for (auto it = std::sregex_iterator(index.begin(), index.end(), ref);
       it != std::sregex_iterator(); ++it) {
    const std::string path = (*it)[1];
    EXPECT_TRUE(paths.contains(path)) << path;
    http::Response res;
    ui.ServeFile(path, req, res);
    EXPECT_EQ(res.status, 200) << path;
    if (path.ends_with(".js")) {
      EXPECT_THAT(res.GetHeader("Content-Type"), HasSubstr("javascript"));
    }
    if (path.ends_with(".css")) {
      EXPECT_THAT(res.GetHeader("Content-Type"), HasSubstr("text/css"));
    }
    ++refs;
  }
  EXPECT_GE(refs, 3);  // favicon, stylesheet, script
}

}  // namespace
}  // namespace sextant::api::ui
