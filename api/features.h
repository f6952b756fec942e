#pragma once

// /api/v1/features: which features this server has, in Prometheus 3.x's shape
// (util/features and the registrations in web.go, promql/engine.go, promql/parser/features.go,
// rules/manager.go, scrape/manager.go, tsdb/db.go, discovery/manager.go, template/template.go):
//
//   {"api": {"admin": false, ...}, "promql": {...}, "promql_functions": {...}, ...}
//
// categories and names sorted, and written as Prometheus writes them (no HTML escaping, so
// operators read ">="). Values are what Sextant really supports: the names Prometheus reports are
// kept where Sextant lacks the feature, with false (for example native_histograms,
// exemplar_storage, otlp_write_receiver, the experimental PromQL functions), so a client that
// looks a feature up finds it switched off; Prometheus features with no counterpart at all (its
// label implementation's name, fuzzy search algorithms, the service discovery mechanisms Sextant
// does not have) are left out.
//
// Thread-safety: pure.

#include <string>

namespace sextant::api {

struct FeatureOptions {
  bool lifecycle = false;              // --web.enable-lifecycle
  bool admin = false;                  // --web.enable-admin-api
  bool remote_write_receiver = false;  // --web.enable-remote-write-receiver
};

// The `data` of /api/v1/features.
std::string FeaturesJson(const FeatureOptions& options);

}  // namespace sextant::api
