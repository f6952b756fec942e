#include "model/labels.h"

#define XXH_STATIC_LINKING_ONLY  // for a stack-allocated XXH3_state_t
#include <algorithm>
#include <cassert>

#include <xxhash.h>

#include "util/go_format.h"

namespace sextant::model {
namespace {

void PutVarint(std::string* out, size_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

size_t GetVarint(std::string_view data, size_t* pos) {
  size_t v = 0;
  for (int shift = 0;; shift += 7) {
    const auto b = static_cast<unsigned char>(data[(*pos)++]);
    v |= static_cast<size_t>(b & 0x7f) << shift;
    if (b < 0x80) return v;
  }
}

void AppendLabel(std::string* out, std::string_view name, std::string_view value) {
  PutVarint(out, name.size());
  out->append(name);
  PutVarint(out, value.size());
  out->append(value);
}

// Feeds one label to a hash; 0xff never occurs in UTF-8, so the separators keep concatenations
// unambiguous.
void HashLabel(XXH3_state_t* state, const Label& l) {
  XXH3_64bits_update(state, l.name.data(), l.name.size());
  XXH3_64bits_update(state, "\xff", 1);
  XXH3_64bits_update(state, l.value.data(), l.value.size());
  XXH3_64bits_update(state, "\xff", 1);
}

}  // namespace

Labels::Iterator::Iterator(std::string_view data, size_t pos) : data_(data), pos_(pos) { Decode(); }

void Labels::Iterator::Decode() {
  if (pos_ >= data_.size()) return;
  size_t p = pos_;
  const size_t name_len = GetVarint(data_, &p);
  current_.name = data_.substr(p, name_len);
  p += name_len;
  const size_t value_len = GetVarint(data_, &p);
  current_.value = data_.substr(p, value_len);
  next_ = p + value_len;
}

Labels::Iterator& Labels::Iterator::operator++() {
  pos_ = next_;
  Decode();
  return *this;
}

Labels Labels::FromPairs(
    std::initializer_list<std::pair<std::string_view, std::string_view>> pairs) {
  std::vector<std::pair<std::string, std::string>> v;
  v.reserve(pairs.size());
  for (const auto& [n, val] : pairs) v.emplace_back(n, val);
  return FromPairs(v);
}

Labels Labels::FromPairs(std::span<const std::pair<std::string, std::string>> pairs) {
  std::vector<const std::pair<std::string, std::string>*> sorted;
  sorted.reserve(pairs.size());
  for (const auto& p : pairs) sorted.push_back(&p);
  // Stable, so that among equal names the last one given sorts last and wins below.
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto* a, const auto* b) { return a->first < b->first; });
  std::string data;
  for (size_t i = 0; i < sorted.size(); ++i) {
    if (i + 1 < sorted.size() && sorted[i + 1]->first == sorted[i]->first) continue;
    AppendLabel(&data, sorted[i]->first, sorted[i]->second);
  }
  return Labels(std::move(data));
}

Labels Labels::FromSorted(std::span<const Label> labels) {
  size_t total = 0;
  for (const Label& l : labels) total += l.name.size() + l.value.size() + 4;
  std::string data;
  data.reserve(total);
  for (size_t i = 0; i < labels.size(); ++i) {
    assert(i == 0 || labels[i - 1].name < labels[i].name);
    AppendLabel(&data, labels[i].name, labels[i].value);
  }
  return Labels(std::move(data));
}

size_t Labels::size() const {
  size_t n = 0;
  for (auto it = begin(); it != end(); ++it) ++n;
  return n;
}

std::string_view Labels::Get(std::string_view name) const {
  for (const Label l : *this) {
    if (l.name == name) return l.value;
    if (l.name > name) break;
  }
  return {};
}

Labels Labels::Without(std::string_view name) const {
  for (auto it = begin(); it != end(); ++it) {
    if (it->name == name) {
      std::string data;
      data.reserve(data_.size() - (it.next_ - it.pos_));
      data.append(data_, 0, it.pos_);
      data.append(data_, it.next_);
      return Labels(std::move(data));
    }
    if (it->name > name) break;
  }
  return *this;
}

bool Labels::Has(std::string_view name) const {
  for (const Label l : *this) {
    if (l.name == name) return true;
    if (l.name > name) break;
  }
  return false;
}

uint64_t Labels::Hash() const { return XXH3_64bits(data_.data(), data_.size()); }

uint64_t Labels::HashForLabels(std::span<const std::string> names) const {
  XXH3_state_t state;
  XXH3_64bits_reset(&state);
  auto want = names.begin();
  for (auto it = begin(); it != end() && want != names.end(); ++it) {
    while (want != names.end() && *want < it->name) ++want;
    if (want != names.end() && *want == it->name) HashLabel(&state, *it);
  }
  return XXH3_64bits_digest(&state);
}

uint64_t Labels::HashWithoutLabels(std::span<const std::string> names) const {
  XXH3_state_t state;
  XXH3_64bits_reset(&state);
  auto skip = names.begin();
  for (const Label l : *this) {
    while (skip != names.end() && *skip < l.name) ++skip;
    if ((skip != names.end() && *skip == l.name) || l.name == kMetricNameLabel) continue;
    HashLabel(&state, l);
  }
  return XXH3_64bits_digest(&state);
}

std::string Labels::ToString() const {
  std::string out = "{";
  bool first = true;
  for (const Label l : *this) {
    if (!first) out += ", ";
    first = false;
    out.append(l.name);
    out.push_back('=');
    out += util::QuoteGo(l.value);
  }
  out.push_back('}');
  return out;
}

int Labels::Compare(const Labels& other) const {
  if (data_ == other.data_) return 0;  // the encoding is canonical: equal sets, equal bytes
  auto a = begin();
  auto b = other.begin();
  for (; a != end() && b != other.end(); ++a, ++b) {
    if (int c = a->name.compare(b->name); c != 0) return c < 0 ? -1 : 1;
    if (int c = a->value.compare(b->value); c != 0) return c < 0 ? -1 : 1;
  }
  if (a == end() && b == other.end()) return 0;
  return a == end() ? -1 : 1;
}

void LabelsBuilder::Reset(const Labels& base) {
  labels_.clear();
  for (const Label l : base) labels_.emplace_back(l.name, l.value);
}

LabelsBuilder& LabelsBuilder::Set(std::string_view name, std::string_view value) {
  if (value.empty()) return Del(name);
  auto it = std::lower_bound(labels_.begin(), labels_.end(), name,
                             [](const auto& l, std::string_view n) { return l.first < n; });
  if (it != labels_.end() && it->first == name) {
    it->second = value;
  } else {
    labels_.emplace(it, name, value);
  }
  return *this;
}

LabelsBuilder& LabelsBuilder::Del(std::string_view name) {
  auto it = std::lower_bound(labels_.begin(), labels_.end(), name,
                             [](const auto& l, std::string_view n) { return l.first < n; });
  if (it != labels_.end() && it->first == name) labels_.erase(it);
  return *this;
}

std::string_view LabelsBuilder::Get(std::string_view name) const {
  auto it = std::lower_bound(labels_.begin(), labels_.end(), name,
                             [](const auto& l, std::string_view n) { return l.first < n; });
  return it != labels_.end() && it->first == name ? std::string_view(it->second) : "";
}

Labels LabelsBuilder::Build() const {
  std::vector<Label> sorted;
  sorted.reserve(labels_.size());
  for (const auto& [n, v] : labels_) sorted.push_back({n, v});
  return Labels::FromSorted(sorted);
}

}  // namespace sextant::model
