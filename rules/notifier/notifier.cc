#include "rules/notifier/notifier.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "absl/time/clock.h"
#include "rules/notifier/alert_json.h"
#include "rules/notifier/alert_relabel.h"
#include "rules/notifier/alertmanager_set.h"
#include "rules/notifier/notifier_metrics.h"
#include "util/build_info.h"
#include "util/log.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace sextant::rules {
namespace {

const util::Logger kLog("notifier");

// Prometheus's DefaultMaxBatchSize.
constexpr size_t kMaxBatchSize = 256;

}  // namespace

struct Notifier::Impl {
  Impl(NotifierOptions opts, util::Registry* registry)
      : options(std::move(opts)),
        user_agent(util::StrCat(options.user_agent, "/", util::GetBuildInfo().version)),
        metrics(registry) {
    metrics.queue_capacity->Set(options.queue_capacity);
    sender = std::thread([this] { Run(); });
  }

  // The alert_relabel_configs and external labels Send() applies, swapped whole by ApplyConfig.
  struct Relabelling {
    model::Labels external_labels;
    std::vector<config::RelabelConfig> configs;
  };
  using Sets = std::vector<std::shared_ptr<AlertmanagerSet>>;

  const NotifierOptions options;
  const std::string user_agent;
  NotifierMetrics metrics;

  mutable util::Mutex mu;
  std::deque<NotifierAlert> queue ABSL_GUARDED_BY(mu);
  std::shared_ptr<const Relabelling> relabelling ABSL_GUARDED_BY(mu) =
      std::make_shared<Relabelling>();
  std::shared_ptr<const Sets> sets ABSL_GUARDED_BY(mu) = std::make_shared<Sets>();
  bool stopped ABSL_GUARDED_BY(mu) = false;  // Send() drops from now on

  // Wakes the sender: `more` as Prometheus's channel of capacity one, `stop_requested` once.
  std::mutex wake_mu;
  std::condition_variable wake_cv;
  bool more = false;            // under wake_mu
  bool stop_requested = false;  // under wake_mu
  std::once_flag stop_once;
  std::thread sender;

  void SetMore() {
    {
      std::lock_guard<std::mutex> l(wake_mu);
      more = true;
    }
    wake_cv.notify_one();
  }

  size_t QueueLength() const {
    util::ReaderMutexLock lock(&mu);
    return queue.size();
  }

  std::shared_ptr<const Sets> CurrentSets() const {
    util::ReaderMutexLock lock(&mu);
    return sets;
  }

  // Runs on discovery threads too. It takes no reference to a set: letting go of the last one
  // would stop that set's discovery from its own thread.
  void UpdateDiscovered() {
    util::ReaderMutexLock lock(&mu);
    size_t n = 0;
    for (const auto& s : *sets) n += s->active().size();
    metrics.alertmanagers_discovered->Set(static_cast<double>(n));
  }

  void Enqueue(std::vector<NotifierAlert> alerts) {
    util::MutexLock lock(&mu);
    if (stopped) {
      metrics.dropped->Inc(static_cast<double>(alerts.size()));
      return;
    }
    const size_t capacity = static_cast<size_t>(std::max(options.queue_capacity, 0));
    if (alerts.size() > capacity) {
      const size_t d = alerts.size() - capacity;
      alerts.erase(alerts.begin(), alerts.begin() + static_cast<std::ptrdiff_t>(d));
      kLog.Warn("Alert batch larger than queue capacity, dropping alerts", {{"num_dropped", d}});
      metrics.dropped->Inc(static_cast<double>(d));
    }
    if (queue.size() + alerts.size() > capacity) {
      const size_t d = queue.size() + alerts.size() - capacity;
      queue.erase(queue.begin(), queue.begin() + static_cast<std::ptrdiff_t>(d));
      kLog.Warn("Alert notification queue full, dropping alerts", {{"num_dropped", d}});
      metrics.dropped->Inc(static_cast<double>(d));
    }
    for (NotifierAlert& a : alerts) queue.push_back(std::move(a));
    metrics.queue_length->Set(static_cast<double>(queue.size()));
  }

