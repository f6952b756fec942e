#include "scrape/page_appender.h"

#include <cmath>
#include <map>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/sample.h"
#include "tsdb/mem_storage.h"
#include "tsdb/testing.h"
#include "util/strings.h"

namespace sextant::scrape {
namespace {

using ::testing::HasSubstr;

constexpr char kText[] = "text/plain; version=0.0.4; charset=utf-8";
constexpr char kOpenMetrics[] = "application/openmetrics-text; version=1.0.0; charset=utf-8";

model::Labels L(std::initializer_list<std::pair<std::string_view, std::string_view>> p) {
  return model::Labels::FromPairs(p);
}

class PageAppenderTest : public ::testing::Test {
 protected:
  // Every series in the storage as "labels" -> samples.
  std::map<std::string, std::vector<model::Sample>> All() {
    auto m = model::Matcher::Create(model::MatchType::kRegexMatch, "__name__", ".+");
    std::map<std::string, std::vector<model::Sample>> out;
    for (auto& [labels, samples] :
         tsdb::testing::SelectAll(storage_, INT64_MIN / 2, INT64_MAX / 2, {*m})) {
      out[labels] = samples;
    }
    return out;
  }
  double Last(const std::string& series) {
    auto all = All();
    auto it = all.find(series);
    if (it == all.end() || it->second.empty()) return -12345;
    return it->second.back().v;
  }

  ScrapeReport Scrape(PageAppender& a, std::string_view body, int64_t t,
                      std::string_view type = kText) {
    return a.Append(cache_, target_, body, type, t, absl::Milliseconds(25), absl::OkStatus());
  }

