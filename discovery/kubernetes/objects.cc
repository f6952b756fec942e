#include "discovery/kubernetes/objects.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "model/labels.h"
#include "nlohmann/json.hpp"
#include "util/strings.h"

namespace sextant::discovery::kubernetes {
namespace {

using nlohmann::json;

constexpr std::string_view kPrefix = "__meta_kubernetes_";

// The member at `path`, or nullptr when a step is missing or not an object.
const json* Find(const json& j, std::initializer_list<std::string_view> path) {
  const json* cur = &j;
  for (std::string_view key : path) {
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(key);
    if (it == cur->end()) return nullptr;
    cur = &*it;
  }
  return cur;
}

// The string at `path`, or "" when missing or not a string.
std::string Str(const json& j, std::initializer_list<std::string_view> path) {
  const json* v = Find(j, path);
  return v != nullptr && v->is_string() ? v->get<std::string>() : std::string();
}

// The array at `path`, or an empty one.
const json& Array(const json& j, std::initializer_list<std::string_view> path) {
  static const json kEmpty = json::array();
  const json* v = Find(j, path);
  return v != nullptr && v->is_array() ? *v : kEmpty;
}

// Go's net.JoinHostPort: IPv6 addresses in brackets.
std::string JoinHostPort(std::string_view host, std::string_view port) {
  if (host.find(':') != std::string_view::npos) return util::StrCat("[", host, "]:", port);
  return util::StrCat(host, ":", port);
}

std::string Meta(std::string_view name) { return util::StrCat(kPrefix, name); }

// addObjectAnnotationsAndLabels: each label and annotation of `object` with its "present" twin,
// named after `kind` (the role, or "namespace").
void AddLabelsAndAnnotations(model::LabelsBuilder& b, const json& object, std::string_view kind) {
  for (std::string_view what : {"label", "annotation"}) {
    const json* map = Find(object, {"metadata", what == "label" ? "labels" : "annotations"});
    if (map == nullptr || !map->is_object()) continue;
    for (auto it = map->begin(); it != map->end(); ++it) {
      const std::string name = SanitizeLabelName(it.key());
      b.Set(Meta(util::StrCat(kind, "_", what, "_", name)),
            it.value().is_string() ? it.value().get<std::string>() : std::string());
      b.Set(Meta(util::StrCat(kind, "_", what, "present_", name)), "true");
    }
  }
}

// addObjectMetaLabels: <role>_name, then the labels and annotations.
void AddObjectMeta(model::LabelsBuilder& b, const json& object, std::string_view role) {
  b.Set(Meta(util::StrCat(role, "_name")), Str(object, {"metadata", "name"}));
  AddLabelsAndAnnotations(b, object, role);
}

// attach_metadata.namespace: the namespace's labels and annotations, when asked and known.
void AddNamespaceMeta(model::LabelsBuilder& b, const ObjectLookup& lookup, std::string_view ns) {
  if (!lookup.namespace_) return;
  if (const json* object = lookup.namespace_(ns)) AddLabelsAndAnnotations(b, *object, "namespace");
}

// attach_metadata.node: the node's name, labels and annotations, when asked and known.
void AddNodeMeta(model::LabelsBuilder& b, const ObjectLookup& lookup, const json* node_name) {
  if (!lookup.node || node_name == nullptr || !node_name->is_string()) return;
  if (const json* node = lookup.node(node_name->get<std::string>())) {
    AddObjectMeta(b, *node, "node");
  }
}

// The address Prometheus scrapes a node at, by address type preference.
std::optional<std::string> NodeAddress(const json& node) {
  const json& addresses = Array(node, {"status", "addresses"});
  for (std::string_view type :
       {"InternalIP", "InternalDNS", "ExternalIP", "ExternalDNS", "LegacyHostIP", "Hostname"}) {
    for (const json& a : addresses) {
      if (Str(a, {"type"}) == type) return Str(a, {"address"});
    }
  }
  return std::nullopt;
}

std::string PortString(const json* port) {
  if (port == nullptr || !port->is_number_integer()) return "0";
  return std::to_string(port->get<int64_t>());
}

// podLabels: what a pod contributes to its own targets and to endpoints pointing at it.
void AddPodLabels(model::LabelsBuilder& labels, const json& pod) {
  labels.Set(Meta("pod_ip"), Str(pod, {"status", "podIP"}));
  std::string ready = "unknown";
  for (const json& c : Array(pod, {"status", "conditions"})) {
    if (Str(c, {"type"}) == "Ready") {
      ready = util::AsciiLower(Str(c, {"status"}));
      break;
    }
  }
  labels.Set(Meta("pod_ready"), ready);
  labels.Set(Meta("pod_phase"), Str(pod, {"status", "phase"}));
  labels.Set(Meta("pod_node_name"), Str(pod, {"spec", "nodeName"}));
  labels.Set(Meta("pod_host_ip"), Str(pod, {"status", "hostIP"}));
  labels.Set(Meta("pod_uid"), Str(pod, {"metadata", "uid"}));
  AddObjectMeta(labels, pod, "pod");
  for (const json& owner : Array(pod, {"metadata", "ownerReferences"})) {
    const json* controller = Find(owner, {"controller"});
    if (controller == nullptr || !controller->is_boolean() || !controller->get<bool>()) continue;
    labels.Set(Meta("pod_controller_kind"), Str(owner, {"kind"}));
    labels.Set(Meta("pod_controller_name"), Str(owner, {"name"}));
    break;
  }
}

// A pod behind endpoint addresses, with the port numbers endpoints already made targets for.
struct SeenPod {
  const json* pod;
  std::vector<int64_t> ports;
};

std::optional<int64_t> IntAt(const json& j, std::string_view key) {
  const json* v = Find(j, {key});
  if (v == nullptr || !v->is_number_integer()) return std::nullopt;
  return v->get<int64_t>();
}

// The pod_container_* labels of container `c`'s port `cport` (numbered `number`).
void SetContainerLabels(model::LabelsBuilder& t, const json& c, const json& cport, int64_t number,
                        std::string_view protocol, bool init) {
  t.Set(Meta("pod_container_name"), Str(c, {"name"}));
  t.Set(Meta("pod_container_image"), Str(c, {"image"}));
  t.Set(Meta("pod_container_port_name"), Str(cport, {"name"}));
  t.Set(Meta("pod_container_port_number"), std::to_string(number));
  t.Set(Meta("pod_container_port_protocol"), protocol);
  t.Set(Meta("pod_container_init"), init ? "true" : "false");
}

// The pod_container_* labels of the container port numbered `number`: each container's first
// such port, and of several containers the last (init containers after the others), as
// Prometheus's loop overwrites. `protocol`, when set, replaces the container port's protocol (the
// endpoints role reports the endpoint port's).
void SetContainerPortLabels(model::LabelsBuilder& t, const json& pod, int64_t number,
                            const std::string* protocol) {
  const json* match = nullptr;
  const json* match_port = nullptr;
  bool match_init = false;
  for (bool init : {false, true}) {
    for (const json& c : Array(pod, {"spec", init ? "initContainers" : "containers"})) {
      for (const json& cport : Array(c, {"ports"})) {
        if (IntAt(cport, "containerPort") != number) continue;
        match = &c;
        match_port = &cport;
        match_init = init;
        break;
      }
    }
  }
  if (match == nullptr) return;
  SetContainerLabels(t, *match, *match_port, number,
                     protocol != nullptr ? *protocol : Str(*match_port, {"protocol"}), match_init);
}

// `role`_address_target_kind/_name of an endpoint's targetRef.
void SetTargetRefLabels(model::LabelsBuilder& t, const json* ref, std::string_view role) {
  if (ref == nullptr || !ref->is_object()) return;
  t.Set(Meta(util::StrCat(role, "_address_target_kind")), Str(*ref, {"kind"}));
  t.Set(Meta(util::StrCat(role, "_address_target_name")), Str(*ref, {"name"}));
}

// The entry of `pod` in `seen`, added when new (in order of first appearance).
SeenPod& SeenEntry(std::vector<SeenPod>& seen, const json* pod) {
  for (SeenPod& s : seen) {
    if (s.pod == pod) return s;
  }
  return seen.emplace_back(SeenPod{pod, {}});
}

// A target for each container port of the seen pods that no endpoint port covered.
void AppendUncoveredPorts(const std::vector<SeenPod>& seen, TargetGroup* g) {
  for (const SeenPod& s : seen) {
    const std::string ip = Str(*s.pod, {"status", "podIP"});
    if (ip.empty()) continue;
    for (bool init : {false, true}) {
      for (const json& c : Array(*s.pod, {"spec", init ? "initContainers" : "containers"})) {
        for (const json& cport : Array(c, {"ports"})) {
          const int64_t number = IntAt(cport, "containerPort").value_or(0);
          if (std::find(s.ports.begin(), s.ports.end(), number) != s.ports.end()) continue;
          model::LabelsBuilder t;
          t.Set("__address__", JoinHostPort(ip, std::to_string(number)));
          SetContainerLabels(t, c, cport, number, Str(cport, {"protocol"}), init);
          AddPodLabels(t, *s.pod);
          g->targets.push_back(t.Build());
        }
      }
    }
  }
}

// The pod an endpoint's targetRef names, when it is a pod the lookup knows.
const json* PodOf(const json* ref, const ObjectLookup& lookup) {
  if (ref == nullptr || !ref->is_object() || Str(*ref, {"kind"}) != "Pod" || !lookup.pod) {
    return nullptr;
  }
  return lookup.pod(Str(*ref, {"namespace"}), Str(*ref, {"name"}));
}

}  // namespace

namespace {

// The length of the valid UTF-8 sequence at the start of `s`, or 1 when it is not one (Go's
// utf8.DecodeRuneInString: overlong forms, surrogates and truncated sequences are one bad byte).
size_t Utf8Length(std::string_view s) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char b = byte(0);
  size_t n = 1;
  unsigned char lo = 0x80, hi = 0xBF;  // the second byte's range
  if (b >= 0xC2 && b <= 0xDF) {
    n = 2;
  } else if (b >= 0xE0 && b <= 0xEF) {
    n = 3;
    if (b == 0xE0) lo = 0xA0;
    if (b == 0xED) hi = 0x9F;
  } else if (b >= 0xF0 && b <= 0xF4) {
    n = 4;
    if (b == 0xF0) lo = 0x90;
    if (b == 0xF4) hi = 0x8F;
  } else {
    return 1;
  }
  if (s.size() < n || byte(1) < lo || byte(1) > hi) return 1;
  for (size_t i = 2; i < n; ++i) {
    if (byte(i) < 0x80 || byte(i) > 0xBF) return 1;
  }
  return n;
}

}  // namespace

