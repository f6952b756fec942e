#pragma once

// The body of a POST to Alertmanager's /api/v2/alerts, byte for byte as Prometheus 3.x sends it
// (Alertmanager's go-swagger PostableAlert marshalled by Go's encoding/json). The format is
// described in docs/format/alertmanager.md.
//
// Thread-safety: the functions are pure.

#include <span>
#include <string>

#include "absl/time/time.h"
#include "rules/notifier/notifier.h"

namespace sextant::rules {

// A JSON array with one object per alert, in order:
//   {"annotations":{...},"endsAt":"<time>","startsAt":"<time>","generatorURL":"...","labels":{...}}
// `annotations` is left out when empty, `generatorURL` when "". Keys sorted; strings escaped as Go
// does (<, >, & and U+2028/U+2029 as \u escapes, invalid UTF-8 as U+FFFD).
std::string EncodeAlerts(std::span<const NotifierAlert> alerts);

// Go's strfmt.DateTime: RFC 3339 in UTC with exactly three fractional digits,
// "2026-01-02T15:04:05.000Z". absl::InfinitePast() stands for Go's zero time
// ("0001-01-01T00:00:00.000Z"), which Alertmanager reads as "not set".
std::string FormatAlertTime(absl::Time t);

}  // namespace sextant::rules
