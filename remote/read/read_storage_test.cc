#include "remote/read/read_storage.h"

#include <cstdint>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "promql/engine.h"
#include "remote/read/remote_read_server_testing.h"
#include "tsdb/mem_storage.h"
#include "tsdb/testing.h"

namespace sextant::remote {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using tsdb::testing::SelectAll;
using Samples = std::vector<model::Sample>;

model::Matcher Eq(std::string_view name, std::string_view value) {
  return *model::Matcher::Create(model::MatchType::kEqual, name, value);
}
model::Labels L(std::initializer_list<std::pair<std::string_view, std::string_view>> p) {
  return model::Labels::FromPairs(p);
}

config::RemoteReadConfig Entry(std::string url) {
  config::RemoteReadConfig cfg;
  cfg.url = std::move(url);
  cfg.remote_timeout = absl::Seconds(5);
  cfg.read_recent = true;
  return cfg;
}

class ReadStorageTest : public ::testing::Test {
 protected:
  void Apply(std::vector<config::RemoteReadConfig> entries, model::Labels external = {}) {
    config::Config cfg;
    cfg.remote_read = std::move(entries);
    cfg.global.external_labels = std::move(external);
    absl::Status s = reads_.ApplyConfig(cfg);
    ASSERT_TRUE(s.ok()) << s;
  }

