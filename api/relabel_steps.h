#pragma once

// /api/v1/targets/relabel_steps?scrapePool=<job>&labels=<JSON object>: how the job's
// relabel_configs transform a label set, one rule at a time, for the web UI's target view.
// Prometheus 3.x's targetRelabelSteps (web/api/v1/api.go):
//
//   {"steps": [{"rule": <rule>, "output": {<labels after it>}, "keep": true|false}, ...]}
//
// Each rule is applied to the output of the previous one (scrape/relabel.h); once a rule drops
// the label set, it and every later step have "keep": false and "output": {}. A rule is written
// as Prometheus's relabel.Config marshals to JSON, fields in its order:
//   {"source_labels": [...] (left out when empty), "separator": ";", "regex": "(.*)",
//    "modulus": N (left out when 0), "target_label": "..." (left out when empty),
//    "replacement": "$1", "action": "replace"}
//
// Thread-safety: as the scrape manager's accessors (any thread).

#include "absl/status/statusor.h"
#include "api/params.h"

namespace sextant::scrape {
class ScrapeManager;
}

namespace sextant::api {

// The `data` of the answer. `scrape` may be null (no pools).
// Errors: InvalidArgument (bad_data) with Prometheus's messages: "no scrapePool parameter
// provided", "no labels parameter provided", "error parsing labels: ..." (a JSON object of
// strings is expected), "error retrieving scrape config: scrape pool \"x\" not found".
absl::StatusOr<std::string> RelabelStepsJson(const scrape::ScrapeManager* scrape, const Params& p);

}  // namespace sextant::api