  tsdb::MemStorage storage_;
  TargetCache cache_;
  model::Labels target_ = L({{"instance", "h:1"}, {"job", "app"}});
};

TEST_F(PageAppenderTest, AppendsSamplesWithTargetLabelsAndSyntheticSeries) {
  PageAppender a(&storage_, ScrapeSettings{});
  ScrapeReport r = Scrape(a,
                          "# HELP requests_total Requests.\n# TYPE requests_total counter\n"
                          "requests_total{code=\"200\"} 7\nrequests_total{code=\"500\"} 1\n",
                          1000);
  ASSERT_TRUE(r.error.ok()) << r.error;
  EXPECT_EQ(r.scraped, 2);
  EXPECT_EQ(r.post_relabel, 2);
  EXPECT_EQ(r.series_added, 2);
  EXPECT_EQ(Last("{__name__=\"requests_total\", code=\"200\", instance=\"h:1\", job=\"app\"}"), 7);
  EXPECT_EQ(Last("{__name__=\"up\", instance=\"h:1\", job=\"app\"}"), 1);
  EXPECT_EQ(Last("{__name__=\"scrape_samples_scraped\", instance=\"h:1\", job=\"app\"}"), 2);
  EXPECT_EQ(
      Last("{__name__=\"scrape_samples_post_metric_relabeling\", instance=\"h:1\", job=\"app\"}"),
      2);
  EXPECT_EQ(Last("{__name__=\"scrape_series_added\", instance=\"h:1\", job=\"app\"}"), 2);
  EXPECT_DOUBLE_EQ(Last("{__name__=\"scrape_duration_seconds\", instance=\"h:1\", job=\"app\"}"),
                   0.025);
  auto meta = cache_.Metadata();
  EXPECT_EQ(meta["requests_total"].type, "counter");
  EXPECT_EQ(meta["requests_total"].help, "Requests.");
}

TEST_F(PageAppenderTest, DisappearedSeriesGetStaleMarkers) {
  PageAppender a(&storage_, ScrapeSettings{});
  ASSERT_TRUE(Scrape(a, "a 1\nb 2\n", 1000).error.ok());
  ScrapeReport r = Scrape(a, "a 3\n", 2000);
  ASSERT_TRUE(r.error.ok());
  EXPECT_EQ(r.stale_markers, 1);
  EXPECT_EQ(r.series_added, 0);
  auto all = All();
  const auto& b = all["{__name__=\"b\", instance=\"h:1\", job=\"app\"}"];
  ASSERT_EQ(b.size(), 2u);
  EXPECT_TRUE(model::IsStaleNaN(b[1].v));
  EXPECT_EQ(b[1].t, 2000);
  // It comes back: counted as added again.
  EXPECT_EQ(Scrape(a, "a 4\nb 5\n", 3000).series_added, 1);
}

TEST_F(PageAppenderTest, MalformedPageAppendsNothingOfItAndUpIsZero) {
  PageAppender a(&storage_, ScrapeSettings{});
  ASSERT_TRUE(Scrape(a, "a 1\n", 1000).error.ok());
  ScrapeReport r = Scrape(a, "a 2\nb{ 3\n", 2000);
  ASSERT_FALSE(r.error.ok());
  EXPECT_THAT(std::string(r.error.message()), HasSubstr("line 2"));
  auto all = All();
  const auto& s = all["{__name__=\"a\", instance=\"h:1\", job=\"app\"}"];
  ASSERT_EQ(s.size(), 2u);  // 1 at 1000, then only the stale marker at 2000
  EXPECT_TRUE(model::IsStaleNaN(s[1].v));
  EXPECT_EQ(all.count("{__name__=\"b\", instance=\"h:1\", job=\"app\"}"), 0u);
  EXPECT_EQ(Last("{__name__=\"up\", instance=\"h:1\", job=\"app\"}"), 0);
}

TEST_F(PageAppenderTest, RecoversAfterAFailedPage) {
  PageAppender a(&storage_, ScrapeSettings{});
  ASSERT_TRUE(Scrape(a, "a 1\nb 1\n", 1000).error.ok());
  ASSERT_FALSE(Scrape(a, "a 2\nz 9\nb{ 3\n", 2000).error.ok());  // z seen on a failed page
  ScrapeReport r = Scrape(a, "a 3\nb 3\n", 3000);
  ASSERT_TRUE(r.error.ok());
  EXPECT_EQ(r.series_added, 0);   // a and b were kept through the failure
  EXPECT_EQ(r.stale_markers, 0);  // already marked stale by the failure
  EXPECT_EQ(Last("{__name__=\"b\", instance=\"h:1\", job=\"app\"}"), 3);
  // z was never stored and is forgotten: when it really appears, it is a new series.
  EXPECT_EQ(All().count("{__name__=\"z\", instance=\"h:1\", job=\"app\"}"), 0u);
  EXPECT_EQ(Scrape(a, "a 4\nb 4\nz 5\n", 4000).series_added, 1);
  // And a series that goes away is stale once.
  r = Scrape(a, "a 5\nz 6\n", 5000);
  EXPECT_EQ(r.stale_markers, 1);
  EXPECT_EQ(Scrape(a, "a 6\nz 7\n", 6000).stale_markers, 0);
}

TEST_F(PageAppenderTest, FetchErrorMakesEverythingStale) {
  PageAppender a(&storage_, ScrapeSettings{});
  ASSERT_TRUE(Scrape(a, "a 1\n", 1000).error.ok());
  ScrapeReport r = a.Append(cache_, target_, "", "", 2000, absl::Seconds(10),
                            absl::DeadlineExceededError("context deadline exceeded"));
  EXPECT_EQ(r.stale_markers, 1);
  EXPECT_EQ(Last("{__name__=\"up\", instance=\"h:1\", job=\"app\"}"), 0);
  EXPECT_TRUE(model::IsStaleNaN(Last("{__name__=\"a\", instance=\"h:1\", job=\"app\"}")));
}

TEST_F(PageAppenderTest, HonorLabels) {
  PageAppender off(&storage_, ScrapeSettings{});
  ASSERT_TRUE(Scrape(off, "m{job=\"scraped\",instance=\"\"} 1\n", 1000).error.ok());
  EXPECT_EQ(Last("{__name__=\"m\", exported_job=\"scraped\", instance=\"h:1\", job=\"app\"}"), 1);

  tsdb::MemStorage other;
  ScrapeSettings s;
  s.honor_labels = true;
  PageAppender on(&other, s);
  TargetCache cache;
  ASSERT_TRUE(on.Append(cache, target_, "m{job=\"scraped\"} 1\n", kText, 1000, {}, absl::OkStatus())
                  .error.ok());
  auto m = model::Matcher::Create(model::MatchType::kEqual, "__name__", "m");
  auto got = tsdb::testing::SelectAll(other, 0, 5000, {*m});
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].first, "{__name__=\"m\", instance=\"h:1\", job=\"scraped\"}");
}

