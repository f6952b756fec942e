#pragma once

// Helpers for the rules tests: a group over a MemStorage and an engine, with rules built from
// PromQL text, and reading back what the group wrote.

#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "model/labels.h"
#include "model/sample.h"
#include "model/timestamp.h"
#include "promql/engine.h"
#include "promql/parser.h"
#include "promql/testing/series_desc.h"
#include "rules/alerting_rule.h"
#include "rules/group.h"
#include "rules/recording_rule.h"
#include "tsdb/mem_storage.h"

namespace sextant::rules::testing {

inline std::unique_ptr<promql::Expr> Expr(std::string_view text) {
  return std::move(promql::ParseExpr(text)).value();
}

inline std::unique_ptr<Rule> Recording(std::string name, std::string_view expr,
                                       model::Labels labels = {}) {
  return std::make_unique<RecordingRule>(std::move(name), Expr(expr), std::move(labels));
}

inline std::unique_ptr<AlertingRule> Alerting(std::string name, std::string_view expr,
                                              absl::Duration hold,
                                              absl::Duration keep = absl::ZeroDuration(),
                                              model::Labels labels = {},
                                              model::Labels annotations = {},
                                              bool restored = true) {
  return std::make_unique<AlertingRule>(std::move(name), Expr(expr), hold, keep, std::move(labels),
                                        std::move(annotations), restored);
}

// The time `s` seconds after the epoch.
inline absl::Time T(int64_t s) { return absl::FromUnixSeconds(s); }

struct Fixture {
  tsdb::MemStorage storage;
  promql::Engine engine{promql::EngineOptions{}};
  std::vector<std::pair<std::string, std::vector<Alert>>> sent;  // (query, alerts) per send

  std::shared_ptr<GroupEnv> Env() {
    auto env = std::make_shared<GroupEnv>();
    env->storage = &storage;
    env->engine = &engine;
    env->notify = [this](const std::string& q, std::vector<Alert> alerts) {
      sent.emplace_back(q, std::move(alerts));
    };
    return env;
  }

  std::unique_ptr<Group> MakeGroup(std::vector<std::unique_ptr<Rule>> rules,
                                   absl::Duration interval = absl::Seconds(10),
                                   std::shared_ptr<GroupEnv> env = nullptr,
                                   bool should_restore = false) {
    Group::Options o;
    o.name = "g";
    o.file = "rules.yml";
    o.interval = interval;
    o.should_restore = should_restore;
    return std::make_unique<Group>(std::move(o), std::move(rules), env != nullptr ? env : Env());
  }

  void Add(std::string_view series, int64_t t_s, double v) {
    absl::StatusOr<model::Labels> l = ParseSeries(series);
    ASSERT_TRUE(l.ok()) << l.status();
    ASSERT_TRUE(storage.Add(*l, t_s * 1000, v).ok());
  }

  // Every sample of the series `labels` (text form, e.g. `x{a="b"}`).
  std::vector<model::Sample> Samples(std::string_view series) {
    absl::StatusOr<model::Labels> l = ParseSeries(series);
    std::vector<model::Sample> out;
    if (!l.ok()) return out;
    std::vector<model::Matcher> ms;
    for (const model::Label& x : *l) {
      ms.push_back(*model::Matcher::Create(model::MatchType::kEqual, x.name, x.value));
    }
    auto q = storage.NewQuerier(model::kMinTimestamp, model::kMaxTimestamp);
    auto set = (*q)->Select(ms);
    while (set->Next()) {
      if (!(set->At().labels() == *l)) continue;
      auto it = set->At().Iterator();
      (void)tsdb::ReadAll(*it, &out);
    }
    return out;
  }

  static absl::StatusOr<model::Labels> ParseSeries(std::string_view text) {
    absl::StatusOr<promql::testing::SeriesLine> line = promql::testing::ParseSeriesLine(text);
    if (!line.ok()) return line.status();
    return line->labels;
  }
};

}  // namespace sextant::rules::testing
