#pragma once

// EvalStorage: what one group evaluation queries and appends through.
//
// A group evaluation appends every rule's output through one appender of the real storage and
// commits once at the end, yet each rule must see the outputs of the rules before it in the same
// evaluation (as in Prometheus, which commits per rule). EvalStorage keeps a copy of what was
// appended but not yet committed and merges it into the queries of the rules that may read it.
//
// Use: one EvalStorage per evaluation, on one thread.

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "model/labels.h"
#include "promql/ast.h"
#include "tsdb/mem_storage.h"
#include "tsdb/storage.h"

namespace sextant::rules {

class EvalStorage {
 public:
  // `base` must outlive this object.
  explicit EvalStorage(tsdb::Storage* base);

  // Appends to the evaluation's appender and to the pending copy. Errors as Appender::Append.
  absl::Status Append(const model::Labels& labels, int64_t t, double v);

  // Commits the evaluation's appender (once). Errors as Appender::Commit.
  absl::Status Commit();

  // The storage to evaluate `expr` against: the base storage when no selector of `expr` can
  // match a series appended so far, else the merged view (pending samples win on equal
  // timestamps). Valid until this object is destroyed.
  tsdb::Storage& StorageFor(const promql::Expr& expr);

 private:
  class Merged;
  bool MayRead(const promql::Expr& expr) const;

  tsdb::Storage* const base_;
  std::unique_ptr<tsdb::Appender> app_;
  tsdb::MemStorage pending_;
  std::unique_ptr<tsdb::Appender> pending_app_;
  absl::flat_hash_set<std::string> pending_names_;
  std::unique_ptr<tsdb::Storage> merged_;
};

}  // namespace sextant::rules