TEST_F(PageAppenderTest, Timestamps) {
  PageAppender a(&storage_, ScrapeSettings{});
  ASSERT_TRUE(Scrape(a, "m 1 1500\n", 2000).error.ok());
  EXPECT_EQ(All()["{__name__=\"m\", instance=\"h:1\", job=\"app\"}"][0].t, 1500);
  tsdb::MemStorage other;
  ScrapeSettings s;
  s.honor_timestamps = false;
  PageAppender b(&other, s);
  TargetCache cache;
  ASSERT_TRUE(b.Append(cache, target_, "m 1 1500\n", kText, 2000, {}, absl::OkStatus()).error.ok());
  auto m = model::Matcher::Create(model::MatchType::kEqual, "__name__", "m");
  EXPECT_EQ(tsdb::testing::SelectAll(other, 0, 5000, {*m})[0].second[0].t, 2000);
}

TEST_F(PageAppenderTest, MetricRelabellingAndLimits) {
  absl::StatusOr<std::shared_ptr<const RE2>> re;
  ScrapeSettings s;
  config::RelabelConfig drop;
  drop.source_labels = {"__name__"};
  drop.regex = "noisy_.*";
  drop.compiled = std::make_shared<RE2>("^(?:noisy_.*)$");
  drop.action = config::RelabelAction::kDrop;
  s.metric_relabel_configs = {drop};
  s.limits.sample_limit = 2;
  PageAppender a(&storage_, s);
  ScrapeReport r = Scrape(a, "noisy_a 1\nnoisy_b 1\nkeep_a 1\nkeep_b 2\n", 1000);
  ASSERT_TRUE(r.error.ok()) << r.error;
  EXPECT_EQ(r.scraped, 4);
  EXPECT_EQ(r.post_relabel, 2);
  r = Scrape(a, "keep_a 1\nkeep_b 2\nkeep_c 3\n", 2000);
  EXPECT_EQ(r.error.message(), "sample limit exceeded");
  EXPECT_TRUE(r.sample_limit_exceeded);
  EXPECT_EQ(Last("{__name__=\"up\", instance=\"h:1\", job=\"app\"}"), 0);
  EXPECT_EQ(All().count("{__name__=\"keep_c\", instance=\"h:1\", job=\"app\"}"), 0u);

  tsdb::MemStorage other;
  ScrapeSettings l;
  l.limits.label_limit = 3;
  PageAppender b(&other, l);
  TargetCache cache;
  r = b.Append(cache, target_, "m{a=\"1\",b=\"2\"} 1\n", kText, 1000, {}, absl::OkStatus());
  EXPECT_THAT(std::string(r.error.message()), HasSubstr("label_limit exceeded"));
}

TEST_F(PageAppenderTest, OpenMetricsNormalisesLe) {
  PageAppender a(&storage_, ScrapeSettings{});
  ScrapeReport r = Scrape(a,
                          "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 3\n"
                          "h_count 3\nh_sum 4\n# EOF\n",
                          1000, kOpenMetrics);
  ASSERT_TRUE(r.error.ok()) << r.error;
  EXPECT_EQ(Last("{__name__=\"h_bucket\", instance=\"h:1\", job=\"app\", le=\"1.0\"}"), 2);
  EXPECT_EQ(cache_.Metadata()["h"].type, "histogram");
}