std::string SanitizeLabelName(std::string_view name) {
  // Go's regexp replaces each rune, so a multi-byte character becomes a single '_'.
  std::string out;
  out.reserve(name.size());
  for (size_t i = 0; i < name.size();) {
    const char c = name[i];
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (ok) {
      out.push_back(c);
      ++i;
    } else {
      out.push_back('_');
      i += Utf8Length(name.substr(i));
    }
  }
  return out;
}

std::optional<TargetGroup> NodeGroup(const json& node) {
  const std::string name = Str(node, {"metadata", "name"});
  std::optional<std::string> address = NodeAddress(node);
  if (!address) return std::nullopt;
  TargetGroup g;
  g.source = util::StrCat("node/", name);
  model::LabelsBuilder labels;
  labels.Set(Meta("node_provider_id"), Str(node, {"spec", "providerID"}));
  for (const json& c : Array(node, {"status", "conditions"})) {
    labels.Set(Meta(util::StrCat("node_condition_",
                                 SanitizeLabelName(util::AsciiLower(Str(c, {"type"}))))),
               util::AsciiLower(Str(c, {"status"})));
  }
  AddObjectMeta(labels, node, "node");
  g.labels = labels.Build();
  model::LabelsBuilder target;
  target.Set("__address__",
             JoinHostPort(*address, PortString(Find(node, {"status", "daemonEndpoints",
                                                           "kubeletEndpoint", "Port"}))));
  target.Set("instance", name);
  // The first address of each type.
  const json& addresses = Array(node, {"status", "addresses"});
  for (auto it = addresses.rbegin(); it != addresses.rend(); ++it) {
    target.Set(SanitizeLabelName(Meta(util::StrCat("node_address_", Str(*it, {"type"})))),
               Str(*it, {"address"}));
  }
  g.targets.push_back(target.Build());
  return g;
}

