#pragma once

// Postings: for each label pair, the sorted list of refs of the series that carry it, and the set
// algebra that turns label matchers into the refs of the matching series. The head keeps its
// postings in memory (MemPostings); each persistent partition stores its own (tsdb/partition).

#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/labels.h"
#include "model/matcher.h"
#include "util/mutex.h"

namespace sextant::tsdb::index {

using Ref = uint64_t;
using PostingsList = std::vector<Ref>;  // sorted ascending, unique

PostingsList Intersect(std::span<const PostingsList> lists);
PostingsList Union(std::span<const PostingsList> lists);
// a minus b.
PostingsList Subtract(const PostingsList& a, const PostingsList& b);

// Read access to one index's postings, for PostingsForMatchers().
class PostingsReader {
 public:
  virtual ~PostingsReader() = default;
  // The refs of every series.
  virtual PostingsList All() const = 0;
  // The refs of the series with name=value (empty when none).
  virtual PostingsList Get(std::string_view name, std::string_view value) const = 0;
  // The union over the values of `name` that start with `prefix` and satisfy `pred`.
  virtual PostingsList Matching(std::string_view name, std::string_view prefix,
                                const std::function<bool(std::string_view)>& pred) const = 0;
};

// The refs of the series that satisfy every matcher (sorted). With no matcher: every series.
// Matchers that also match the empty string select series lacking the label too, as in
// Prometheus (`a=""`, `a!="x"`, `a=~"x|"`).
PostingsList PostingsForMatchers(const PostingsReader& reader,
                                 std::span<const model::Matcher> matchers);

// Cardinality statistics of the postings (Prometheus's index.PostingsStats), for
// /api/v1/status/tsdb. Each list holds every entry; the caller sorts and cuts.
struct PostingsStats {
  uint64_t num_label_pairs = 0;
  std::vector<std::pair<std::string, uint64_t>> series_by_metric_name;  // value -> series
  std::vector<std::pair<std::string, uint64_t>> values_by_label_name;   // name -> values
  std::vector<std::pair<std::string, uint64_t>> bytes_by_label_name;    // name -> value bytes
  std::vector<std::pair<std::string, uint64_t>> series_by_label_pair;   // "n=v" -> series
};

// The head's in-memory postings. Thread-safe: adds and deletes take a write lock, reads a read
// lock and return copies. Lists are stored in 4 bytes per ref while the refs fit in 32 bits (the
// head's refs are dense from 1), so the index costs about 4 bytes per label of each series
// (docs/memory.md).
class MemPostings final : public PostingsReader {
 public:
  MemPostings() = default;

  // Adds `ref` under every pair of `labels`. Refs are usually added in increasing order; an
  // out-of-order add is inserted in place.
  void Add(Ref ref, const model::Labels& labels);
  // Add() for many series under one lock; cheapest in increasing ref order.
  void AddBatch(std::span<const std::pair<Ref, const model::Labels*>> series);
  // Removes the refs of `deleted` (each with its labels) from every list; empty lists go away.
  void Delete(std::span<const std::pair<Ref, model::Labels>> deleted);

  PostingsList All() const override;
  PostingsList Get(std::string_view name, std::string_view value) const override;
  PostingsList Matching(std::string_view name, std::string_view prefix,
                        const std::function<bool(std::string_view)>& pred) const override;

  // Sorted label names, and the sorted values of one name.
  std::vector<std::string> LabelNames() const;
  std::vector<std::string> LabelValues(std::string_view name) const;

  // Counts over every name and value; `metric_label` names the label whose values are metric
  // names (`__name__`). Memory per label name is the value bytes times their series.
  PostingsStats Stats(std::string_view metric_label) const;

  // Heap bytes the postings hold (lists' capacity and the maps' nodes, malloc's headers not
  // counted), for docs/memory.md's breakdown.
  size_t MemoryBytes() const;

 private:
  // A sorted, unique ref list: 4 bytes per ref while every ref fits in 32 bits, 8 bytes per ref
  // from the first one that does not. Grows by half (not doubling), so that the slack of a
  // growing list is at most a third of its size.
  class RefList {
   public:
    bool empty() const { return narrow_.empty() && wide_.empty(); }
    size_t size() const { return narrow_.size() + wide_.size(); }
    // Adds `ref` (a no-op when present); cheapest when it is the largest.
    void Insert(Ref ref);
    // Removes the refs for which `drop` returns true.
    void EraseIf(const std::function<bool(Ref)>& drop);
    // The refs, widened.
    PostingsList ToList() const;
    size_t MemoryBytes() const {
      return narrow_.capacity() * sizeof(uint32_t) + wide_.capacity() * sizeof(Ref);
    }

   private:
    template <typename T>
    static void InsertInto(std::vector<T>* list, T ref);
    std::vector<uint32_t> narrow_;
    std::vector<Ref> wide_;  // every ref once one needs 64 bits; narrow_ is empty then
  };
  using Values = std::map<std::string, RefList, std::less<>>;

  void AddLocked(Ref ref, const model::Labels& labels) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable util::Mutex mu_;
  std::map<std::string, Values, std::less<>> index_ ABSL_GUARDED_BY(mu_);
  RefList all_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sextant::tsdb::index
