#include "discovery/kubernetes/informer.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "util/log.h"
#include "util/strings.h"

namespace sextant::discovery::kubernetes {
namespace {

using nlohmann::json;

const util::Logger kLog("discovery");

std::string MetaString(const json& object, std::string_view field) {
  auto meta = object.find("metadata");
  if (meta == object.end() || !meta->is_object()) return "";
  auto it = meta->find(field);
  return it != meta->end() && it->is_string() ? it->get<std::string>() : "";
}

// A watch that ends sooner than this without an event counts as failed (a server that answers
// and hangs up at once must not make the informer spin).
constexpr absl::Duration kMinHealthyWatch = absl::Seconds(1);

// What discovery never reads and a cluster sends with every object: metadata.managedFields, often
// half an object's size. Dropped on arrival, so the caches do not keep it.
ObjectPtr Keep(json&& object) {
  if (auto meta = object.find("metadata"); meta != object.end() && meta->is_object()) {
    meta->erase("managedFields");
  }
  return std::make_shared<const json>(std::move(object));
}

}  // namespace

std::string ObjectKey(const json& object) {
  std::string ns = MetaString(object, "namespace");
  std::string name = MetaString(object, "name");
  if (ns.empty()) return name;
  return util::StrCat(ns, "/", name);
}

Informer::Informer(const Connection& connection, InformerSpec spec, InformerOptions options,
                   Handler handler)
    : spec_(std::move(spec)),
      options_(std::move(options)),
      handler_(std::move(handler)),
      path_(CollectionPath(spec_.resource, spec_.ns)),
      client_(connection) {}

Informer::~Informer() { Stop(); }

void Informer::Start() {
  thread_ = std::thread([this] { Run(); });
}

void Informer::Stop() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stopping_.store(true, std::memory_order_release);
  }
  cv_.notify_all();
  client_.Interrupt();
  if (thread_.joinable()) thread_.join();
}

bool Informer::Sleep(absl::Duration d) {
  std::unique_lock<std::mutex> l(mu_);
  cv_.wait_for(l, absl::ToChronoNanoseconds(d), [this] { return stopping(); });
  return !stopping();
}

absl::StatusOr<std::string> Informer::ListAndReplace(const std::string& from) {
  std::vector<ObjectPtr> items;
  std::string version;
  ListOptions list;
  list.label_selector = spec_.label_selector;
  list.field_selector = spec_.field_selector;
  list.limit = options_.page_size;
  list.resource_version = from;
  while (true) {
    absl::StatusOr<json> page = client_.List(path_, list);
    if (!page.ok() && IsResourceExpired(page.status()) && !list.continue_token.empty()) {
      // The continue token expired: list everything at once, as client-go falls back to.
      kLog.Warn("Kubernetes list continuation expired, listing again without paging",
                {{"resource", spec_.resource}, {"err", page.status()}});
      items.clear();
      list.continue_token.clear();
      list.limit = 0;
      continue;
    }
    if (!page.ok()) return page.status();
    auto objects = page->find("items");
    if (objects != page->end() && objects->is_array()) {
      for (json& o : *objects) items.push_back(Keep(std::move(o)));
    } else if (objects != page->end() && !objects->is_null()) {
      return absl::InvalidArgumentError(
          util::StrCat("list of ", spec_.resource, ": items is not a list"));
    }
    version = MetaString(*page, "resourceVersion");
    list.continue_token = MetaString(*page, "continue");
    if (list.continue_token.empty()) break;
  }

  std::vector<Event> batch;
  std::map<std::string, ObjectPtr> next;
  for (ObjectPtr& o : items) {
    std::string key = ObjectKey(*o);
    auto old = known_.find(key);
    if (old == known_.end()) {
      batch.push_back({EventType::kAdded, key, o});
    } else {
      // An object the list shows unchanged needs no event.
      if (MetaString(*old->second, "resourceVersion") != MetaString(*o, "resourceVersion") ||
          MetaString(*o, "resourceVersion").empty()) {
        batch.push_back({EventType::kModified, key, o});
      }
      known_.erase(old);
    }
    next.emplace(std::move(key), std::move(o));
  }
  for (auto& [key, object] : known_) batch.push_back({EventType::kDeleted, key, object});
  known_ = std::move(next);
  // Synced before the handler runs, so that the owner, woken by the handler, sees it.
  const bool first = !synced_.exchange(true, std::memory_order_acq_rel);
  if (!batch.empty() || first) handler_(batch);
  return version;
}

void Informer::Run() {
  std::mt19937_64 rng(std::random_device{}());
  absl::Duration backoff = options_.min_backoff;
  auto failed = [&](std::string_view what, const absl::Status& status) {
    if (status.code() == absl::StatusCode::kCancelled && stopping()) return false;
    kLog.Error(util::StrCat("Kubernetes ", what, " failed"),
               {{"resource", spec_.resource}, {"namespace", spec_.ns}, {"err", status}});
    if (options_.on_failure) options_.on_failure();
    const bool go_on = Sleep(backoff);
    backoff = std::min(backoff * 2, options_.max_backoff);
    return go_on;
  };

  std::string version;
  std::string list_from = "0";  // client-go's first list: the watch cache's state
  bool need_list = true;
  while (!stopping()) {
    if (need_list) {
      absl::StatusOr<std::string> listed = ListAndReplace(list_from);
      if (!listed.ok()) {
        if (!failed("list", listed.status())) return;
        continue;
      }
      version = *listed;
      need_list = false;
      backoff = options_.min_backoff;
    }
    WatchOptions watch;
    watch.label_selector = spec_.label_selector;
    watch.field_selector = spec_.field_selector;
    watch.resource_version = version;
    watch.allow_bookmarks = true;
    const double factor = std::uniform_real_distribution<double>(1.0, 2.0)(rng);
    watch.timeout =
        absl::Seconds(std::floor(absl::ToDoubleSeconds(options_.watch_timeout) * factor));
    if (watch.timeout < absl::Seconds(1)) watch.timeout = absl::Seconds(1);
    const absl::Time started = absl::Now();
    bool got_event = false;
    absl::Status status = client_.Watch(path_, watch, [&](const WatchEvent& e) {
      got_event = true;
      const std::string rv = MetaString(e.object, "resourceVersion");
      if (!rv.empty()) version = rv;
      if (e.type == EventType::kBookmark) return !stopping();
      ObjectPtr object = Keep(json(e.object));
      std::string key = ObjectKey(*object);
      if (e.type == EventType::kDeleted) {
        known_.erase(key);
      } else {
        known_[key] = object;
      }
      handler_({Event{e.type, std::move(key), std::move(object)}});
      return !stopping();
    });
    if (stopping()) return;
    if (IsResourceExpired(status)) {
      kLog.Info("Kubernetes watch expired, listing again",
                {{"resource", spec_.resource}, {"namespace", spec_.ns}, {"err", status}});
      need_list = true;
      list_from = "";  // the version is gone: a consistent read
      continue;
    }
    if (status.ok() && (got_event || absl::Now() - started >= kMinHealthyWatch)) {
      backoff = options_.min_backoff;
      continue;
    }
    if (status.ok()) status = absl::UnavailableError("the watch ended at once without events");
    if (!failed("watch", status)) return;
  }
}

}  // namespace sextant::discovery::kubernetes
