#include "discovery/kubernetes/kubernetes_provider.h"

#include <algorithm>
#include <iterator>
#include <utility>

#include "discovery/kubernetes/objects.h"
#include "discovery/metrics.h"
#include "util/log.h"
#include "util/strings.h"

namespace sextant::discovery::kubernetes {
namespace {

using nlohmann::json;
using util::StrCat;

const util::Logger kLog("discovery");

// Per kind: the role name (as in the config and the metrics; "namespace" is not a role) and the
// API resource.
struct KindInfo {
  std::string_view role;
  std::string_view resource;
  bool cluster_wide;
};
constexpr KindInfo kKindInfo[] = {
    {"node", "nodes", true},
    {"pod", "pods", false},
    {"service", "services", false},
    {"endpoints", "endpoints", false},
    {"endpointslice", "endpointslices", false},
    {"ingress", "ingresses", false},
    {"namespace", "namespaces", true},
};

// The index of `role` in kKubernetesRoles (metrics.h), or -1.
int MetricsRole(std::string_view role) {
  for (size_t i = 0; i < std::size(kKubernetesRoles); ++i) {
    if (kKubernetesRoles[i] == role) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

KubernetesProvider::KubernetesProvider(config::KubernetesSdConfig cfg, size_t index,
                                       ProviderOptions options)
    : cfg_(std::move(cfg)), name_(StrCat("kubernetes/", index)), options_(std::move(options)) {
  for (int k = 0; k < kKinds; ++k) {
    if (kKindInfo[k].role == cfg_.role) role_ = static_cast<Kind>(k);
  }
}

KubernetesProvider::~KubernetesProvider() {
  for (auto& informer : informers_) informer->Stop();
}

void KubernetesProvider::SetWakeup(std::function<void()> wake) {
  std::lock_guard<std::mutex> l(mu_);
  wake_ = std::move(wake);
}

void KubernetesProvider::StartInformers() {
  absl::StatusOr<Connection> connection = ResolveConnection(cfg_, options_.resolve);
  if (!connection.ok()) {
    kLog.Error("Cannot create Kubernetes discovery",
               {{"discovery", name_}, {"err", connection.status()}});
    return;
  }
  std::vector<std::string> namespaces = cfg_.namespaces.names;
  if (cfg_.namespaces.own_namespace && !connection->own_namespace.empty()) {
    namespaces.push_back(connection->own_namespace);
  }
  if (namespaces.empty()) namespaces.push_back("");  // all namespaces

  std::vector<Kind> kinds = {role_};
  if (role_ == kEndpoints || role_ == kEndpointSlice) {
    kinds.push_back(kService);
    kinds.push_back(kPod);
  }
  const bool node_metadata = cfg_.attach_metadata.node &&
                             (role_ == kPod || role_ == kEndpoints || role_ == kEndpointSlice);
  if (node_metadata) kinds.push_back(kNode);
  if (cfg_.attach_metadata.namespace_ && role_ != kNode) kinds.push_back(kNamespace);

  InformerOptions informer_options = options_.informer;
  informer_options.on_failure = [] { GlobalSdMetrics().kubernetes_failures.Inc(); };
  for (Kind kind : kinds) {
    const KindInfo& info = kKindInfo[kind];
    InformerSpec spec;
    spec.resource = std::string(info.resource);
    for (const auto& selector : cfg_.selectors) {
      if (selector.role != info.role) continue;
      spec.label_selector = selector.label;
      spec.field_selector = selector.field;
    }
    const std::vector<std::string> all = {""};
    for (const std::string& ns : info.cluster_wide ? all : namespaces) {
      spec.ns = ns;
      informers_.push_back(std::make_unique<Informer>(
          *connection, spec, informer_options,
          [this, kind](const std::vector<Informer::Event>& batch) { OnEvents(kind, batch); }));
    }
  }
  for (auto& informer : informers_) informer->Start();
}

void KubernetesProvider::CountEvent(Kind kind, EventType type) {
  // Prometheus counts the role's own objects, the services behind endpoints and endpoint
  // slices, and updates of the pods behind endpoints (its endpointslice role has no pod handler).
  const bool counted = kind == role_ ||
                       ((role_ == kEndpoints || role_ == kEndpointSlice) && kind == kService) ||
                       (role_ == kEndpoints && kind == kPod && type == EventType::kModified);
  const int role = MetricsRole(kKindInfo[kind].role);
  if (!counted || role < 0) return;
  const size_t event = type == EventType::kAdded ? 0 : type == EventType::kDeleted ? 1 : 2;
  GlobalSdMetrics().kubernetes_events[role][event].Inc();
}

void KubernetesProvider::OnEvents(Kind kind, const std::vector<Informer::Event>& batch) {
  std::function<void()> wake;
  {
    std::lock_guard<std::mutex> l(mu_);
    std::set<std::string> rebuild;
    for (const Informer::Event& e : batch) {
      CountEvent(kind, e.type);
      if (e.type == EventType::kDeleted) {
        objects_[kind].erase(e.key);
      } else {
        objects_[kind][e.key] = e.object;
      }
      if (kind == role_) rebuild.insert(e.key);
      auto deps = dependents_.find(StrCat(kKindInfo[kind].role, ":", e.key));
      if (deps != dependents_.end()) rebuild.insert(deps->second.begin(), deps->second.end());
    }
    for (const std::string& key : rebuild) Rebuild(key);
    if (dirty_) wake = wake_;
  }
  if (wake) wake();
}

void KubernetesProvider::Rebuild(const std::string& key) {
  // Forget what the old group looked up.
  if (auto old = depends_on_.find(key); old != depends_on_.end()) {
    for (const std::string& dep : old->second) {
      auto it = dependents_.find(dep);
      if (it == dependents_.end()) continue;
      it->second.erase(key);
      if (it->second.empty()) dependents_.erase(it);
    }
    depends_on_.erase(old);
  }
  auto object = objects_[role_].find(key);
  if (object == objects_[role_].end()) {
    if (built_.erase(key) > 0) dirty_ = true;
    return;
  }

  std::vector<std::string> deps;
  auto find = [&](Kind kind, std::string key) -> const json* {
    auto it = objects_[kind].find(key);
    deps.push_back(StrCat(kKindInfo[kind].role, ":", key));
    return it == objects_[kind].end() ? nullptr : it->second.get();
  };
  ObjectLookup lookup;
  lookup.pod = [&](std::string_view ns, std::string_view name) {
    return find(kPod, StrCat(ns, "/", name));
  };
  lookup.service = [&](std::string_view ns, std::string_view name) {
    return find(kService, StrCat(ns, "/", name));
  };
  if (cfg_.attach_metadata.node &&
      (role_ == kPod || role_ == kEndpoints || role_ == kEndpointSlice)) {
    lookup.node = [&](std::string_view name) { return find(kNode, std::string(name)); };
  }
  if (cfg_.attach_metadata.namespace_ && role_ != kNode) {
    lookup.namespace_ = [&](std::string_view name) { return find(kNamespace, std::string(name)); };
  }

  const json& o = *object->second;
  std::optional<TargetGroup> group;
  switch (role_) {
    case kNode:
      group = NodeGroup(o);
      break;
    case kPod:
      group = PodGroup(o, lookup);
      break;
    case kService:
      group = ServiceGroup(o, lookup);
      break;
    case kEndpoints:
      group = EndpointsGroup(o, lookup);
      break;
    case kEndpointSlice:
      group = EndpointSliceGroup(o, lookup);
      break;
    case kIngress:
      group = IngressGroup(o, lookup);
      break;
    case kNamespace:
    case kKinds:
      break;
  }
  std::sort(deps.begin(), deps.end());
  deps.erase(std::unique(deps.begin(), deps.end()), deps.end());
  for (const std::string& dep : deps) dependents_[dep].insert(key);
  if (!deps.empty()) depends_on_[key] = std::move(deps);

  if (!group) {
    if (built_.erase(key) > 0) dirty_ = true;
    return;
  }
  auto [it, added] = built_.try_emplace(key);
  if (added || it->second != *group) {
    it->second = std::move(*group);
    dirty_ = true;
  }
}

bool KubernetesProvider::Refresh(absl::Time now) {
  (void)now;
  if (!started_) {
    started_ = true;
    StartInformers();
  }
  std::lock_guard<std::mutex> l(mu_);
  if (!dirty_) return false;
  for (const auto& informer : informers_) {
    if (!informer->synced()) return false;
  }
  dirty_ = false;
  std::vector<TargetGroup> groups;
  groups.reserve(built_.size());
  for (const auto& [key, group] : built_) groups.push_back(group);
  if (groups == groups_) return false;
  groups_ = std::move(groups);
  return true;
}

}  // namespace sextant::discovery::kubernetes
