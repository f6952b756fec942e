#pragma once

// Iterates the samples of a head series' chunk snapshot that fall in [mint, maxt] and outside its
// deleted intervals.

#include <cstdint>
#include <memory>
#include <optional>

#include "tsdb/chunkenc/xor_chunk.h"
#include "tsdb/head/mem_series.h"
#include "tsdb/storage.h"
#include "tsdb/tombstones.h"

namespace sextant::tsdb::head {

class ChunkSeriesIterator final : public SeriesIterator {
 public:
  // `deleted` may be null.
  ChunkSeriesIterator(std::shared_ptr<const ChunkSnapshot> chunks,
                      std::shared_ptr<const Intervals> deleted, int64_t mint, int64_t maxt);
  bool Next() override;
  bool Seek(int64_t t) override;
  int64_t t() const override { return it_->t(); }
  double v() const override { return it_->v(); }
  absl::Status status() const override { return status_; }

 private:
  // Moves to chunk `i` (or past the end); false when none is left.
  bool OpenChunk(size_t i);
  // Moves to the next sample, across chunks; false at the end or on a decode error.
  bool Advance();
  // From the iterator's current sample on, skips deleted samples; false at the end of the range.
  bool SkipDeleted();

  std::shared_ptr<const ChunkSnapshot> chunks_;
  std::shared_ptr<const Intervals> deleted_;
  int64_t mint_;
  int64_t maxt_;
  size_t chunk_ = 0;
  std::optional<chunkenc::XorIterator> it_;
  bool started_ = false;
  bool done_ = false;
  absl::Status status_;
};

}  // namespace sextant::tsdb::head