TargetGroup PodGroup(const json& pod, const ObjectLookup& lookup) {
  TargetGroup g;
  const std::string ns = Str(pod, {"metadata", "namespace"});
  g.source = util::StrCat("pod/", ns, "/", Str(pod, {"metadata", "name"}));
  const std::string ip = Str(pod, {"status", "podIP"});
  if (ip.empty()) return g;  // starting or evicted: no targets yet
  const json* node_name = Find(pod, {"spec", "nodeName"});
  // With node metadata, a pod on a node the node selectors left out has no targets.
  if (lookup.node && lookup.node(Str(pod, {"spec", "nodeName"})) == nullptr) return g;

  model::LabelsBuilder labels;
  AddPodLabels(labels, pod);
  labels.Set(Meta("namespace"), ns);
  AddNodeMeta(labels, lookup, node_name);
  AddNamespaceMeta(labels, lookup, ns);
  g.labels = labels.Build();

  for (bool init : {false, true}) {
    const json& containers = Array(pod, {"spec", init ? "initContainers" : "containers"});
    const json& statuses =
        Array(pod, {"status", init ? "initContainerStatuses" : "containerStatuses"});
    for (const json& c : containers) {
      const std::string name = Str(c, {"name"});
      std::string id;
      for (const json& s : statuses) {
        if (Str(s, {"name"}) == name) {
          id = Str(s, {"containerID"});
          break;
        }
      }
      model::LabelsBuilder base;
      base.Set(Meta("pod_container_name"), name);
      base.Set(Meta("pod_container_id"), id);
      base.Set(Meta("pod_container_image"), Str(c, {"image"}));
      base.Set(Meta("pod_container_init"), init ? "true" : "false");
      const json& ports = Array(c, {"ports"});
      if (ports.empty()) {
        // No port: the pod IP alone; the user adds a port by relabelling.
        base.Set("__address__", ip);
        g.targets.push_back(base.Build());
        continue;
      }
      for (const json& p : ports) {
        const std::string number = PortString(Find(p, {"containerPort"}));
        model::LabelsBuilder t(base.Build());
        t.Set("__address__", JoinHostPort(ip, number));
        t.Set(Meta("pod_container_port_number"), number);
        t.Set(Meta("pod_container_port_name"), Str(p, {"name"}));
        t.Set(Meta("pod_container_port_protocol"), Str(p, {"protocol"}));
        g.targets.push_back(t.Build());
      }
    }
  }
  return g;
}