  // The server first: destroyed last, after the clients' kept-alive connections are closed
  // (else its stop() waits for them to time out).
  testing::RemoteReadServer remote_;
  tsdb::MemStorage local_;
  ReadStorage reads_{local_};
};

TEST_F(ReadStorageTest, WithoutEntriesSelectsLocalOnly) {
  ASSERT_TRUE(local_.Add(L({{"__name__", "m"}}), 10, 1).ok());
  Apply({});
  EXPECT_EQ(reads_.num_remotes(), 0u);
  EXPECT_THAT(SelectAll(reads_.storage(), 0, 100, {Eq("__name__", "m")}),
              ElementsAre(Pair("{__name__=\"m\"}", Samples{{10, 1}})));
}

TEST_F(ReadStorageTest, MergesLocalAndRemoteWithoutDuplicates) {
  // Both hold m{a="1"}: the samples they share appear once; each contributes what only it has.
  ASSERT_TRUE(local_.Add(L({{"__name__", "m"}, {"a", "1"}}), 20, 2).ok());
  ASSERT_TRUE(local_.Add(L({{"__name__", "m"}, {"a", "1"}}), 30, 3).ok());
  ASSERT_TRUE(remote_.storage.Add(L({{"__name__", "m"}, {"a", "1"}}), 10, 1).ok());
  ASSERT_TRUE(remote_.storage.Add(L({{"__name__", "m"}, {"a", "1"}}), 20, 2).ok());
  ASSERT_TRUE(remote_.storage.Add(L({{"__name__", "m"}, {"a", "2"}}), 10, 5).ok());
  ASSERT_TRUE(local_.Add(L({{"__name__", "m"}, {"a", "3"}}), 10, 6).ok());
  Apply({Entry(remote_.url())});
  EXPECT_THAT(SelectAll(reads_.storage(), 0, 100, {Eq("__name__", "m")}),
              ElementsAre(Pair("{__name__=\"m\", a=\"1\"}", Samples{{10, 1}, {20, 2}, {30, 3}}),
                          Pair("{__name__=\"m\", a=\"2\"}", Samples{{10, 5}}),
                          Pair("{__name__=\"m\", a=\"3\"}", Samples{{10, 6}})));
}

TEST_F(ReadStorageTest, TwoRemotesAreBothMerged) {
  testing::RemoteReadServer other;
  ASSERT_TRUE(remote_.storage.Add(L({{"__name__", "m"}, {"r", "1"}}), 10, 1).ok());
  ASSERT_TRUE(other.storage.Add(L({{"__name__", "m"}, {"r", "2"}}), 10, 2).ok());
  Apply({Entry(remote_.url()), Entry(other.url())});
  EXPECT_EQ(reads_.num_remotes(), 2u);
  EXPECT_THAT(SelectAll(reads_.storage(), 0, 100, {Eq("__name__", "m")}),
              ElementsAre(Pair("{__name__=\"m\", r=\"1\"}", Samples{{10, 1}}),
                          Pair("{__name__=\"m\", r=\"2\"}", Samples{{10, 2}})));
  Apply({});  // closes the connections to `other` before it stops
}

TEST_F(ReadStorageTest, RequiredMatchersSkipTheRemoteUnlessAllArePresent) {
  ASSERT_TRUE(remote_.storage.Add(L({{"__name__", "m"}, {"job", "x"}, {"env", "p"}}), 10, 1).ok());
  config::RemoteReadConfig entry = Entry(remote_.url());
  entry.required_matchers = {{"job", "x"}, {"env", "p"}};
  Apply({entry});

  EXPECT_THAT(SelectAll(reads_.storage(), 0, 100, {Eq("__name__", "m")}), IsEmpty());
  EXPECT_THAT(SelectAll(reads_.storage(), 0, 100, {Eq("__name__", "m"), Eq("job", "x")}),
              IsEmpty());
  // A regex that would match is not an equality matcher.
  EXPECT_THAT(SelectAll(reads_.storage(), 0, 100,
                        {Eq("job", "x"),
                         *model::Matcher::Create(model::MatchType::kRegexMatch, "env", "p")}),
              IsEmpty());
  EXPECT_EQ(remote_.requests(), 0);

  EXPECT_THAT(SelectAll(reads_.storage(), 0, 100, {Eq("job", "x"), Eq("env", "p")}),
              ElementsAre(Pair("{__name__=\"m\", env=\"p\", job=\"x\"}", Samples{{10, 1}})));
  EXPECT_EQ(remote_.requests(), 1);
}

TEST_F(ReadStorageTest, ReadRecentFalseAsksOnlyForWhatIsOlderThanLocalData) {
  ASSERT_TRUE(local_.Add(L({{"__name__", "m"}}), 1000, 10).ok());  // local starts at 1000
  ASSERT_TRUE(remote_.storage.Add(L({{"__name__", "m"}}), 500, 5).ok());
  ASSERT_TRUE(remote_.storage.Add(L({{"__name__", "m"}}), 1500, 15).ok());  // hidden: recent
  config::RemoteReadConfig entry = Entry(remote_.url());
  entry.read_recent = false;
  Apply({entry});

  EXPECT_THAT(SelectAll(reads_.storage(), 0, 2000, {Eq("__name__", "m")}),
              ElementsAre(Pair("{__name__=\"m\"}", Samples{{500, 5}, {1000, 10}})));
  ASSERT_EQ(remote_.requests(), 1);
  EXPECT_EQ(remote_.last_request().queries(0).start_timestamp_ms(), 0);
  EXPECT_EQ(remote_.last_request().queries(0).end_timestamp_ms(), 1000);

  // A range that starts after the local data's start does not go to the remote at all.
  EXPECT_THAT(SelectAll(reads_.storage(), 1001, 2000, {Eq("__name__", "m")}), IsEmpty());
  EXPECT_EQ(remote_.requests(), 1);

  // read_recent: true asks for the whole range.
  Apply({Entry(remote_.url())});
  EXPECT_THAT(SelectAll(reads_.storage(), 0, 2000, {Eq("__name__", "m")}),
              ElementsAre(Pair("{__name__=\"m\"}", Samples{{500, 5}, {1000, 10}, {1500, 15}})));
  EXPECT_EQ(remote_.last_request().queries(0).end_timestamp_ms(), 2000);
}

TEST_F(ReadStorageTest, FilterExternalLabelsAddsMatchersAndStripsThem) {
  // The remote is a Prometheus of the same HA pair: it adds region="eu" to what it answers.
  remote_.set_external_labels(L({{"region", "eu"}}));
  ASSERT_TRUE(remote_.storage.Add(L({{"__name__", "m"}}), 10, 1).ok());
  ASSERT_TRUE(local_.Add(L({{"__name__", "m"}}), 20, 2).ok());
  Apply({Entry(remote_.url())}, L({{"region", "eu"}}));

  EXPECT_THAT(SelectAll(reads_.storage(), 0, 100, {Eq("__name__", "m")}),
              ElementsAre(Pair("{__name__=\"m\"}", Samples{{10, 1}, {20, 2}})));
  const prometheus::Query q = remote_.last_request().queries(0);
  ASSERT_EQ(q.matchers_size(), 2);
  EXPECT_EQ(q.matchers(1).type(), prometheus::LabelMatcher::EQ);
  EXPECT_EQ(q.matchers(1).name(), "region");
  EXPECT_EQ(q.matchers(1).value(), "eu");

  // A select that names the external label itself gets no extra matcher and keeps the label.
  EXPECT_THAT(SelectAll(reads_.storage(), 0, 100, {Eq("__name__", "m"), Eq("region", "eu")}),
              ElementsAre(Pair("{__name__=\"m\", region=\"eu\"}", Samples{{10, 1}})));
  EXPECT_EQ(remote_.last_request().queries(0).matchers_size(), 2);
}

TEST_F(ReadStorageTest, FilterExternalLabelsFalseLeavesQueryAndLabelsAlone) {
  remote_.set_external_labels(L({{"region", "eu"}}));
  ASSERT_TRUE(remote_.storage.Add(L({{"__name__", "m"}}), 10, 1).ok());
  config::RemoteReadConfig entry = Entry(remote_.url());
  entry.filter_external_labels = false;
  Apply({entry}, L({{"region", "eu"}}));
  EXPECT_THAT(SelectAll(reads_.storage(), 0, 100, {Eq("__name__", "m")}),
              ElementsAre(Pair("{__name__=\"m\", region=\"eu\"}", Samples{{10, 1}})));
  EXPECT_EQ(remote_.last_request().queries(0).matchers_size(), 1);
}

TEST_F(ReadStorageTest, RemoteDownGivesLocalDataAndAWarningThroughPromQL) {
  std::string down_url;
  {
    testing::RemoteReadServer gone;
    down_url = gone.url();
  }
  ASSERT_TRUE(local_.Add(L({{"__name__", "m"}}), 10'000, 7).ok());
  ASSERT_TRUE(remote_.storage.Add(L({{"__name__", "m"}, {"from", "remote"}}), 10'000, 8).ok());
  Apply({Entry(down_url), Entry(remote_.url())});

  promql::Engine engine(promql::EngineOptions{});
  auto r = engine.InstantQuery(reads_.storage(), "m", 20'000);
  ASSERT_TRUE(r.ok()) << r.status();
  const auto& vec = std::get<promql::Vector>(r->value);
  ASSERT_EQ(vec.size(), 2u);
  EXPECT_EQ(vec[0].labels, L({{"__name__", "m"}}));
  EXPECT_EQ(vec[0].v, 7);
  EXPECT_EQ(vec[1].labels, L({{"__name__", "m"}, {"from", "remote"}}));
  EXPECT_EQ(vec[1].v, 8);
  ASSERT_EQ(r->warnings.size(), 1u);
  EXPECT_THAT(r->warnings[0],
              HasSubstr("remote_read: error sending request: Post \"" + down_url + "\""));

  // A range query too; and the healthy setup gives no warning.
  auto range = engine.RangeQuery(reads_.storage(), "sum(m)", 10'000, 20'000, 5'000);
  ASSERT_TRUE(range.ok()) << range.status();
  EXPECT_EQ(range->warnings.size(), 1u);
  Apply({Entry(remote_.url())});
  auto healthy = engine.InstantQuery(reads_.storage(), "m", 20'000);
  ASSERT_TRUE(healthy.ok()) << healthy.status();
  EXPECT_THAT(healthy->warnings, IsEmpty());
}

TEST_F(ReadStorageTest, PromQLSelectHintsReachTheRemote) {
  for (int64_t t = 0; t <= 120'000; t += 15'000) {
    ASSERT_TRUE(remote_.storage.Add(L({{"__name__", "c_total"}}), t, t / 1000.0).ok());
  }
  Apply({Entry(remote_.url())});
  promql::Engine engine(promql::EngineOptions{});
  auto r = engine.RangeQuery(reads_.storage(), "rate(c_total[1m])", 60'000, 120'000, 30'000);
  ASSERT_TRUE(r.ok()) << r.status();
  const auto& m = std::get<promql::Matrix>(r->value);
  ASSERT_EQ(m.size(), 1u);
  ASSERT_EQ(m[0].points.size(), 3u);
  EXPECT_DOUBLE_EQ(m[0].points[0].v, 1.0);
  const prometheus::Query q = remote_.last_request().queries(0);
  EXPECT_EQ(q.hints().func(), "rate");
  EXPECT_EQ(q.hints().step_ms(), 30'000);
  EXPECT_EQ(q.start_timestamp_ms(), 0 + 1);  // (60s - 1m, 120s]: left-open
  EXPECT_EQ(q.end_timestamp_ms(), 120'000);
}

TEST_F(ReadStorageTest, RemoteErrorStatusIsAWarningToo) {
  remote_.set_fail_status(503);
  ASSERT_TRUE(local_.Add(L({{"__name__", "m"}}), 10, 7).ok());
  Apply({Entry(remote_.url())});
  auto q = reads_.storage().NewQuerier(0, 100);
  ASSERT_TRUE(q.ok());
  auto set = (*q)->Select(std::vector<model::Matcher>{Eq("__name__", "m")});
  int n = 0;
  while (set->Next()) ++n;
  EXPECT_TRUE(set->status().ok()) << set->status();
  EXPECT_EQ(n, 1);
  EXPECT_THAT(set->Warnings(),
              ElementsAre(HasSubstr("returned http status 503 Service Unavailable")));
}

TEST_F(ReadStorageTest, LabelNamesAndValuesMergeRemoteAnswers) {
  ASSERT_TRUE(local_.Add(L({{"__name__", "m"}, {"a", "1"}}), 10, 1).ok());
  ASSERT_TRUE(remote_.storage.Add(L({{"__name__", "n"}, {"b", "2"}}), 10, 1).ok());
  Apply({Entry(remote_.url())});
  auto q = reads_.storage().NewQuerier(0, 100);
  ASSERT_TRUE(q.ok());
  auto names = (*q)->LabelNames({});
  ASSERT_TRUE(names.ok()) << names.status();
  EXPECT_THAT(*names, ElementsAre("__name__", "a", "b"));
  auto values = (*q)->LabelValues("__name__", {});
  ASSERT_TRUE(values.ok()) << values.status();
  EXPECT_THAT(*values, ElementsAre("m", "n"));
  // Labels only were asked for.
  EXPECT_EQ(remote_.last_request().queries(0).hints().func(), "series");

  // A remote that fails does not fail the call.
  remote_.set_fail_status(500);
  auto local_only = (*q)->LabelValues("__name__", {});
  ASSERT_TRUE(local_only.ok()) << local_only.status();
  EXPECT_THAT(*local_only, ElementsAre("m"));
}

TEST_F(ReadStorageTest, AppendsGoToTheLocalStorage) {
  Apply({Entry(remote_.url())});
  auto app = reads_.storage().NewAppender();
  ASSERT_TRUE(app->Append(0, L({{"__name__", "w"}}), 5, 1).ok());
  ASSERT_TRUE(app->Commit().ok());
  EXPECT_THAT(SelectAll(local_, 0, 100, {Eq("__name__", "w")}),
              ElementsAre(Pair("{__name__=\"w\"}", Samples{{5, 1}})));
  EXPECT_THAT(SelectAll(remote_.storage, 0, 100, {Eq("__name__", "w")}), IsEmpty());
  EXPECT_EQ(reads_.storage().StartTime(), 5);
}

TEST_F(ReadStorageTest, BadConfigKeepsThePreviousClients) {
  Apply({Entry(remote_.url())});
  config::Config bad;
  bad.remote_read = {Entry(remote_.url()), Entry("gopher://x")};
  EXPECT_EQ(ReadStorage::Validate(bad).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(reads_.ApplyConfig(bad).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(reads_.num_remotes(), 1u);
  config::Config dup;
  dup.remote_read = {Entry(remote_.url()), Entry(remote_.url())};
  absl::Status s = reads_.ApplyConfig(dup);
  EXPECT_THAT(s.message(), HasSubstr("duplicate remote read configs are not allowed"));
  EXPECT_EQ(ReadStorage::Validate(dup), s);
  config::Config good;
  good.remote_read = {Entry(remote_.url())};
  EXPECT_TRUE(ReadStorage::Validate(good).ok());
  EXPECT_EQ(reads_.num_remotes(), 1u);
}

}  // namespace
}  // namespace sextant::remote
