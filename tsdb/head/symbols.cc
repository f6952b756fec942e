#include "tsdb/head/symbols.h"

namespace sextant::tsdb::head {

SymbolId SymbolTable::InternLocked(std::string_view s) {
  if (auto it = index_.find(s); it != index_.end()) {
    ++entries_[it->second].refs;
    return it->second;
  }
  SymbolId id;
  if (!free_.empty()) {
    id = free_.back();
    free_.pop_back();
  } else {
    id = static_cast<SymbolId>(entries_.size());
    entries_.emplace_back();
  }
  Entry& e = entries_[id];
  e.str = std::make_unique<std::string>(s);
  e.refs = 1;
  bytes_ += s.size();
  index_.emplace(*e.str, id);
  return id;
}

std::vector<SymbolId> SymbolTable::Intern(const model::Labels& labels) {
  std::vector<SymbolId> ids;
  ids.reserve(labels.size() * 2);
  util::MutexLock lock(&mu_);
  for (const model::Label& l : labels) {
    ids.push_back(InternLocked(l.name));
    ids.push_back(InternLocked(l.value));
  }
  return ids;
}

void SymbolTable::Release(std::span<const SymbolId> ids) {
  util::MutexLock lock(&mu_);
  for (SymbolId id : ids) {
    Entry& e = entries_[id];
    if (--e.refs > 0) continue;
    index_.erase(std::string_view(*e.str));
    bytes_ -= e.str->size();
    e.str.reset();
    free_.push_back(id);
  }
}

model::Labels SymbolTable::Resolve(std::span<const SymbolId> ids) const {
  std::vector<model::Label> pairs(ids.size() / 2);
  util::ReaderMutexLock lock(&mu_);
  for (size_t i = 0; i < pairs.size(); ++i) {
    pairs[i] = {*entries_[ids[2 * i]].str, *entries_[ids[2 * i + 1]].str};
  }
  return model::Labels::FromSorted(pairs);
}

bool SymbolTable::Equals(std::span<const SymbolId> ids, const model::Labels& labels) const {
  util::ReaderMutexLock lock(&mu_);
  size_t i = 0;
  for (const model::Label& l : labels) {
    if (i + 1 >= ids.size()) return false;
    if (*entries_[ids[i]].str != l.name || *entries_[ids[i + 1]].str != l.value) return false;
    i += 2;
  }
  return i == ids.size();
}

size_t SymbolTable::size() const {
  util::ReaderMutexLock lock(&mu_);
  return index_.size();
}

size_t SymbolTable::bytes() const {
  util::ReaderMutexLock lock(&mu_);
  return bytes_;
}

size_t SymbolTable::MemoryBytes() const {
  util::ReaderMutexLock lock(&mu_);
  size_t bytes = entries_.capacity() * sizeof(Entry) + free_.capacity() * sizeof(SymbolId);
  // Each string is boxed: the std::string, plus its buffer beyond the small-string one.
  for (const Entry& e : entries_) {
    if (e.str != nullptr)
      bytes += sizeof(std::string) + (e.str->size() > 15 ? e.str->size() + 1 : 0);
  }
  // flat_hash_map: a slot and a control byte per bucket.
  bytes += index_.bucket_count() * (sizeof(std::pair<std::string_view, SymbolId>) + 1);
  return bytes;
}

}  // namespace sextant::tsdb::head