TEST_F(PageAppenderTest, UnknownContentType) {
  PageAppender a(&storage_, ScrapeSettings{});
  ScrapeReport r = Scrape(a, "m 1\n", 1000, "application/json");
  EXPECT_EQ(r.error.message(),
            "received unsupported Content-Type \"application/json\" and no "
            "fallback_scrape_protocol specified for target");
  ScrapeSettings s;
  s.fallback_protocol = "PrometheusText0.0.4";
  PageAppender b(&storage_, s);
  TargetCache cache;
  EXPECT_TRUE(b.Append(cache, target_, "m 1\n", "", 1000, {}, absl::OkStatus()).error.ok());
}

TEST_F(PageAppenderTest, MarkStaleWhenTheTargetGoesAway) {
  PageAppender a(&storage_, ScrapeSettings{});
  ASSERT_TRUE(Scrape(a, "a 1\n", 1000).error.ok());
  ASSERT_TRUE(a.MarkStale(cache_, target_, 1500).ok());
  EXPECT_TRUE(model::IsStaleNaN(Last("{__name__=\"a\", instance=\"h:1\", job=\"app\"}")));
  EXPECT_TRUE(model::IsStaleNaN(Last("{__name__=\"up\", instance=\"h:1\", job=\"app\"}")));
}

TEST_F(PageAppenderTest, RepeatedChangedShorterAndLongerPages) {
  // The cache finds a repeated page's series by position; a page that differs from some line on
  // (inserted, removed, reordered, renamed series) is looked up by text from there.
  PageAppender a(&storage_, ScrapeSettings{});
  auto value = [&](std::string_view name) {
    return Last(util::StrCat("{__name__=\"", name, "\", instance=\"h:1\", job=\"app\"}"));
  };
  ScrapeReport r = Scrape(a, "a 1\nb{x=\"1\"} 1\nc 1\n", 1000);
  EXPECT_EQ(r.series_added, 3);
  r = Scrape(a, "a 2\nb{x=\"1\"} 2\nc 2\n", 2000);  // the same series: all hits
  EXPECT_EQ(r.series_added, 0);
  EXPECT_EQ(value("a"), 2);
  EXPECT_EQ(Last("{__name__=\"b\", instance=\"h:1\", job=\"app\", x=\"1\"}"), 2);
  EXPECT_EQ(value("c"), 2);
  r = Scrape(a, "z 3\na 3\nb{x=\"1\"} 3\nc 3\n", 3000);  // one inserted before all
  EXPECT_EQ(r.series_added, 1);
  EXPECT_EQ(r.stale_markers, 0);
  EXPECT_EQ(value("z"), 3);
  EXPECT_EQ(value("c"), 3);
  r = Scrape(a, "z 4\na 4\n", 4000);  // a prefix of the last page
  EXPECT_EQ(r.series_added, 0);
  EXPECT_EQ(r.stale_markers, 2);
  EXPECT_TRUE(model::IsStaleNaN(value("c")));
  r = Scrape(a, "z 5\na 5\n", 5000);  // and again: nothing more goes stale
  EXPECT_EQ(r.stale_markers, 0);
  EXPECT_EQ(value("a"), 5);
  r = Scrape(a, "a 6\nz 6\nc 6\n", 6000);  // reordered, and longer
  EXPECT_EQ(r.series_added, 1);
  EXPECT_EQ(r.stale_markers, 0);
  EXPECT_EQ(value("a"), 6);
  EXPECT_EQ(value("z"), 6);
  EXPECT_EQ(value("c"), 6);
  r = Scrape(a, "a 7\nz 7\nc 7\n", 7000);
  EXPECT_EQ(r.series_added, 0);
  EXPECT_EQ(value("c"), 7);
  // A failed page in between keeps the last good page's order.
  ASSERT_FALSE(Scrape(a, "a 8\nz{ 8\n", 8000).error.ok());
  r = Scrape(a, "a 9\nz 9\nc 9\n", 9000);
  EXPECT_EQ(r.series_added, 0);
  EXPECT_EQ(value("z"), 9);
}

