#pragma once

// Relabelling: applies a list of relabel_configs (target relabelling, metric_relabel_configs,
// alert and remote-write relabelling) to a label set, with the semantics of Prometheus 3.x's
// model/relabel Process. Each config, in order:
//
//   The values of `source_labels` (a missing label counts as "") are joined with `separator`
//   into one string, the "source value"; `compiled` is the anchored regex (a full match is
//   needed; `.` matches newlines). Then, by action:
//
//   replace    if the regex matches the source value: expand `target_label` and `replacement`
//              with the match (Go's Regexp.Expand: $1, ${1}, $name, ${name}, $$; a reference to a
//              group that does not exist or did not take part is ""; `$1x` names group "1x").
//              An expanded target that is not a valid label name (non-empty, valid UTF-8) changes
//              nothing; an empty expanded replacement deletes the target label; otherwise the
//              target label is set. No match: no change.
//   keep       drops the label set unless the regex matches the source value.
//   drop       drops the label set if the regex matches the source value.
//   keepequal  drops the label set unless the source value equals the value of `target_label`.
//   dropequal  drops the label set if the source value equals the value of `target_label`.
//   hashmod    sets `target_label` to (the last 8 bytes of MD5(source value), big-endian) mod
//              `modulus`, in decimal.
//   labelmap   for every label whose name matches the regex, sets a label named by expanding
//              `replacement` with that match, with the same value. The names are taken from the
//              label set as it was before this step. As in Prometheus, the new name is not
//              validated: a replacement that expands to "" or to an otherwise invalid name
//              yields such a label, which the caller's label-name validation rejects.
//   labeldrop  removes every label whose name matches the regex.
//   labelkeep  removes every label whose name does not match the regex.
//   lowercase  sets `target_label` to the source value in lower case (Go's strings.ToLower:
//   uppercase  Unicode simple case mapping; invalid UTF-8 bytes become U+FFFD) / upper case.
//
// Setting a label to "" removes it, so a result never holds an empty value.
//
// Like Prometheus's Process, these functions do not treat a result with no labels as dropped:
// the caller decides (the scrape loop drops a sample whose labels end up empty; target
// relabelling reports a target without __address__).
//
// Preconditions: every config is as config::LoadConfig leaves it: `compiled` is set (the anchored
// form of `regex`, model::CompileAnchoredRegex) and hashmod has a non-zero `modulus` (a zero
// modulus leaves the label set unchanged rather than dividing by zero).
//
// Thread-safety: both functions are pure; configs may be shared by any number of threads calling
// them concurrently (RE2 matching is thread-safe).

#include <optional>
#include <span>

#include "config/config.h"
#include "model/labels.h"

namespace sextant::scrape {

// Applies `configs` in order to `labels`. Returns the resulting label set (possibly empty), or
// nullopt when a keep, drop, keepequal or dropequal step dropped it; later steps are then skipped.
std::optional<model::Labels> Relabel(const model::Labels& labels,
                                     std::span<const config::RelabelConfig> configs);

// The same on a builder the caller owns (the scrape hot path reuses one builder and builds a
// Labels only for a kept result). Returns false when a step dropped the label set; `builder` is
// then left in an unspecified state. Returns true with `builder` holding the result otherwise.
// Steps never add empty values, but LabelsBuilder::Reset keeps the empty values of its base
// (Prometheus's builder drops them), and they stay unless a step removes them: Del them before
// calling (Relabel() does) if the base may hold any. Such labels count as absent in every step.
bool RelabelInPlace(model::LabelsBuilder* builder, std::span<const config::RelabelConfig> configs);

}  // namespace sextant::scrape
