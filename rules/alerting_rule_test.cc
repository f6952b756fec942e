#include "rules/alerting_rule.h"

#include "gtest/gtest.h"
#include "rules/test_util.h"

namespace sextant::rules {
namespace {

using testing::Alerting;
using testing::Fixture;
using testing::T;

std::vector<std::unique_ptr<Rule>> One(std::unique_ptr<Rule> r) {
  std::vector<std::unique_ptr<Rule>> v;
  v.push_back(std::move(r));
  return v;
}

const AlertingRule& AR(const Group& g) { return static_cast<const AlertingRule&>(*g.rules()[0]); }

TEST(AlertingRule, PendingThenFiringAfterFor) {
  Fixture f;
  for (int t = 0; t <= 600; t += 10) f.Add(R"(gpu_temp{gpu="0"})", t, 90);
  auto g = f.MakeGroup(One(Alerting("GpuHot", "gpu_temp > 85", absl::Minutes(1), {},
                                    model::Labels::FromPairs({{"severity", "critical"}}))));
  g->Eval(T(100));
  EXPECT_EQ(AR(*g).State(), AlertState::kPending);
  auto pending =
      f.Samples(R"(ALERTS{alertname="GpuHot",alertstate="pending",gpu="0",severity="critical"})");
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].v, 1);
  EXPECT_TRUE(f.sent.empty());  // pending alerts are not sent

  g->Eval(T(150));
  EXPECT_EQ(AR(*g).State(), AlertState::kPending);
  g->Eval(T(160));
  EXPECT_EQ(AR(*g).State(), AlertState::kFiring);
  auto firing =
      f.Samples(R"(ALERTS{alertname="GpuHot",alertstate="firing",gpu="0",severity="critical"})");
  ASSERT_EQ(firing.size(), 1u);
  EXPECT_EQ(firing[0].t, 160'000);
  // The pending series went stale when it became firing.
  pending =
      f.Samples(R"(ALERTS{alertname="GpuHot",alertstate="pending",gpu="0",severity="critical"})");
  ASSERT_EQ(pending.size(), 3u);
  EXPECT_TRUE(model::IsStaleNaN(pending.back().v));
  auto for_state = f.Samples(R"(ALERTS_FOR_STATE{alertname="GpuHot",gpu="0",severity="critical"})");
  ASSERT_EQ(for_state.size(), 3u);
  EXPECT_EQ(for_state.back().v, 100);  // activeAt in Unix seconds

  ASSERT_EQ(f.sent.size(), 1u);
  ASSERT_EQ(f.sent[0].second.size(), 1u);
  const Alert& a = f.sent[0].second[0];
  EXPECT_EQ(f.sent[0].first, "gpu_temp > 85");
  EXPECT_EQ(a.labels.ToString(), R"({alertname="GpuHot", gpu="0", severity="critical"})");
  EXPECT_EQ(a.fired_at, T(160));
  EXPECT_EQ(a.active_at, T(100));
  // valid until 4 * max(interval, resend delay) = 4m
  EXPECT_EQ(a.valid_until, T(160) + absl::Minutes(4));
}

TEST(AlertingRule, ForZeroFiresAtOnce) {
  Fixture f;
  f.Add("up{job=\"x\"}", 0, 0);
  auto g = f.MakeGroup(One(Alerting("Down", "up == 0", absl::ZeroDuration())));
  g->Eval(T(10));
  EXPECT_EQ(AR(*g).State(), AlertState::kFiring);
  EXPECT_EQ(f.sent.size(), 1u);
}

TEST(AlertingRule, ResendsAfterResendDelayAndSendsResolution) {
  Fixture f;
  for (int t = 0; t <= 200; t += 10) f.Add("up{job=\"x\"}", t, 0);
  f.Add("up{job=\"x\"}", 210, 1);
  auto g = f.MakeGroup(One(Alerting("Down", "up == 0", absl::ZeroDuration())));
  for (int t = 10; t <= 200; t += 10) g->Eval(T(t));
  // Sent at 10s, then once the 1m resend delay has passed: 80s, 150s.
  ASSERT_EQ(f.sent.size(), 3u);
  EXPECT_EQ(f.sent[1].second[0].last_sent_at, T(80));
  g->Eval(T(220));  // resolved
  ASSERT_EQ(f.sent.size(), 4u);
  EXPECT_EQ(f.sent[3].second[0].resolved_at, T(220));
  EXPECT_EQ(f.sent[3].second[0].state, AlertState::kInactive);
  EXPECT_TRUE(AR(*g).ActiveAlerts().empty());
  EXPECT_EQ(AR(*g).State(), AlertState::kInactive);
  // Resolved alerts are re-sent (every resend delay) for 15 minutes, then forgotten.
  for (int t = 230; t <= 220 + 15 * 60 + 10; t += 10) g->Eval(T(t));
  const size_t sends = f.sent.size();
  EXPECT_GT(sends, 10u);
  g->Eval(T(220 + 20 * 60));
  EXPECT_EQ(f.sent.size(), sends);
}

TEST(AlertingRule, KeepFiringFor) {
  Fixture f;
  f.Add("err{job=\"x\"}", 0, 1);
  f.Add("err{job=\"x\"}", 15, 0);
  auto g = f.MakeGroup(One(Alerting("Err", "err > 0", absl::ZeroDuration(), absl::Seconds(30))));
  g->Eval(T(10));
  EXPECT_EQ(AR(*g).State(), AlertState::kFiring);
  g->Eval(T(20));  // condition gone: keeps firing
  g->Eval(T(40));
  EXPECT_EQ(AR(*g).State(), AlertState::kFiring);
  auto alerts = AR(*g).ActiveAlerts();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].keep_firing_since, T(20));
  g->Eval(T(50));  // 30s after it vanished
  EXPECT_EQ(AR(*g).State(), AlertState::kInactive);
}

