#include "tsdb/head/chunk_iterator.h"

#include <utility>

namespace sextant::tsdb::head {

ChunkSeriesIterator::ChunkSeriesIterator(std::shared_ptr<const ChunkSnapshot> chunks,
                                         std::shared_ptr<const Intervals> deleted, int64_t mint,
                                         int64_t maxt)
    : chunks_(std::move(chunks)), deleted_(std::move(deleted)), mint_(mint), maxt_(maxt) {}

bool ChunkSeriesIterator::OpenChunk(size_t i) {
  chunk_ = i;
  if (chunk_ >= chunks_->chunks.size()) {
    it_.reset();
    done_ = true;
    return false;
  }
  it_.emplace(chunks_->chunks[chunk_].bytes);
  return true;
}

bool ChunkSeriesIterator::Advance() {
  while (!it_->Next()) {
    if (!it_->status().ok()) {
      status_ = it_->status();
      done_ = true;
      return false;
    }
    if (!OpenChunk(chunk_ + 1)) return false;
  }
  return true;
}

bool ChunkSeriesIterator::SkipDeleted() {
  while (true) {
    if (it_->t() > maxt_) {
      done_ = true;
      return false;
    }
    if (deleted_ == nullptr || deleted_->empty() || !deleted_->Contains(it_->t())) return true;
    if (!Advance()) return false;
  }
}

bool ChunkSeriesIterator::Next() {
  if (done_) return false;
  if (!started_) return Seek(mint_);
  return Advance() && SkipDeleted();
}

bool ChunkSeriesIterator::Seek(int64_t t) {
  if (done_) return false;
  if (t < mint_) t = mint_;
  if (started_ && it_->t() >= t) return true;
  if (!started_) {
    started_ = true;
    if (!OpenChunk(0)) return false;
  }
  // Skip whole chunks that end before t.
  while (chunks_->chunks[chunk_].maxt < t) {
    if (!OpenChunk(chunk_ + 1)) return false;
  }
  while (!it_->Seek(t)) {
    if (!it_->status().ok()) {
      status_ = it_->status();
      done_ = true;
      return false;
    }
    if (!OpenChunk(chunk_ + 1)) return false;
  }
  return SkipDeleted();
}

}  // namespace sextant::tsdb::head