  std::vector<NotifierAlert> NextBatch() {
    util::MutexLock lock(&mu);
    const size_t n = std::min(queue.size(), kMaxBatchSize);
    std::vector<NotifierAlert> batch(std::make_move_iterator(queue.begin()),
                                     std::make_move_iterator(queue.begin() + n));
    queue.erase(queue.begin(), queue.begin() + static_cast<std::ptrdiff_t>(n));
    metrics.queue_length->Set(static_cast<double>(queue.size()));
    return batch;
  }

  void Run() {
    while (true) {
      {
        std::unique_lock<std::mutex> l(wake_mu);
        wake_cv.wait(l, [this] { return more || stop_requested; });
        // A stop takes priority over sending further notifications.
        if (stop_requested) break;
        more = false;
      }
      SendOneBatch();
      if (QueueLength() > 0) SetMore();
    }
    Drain();
  }

  void Drain() {
    if (!options.drain_on_shutdown) {
      util::MutexLock lock(&mu);
      if (!queue.empty()) {
        kLog.Warn(
            "Draining remaining notifications on shutdown is disabled, and some notifications "
            "have been dropped",
            {{"count", queue.size()}});
        metrics.dropped->Inc(static_cast<double>(queue.size()));
        queue.clear();
        metrics.queue_length->Set(0);
      }
      return;
    }
    kLog.Info("Draining any remaining notifications...");
    while (QueueLength() > 0) SendOneBatch();
    kLog.Info("Remaining notifications drained");
  }

  void SendOneBatch() {
    std::vector<NotifierAlert> batch = NextBatch();
    if (!SendAll(batch)) metrics.dropped->Inc(static_cast<double>(batch.size()));
  }

  // Sends to every Alertmanager of every set concurrently and waits for all. True when every
  // set that had something to send reached at least one of its Alertmanagers.
  bool SendAll(const std::vector<NotifierAlert>& alerts) {
    if (alerts.empty()) return true;
    const absl::Time begin = absl::Now();
    const std::shared_ptr<const Sets> current = CurrentSets();
    std::shared_ptr<const std::string> shared_payload;  // for sets without alert relabelling
    std::vector<std::unique_ptr<std::atomic<bool>>> covered;
    std::vector<std::thread> threads;
    for (const std::shared_ptr<AlertmanagerSet>& set : *current) {
      std::vector<std::shared_ptr<Alertmanager>> ams = set->active();
      if (ams.empty()) continue;
      std::shared_ptr<const std::string> payload;
      size_t count = alerts.size();
      if (!set->cfg().alert_relabel_configs.empty()) {
        std::vector<NotifierAlert> relabelled =
            RelabelAlerts(set->cfg().alert_relabel_configs, {}, alerts);
        if (relabelled.empty()) continue;
        count = relabelled.size();
        payload = std::make_shared<const std::string>(EncodeAlerts(relabelled));
      } else {
        if (!shared_payload)
          shared_payload = std::make_shared<const std::string>(EncodeAlerts(alerts));
        payload = shared_payload;
      }
      covered.push_back(std::make_unique<std::atomic<bool>>(false));
      std::atomic<bool>* ok = covered.back().get();
      const absl::Duration timeout = set->cfg().timeout;
      for (std::shared_ptr<Alertmanager>& am : ams) {
        threads.emplace_back([this, am = std::move(am), payload, count, ok, timeout, begin] {
          const absl::Status s = am->Post(*payload, timeout, user_agent);
          if (!s.ok()) {
            kLog.Error("Error sending alerts",
                       {{"alertmanager", am->url()}, {"count", count}, {"err", s}});
            metrics.errors->With({am->url()})->Inc(static_cast<double>(count));
          } else {
            ok->store(true);
          }
          const double seconds = absl::ToDoubleSeconds(absl::Now() - begin);
          metrics.latency->With({am->url()})->Observe(seconds);
          metrics.latency_histogram->With({am->url()})->Observe(seconds);
          metrics.sent->With({am->url()})->Inc(static_cast<double>(count));
        });
      }
    }
    for (std::thread& t : threads) t.join();
    for (const auto& ok : covered) {
      if (!ok->load()) return false;
    }
    return true;
  }