TargetGroup ServiceGroup(const json& service, const ObjectLookup& lookup) {
  TargetGroup g;
  const std::string ns = Str(service, {"metadata", "namespace"});
  const std::string name = Str(service, {"metadata", "name"});
  g.source = util::StrCat("svc/", ns, "/", name);
  model::LabelsBuilder labels;
  labels.Set(Meta("namespace"), ns);
  AddObjectMeta(labels, service, "service");
  AddNamespaceMeta(labels, lookup, ns);
  g.labels = labels.Build();
  const std::string type = Str(service, {"spec", "type"});
  // The load balancer's IPs, or the requested one while it has none.
  std::string lb_ips;
  for (const json& ing : Array(service, {"status", "loadBalancer", "ingress"})) {
    const std::string ip = Str(ing, {"ip"});
    if (!ip.empty()) util::StrAppend(&lb_ips, lb_ips.empty() ? "" : ",", ip);
  }
  if (lb_ips.empty()) lb_ips = Str(service, {"spec", "loadBalancerIP"});
  for (const json& port : Array(service, {"spec", "ports"})) {
    const std::string number = PortString(Find(port, {"port"}));
    model::LabelsBuilder t;
    t.Set("__address__", JoinHostPort(util::StrCat(name, ".", ns, ".svc"), number));
    t.Set(Meta("service_port_name"), Str(port, {"name"}));
    t.Set(Meta("service_port_number"), number);
    t.Set(Meta("service_port_protocol"), Str(port, {"protocol"}));
    t.Set(Meta("service_type"), type);
    if (type == "ExternalName") {
      t.Set(Meta("service_external_name"), Str(service, {"spec", "externalName"}));
    } else {
      t.Set(Meta("service_cluster_ip"), Str(service, {"spec", "clusterIP"}));
    }
    if (type == "LoadBalancer") t.Set(Meta("service_loadbalancer_ip"), lb_ips);
    g.targets.push_back(t.Build());
  }
  return g;
}

namespace {

// A TLS host pattern ("*.example.com" matches one leading label) against a rule's host.
bool MatchesHostPattern(std::string_view pattern, std::string_view host) {
  if (pattern == host) return true;
  const std::vector<std::string_view> p = util::StrSplit(pattern, '.');
  const std::vector<std::string_view> h = util::StrSplit(host, '.');
  if (p.empty() || p[0] != "*" || p.size() != h.size()) return false;
  for (size_t i = 1; i < p.size(); ++i) {
    if (p[i] != h[i]) return false;
  }
  return true;
}

}  // namespace

