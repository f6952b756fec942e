#pragma once

// The target groups Prometheus 3.x's Kubernetes discovery builds from API objects, one function
// per role, from the objects as the API server sends them (JSON). Pure: the watching client
// (to come) keeps the objects and calls these when one changes.
//
//   node   one target per node: its preferred address (InternalIP, InternalDNS, ExternalIP,
//          ExternalDNS, LegacyHostIP, Hostname, in that order) and the kubelet port, `instance`
//          set to the node name; __meta_kubernetes_node_* labels, one per condition and address
//          type. Source "node/<name>".
//   pod    one target per container port (a container without ports: one target at the pod IP),
//          init containers included (pod_container_init); none while the pod has no IP.
//          Source "pod/<namespace>/<name>".
//   service one target per service port at <name>.<namespace>.svc:<port>, with the port, type,
//          cluster IP (or external name) and load balancer IPs. Source "svc/<namespace>/<name>".
//   ingress one target per rule and path at the rule's host, scheme https when a TLS host
//          (wildcards included) matches. Source "ingress/<namespace>/<name>".
//   endpoints one target per (subset port, address), ready or not, with the service's labels
//          and, for addresses that point at a known pod, the pod's labels and the matching
//          container port (when several containers have it, the last, init containers after the
//          others, as Prometheus); then one target per container port of those pods that no
//          endpoint port covered. Source "endpoints/<namespace>/<name>".
//   endpointslice as endpoints, for discovery.k8s.io/v1 slices: one target per (endpoint address,
//          port) with the endpoint's conditions, zone, hostname, node and topology; the service
//          is the slice's kubernetes.io/service-name; a dual-stack service's slices of its
//          secondary address family have no targets. Source "endpointslice/<namespace>/<name>".
//
// attach_metadata: an ObjectLookup with `node` set adds the node's __meta_kubernetes_node_name,
// _label_*, _labelpresent_*, _annotation_* and _annotationpresent_* labels (pod: to the group,
// and a pod on a node the lookup does not know has no targets, as the node selectors filtered
// it out; endpoints and endpointslice: to each target whose address names a node); with
// `namespace_` set, the namespace's __meta_kubernetes_namespace_label_* and _annotation_*
// (and _present_) labels go to the group (every role but node).
//
// Label values that are empty are left out, as Prometheus's label builder drops them.
// Missing or mistyped fields read as empty (so their labels are left out), never as errors.
// Thread-safety: the functions are pure; an ObjectLookup's callbacks are called on the calling
// thread, possibly several times per call, and the objects they return need to live only until
// the call returns (the groups copy what they need).

#include <functional>
#include <optional>
#include <string_view>

#include "discovery/target_group.h"
#include "nlohmann/json_fwd.hpp"

namespace sextant::discovery::kubernetes {

// The node role's group; nullopt when the node has no address (Prometheus logs and skips it).
std::optional<TargetGroup> NodeGroup(const nlohmann::json& node);

// The objects groups refer to (the pods behind endpoints, their services, and with
// attach_metadata the nodes and namespaces), from the watching client's caches. Each may return
// nullptr for "not known"; `node` and `namespace_` are set only when attach_metadata asks.
struct ObjectLookup {
  std::function<const nlohmann::json*(std::string_view ns, std::string_view name)> pod;
  std::function<const nlohmann::json*(std::string_view ns, std::string_view name)> service;
  std::function<const nlohmann::json*(std::string_view name)> node;
  std::function<const nlohmann::json*(std::string_view name)> namespace_;
};

// The pod role's group.
TargetGroup PodGroup(const nlohmann::json& pod, const ObjectLookup& lookup = {});

// The endpoints role's group.
TargetGroup EndpointsGroup(const nlohmann::json& endpoints, const ObjectLookup& lookup);

// The endpointslice role's group.
TargetGroup EndpointSliceGroup(const nlohmann::json& slice, const ObjectLookup& lookup);

// The service role's group.
TargetGroup ServiceGroup(const nlohmann::json& service, const ObjectLookup& lookup = {});

// The ingress role's group (networking.k8s.io/v1).
TargetGroup IngressGroup(const nlohmann::json& ingress, const ObjectLookup& lookup = {});

// Prometheus's strutil.SanitizeLabelName: every character outside [a-zA-Z0-9_] becomes '_'.
std::string SanitizeLabelName(std::string_view name);

}  // namespace sextant::discovery::kubernetes
