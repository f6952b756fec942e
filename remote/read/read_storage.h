#pragma once

// ReadStorage: the `remote_read` section of prometheus.yml, as a client. It holds one
// RemoteQueryable (remote_querier.h) per remote_read entry of the current config, and a
// tsdb::Storage, storage(), that stands in front of the local storage the way Prometheus's
// fanout storage (storage/fanout.go) stands in front of its TSDB:
//
//   - NewAppender() and StartTime() are the local storage's.
//   - NewQuerier(mint, maxt) opens a local querier (its error is returned) and, lazily, one per
//     remote. Select() returns the local series merged with every remote's (tsdb/merge.h: sorted
//     by labels; a label set present in several sources is one series whose samples are merged
//     by timestamp, the local sample winning on equal timestamps, so identical series and
//     samples are not duplicated). Remotes are queried one after the other when Select() is
//     called.
//   - A remote is a SECONDARY source, as in Prometheus: when its request fails (down, timeout,
//     non-2xx answer, undecodable body), Select() still returns the local and other remotes'
//     series, and the failure becomes a warning (the set's Warnings(), the text of the error,
//     e.g. "remote_read: error sending request: Post \"http://h:1/api/v1/read\": dial tcp
//     h:1: connect: connection refused"), which the PromQL engine adds to the query result's
//     warnings and the HTTP API to its "warnings" array. A failing local select is an error.
//   - LabelNames()/LabelValues() merge the local answer with each remote's (remote_querier.h
//     says how a remote is asked); a failing remote is left out (this interface has no warnings).
//   With no remote_read entries, storage() passes every call straight to the local storage.
//
// How cmd/sextant/main.cc wires it (the same pattern as remote_write's WriteStorage):
//
//   // Before reloader.Reload(): refuse a config whose remote_read entries are unusable before
//   // anything is applied, and forward reloads once the storage exists.
//   reloader.AddCheck("remote_read", [](const config::Config& c) {
//     return remote::ReadStorage::Validate(c);
//   });
//   std::atomic<remote::ReadStorage*> remote_read{nullptr};
//   reloader.Subscribe("remote_read", [&remote_read](const config::Config& c) {
//     remote::ReadStorage* r = remote_read.load();
//     return r == nullptr ? absl::OkStatus() : r->ApplyConfig(c);
//   });
//   ...
//   // After OpenStorage() succeeded:
//   remote::ReadStorage read_storage(**db);  // declared after db: destroyed before it
//   if (absl::Status s = read_storage.ApplyConfig(*reloader.current()); !s.ok()) {
//     kLog.Error("Error applying the remote read config", {{"err", s}});
//   }
//   remote_read.store(&read_storage);
//   tsdb::Storage* queryable = &read_storage.storage();
//   api::QueryApi query_api(query_options, queryable, &engine, db->get(), &scraper);
//   rule_options.storage = queryable;   // rule queries see remote data; appends stay local
//   ...
//   // At shutdown, after the server and the rule manager stopped:
//   remote_read.store(nullptr);
//
// Prometheus hands its fanout storage to the same places (the API, including its remote-read
// SERVER endpoint, and the rule manager); the scrape manager may keep `db` (appends are local
// either way).
//
// Thread-safety: all methods are thread-safe; ApplyConfig() may run while queries do. Queriers
// made before an ApplyConfig() keep using the entries they started with.

#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "config/config.h"
#include "remote/read/remote_querier.h"
#include "tsdb/storage.h"
#include "util/mutex.h"

namespace sextant::remote {

class ReadStorage {
 public:
  // `local` must outlive this object and every querier of storage().
  explicit ReadStorage(tsdb::Storage& local);
  ~ReadStorage();
  ReadStorage(const ReadStorage&) = delete;
  ReadStorage& operator=(const ReadStorage&) = delete;

  // Replaces the remote_read clients with new ones for `cfg.remote_read` (clients are re-created
  // on every call; the global external_labels apply to entries with filter_external_labels).
  // Errors (the previous clients stay in use): InvalidArgument when an entry's url is not
  // http(s)://host[:port][/path], its TLS or proxy settings are unusable, or two entries have
  // the same url and name ("duplicate remote read configs are not allowed, found duplicate for
  // URL: <url>").
  absl::Status ApplyConfig(const config::Config& cfg);

  // What ApplyConfig() would return for `cfg`, without changing anything (for the config
  // reloader's checks: a bad remote_read entry then fails the reload as a whole).
  static absl::Status Validate(const config::Config& cfg);

  // The number of remote_read entries in use.
  size_t num_remotes() const;

  // The fanout storage described above; lives as long as this object.
  tsdb::Storage& storage() { return *fanout_; }

  // The current entries (shared by the queriers that use them).
  using Remotes = std::vector<std::shared_ptr<const RemoteQueryable>>;
  std::shared_ptr<const Remotes> remotes() const;

 private:
  tsdb::Storage& local_;
  mutable util::Mutex mu_;
  std::shared_ptr<const Remotes> remotes_ ABSL_GUARDED_BY(mu_);
  std::unique_ptr<tsdb::Storage> fanout_;
};

}  // namespace sextant::remote
