#pragma once

// The config's global external_labels in remote-read answers, applied exactly as Prometheus's read
// handler applies them (storage/remote/read_handler.go filterExtLabelsFromMatchers, codec.go
// MergeLabels, the same in 2.42 and 3.x). Stored series do not carry the external labels; a reader
// such as Thanos's sidecar sees them on every series and selects by them. Read() (remote.h) uses
// both functions for SAMPLES and STREAMED_XOR_CHUNKS answers alike; docs/format/remote.md
// describes the behaviour for clients.
//
// Thread-safety: stateless functions.

#include <vector>

#include "model/labels.h"
#include "model/matcher.h"

namespace sextant::api::remote {

// Prometheus's filterExtLabelsFromMatchers: every EQUALITY matcher `name="v"` whose v equals
// external.Get(name) ("" when there is no such external label) becomes `name=""`, as the stored
// series lack that label. Every other matcher is kept unchanged, in its place, and is matched
// against the stored series, where an external label is absent (""):
//   - `cluster="us"` with external cluster="eu" selects only series that carry cluster="us"
//     themselves (none, usually);
//   - `!=`, `=~`, `!~` on an external label are not checked against its value: `cluster=~"e.*"`
//     selects nothing, `cluster!="eu"` every series without a cluster label of its own;
//   - `cluster="eu"` becomes `cluster=""`, so a series that carries its own cluster label (of any
//     value, even "eu") is NOT selected by it.
// The result has as many matchers as `matchers`.
std::vector<model::Matcher> FilterExternalLabelMatchers(std::vector<model::Matcher> matchers,
                                                        const model::Labels& external);

// Prometheus's MergeLabels(series, external): the labels of both, sorted by name; where both hold
// a name, the series' own label wins. The views borrow `series` and `external`, which must outlive
// the result.
std::vector<model::Label> MergeExternalLabels(const model::Labels& series,
                                              const model::Labels& external);

}  // namespace sextant::api::remote