TEST_F(PageAppenderTest, SameSeriesTwiceOnARepeatedPage) {
  PageAppender a(&storage_, ScrapeSettings{});
  for (int i = 1; i <= 3; ++i) {
    ScrapeReport r = Scrape(a, util::StrCat("a ", i, "\nb 1\na 9\n"), i * 1000);
    ASSERT_TRUE(r.error.ok()) << r.error;
    EXPECT_EQ(r.scraped, 3);
    EXPECT_EQ(r.post_relabel, 2);  // the second `a` is not appended
    EXPECT_EQ(Last("{__name__=\"a\", instance=\"h:1\", job=\"app\"}"), i);
  }
}

TEST_F(PageAppenderTest, TextFormatNormalisesLeAndQuantileOnEveryScrape) {
  PageAppender a(&storage_, ScrapeSettings{});
  const std::string page =
      "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 3\nh_count 3\nh_sum 4\n"
      "# TYPE s summary\ns{quantile=\"0.5\"} 1\ns{quantile=\"1\"} 2\ns_sum 1\ns_count 1\n"
      "# TYPE g gauge\ng{le=\"1\"} 5\n";
  for (int i = 1; i <= 2; ++i) {  // labels built, then found in the cache
    ScrapeReport r = Scrape(a, page, i * 1000);
    ASSERT_TRUE(r.error.ok()) << r.error;
    EXPECT_EQ(r.series_added, i == 1 ? 9 : 0);
    EXPECT_EQ(Last("{__name__=\"h_bucket\", instance=\"h:1\", job=\"app\", le=\"1.0\"}"), 2);
    EXPECT_EQ(Last("{__name__=\"h_bucket\", instance=\"h:1\", job=\"app\", le=\"+Inf\"}"), 3);
    EXPECT_EQ(Last("{__name__=\"s\", instance=\"h:1\", job=\"app\", quantile=\"0.5\"}"), 1);
    EXPECT_EQ(Last("{__name__=\"s\", instance=\"h:1\", job=\"app\", quantile=\"1.0\"}"), 2);
    // Only histograms' `le` and summaries' `quantile`.
    EXPECT_EQ(Last("{__name__=\"g\", instance=\"h:1\", job=\"app\", le=\"1\"}"), 5);
  }
}

TEST_F(PageAppenderTest, MetadataFollowsHelpAndTypeChanges) {
  PageAppender a(&storage_, ScrapeSettings{});
  ASSERT_TRUE(
      Scrape(a, "# HELP m Old.\n# TYPE m counter\nm 1\n# HELP n N.\n# TYPE n gauge\nn 1\n", 1000)
          .error.ok());
  auto meta = cache_.Metadata();
  EXPECT_EQ(meta["m"], (MetricMetadata{"counter", "Old.", ""}));
  EXPECT_EQ(meta["n"], (MetricMetadata{"gauge", "N.", ""}));
  // The same page: unchanged.
  ASSERT_TRUE(
      Scrape(a, "# HELP m Old.\n# TYPE m counter\nm 2\n# HELP n N.\n# TYPE n gauge\nn 2\n", 2000)
          .error.ok());
  EXPECT_EQ(cache_.Metadata(), meta);
  // HELP and TYPE change, n's lines go, o is new.
  ASSERT_TRUE(
      Scrape(a, "# HELP m New.\n# TYPE m gauge\nm 3\n# TYPE o summary\no_sum 1\nn 3\n", 3000)
          .error.ok());
  meta = cache_.Metadata();
  EXPECT_EQ(meta.size(), 2u);
  EXPECT_EQ(meta["m"], (MetricMetadata{"gauge", "New.", ""}));
  EXPECT_EQ(meta["o"], (MetricMetadata{"summary", "", ""}));
  // A failed page leaves the metadata as it was.
  ASSERT_FALSE(Scrape(a, "# HELP m Newer.\nm{ 4\n", 4000).error.ok());
  EXPECT_EQ(cache_.Metadata(), meta);
  // Bytes that move from one line to the next still count as a change.
  ASSERT_TRUE(Scrape(a, "# HELP m ab\n# HELP n c\nm 5\n", 5000).error.ok());
  ASSERT_TRUE(Scrape(a, "# HELP m a\n# HELP n bc\nm 6\n", 6000).error.ok());
  meta = cache_.Metadata();
  EXPECT_EQ(meta["m"].help, "a");
  EXPECT_EQ(meta["n"].help, "bc");
  // OpenMetrics UNIT lines.
  ASSERT_TRUE(Scrape(a, "# TYPE m_seconds gauge\n# UNIT m_seconds seconds\nm_seconds 1\n# EOF\n",
                     7000, kOpenMetrics)
                  .error.ok());
  EXPECT_EQ(cache_.Metadata()["m_seconds"], (MetricMetadata{"gauge", "", "seconds"}));
  EXPECT_EQ(cache_.Metadata().size(), 1u);
}

