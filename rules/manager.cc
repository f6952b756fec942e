#include "rules/manager.h"

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

#include <glob.h>

#include "model/labels.h"
#include "promql/parser.h"
#include "rules/alerting_rule.h"
#include "rules/recording_rule.h"
#include "rules/rule_file.h"
#include "util/log.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace sextant::rules {
namespace {

const util::Logger& Log() {
  static const util::Logger* logger = new util::Logger("rule manager");
  return *logger;
}

// Go's url.QueryEscape: unreserved characters stay, space becomes '+', the rest %XX.
std::string QueryEscape(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() * 3);
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

// The group's labels overridden by the rule's own.
model::Labels MergeLabels(const model::Labels& group, const model::Labels& rule) {
  if (group.empty()) return rule;
  model::LabelsBuilder b(group);
  for (const model::Label& l : rule) b.Set(l.name, l.value);
  return b.Build();
}

}  // namespace

absl::StatusOr<std::vector<std::string>> ExpandRuleFiles(const std::vector<std::string>& globs) {
  std::vector<std::string> files;
  for (const std::string& pattern : globs) {
    glob_t g{};
    const int rc = glob(pattern.c_str(), 0, nullptr, &g);
    if (rc == 0) {
      for (size_t i = 0; i < g.gl_pathc; ++i) files.emplace_back(g.gl_pathv[i]);
    }
    globfree(&g);
    if (rc != 0 && rc != GLOB_NOMATCH) {
      return absl::InvalidArgumentError(util::StrCat("invalid rule file pattern ", pattern));
    }
  }
  return files;
}

absl::StatusOr<std::vector<std::unique_ptr<Group>>> LoadGroups(
    const std::vector<std::string>& files, absl::Duration default_interval, bool should_restore,
    std::shared_ptr<const GroupEnv> env) {
  std::vector<std::unique_ptr<Group>> groups;
  std::string errors;
  for (const std::string& file : files) {
    absl::StatusOr<RuleFile> rf = LoadRuleFile(file);
    if (!rf.ok()) {
      if (!errors.empty()) errors.push_back('\n');
      errors.append(util::FromAbsl(rf.status().message()));
      continue;
    }
    for (RuleGroup& rg : rf->groups) {
      std::vector<std::unique_ptr<Rule>> rules;
      rules.reserve(rg.rules.size());
      for (const RuleNode& r : rg.rules) {
        absl::StatusOr<std::unique_ptr<promql::Expr>> expr = promql::ParseExpr(r.expr);
        if (!expr.ok()) {
          return absl::InvalidArgumentError(
              util::StrCat(file, ": ", util::FromAbsl(expr.status().message())));
        }
        model::Labels labels = MergeLabels(rg.labels, r.labels);
        if (!r.alert.empty()) {
          rules.push_back(std::make_unique<AlertingRule>(r.alert, *std::move(expr), r.for_duration,
                                                         r.keep_firing_for, std::move(labels),
                                                         r.annotations, !should_restore));
        } else {
          rules.push_back(
              std::make_unique<RecordingRule>(r.record, *std::move(expr), std::move(labels)));
        }
      }
      Group::Options o;
      o.name = rg.name;
      o.file = file;
      o.interval = rg.interval.value_or(default_interval);
      o.query_offset = rg.query_offset;
      o.limit = rg.limit;
      o.should_restore = should_restore;
      groups.push_back(std::make_unique<Group>(std::move(o), std::move(rules), env));
    }
  }
  if (!errors.empty()) return absl::InvalidArgumentError(errors);
  return groups;
}

std::vector<NotifierAlert> ToNotifierAlerts(const std::string& external_url,
                                            const std::string& query,
                                            const std::vector<Alert>& alerts) {
  const std::string generator =
      util::StrCat(external_url, "/graph?g0.expr=", QueryEscape(query), "&g0.tab=1");
  std::vector<NotifierAlert> out;
  out.reserve(alerts.size());
  for (const Alert& a : alerts) {
    NotifierAlert n;
    n.labels = a.labels;
    n.annotations = a.annotations;
    n.starts_at = a.fired_at;
    n.ends_at = IsZeroTime(a.resolved_at) ? a.valid_until : a.resolved_at;
    n.generator_url = generator;
    out.push_back(std::move(n));
  }
  return out;
}

struct RuleManager::State {
  // In the registry, null without one.
  util::Summary* rule_duration = nullptr;
  util::Summary* group_duration = nullptr;
  // Serialises Update and Stop. Held while groups stop (which waits for an evaluation in
  // flight), so `mu` is only taken briefly and readers (the API, /metrics) never wait on it.
  util::Mutex update_mu;
  util::Mutex mu;
  std::map<std::string, std::shared_ptr<Group>> groups ABSL_GUARDED_BY(mu);
  bool loaded_once ABSL_GUARDED_BY(mu) = false;
  bool stopped ABSL_GUARDED_BY(mu) = false;

  // Groups removed by a reload, waiting to write their stale markers.
  struct Retiring {
    std::shared_ptr<Group> group;
    absl::Time stopped_at;
    absl::Time due;
  };
  std::mutex janitor_mu;
  std::condition_variable janitor_cv;
  std::vector<Retiring> retiring;  // guarded by janitor_mu
  bool janitor_stop = false;       // guarded by janitor_mu
  std::thread janitor;