  void StopSender() {
    std::call_once(stop_once, [this] {
      kLog.Info("Stopping notification manager...");
      {
        util::MutexLock lock(&mu);
        stopped = true;
      }
      {
        std::lock_guard<std::mutex> l(wake_mu);
        stop_requested = true;
      }
      wake_cv.notify_all();
      sender.join();
      kLog.Info("Notification manager stopped");
    });
  }
};

Notifier::Notifier(NotifierOptions options, util::Registry* registry)
    : impl_(std::make_unique<Impl>(std::move(options), registry)) {}

Notifier::~Notifier() {
  impl_->StopSender();
  // Discovery threads of the sets call back into impl_; end them before it goes.
  std::shared_ptr<const Impl::Sets> sets;
  {
    util::MutexLock lock(&impl_->mu);
    sets = std::move(impl_->sets);
    impl_->sets = std::make_shared<Impl::Sets>();
  }
  sets.reset();
}

absl::Status Notifier::ApplyConfig(const config::Config& cfg) {
  for (const config::AlertmanagerConfig& am : cfg.alerting.alertmanagers) {
    RETURN_IF_ERROR(ValidateAlertmanagerConfig(am));
  }
  auto relabelling = std::make_shared<Impl::Relabelling>();
  relabelling->external_labels = cfg.global.external_labels;
  relabelling->configs = cfg.alerting.alert_relabel_configs;
  auto sets = std::make_shared<Impl::Sets>();
  const discovery::DiscoveryOptions sd_options{
      .check_period = impl_->options.sd_check_period,
      .update_interval = impl_->options.sd_update_interval};
  for (size_t i = 0; i < cfg.alerting.alertmanagers.size(); ++i) {
    sets->push_back(std::make_shared<AlertmanagerSet>(
        cfg.alerting.alertmanagers[i], util::StrCat("config-", i), sd_options,
        [impl = impl_.get()] { impl->UpdateDiscovered(); }));
  }
  std::shared_ptr<const Impl::Sets> old;
  {
    util::MutexLock lock(&impl_->mu);
    impl_->relabelling = std::move(relabelling);
    old = std::move(impl_->sets);
    impl_->sets = sets;
  }
  for (const auto& s : *sets) s->Start();
  // The old sets' discovery stops here (or when a send in progress lets go of them), outside
  // the lock their callbacks take.
  old.reset();
  impl_->UpdateDiscovered();
  return absl::OkStatus();
}

void Notifier::Send(std::vector<NotifierAlert> alerts) {
  std::shared_ptr<const Impl::Relabelling> r;
  {
    util::ReaderMutexLock lock(&impl_->mu);
    r = impl_->relabelling;
  }
  std::vector<NotifierAlert> relabelled = RelabelAlerts(r->configs, r->external_labels, alerts);
  if (relabelled.empty()) return;
  impl_->Enqueue(std::move(relabelled));
  impl_->SetMore();
}

void Notifier::Stop() { impl_->StopSender(); }

std::vector<AlertmanagerStatus> Notifier::ActiveAlertmanagers() const {
  std::vector<AlertmanagerStatus> out;
  for (const auto& s : *impl_->CurrentSets()) {
    for (const auto& am : s->active()) out.push_back(AlertmanagerStatus{am->url()});
  }
  return out;
}

std::vector<AlertmanagerStatus> Notifier::DroppedAlertmanagers() const {
  std::vector<AlertmanagerStatus> out;
  for (const auto& s : *impl_->CurrentSets()) {
    for (std::string& url : s->dropped_urls()) out.push_back(AlertmanagerStatus{std::move(url)});
  }
  return out;
}

}  // namespace sextant::rules
