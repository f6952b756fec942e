#pragma once

// KubernetesProvider: one `kubernetes_sd_configs` entry, as Prometheus 3.x's
// discovery/kubernetes. It runs informers (informer.h) for what the role needs, in each
// configured namespace (or all):
//
//   node           nodes
//   pod            pods (+ nodes with attach_metadata.node)
//   service        services
//   ingress        ingresses (networking.k8s.io/v1)
//   endpoints      endpoints, services and pods (+ nodes)
//   endpointslice  endpointslices (discovery.k8s.io/v1), services and pods (+ nodes)
//
// plus namespaces with attach_metadata.namespace (every role but node). Selectors apply to the
// informers of their role. Each object of the role's own kind is one target group
// (objects.h). A group is rebuilt when its object changes and when any object it looked up while
// being built changes (the service and pods behind endpoints, a pod's node, the namespace), so
// endpoints follow their pods, and a service or pod that appears after its endpoints is picked
// up. A deleted object's group goes away.
//
// Groups are published only once every informer has listed once (Prometheus waits for its
// caches to sync too), then after every change; the manager is woken each time. A dead or
// unreachable API server keeps the last groups (informer.h retries with backoff). A connection
// that cannot be set up (no in-cluster environment, unreadable kubeconfig) is logged and leaves
// the provider empty.
//
// Metrics (metrics.h): prometheus_sd_kubernetes_events_total{role, event} for each add, update
// and delete of the role's objects, of services behind endpoints and endpointslices (all three)
// and of pods behind endpoints (updates; not behind endpointslices), as Prometheus counts them;
// prometheus_sd_kubernetes_failures_total for failed lists and watches.
//
// Thread-safety: as Provider; informers call in from their own threads.

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "discovery/kubernetes/api_client.h"
#include "discovery/kubernetes/informer.h"
#include "discovery/provider.h"

namespace sextant::discovery::kubernetes {

struct ProviderOptions {
  ResolveOptions resolve;    // where in-cluster settings come from
  InformerOptions informer;  // backoff and paging (on_failure is set by the provider)
};

class KubernetesProvider : public Provider {
 public:
  // `index`: the entry's position among its config's kubernetes_sd_configs ("kubernetes/<i>").
  KubernetesProvider(config::KubernetesSdConfig cfg, size_t index, ProviderOptions options = {});
  ~KubernetesProvider() override;

  std::string_view name() const override { return name_; }
  // Starts the informers on the first call; returns true when the groups changed.
  bool Refresh(absl::Time now) override;
  bool dynamic() const override { return true; }
  const std::vector<TargetGroup>& groups() const override { return groups_; }
  void SetWakeup(std::function<void()> wake) override;

 private:
  // The kinds of objects the provider keeps: the role's own and those its groups refer to.
  enum Kind { kNode, kPod, kService, kEndpoints, kEndpointSlice, kIngress, kNamespace, kKinds };

  void StartInformers();
  void OnEvents(Kind kind, const std::vector<Informer::Event>& batch);
  // Rebuilds the group of the role's object `key` (or drops it when the object is gone) and
  // records what it looked up. Needs mu_.
  void Rebuild(const std::string& key);
  void CountEvent(Kind kind, EventType type);

  const config::KubernetesSdConfig cfg_;
  const std::string name_;
  const ProviderOptions options_;
  Kind role_ = kPod;
  std::vector<std::unique_ptr<Informer>> informers_;
  bool started_ = false;
  std::vector<TargetGroup> groups_;  // the owner's copy

  std::mutex mu_;  // guards the fields below
  std::function<void()> wake_;
  std::map<std::string, ObjectPtr> objects_[kKinds];
  std::map<std::string, TargetGroup> built_;  // by the role object's key
  // Dependencies: "<kind>:<key>" looked up → the role objects whose groups looked it up, and back.
  std::map<std::string, std::set<std::string>> dependents_;
  std::map<std::string, std::vector<std::string>> depends_on_;
  bool dirty_ = false;
};

}  // namespace sextant::discovery::kubernetes