TEST(AlertingRule, PendingAlertThatVanishesIsForgotten) {
  Fixture f;
  f.Add("x", 0, 1);
  f.Add("x", 15, 0);
  auto g = f.MakeGroup(One(Alerting("X", "x > 0", absl::Minutes(5))));
  g->Eval(T(10));
  EXPECT_EQ(AR(*g).State(), AlertState::kPending);
  g->Eval(T(20));
  EXPECT_EQ(AR(*g).State(), AlertState::kInactive);
  EXPECT_TRUE(AR(*g).ActiveAlerts().empty());
  EXPECT_TRUE(f.sent.empty());
}

TEST(AlertingRule, DuplicateLabelSetsAfterLabelsFail) {
  Fixture f;
  f.Add(R"(x{a="1"})", 0, 1);
  f.Add(R"(y{a="1"})", 0, 1);
  auto g = f.MakeGroup(One(Alerting("X", "{__name__=~\"x|y\"}", absl::ZeroDuration())));
  g->Eval(T(10));
  EXPECT_EQ(g->rules()[0]->status().last_error,
            "vector contains metrics with the same labelset after applying alert labels");
}

TEST(AlertingRule, StateIsUnknownOnlyBeforeTheFirstEvaluation) {
  // Prometheus's State() is unknown while the evaluation timestamp is zero; a failed evaluation
  // sets it too, so the rule is then inactive.
  Fixture f;
  f.Add(R"(x{a="1"})", 0, 1);
  f.Add(R"(y{a="1"})", 0, 1);
  auto g = f.MakeGroup(One(Alerting("X", "{__name__=~\"x|y\"}", absl::ZeroDuration())));
  EXPECT_EQ(AR(*g).State(), AlertState::kUnknown);
  g->Eval(T(10));
  ASSERT_EQ(g->rules()[0]->status().health, RuleHealth::kBad);
  EXPECT_EQ(AR(*g).State(), AlertState::kInactive);
}

TEST(AlertingRule, LimitDropsAllAlerts) {
  Fixture f;
  f.Add(R"(x{a="1"})", 0, 1);
  f.Add(R"(x{a="2"})", 0, 1);
  Group::Options o;
  o.name = "g";
  o.file = "f";
  o.interval = absl::Seconds(10);
  o.limit = 1;
  Group g(o, One(Alerting("X", "x > 0", absl::ZeroDuration())), f.Env());
  g.Eval(T(10));
  EXPECT_EQ(g.rules()[0]->status().last_error, "exceeded limit of 1 with 2 alerts");
  EXPECT_TRUE(AR(g).ActiveAlerts().empty());
}

