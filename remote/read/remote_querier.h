#pragma once

// RemoteQueryable: one remote_read entry as a source of queriers, with the entry's filters applied
// as Prometheus's storage/remote/read.go applies them:
//
//   - required_matchers: a Select is sent to the remote only when its matchers include, for every
//     required name/value, an EQUALITY matcher with exactly that name and value; otherwise the
//     select answers nothing (no request is made).
//   - read_recent: when false, the remote is only asked for data older than the local storage's
//     StartTime() (PreferLocalStorageFilter): a querier whose mint is after the local start time
//     asks the remote nothing, and one whose maxt is after it asks only for [mint, local start].
//     An empty local storage (StartTime() = kMaxTimestamp) therefore sends everything remote.
//   - filter_external_labels (`external_labels` below, empty when the entry sets it false): every
//     external label whose name no select matcher mentions is added to the remote query as an
//     equality matcher, and those added labels are removed from the series that come back (which
//     are then sorted again and merged where they became equal).
//
// Thread-safety: thread-safe; the queryable is shared by queriers of concurrent queries.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "model/labels.h"
#include "model/matcher.h"
#include "remote/read/read_client.h"
#include "tsdb/storage.h"

namespace sextant::remote {

class RemoteQueryable {
 public:
  // `local_start_time` returns the local storage's StartTime(); it is only called for queriers
  // of a read_recent=false entry. `client` is shared with nobody else but may be in use by
  // queriers made before a config reload, hence shared_ptr.
  RemoteQueryable(std::string name, std::shared_ptr<ReadClient> client,
                  model::Labels external_labels, std::map<std::string, std::string> required,
                  bool read_recent, std::function<int64_t()> local_start_time);

  // The name of the entry (its `name`, or the url when unnamed), used in warnings.
  const std::string& name() const { return name_; }

  // Runs one select against the remote over [mint, maxt] (before the read_recent clamp): the
  // series sorted by labels, or none when required_matchers or read_recent rule the remote out.
  // Errors: the ReadClient's, prefixed "remote_read: " as Prometheus words them.
  // `accepted`: the response types to ask for (ReadClient::Read).
  absl::StatusOr<std::vector<RemoteSeries>> Select(
      int64_t mint, int64_t maxt, std::span<const model::Matcher> matchers,
      const tsdb::SelectHints* hints,
      const std::vector<ReadResponseType>& accepted = kDefaultAcceptedResponseTypes) const;

  // A tsdb::Querier over [mint, maxt] whose Select() is the above (errors as the set's status).
  // LabelNames/LabelValues select the matching series (all with a __name__ when `matchers` is
  // empty) asking for SAMPLES with hint func "series", so a Prometheus server sends labels only,
  // and collect names or values from them. The querier borrows this queryable, which must
  // outlive it.
  std::unique_ptr<tsdb::Querier> NewQuerier(int64_t mint, int64_t maxt) const;

 private:
  const std::string name_;
  const std::shared_ptr<ReadClient> client_;
  const model::Labels external_labels_;
  const std::map<std::string, std::string> required_;
  const bool read_recent_;
  const std::function<int64_t()> local_start_time_;
};

}  // namespace sextant::remote