TargetGroup IngressGroup(const json& ingress, const ObjectLookup& lookup) {
  TargetGroup g;
  const std::string ns = Str(ingress, {"metadata", "namespace"});
  g.source = util::StrCat("ingress/", ns, "/", Str(ingress, {"metadata", "name"}));
  model::LabelsBuilder labels;
  labels.Set(Meta("namespace"), ns);
  labels.Set(Meta("ingress_class_name"), Str(ingress, {"spec", "ingressClassName"}));
  AddObjectMeta(labels, ingress, "ingress");
  AddNamespaceMeta(labels, lookup, ns);
  g.labels = labels.Build();
  std::vector<std::string> tls_hosts;
  for (const json& tls : Array(ingress, {"spec", "tls"})) {
    for (const json& h : Array(tls, {"hosts"})) {
      if (h.is_string()) tls_hosts.push_back(h.get<std::string>());
    }
  }
  for (const json& rule : Array(ingress, {"spec", "rules"})) {
    const std::string host = Str(rule, {"host"});
    std::string scheme = "http";
    for (const std::string& pattern : tls_hosts) {
      if (MatchesHostPattern(pattern, host)) {
        scheme = "https";
        break;
      }
    }
    // No http section: the root path; an http section's paths ("" read as "/"), maybe none.
    std::vector<std::string> paths;
    const json* http = Find(rule, {"http"});
    if (http == nullptr || !http->is_object()) {
      paths.push_back("/");
    } else {
      for (const json& p : Array(*http, {"paths"})) {
        std::string path = Str(p, {"path"});
        paths.push_back(path.empty() ? "/" : path);
      }
    }
    for (const std::string& path : paths) {
      model::LabelsBuilder t;
      t.Set("__address__", host);
      t.Set(Meta("ingress_scheme"), scheme);
      t.Set(Meta("ingress_host"), host);
      t.Set(Meta("ingress_path"), path);
      g.targets.push_back(t.Build());
    }
  }
  return g;
}

TargetGroup EndpointsGroup(const json& endpoints, const ObjectLookup& lookup) {
  TargetGroup g;
  const std::string ns = Str(endpoints, {"metadata", "namespace"});
  const std::string name = Str(endpoints, {"metadata", "name"});
  g.source = util::StrCat("endpoints/", ns, "/", name);
  model::LabelsBuilder labels;
  labels.Set(Meta("namespace"), ns);
  if (const json* svc = lookup.service ? lookup.service(ns, name) : nullptr) {
    AddObjectMeta(labels, *svc, "service");
  }
  AddObjectMeta(labels, endpoints, "endpoints");
  AddNamespaceMeta(labels, lookup, ns);
  g.labels = labels.Build();
  std::vector<SeenPod> seen;
  auto add = [&](const json& addr, const json& port, std::string_view ready) {
    const int64_t number = IntAt(port, "port").value_or(0);
    const std::string protocol = Str(port, {"protocol"});
    model::LabelsBuilder t;
    t.Set("__address__", JoinHostPort(Str(addr, {"ip"}), std::to_string(number)));
    t.Set(Meta("endpoint_port_name"), Str(port, {"name"}));
    t.Set(Meta("endpoint_port_protocol"), protocol);
    t.Set(Meta("endpoint_ready"), ready);
    const json* ref = Find(addr, {"targetRef"});
    SetTargetRefLabels(t, ref, "endpoint");
    t.Set(Meta("endpoint_node_name"), Str(addr, {"nodeName"}));
    t.Set(Meta("endpoint_hostname"), Str(addr, {"hostname"}));
    if (const json* node = Find(addr, {"nodeName"}); node != nullptr && !node->is_null()) {
      AddNodeMeta(t, lookup, node);
    } else if (ref != nullptr && Str(*ref, {"kind"}) == "Node") {
      AddNodeMeta(t, lookup, Find(*ref, {"name"}));
    }
    if (const json* pod = PodOf(ref, lookup)) {
      AddPodLabels(t, *pod);
      SetContainerPortLabels(t, *pod, number, &protocol);
      SeenEntry(seen, pod).ports.push_back(number);
    }
    g.targets.push_back(t.Build());
  };
  for (const json& subset : Array(endpoints, {"subsets"})) {
    for (const json& port : Array(subset, {"ports"})) {
      for (const json& addr : Array(subset, {"addresses"})) add(addr, port, "true");
      for (const json& addr : Array(subset, {"notReadyAddresses"})) add(addr, port, "false");
    }
  }
  AppendUncoveredPorts(seen, &g);
  return g;
}

