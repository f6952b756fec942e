#pragma once

// The remote write 1.0 request body the sender posts: a prometheus.WriteRequest (the schema of
// api/remote/prompb/remote.proto and types.proto; the wire described in docs/format/remote.md)
// compressed with snappy's block format.
//
// Each queued sample becomes one TimeSeries holding its labels and that one sample, as
// Prometheus's sender builds its requests; the receiver appends them in request order, so
// samples of one series keep the order they were queued in.
//
// The encoder is written by hand (no protobuf runtime on the sending path) and emits exactly the
// bytes a proto3 serializer would, except that a zero value or timestamp is written out rather
// than omitted; parsers read both alike. remote/codec_test.cc checks the bytes against the
// generated parser.
//
// Thread-safety: pure functions.

#include <cstdint>
#include <span>
#include <string>

#include "model/labels.h"

namespace sextant::remote {

// One sample with its series' labels (already relabelled, external labels included).
struct SeriesSample {
  uint64_t series_ref = 0;  // the caller's series reference; not sent
  model::Labels labels;
  int64_t timestamp_ms = 0;
  double value = 0;
};

// Appends the uncompressed WriteRequest for `samples`, in their order, to *out.
void EncodeWriteRequest(std::span<const SeriesSample> samples, std::string* out);

// Replaces *out with the snappy-compressed WriteRequest for `samples`. `scratch` holds the
// uncompressed bytes in between; pass the same one again to reuse its memory.
void EncodeSnappyWriteRequest(std::span<const SeriesSample> samples, std::string* scratch,
                              std::string* out);

}  // namespace sextant::remote
