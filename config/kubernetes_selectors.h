#pragma once

// Validation of the Kubernetes selectors a kubernetes_sd_configs entry may carry, with the
// grammar and the error text of k8s.io/apimachinery v0.35 (the version Prometheus 3.x builds
// with): fields.ParseSelector and labels.Parse. Sextant sends the selectors to the API server as
// written; these checks only reject what Prometheus rejects when it loads the config.
//
// Thread-safety: pure functions.

#include <string_view>

#include "absl/status/status.h"

namespace sextant::config {

// fields.ParseSelector: comma-separated `field=value`, `field==value` or `field!=value` terms
// ("" selects everything). In values, `\,` `\=` and `\\` are escapes and a bare ',' or '=' is
// an error. Returns OK or InvalidArgument with apimachinery's message, e.g.
//   invalid selector: 'a'; can't understand 'a'
// Like apimachinery, terms are checked in sorted order, so the first bad one in that order is
// reported.
absl::Status ValidateFieldSelector(std::string_view selector);

// labels.Parse: comma-separated requirements `k`, `!k`, `k=v`, `k==v`, `k!=v`, `k in (a,b)`,
// `k notin (a,b)`, `k>1`, `k<1` ("" selects everything). Keys are an optional DNS-subdomain
// prefix and '/' then a name of at most 63 characters of [-A-Za-z0-9_.] starting and ending
// alphanumeric; values are empty or of the same form. Returns OK or InvalidArgument with
// apimachinery's message, e.g.
//   unable to parse requirement: <nil>: Invalid value: "-a": name part must consist of ...
absl::Status ValidateLabelSelector(std::string_view selector);

}  // namespace sextant::config
