#pragma once

// Labels: an immutable, sorted set of name/value pairs identifying a series.
//
// The pairs live in one contiguous buffer ([varint len][name][varint len][value]...), sorted by
// name, so a Labels costs one allocation, copies with one memcpy, hashes in one XXH3 pass over the
// buffer and compares with a single scan. Names are unique; an empty value is stored as given
// (Prometheus treats a missing label and an empty one alike in matching, which Get() mirrors).
//
// Thread-safety: a Labels is immutable, so concurrent reads are safe.

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sextant::model {

inline constexpr std::string_view kMetricNameLabel = "__name__";

struct Label {
  std::string_view name;
  std::string_view value;
  bool operator==(const Label&) const = default;
};

class Labels {
 public:
  // Forward iterator over the pairs, in name order. Views are valid while the Labels lives.
  class Iterator {
   public:
    using value_type = Label;
    using difference_type = std::ptrdiff_t;
    Iterator() = default;
    Label operator*() const { return current_; }
    const Label* operator->() const { return &current_; }
    Iterator& operator++();
    Iterator operator++(int) {
      Iterator old = *this;
      ++*this;
      return old;
    }
    bool operator==(const Iterator& o) const { return pos_ == o.pos_; }

   private:
    friend class Labels;
    Iterator(std::string_view data, size_t pos);
    void Decode();
    std::string_view data_;
    size_t pos_ = 0;
    size_t next_ = 0;
    Label current_;
  };

  Labels() = default;

  // From name/value pairs in any order; if a name repeats, the last value wins.
  static Labels FromPairs(std::initializer_list<std::pair<std::string_view, std::string_view>> p);
  static Labels FromPairs(std::span<const std::pair<std::string, std::string>> pairs);
  // From labels already sorted by name with unique names (checked only in debug builds).
  static Labels FromSorted(std::span<const Label> labels);

  Iterator begin() const { return Iterator(data_, 0); }
  Iterator end() const { return Iterator(data_, data_.size()); }
  bool empty() const { return data_.empty(); }
  size_t size() const;

  // The value of `name`, or "" when absent.
  std::string_view Get(std::string_view name) const;
  bool Has(std::string_view name) const;
  std::string_view MetricName() const { return Get(kMetricNameLabel); }
  // These labels without `name` (a copy when there is no such label), cut from the packed bytes.
  Labels Without(std::string_view name) const;

  // XXH3 of the whole set. Equal sets hash equal; stable across processes and versions.
  uint64_t Hash() const;
  // Hash of only the labels whose names are in `names` (sorted, unique), as used for `by (...)`.
  uint64_t HashForLabels(std::span<const std::string> names) const;
  // Hash of all labels except __name__ and those in `names` (sorted, unique): `without (...)`.
  uint64_t HashWithoutLabels(std::span<const std::string> names) const;

  // Prometheus's rendering: {__name__="up", job="node"} with values quoted as Go does.
  std::string ToString() const;

  // Orders by the first differing (name, value) pair, then by size; consistent with ==.
  int Compare(const Labels& other) const;
  bool operator==(const Labels& o) const { return data_ == o.data_; }
  bool operator<(const Labels& o) const { return Compare(o) < 0; }

  // The packed buffer: stable, so it may be stored and turned back with FromBytes().
  std::string_view bytes() const { return data_; }
  static Labels FromBytes(std::string_view bytes) { return Labels(std::string(bytes)); }

  template <typename H>
  friend H AbslHashValue(H h, const Labels& l) {
    return H::combine(std::move(h), l.data_);
  }

 private:
  explicit Labels(std::string data) : data_(std::move(data)) {}
  std::string data_;
};

// Builds a new Labels from a base one with labels set or removed. Setting a label to "" removes
// it, as in Prometheus.
class LabelsBuilder {
 public:
  LabelsBuilder() = default;
  explicit LabelsBuilder(const Labels& base) { Reset(base); }

  void Reset(const Labels& base);
  LabelsBuilder& Set(std::string_view name, std::string_view value);
  LabelsBuilder& Del(std::string_view name);
  std::string_view Get(std::string_view name) const;
  Labels Build() const;

 private:
  std::vector<std::pair<std::string, std::string>> labels_;  // kept sorted by name
};

}  // namespace sextant::model