  std::vector<std::shared_ptr<Group>> Snapshot() {
    util::ReaderMutexLock lock(&mu);
    std::vector<std::shared_ptr<Group>> out;
    out.reserve(groups.size());
    for (const auto& [k, g] : groups) out.push_back(g);
    return out;
  }
};

namespace {

// Registers the duration summaries (into `state`) and the per-group metrics, read from the live
// groups at scrape time.
void RegisterMetrics(util::Registry* r, const std::shared_ptr<RuleManager::State>& state);

}  // namespace

RuleManager::RuleManager(RuleManagerOptions options)
    : opts_(std::move(options)), state_(std::make_shared<State>()) {
  if (opts_.registry != nullptr) RegisterMetrics(opts_.registry, state_);
  state_->janitor = std::thread([this] { Janitor(); });
}

RuleManager::~RuleManager() { Stop(); }

absl::Status RuleManager::Update(const config::Config& cfg) {
  auto env = std::make_shared<GroupEnv>();
  env->rule_duration = state_->rule_duration;
  env->group_duration = state_->group_duration;
  env->storage = opts_.storage;
  env->engine = opts_.engine;
  env->external_url = opts_.external_url;
  env->external_labels = cfg.global.external_labels;
  env->default_query_offset = cfg.global.rule_query_offset;
  env->outage_tolerance = opts_.outage_tolerance;
  env->for_grace_period = opts_.for_grace_period;
  env->resend_delay = opts_.resend_delay;
  if (opts_.send) {
    env->notify = [send = opts_.send, url = opts_.external_url](const std::string& query,
                                                                std::vector<Alert> alerts) {
      send(ToNotifierAlerts(url, query, alerts));
    };
  }

  util::MutexLock update_lock(&state_->update_mu);
  std::map<std::string, std::shared_ptr<Group>> current;
  bool should_restore = false;
  {
    util::ReaderMutexLock lock(&state_->mu);
    if (state_->stopped) return absl::OkStatus();
    current = state_->groups;
    should_restore = !state_->loaded_once;
  }
  absl::StatusOr<std::vector<std::string>> files = ExpandRuleFiles(cfg.rule_files);
  absl::StatusOr<std::vector<std::unique_ptr<Group>>> loaded =
      files.ok() ? LoadGroups(*files, cfg.global.evaluation_interval, should_restore, env)
                 : files.status();
  if (!loaded.ok()) {
    for (std::string_view line : util::StrSplit(util::FromAbsl(loaded.status().message()), '\n')) {
      Log().Error("loading groups failed", {{"err", line}});
    }
    return absl::InvalidArgumentError("error loading rules, previous rule set restored");
  }

  std::map<std::string, std::shared_ptr<Group>> next;
  for (std::unique_ptr<Group>& g : *loaded) {
    std::string key = g->Key();
    if (next.contains(key)) continue;  // the same file listed twice
    auto old = current.find(key);
    if (old != current.end() && old->second->Equals(*g)) {
      next.emplace(key, old->second);
      current.erase(old);
      continue;
    }
    std::shared_ptr<Group> fresh(std::move(g));
    if (old != current.end()) {
      old->second->Stop();
      fresh->CopyState(*old->second);
      current.erase(old);
    }
    if (opts_.run_groups) fresh->Run();
    next.emplace(std::move(key), std::move(fresh));
  }
  {
    util::MutexLock lock(&state_->mu);
    state_->groups = std::move(next);
    state_->loaded_once = true;
  }
  // What is left was removed: stop it, and mark its outputs stale once a replacement had time
  // to write newer samples (which then win over the markers).
  for (auto& [key, g] : current) g->Stop();
  const absl::Time now = absl::Now();
  {
    std::lock_guard<std::mutex> l(state_->janitor_mu);
    for (auto& [key, g] : current) state_->retiring.push_back({g, now, now + 2 * g->interval()});
  }
  state_->janitor_cv.notify_all();
  return absl::OkStatus();
}

void RuleManager::Janitor() {
  std::unique_lock<std::mutex> l(state_->janitor_mu);
  while (!state_->janitor_stop) {
    absl::Time next_due = absl::InfiniteFuture();
    for (const State::Retiring& r : state_->retiring) next_due = std::min(next_due, r.due);
    if (next_due == absl::InfiniteFuture()) {
      state_->janitor_cv.wait(l);
    } else {
      state_->janitor_cv.wait_until(l, absl::ToChronoTime(next_due));
    }
    if (state_->janitor_stop) break;
    const absl::Time now = absl::Now();
    std::vector<State::Retiring> due;
    auto split = std::stable_partition(state_->retiring.begin(), state_->retiring.end(),
                                       [now](const State::Retiring& r) { return r.due > now; });
    std::move(split, state_->retiring.end(), std::back_inserter(due));
    state_->retiring.erase(split, state_->retiring.end());
    l.unlock();
    for (State::Retiring& r : due) r.group->WriteStaleMarkers(r.stopped_at);
    l.lock();
  }
}