TEST_F(PageAppenderTest, TargetsWithTheSameMetadataShareOneCopy) {
  PageAppender a(&storage_, ScrapeSettings{});
  const std::string page =
      "# HELP shared_pool_test_m A long help text that every target repeats.\n"
      "# TYPE shared_pool_test_m counter\nshared_pool_test_m 1\n";
  std::vector<TargetCache> caches(50);
  for (size_t i = 0; i < caches.size(); ++i) {
    model::Labels target = L({{"instance", "h:" + std::to_string(i)}, {"job", "app"}});
    ASSERT_TRUE(
        a.Append(caches[i], target, page, kText, 1000, absl::Milliseconds(1), absl::OkStatus())
            .error.ok());
    EXPECT_EQ(caches[i].Metadata()["shared_pool_test_m"],
              (MetricMetadata{"counter", "A long help text that every target repeats.", ""}));
  }
  // One entry for the 50 targets: interning the same again gives it back.
  auto one = MetadataPool::Global().Intern(
      "shared_pool_test_m", {"counter", "A long help text that every target repeats.", ""});
  EXPECT_EQ(one.use_count(), 51);
  // Another text is another entry; the targets that changed no longer share the old one.
  ASSERT_TRUE(a.Append(caches[0], target_,
                       "# HELP shared_pool_test_m Other.\nshared_pool_test_m 2\n", kText, 2000,
                       absl::Milliseconds(1), absl::OkStatus())
                  .error.ok());
  EXPECT_EQ(caches[0].Metadata()["shared_pool_test_m"].help, "Other.");
  EXPECT_EQ(caches[1].Metadata()["shared_pool_test_m"].help,
            "A long help text that every target repeats.");
  EXPECT_EQ(one.use_count(), 50);
}

TEST_F(PageAppenderTest, SwitchingBetweenFormatsKeepsTheSeries) {
  PageAppender a(&storage_, ScrapeSettings{});
  ASSERT_TRUE(Scrape(a, "a{b=\"c\"} 1\nd 1\n# EOF\n", 1000, kOpenMetrics).error.ok());
  ScrapeReport r = Scrape(a, "a{b=\"c\"} 2\nd 2\n", 2000, kText);
  ASSERT_TRUE(r.error.ok()) << r.error;
  EXPECT_EQ(r.series_added, 0);
  EXPECT_EQ(Last("{__name__=\"a\", b=\"c\", instance=\"h:1\", job=\"app\"}"), 2);
  r = Scrape(a, "a{b=\"c\"} 3\nd 3\n", 3000, kText);
  EXPECT_EQ(r.series_added, 0);
  EXPECT_EQ(Last("{__name__=\"d\", instance=\"h:1\", job=\"app\"}"), 3);
  r = Scrape(a, "a{b=\"c\"} 4\nd 4\n# EOF\n", 4000, kOpenMetrics);
  EXPECT_EQ(r.series_added, 0);
  EXPECT_EQ(Last("{__name__=\"d\", instance=\"h:1\", job=\"app\"}"), 4);
}

}  // namespace
}  // namespace sextant::scrape
