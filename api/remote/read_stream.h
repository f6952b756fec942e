#pragma once

// The streamed remote-read answer (STREAMED_XOR_CHUNKS): Prometheus's framing of
// ChunkedReadResponse messages and its way of cutting a series into frames. Byte layout:
// docs/format/remote-read-stream.md. Read() (remote.h) negotiates the type and selects the
// series; this file turns them into frames.
//
// Thread-safety: stateless functions; `out` belongs to the caller.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "model/labels.h"
#include "model/sample.h"
#include "tsdb/storage.h"

namespace sextant::api::remote {

// Appends one frame holding `data`: uvarint(data.size()), CRC32-Castagnoli of data as 4
// big-endian bytes, data. Empty data writes nothing, as Prometheus's ChunkedWriter.
void AppendFrame(std::string_view data, std::string* out);

// One XOR chunk of a stream: its first and last timestamp and Prometheus XOR chunk bytes.
struct StreamChunk {
  int64_t min_time_ms = 0;
  int64_t max_time_ms = 0;
  std::string data;
};

// Cuts `samples` (strictly increasing timestamps) into XOR chunks of at most
// `max_samples_per_chunk` samples each (> 0), in order. Empty input gives no chunk.
std::vector<StreamChunk> EncodeXorChunks(const std::vector<model::Sample>& samples,
                                         int max_samples_per_chunk);

// Appends the frames of one query's answer to *out: for each series of `set`, in the set's
// order, its samples in [start, end] as XOR chunks (EncodeXorChunks with kMaxSamplesPerChunk of
// remote.h), cut into frames of ChunkedReadResponse{one ChunkedSeries, query_index} the way
// Prometheus's StreamChunkedReadResponses cuts them (see remote.h, Read). Each series is sent
// with MergeExternalLabels(its labels, `external_labels`) (external_labels.h; empty: its own
// labels), and those merged labels count against the frame budget. A series without samples in
// range sends nothing. `max_bytes_in_frame` may be <= 0: then every chunk gets its own frame.
// Errors: the set's or a series' error, unchanged; on error *out holds whole frames only.
absl::Status AppendChunkedQuery(tsdb::SeriesSet& set, int64_t query_index, int64_t start,
                                int64_t end, int64_t max_bytes_in_frame,
                                const model::Labels& external_labels, std::string* out);

}  // namespace sextant::api::remote