void RuleManager::Stop() {
  util::MutexLock update_lock(&state_->update_mu);
  std::vector<std::shared_ptr<Group>> groups;
  {
    util::MutexLock lock(&state_->mu);
    state_->stopped = true;
    for (auto& [k, g] : state_->groups) groups.push_back(g);
  }
  for (auto& g : groups) g->Stop();
  // Stale markers still waiting are dropped, as Prometheus's Stop ends the goroutines that wait
  // to write them: the storage may close right after.
  std::thread janitor;
  {
    std::lock_guard<std::mutex> l(state_->janitor_mu);
    state_->janitor_stop = true;
    state_->retiring.clear();
    janitor = std::move(state_->janitor);
  }
  state_->janitor_cv.notify_all();
  if (janitor.joinable()) janitor.join();
}

std::vector<std::shared_ptr<Group>> RuleManager::RuleGroups() const {
  std::vector<std::shared_ptr<Group>> out = state_->Snapshot();
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    if (a->file() != b->file()) return a->file() < b->file();
    return a->name() < b->name();
  });
  return out;
}

namespace {

void RegisterMetrics(util::Registry* r, const std::shared_ptr<RuleManager::State>& state) {
  // Prometheus's objectives for both (rules/manager.go).
  state->rule_duration = r->NewSummary("prometheus_rule_evaluation_duration_seconds",
                                       "The duration for a rule to execute.",
                                       {{0.5, 0.05}, {0.9, 0.01}, {0.99, 0.001}});
  state->group_duration = r->NewSummary(
      "prometheus_rule_group_duration_seconds", "The duration of rule group evaluations.",
      {{0.01, 0.001}, {0.05, 0.005}, {0.5, 0.05}, {0.9, 0.01}, {0.99, 0.001}});
  std::weak_ptr<RuleManager::State> weak = state;
  using Getter = std::function<double(const Group&)>;
  auto per_group = [r, weak](std::string name, std::string help, util::MetricType type,
                             Getter get) {
    r->NewCallbackFamily(name, help, type, [weak, name, get](util::MetricWriter& out) {
      std::shared_ptr<RuleManager::State> s = weak.lock();
      if (s == nullptr) return;
      for (const std::shared_ptr<Group>& g : s->Snapshot()) {
        out.Sample(name, {"rule_group"}, {g->Key()}, get(*g));
      }
    });
  };
  using T = util::MetricType;
  per_group("prometheus_rule_evaluations_total", "The total number of rule evaluations.",
            T::kCounter, [](const Group& g) { return g.counters().evaluations_total.load(); });
  per_group("prometheus_rule_evaluation_failures_total",
            "The total number of rule evaluation failures.", T::kCounter,
            [](const Group& g) { return g.counters().evaluation_failures.load(); });
  per_group("prometheus_rule_group_iterations_missed_total",
            "The total number of rule group evaluations missed due to slow rule group "
            "evaluation.",
            T::kCounter, [](const Group& g) { return g.counters().iterations_missed.load(); });
  per_group("prometheus_rule_group_iterations_total",
            "The total number of scheduled rule group evaluations, whether executed or missed.",
            T::kCounter, [](const Group& g) { return g.counters().iterations_total.load(); });
  per_group("prometheus_rule_group_interval_seconds", "The interval of a rule group.", T::kGauge,
            [](const Group& g) { return absl::ToDoubleSeconds(g.interval()); });
  per_group("prometheus_rule_group_last_evaluation_timestamp_seconds",
            "The timestamp of the last rule group evaluation in seconds.", T::kGauge,
            [](const Group& g) {
              const absl::Time t = g.last_evaluation();
              return IsZeroTime(t) ? 0.0 : absl::ToDoubleSeconds(t - absl::UnixEpoch());
            });
  per_group("prometheus_rule_group_last_duration_seconds",
            "The duration of the last rule group evaluation.", T::kGauge,
            [](const Group& g) { return absl::ToDoubleSeconds(g.evaluation_time()); });
  per_group("prometheus_rule_group_last_rule_duration_sum_seconds",
            "The sum of time in seconds it took to evaluate each rule in the group regardless "
            "of concurrency. This should be higher than the group duration if rules are "
            "evaluated concurrently.",
            T::kGauge, [](const Group& g) {
              absl::Duration sum;
              for (const auto& rule : g.rules()) sum += rule->status().evaluation_time;
              return absl::ToDoubleSeconds(sum);
            });
  per_group("prometheus_rule_group_last_restore_duration_seconds",
            "The duration of the last alert rules alerts restoration using the "
            "`ALERTS_FOR_STATE` series.",
            T::kGauge, [](const Group& g) { return g.counters().last_restore_duration.load(); });
  per_group("prometheus_rule_group_rules", "The number of rules.", T::kGauge,
            [](const Group& g) { return static_cast<double>(g.rules().size()); });
  per_group("prometheus_rule_group_last_evaluation_samples",
            "The number of samples returned during the last rule group evaluation.", T::kGauge,
            [](const Group& g) { return g.counters().last_evaluation_samples.load(); });
}

}  // namespace

}  // namespace sextant::rules
