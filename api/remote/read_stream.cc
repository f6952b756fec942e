#include "api/remote/read_stream.h"

#include <algorithm>

#include "api/remote/external_labels.h"
#include "api/remote/prompb/remote.pb.h"
#include "api/remote/prompb/types.pb.h"
#include "api/remote/remote.h"
#include "tsdb/chunkenc/xor_chunk.h"
#include "util/crc32c.h"
#include "util/status_macros.h"
#include "util/varint.h"

namespace sextant::api::remote {

void AppendFrame(std::string_view data, std::string* out) {
  if (data.empty()) return;
  util::PutUvarint(out, data.size());
  const uint32_t crc = util::Crc32c(data);
  const char be[4] = {static_cast<char>(crc >> 24), static_cast<char>(crc >> 16),
                      static_cast<char>(crc >> 8), static_cast<char>(crc)};
  out->append(be, 4);
  out->append(data);
}

std::vector<StreamChunk> EncodeXorChunks(const std::vector<model::Sample>& samples,
                                         int max_samples_per_chunk) {
  std::vector<StreamChunk> chunks;
  for (size_t i = 0; i < samples.size(); i += max_samples_per_chunk) {
    const size_t n = std::min(samples.size() - i, static_cast<size_t>(max_samples_per_chunk));
    tsdb::chunkenc::XorChunk c;
    for (size_t j = i; j < i + n; ++j) c.Append(samples[j].t, samples[j].v);
    chunks.push_back({samples[i].t, samples[i + n - 1].t, std::string(c.bytes())});
  }
  return chunks;
}

absl::Status AppendChunkedQuery(tsdb::SeriesSet& set, int64_t query_index, int64_t start,
                                int64_t end, int64_t max_bytes_in_frame,
                                const model::Labels& external_labels, std::string* out) {
  prometheus::ChunkedReadResponse resp;
  resp.set_query_index(query_index);
  prometheus::ChunkedSeries* series = resp.add_chunked_series();
  std::vector<model::Sample> samples;
  std::string frame;
  while (set.Next()) {
    const tsdb::Series& s = set.At();
    samples.clear();
    RETURN_IF_ERROR(s.AppendSamples(start, end, &samples));
    std::vector<StreamChunk> chunks = EncodeXorChunks(samples, kMaxSamplesPerChunk);
    if (chunks.empty()) continue;

    series->Clear();
    // The budget is Prometheus's: the frame size less each label message's size (without its
    // tag and length), then each chunk message's, checked after adding a chunk.
    int64_t max_data_length = max_bytes_in_frame;
    for (const model::Label& l : MergeExternalLabels(s.labels(), external_labels)) {
      prometheus::Label* label = series->add_labels();
      label->set_name(l.name.data(), l.name.size());
      label->set_value(l.value.data(), l.value.size());
      max_data_length -= static_cast<int64_t>(label->ByteSizeLong());
    }
    int64_t frame_bytes_left = max_data_length;
    for (size_t i = 0; i < chunks.size(); ++i) {
      prometheus::Chunk* chunk = series->add_chunks();
      chunk->set_min_time_ms(chunks[i].min_time_ms);
      chunk->set_max_time_ms(chunks[i].max_time_ms);
      chunk->set_type(prometheus::Chunk::XOR);
      chunk->set_data(std::move(chunks[i].data));
      frame_bytes_left -= static_cast<int64_t>(chunk->ByteSizeLong());
      const bool is_next = i + 1 < chunks.size();
      if (frame_bytes_left > 0 && is_next) continue;

      frame.clear();
      if (!resp.SerializeToString(&frame)) {
        return absl::InternalError("marshal ChunkedReadResponse: serialization failed");
      }
      AppendFrame(frame, out);
      series->clear_chunks();
      frame_bytes_left = max_data_length;
    }
  }
  return set.status();
}

}  // namespace sextant::api::remote
