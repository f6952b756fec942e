#pragma once

// SymbolTable: interns the label names and values of the head's series, so each distinct string
// is stored once however many series use it. A series keeps its labels as symbol ids (4 bytes
// each); ids are reference counted and freed when the last series using them is collected.
//
// Thread-safety: all methods are thread-safe. Strings returned by Lookup() stay valid while the
// caller holds a reference on the id (i.e. while the series that uses it is alive).

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "model/labels.h"
#include "util/mutex.h"

namespace sextant::tsdb::head {

using SymbolId = uint32_t;

class SymbolTable {
 public:
  SymbolTable() = default;
  SymbolTable(const SymbolTable&) = delete;
  SymbolTable& operator=(const SymbolTable&) = delete;

  // Interns each name and value of `labels`, taking one reference per string, and returns the
  // ids as name, value, name, value, ...
  std::vector<SymbolId> Intern(const model::Labels& labels);
  // Drops one reference on each id.
  void Release(std::span<const SymbolId> ids);
  // Rebuilds the label set from ids produced by Intern().
  model::Labels Resolve(std::span<const SymbolId> ids) const;
  // Whether ids (from Intern) spell exactly `labels`.
  bool Equals(std::span<const SymbolId> ids, const model::Labels& labels) const;

  size_t size() const;   // distinct strings
  size_t bytes() const;  // their total length
  // Heap bytes the table holds: the strings, their entries and the index (malloc's headers not
  // counted), for docs/memory.md's breakdown.
  size_t MemoryBytes() const;

 private:
  struct Entry {
    std::unique_ptr<std::string> str;  // boxed so views into it survive table growth
    uint32_t refs = 0;
  };
  SymbolId InternLocked(std::string_view s) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable util::Mutex mu_;
  std::vector<Entry> entries_ ABSL_GUARDED_BY(mu_);
  std::vector<SymbolId> free_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string_view, SymbolId> index_ ABSL_GUARDED_BY(mu_);
  size_t bytes_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace sextant::tsdb::head