TEST(AlertingRule, RestoresForStateAfterRestart) {
  Fixture f;
  // Before the restart: pending since 1000s, ALERTS_FOR_STATE written until 1100s.
  for (int t = 1000; t <= 1100; t += 10) {
    f.Add(R"(ALERTS_FOR_STATE{alertname="Slow",job="api"})", t, 1000);
  }
  for (int t = 1000; t <= 2000; t += 10) f.Add(R"(latency{job="api"})", t, 3);
  auto env = f.Env();
  env->for_grace_period = absl::Minutes(1);
  std::vector<std::unique_ptr<Rule>> rules;
  rules.push_back(Alerting("Slow", "latency > 1", absl::Minutes(10), {}, {}, {},
                           /*restored=*/false));
  auto g = f.MakeGroup(std::move(rules), absl::Seconds(10), env, /*should_restore=*/true);
  // Restarted at 1300s (down 200s).
  g->Eval(T(1300));
  EXPECT_TRUE(f.Samples(R"(ALERTS{alertname="Slow",alertstate="pending",job="api"})").empty())
      << "no ALERTS before the state is restored";
  g->Eval(T(1310));
  g->RestoreForState(T(1310));
  auto alerts = AR(*g).ActiveAlerts();
  ASSERT_EQ(alerts.size(), 1u);
  // Spent 100s pending before going down at 1100s; the downtime (210s) is added back.
  EXPECT_EQ(alerts[0].active_at, T(1000 + 210));
  g->Eval(T(1320));
  EXPECT_EQ(f.Samples(R"(ALERTS{alertname="Slow",alertstate="pending",job="api"})").size(), 1u);
  g->Eval(T(1210 + 600));
  EXPECT_EQ(AR(*g).State(), AlertState::kFiring);
}

TEST(AlertingRule, RestoreWithinGracePeriodDelaysFiring) {
  Fixture f;
  f.Add(R"(ALERTS_FOR_STATE{alertname="Slow",job="api"})", 1000, 500);
  for (int t = 1000; t <= 2000; t += 10) f.Add(R"(latency{job="api"})", t, 3);
  auto env = f.Env();
  env->for_grace_period = absl::Minutes(10);
  std::vector<std::unique_ptr<Rule>> rules;
  rules.push_back(Alerting("Slow", "latency > 1", absl::Minutes(10), {}, {}, {}, false));
  auto g = f.MakeGroup(std::move(rules), absl::Seconds(10), env, true);
  g->Eval(T(1100));
  g->RestoreForState(T(1100));
  auto alerts = AR(*g).ActiveAlerts();
  ASSERT_EQ(alerts.size(), 1u);
  // 500s spent of 600s: 100s remain, less than the grace period, so it fires a grace period
  // after the restore.
  EXPECT_EQ(alerts[0].active_at, T(1100) + absl::Minutes(10) - absl::Minutes(10));
}

TEST(AlertingRule, TemplatesInLabelsAndAnnotations) {
  Fixture f;
  f.Add(R"(up{job="api",instance="h:9"})", 0, 0);
  auto g = f.MakeGroup(One(
      Alerting("Down", "up == 0", absl::ZeroDuration(), {},
               model::Labels::FromPairs({{"target", "{{ $labels.instance }}"}}),
               model::Labels::FromPairs({{"summary", "{{ $labels.job }} down, value {{ $value }}"},
                                         {"broken", "{{ nosuchfunc }}"},
                                         {"empty", "{{ if false }}x{{ end }}"}}))));
  g->Eval(T(10));
  auto alerts = AR(*g).ActiveAlerts();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].labels.Get("target"), "h:9");
  EXPECT_EQ(alerts[0].annotations.Get("summary"), "api down, value 0");
  // An annotation that expands to nothing is kept, empty, as Prometheus does.
  EXPECT_TRUE(alerts[0].annotations.Has("empty"));
  EXPECT_EQ(alerts[0].annotations.Get("empty"), "");
  EXPECT_EQ(alerts[0].annotations.Get("broken"),
            "<error expanding template: error parsing template __alert_Down: template: "
            "__alert_Down:1: function \"nosuchfunc\" not defined>");
}

}  // namespace
}  // namespace sextant::rules
