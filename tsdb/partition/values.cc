#include "tsdb/partition/values.h"

#include "tsdb/partition/columns.h"
#include "tsdb/partition/partition_store.h"
#include "util/strings.h"
#include "util/varint.h"

namespace sextant::tsdb::partition {
namespace {

constexpr uint8_t kMetaVersion = 1;
constexpr uint8_t kStateWriting = 1;
constexpr uint8_t kStateComplete = 2;
constexpr uint64_t kFlagTombstones = 1;

absl::Status Corrupt(std::string_view what) {
  return absl::DataLossError(util::StrCat("corrupt partition ", what));
}

}  // namespace

std::string EncodeMeta(const PartitionMeta& meta) {
  std::string out;
  out.push_back(static_cast<char>(kMetaVersion));
  out.push_back(static_cast<char>(meta.complete ? kStateComplete : kStateWriting));
  util::PutUvarint(&out, meta.num_series);
  util::PutUvarint(&out, meta.num_samples);
  util::PutVarint(&out, meta.min_time);
  util::PutVarint(&out, meta.max_time);
  util::PutUvarint(&out, meta.level);
  util::PutUvarint(&out, meta.has_tombstones ? kFlagTombstones : 0);
  return out;
}

absl::Status DecodeMeta(std::string_view in, PartitionMeta* meta) {
  if (in.size() < 2 || static_cast<uint8_t>(in[0]) != kMetaVersion) {
    return Corrupt("catalog entry: unknown version");
  }
  uint8_t state = static_cast<uint8_t>(in[1]);
  if (state != kStateWriting && state != kStateComplete) return Corrupt("catalog entry: state");
  meta->complete = state == kStateComplete;
  in.remove_prefix(2);
  uint64_t level, flags;
  if (!util::GetUvarint(&in, &meta->num_series) || !util::GetUvarint(&in, &meta->num_samples) ||
      !util::GetVarint(&in, &meta->min_time) || !util::GetVarint(&in, &meta->max_time) ||
      !util::GetUvarint(&in, &level) || !util::GetUvarint(&in, &flags) || !in.empty()) {
    return Corrupt("catalog entry: truncated");
  }
  meta->level = static_cast<uint32_t>(level);
  meta->has_tombstones = (flags & kFlagTombstones) != 0;
  return absl::OkStatus();
}

std::string EncodeSeriesHeader(const model::Labels& labels,
                               std::span<const model::Sample> samples) {
  std::string out;
  util::PutLengthPrefixed(&out, labels.bytes());
  util::PutVarint(&out, samples.front().t);
  util::PutVarint(&out, samples.back().t);
  util::PutUvarint(&out, samples.size());
  return out;
}

absl::Status DecodeSeriesHeader(std::string_view in, SeriesHeader* out) {
  std::string_view labels;
  if (!util::GetLengthPrefixed(&in, &labels) || !util::GetVarint(&in, &out->min_time) ||
      !util::GetVarint(&in, &out->max_time) || !util::GetUvarint(&in, &out->num_samples) ||
      !in.empty()) {
    return Corrupt("series header");
  }
  out->labels = model::Labels::FromBytes(labels);
  return absl::OkStatus();
}

std::string EncodeSamples(std::span<const model::Sample> samples) {
  std::vector<int64_t> ts(samples.size());
  std::vector<double> vs(samples.size());
  for (size_t i = 0; i < samples.size(); ++i) {
    ts[i] = samples[i].t;
    vs[i] = samples[i].v;
  }
  std::string out;
  util::PutLengthPrefixed(&out, EncodeTimestamps(ts));
  out.append(EncodeValues(vs));
  return out;
}

absl::Status DecodeSamples(std::string_view in, std::vector<model::Sample>* out) {
  out->clear();
  return AppendDecodedSamples(in, out);
}

absl::Status AppendDecodedSamples(std::string_view in, std::vector<model::Sample>* out) {
  std::string_view ts_stream;
  if (!util::GetLengthPrefixed(&in, &ts_stream)) return Corrupt("samples: timestamp column");
  // Decoding scratch, kept per thread: a query decodes one series after another.
  thread_local std::vector<int64_t> ts;
  thread_local std::vector<double> vs;
  if (absl::Status s = DecodeTimestamps(ts_stream, &ts); !s.ok()) return s;
  if (absl::Status s = DecodeValues(in, &vs); !s.ok()) return s;
  if (ts.size() != vs.size()) return Corrupt("samples: column lengths differ");
  const size_t start = out->size();
  out->resize(start + ts.size());
  model::Sample* dst = out->data() + start;
  for (size_t i = 0; i < ts.size(); ++i) dst[i] = {ts[i], vs[i]};
  if (ts.capacity() > (size_t{1} << 20)) {  // a huge partition's: do not keep it
    ts = {};
    vs = {};
  }
  return absl::OkStatus();
}

std::string EncodePostings(std::span<const uint32_t> ids) {
  std::string out;
  util::PutUvarint(&out, ids.size());
  uint32_t prev = 0;
  for (uint32_t id : ids) {
    util::PutUvarint(&out, id - prev);
    prev = id;
  }
  return out;
}

absl::Status DecodePostings(std::string_view in, std::vector<uint64_t>* out) {
  uint64_t n;
  if (!util::GetUvarint(&in, &n) || n > in.size()) return Corrupt("postings: count");
  out->clear();
  out->reserve(n);
  uint64_t prev = 0;
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t delta;
    if (!util::GetUvarint(&in, &delta)) return Corrupt("postings: truncated");
    prev += delta;
    if (i > 0 && delta == 0) return Corrupt("postings: not increasing");
    out->push_back(prev);
  }
  if (!in.empty()) return Corrupt("postings: trailing bytes");
  return absl::OkStatus();
}

std::string EncodeIntervals(const Intervals& intervals) {
  std::string out;
  util::PutUvarint(&out, intervals.list().size());
  for (const Interval& iv : intervals.list()) {
    util::PutVarint(&out, iv.mint);
    util::PutVarint(&out, iv.maxt);
  }
  return out;
}

absl::Status DecodeIntervals(std::string_view in, Intervals* out) {
  uint64_t n;
  if (!util::GetUvarint(&in, &n) || n > in.size()) return Corrupt("tombstones: count");
  for (uint64_t i = 0; i < n; ++i) {
    int64_t mint, maxt;
    if (!util::GetVarint(&in, &mint) || !util::GetVarint(&in, &maxt)) {
      return Corrupt("tombstones: truncated");
    }
    out->Add({mint, maxt});
  }
  if (!in.empty()) return Corrupt("tombstones: trailing bytes");
  return absl::OkStatus();
}

}  // namespace sextant::tsdb::partition