TargetGroup EndpointSliceGroup(const json& slice, const ObjectLookup& lookup) {
  TargetGroup g;
  const std::string ns = Str(slice, {"metadata", "namespace"});
  g.source = util::StrCat("endpointslice/", ns, "/", Str(slice, {"metadata", "name"}));
  const std::string address_type = Str(slice, {"addressType"});
  model::LabelsBuilder labels;
  labels.Set(Meta("namespace"), ns);
  labels.Set(Meta("endpointslice_address_type"), address_type);
  AddObjectMeta(labels, slice, "endpointslice");
  AddNamespaceMeta(labels, lookup, ns);
  const json* service = nullptr;
  const json* service_name = Find(slice, {"metadata", "labels", "kubernetes.io/service-name"});
  if (service_name != nullptr && service_name->is_string() && lookup.service) {
    service = lookup.service(ns, service_name->get<std::string>());
  }
  if (service != nullptr) {
    labels.Set(Meta("namespace"), Str(*service, {"metadata", "namespace"}));
    AddObjectMeta(labels, *service, "service");
  }
  g.labels = labels.Build();
  if (service != nullptr) {
    // A dual-stack service has a slice per address family; only its primary family's count.
    const std::string policy = Str(*service, {"spec", "ipFamilyPolicy"});
    const json& families = Array(*service, {"spec", "ipFamilies"});
    if ((policy == "PreferDualStack" || policy == "RequireDualStack") && !families.empty() &&
        families[0].is_string() && families[0].get<std::string>() != address_type) {
      return g;
    }
  }

  std::vector<SeenPod> seen;
  auto bool_label = [](model::LabelsBuilder& t, std::string_view name, const json* v) {
    if (v != nullptr && v->is_boolean()) t.Set(Meta(name), v->get<bool>() ? "true" : "false");
  };
  for (const json& ep : Array(slice, {"endpoints"})) {
    for (const json& port : Array(slice, {"ports"})) {
      const std::optional<int64_t> number = IntAt(port, "port");
      for (const json& address : Array(ep, {"addresses"})) {
        if (!address.is_string()) continue;
        const std::string addr = address.get<std::string>();
        model::LabelsBuilder t;
        t.Set("__address__", number ? JoinHostPort(addr, std::to_string(*number)) : addr);
        t.Set(Meta("endpointslice_port_name"), Str(port, {"name"}));
        t.Set(Meta("endpointslice_port_protocol"), Str(port, {"protocol"}));
        if (number) t.Set(Meta("endpointslice_port"), std::to_string(*number));
        t.Set(Meta("endpointslice_port_app_protocol"), Str(port, {"appProtocol"}));
        bool_label(t, "endpointslice_endpoint_conditions_ready", Find(ep, {"conditions", "ready"}));
        bool_label(t, "endpointslice_endpoint_conditions_serving",
                   Find(ep, {"conditions", "serving"}));
        bool_label(t, "endpointslice_endpoint_conditions_terminating",
                   Find(ep, {"conditions", "terminating"}));
        t.Set(Meta("endpointslice_endpoint_hostname"), Str(ep, {"hostname"}));
        const json* ref = Find(ep, {"targetRef"});
        SetTargetRefLabels(t, ref, "endpointslice");
        t.Set(Meta("endpointslice_endpoint_node_name"), Str(ep, {"nodeName"}));
        t.Set(Meta("endpointslice_endpoint_zone"), Str(ep, {"zone"}));
        AddNodeMeta(t, lookup,
                    ref != nullptr && Str(*ref, {"kind"}) == "Node" ? Find(*ref, {"name"})
                                                                    : Find(ep, {"nodeName"}));
        if (const json* topology = Find(ep, {"deprecatedTopology"});
            topology != nullptr && topology->is_object()) {
          for (auto it = topology->begin(); it != topology->end(); ++it) {
            const std::string name = SanitizeLabelName(it.key());
            t.Set(Meta(util::StrCat("endpointslice_endpoint_topology_", name)),
                  it.value().is_string() ? it.value().get<std::string>() : std::string());
            t.Set(Meta(util::StrCat("endpointslice_endpoint_topology_present_", name)), "true");
          }
        }
        if (const json* pod = PodOf(ref, lookup)) {
          AddPodLabels(t, *pod);
          SeenPod& entry = SeenEntry(seen, pod);
          if (number) {
            SetContainerPortLabels(t, *pod, *number, nullptr);
            entry.ports.push_back(*number);
          }
        }
        g.targets.push_back(t.Build());
      }
    }
  }
  AppendUncoveredPorts(seen, &g);
  return g;
}

}  // namespace sextant::discovery::kubernetes
