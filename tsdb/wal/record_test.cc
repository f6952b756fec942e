#include "tsdb/wal/record.h"

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "model/sample.h"
#include "util/varint.h"

namespace sextant::tsdb::wal {
namespace {

using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

std::vector<RefSeries> SomeSeries() {
  return {
      {1, model::Labels::FromPairs({{"__name__", "up"}, {"job", "node"}, {"instance", "a:9100"}})},
      {2, model::Labels()},
      {~uint64_t{0}, model::Labels::FromPairs({{"__name__", "x"}, {"empty", ""}})},
      {300, model::Labels::FromPairs({{"__name__", std::string(1000, 'n')}})},
  };
}

std::vector<RefSample> SomeSamples() {
  return {
      {100, 1700000000000, 1.5},
      {101, 1700000000000, model::StaleNaN()},
      {99, 1700000000015, std::bit_cast<double>(model::kNormalNaNBits)},
      {0, kMin, -0.0},
      {~uint64_t{0}, kMax, std::numeric_limits<double>::infinity()},
      {100, 1699999999999, -std::numeric_limits<double>::denorm_min()},
  };
}

std::vector<Tombstone> SomeTombstones() {
  return {{1, 0, 100}, {2, kMin, kMax}, {~uint64_t{0}, -5, -1}, {7, 10, 10}};
}

TEST(Record, SeriesRoundTrip) {
  const std::vector<RefSeries> in = SomeSeries();
  std::string rec;
  EncodeSeries(in, &rec);
  EXPECT_EQ(*PeekType(rec), RecordType::kSeries);
  std::vector<RefSeries> out = {{5, model::Labels()}};  // replaced, not appended to
  ASSERT_TRUE(DecodeSeries(rec, &out).ok());
  EXPECT_EQ(out, in);
}

TEST(Record, SamplesRoundTripKeepsNaNBitsAndExtremes) {
  const std::vector<RefSample> in = SomeSamples();
  std::string rec;
  EncodeSamples(in, &rec);
  EXPECT_EQ(*PeekType(rec), RecordType::kSamples);
  std::vector<RefSample> out;
  ASSERT_TRUE(DecodeSamples(rec, &out).ok());
  ASSERT_EQ(out.size(), in.size());
  EXPECT_EQ(out, in);
  EXPECT_TRUE(model::IsStaleNaN(out[1].v));
  EXPECT_TRUE(std::signbit(out[3].v));
}

TEST(Record, TombstonesRoundTrip) {
  const std::vector<Tombstone> in = SomeTombstones();
  std::string rec;
  EncodeTombstones(in, &rec);
  EXPECT_EQ(*PeekType(rec), RecordType::kTombstones);
  std::vector<Tombstone> out;
  ASSERT_TRUE(DecodeTombstones(rec, &out).ok());
  EXPECT_EQ(out, in);
}

TEST(Record, EmptyRecordsRoundTrip) {
  std::string rec;
  EncodeSamples({}, &rec);
  EXPECT_EQ(rec.size(), 1u);
  std::vector<RefSample> samples = SomeSamples();
  ASSERT_TRUE(DecodeSamples(rec, &samples).ok());
  EXPECT_TRUE(samples.empty());
  EncodeSeries({}, &rec);
  std::vector<RefSeries> series;
  ASSERT_TRUE(DecodeSeries(rec, &series).ok());
  EXPECT_TRUE(series.empty());
  EncodeTombstones({}, &rec);
  std::vector<Tombstone> tombstones;
  ASSERT_TRUE(DecodeTombstones(rec, &tombstones).ok());
  EXPECT_TRUE(tombstones.empty());
}

TEST(Record, ScrapeSizedSamplesRecordIsCompact) {
  // One scrape: 1000 consecutive refs at one timestamp.
  std::vector<RefSample> in;
  for (int i = 0; i < 1000; ++i) in.push_back({uint64_t(5000 + i), 1700000000000, i * 0.25});
  std::string rec;
  EncodeSamples(in, &rec);
  // 8 bytes of value plus 1-2 bytes of ref delta and 1 of time delta per sample.
  EXPECT_LE(rec.size(), 1000u * 11 + 16);
  std::vector<RefSample> out;
  ASSERT_TRUE(DecodeSamples(rec, &out).ok());
  EXPECT_EQ(out, in);
}

TEST(Record, PeekTypeRejectsEmptyAndUnknown) {
  EXPECT_TRUE(absl::IsDataLoss(PeekType("").status()));
  EXPECT_TRUE(absl::IsDataLoss(PeekType(std::string(1, '\0')).status()));
  EXPECT_TRUE(absl::IsDataLoss(PeekType("\x04").status()));
  EXPECT_TRUE(absl::IsDataLoss(PeekType("\xff").status()));
}

TEST(Record, DecodingTheWrongTypeIsDataLoss) {
  std::string rec;
  EncodeSamples(SomeSamples(), &rec);
  std::vector<RefSeries> series;
  const absl::Status status = DecodeSeries(rec, &series);
  EXPECT_TRUE(absl::IsDataLoss(status)) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr("samples record"));
  std::vector<Tombstone> tombstones;
  EXPECT_TRUE(absl::IsDataLoss(DecodeTombstones(rec, &tombstones)));
  std::vector<RefSample> samples;
  EXPECT_TRUE(absl::IsDataLoss(DecodeSamples("", &samples)));
}

// Every strict prefix of a record either fails with DataLoss or (when it ends exactly between two
// entries) decodes to a prefix of the entries; never anything else, and never a crash.
template <typename T, typename Decode>
void CheckPrefixes(const std::string& rec, const std::vector<T>& full, Decode decode) {
  for (size_t n = 0; n < rec.size(); ++n) {
    std::vector<T> out;
    const absl::Status status = decode(std::string_view(rec).substr(0, n), &out);
    if (status.ok()) {
      ASSERT_LT(out.size(), full.size()) << "prefix " << n;
      EXPECT_THAT(out, ElementsAreArray(full.begin(), full.begin() + out.size())) << "prefix " << n;
    } else {
      EXPECT_TRUE(absl::IsDataLoss(status)) << "prefix " << n << ": " << status;
      EXPECT_TRUE(out.empty()) << "prefix " << n;
    }
  }
}

TEST(Record, TruncatedRecordsAreDataLossOrAShorterValidRecord) {
  std::string rec;
  EncodeSeries(SomeSeries(), &rec);
  CheckPrefixes(rec, SomeSeries(), DecodeSeries);
  EncodeSamples(SomeSamples(), &rec);
  CheckPrefixes(rec, SomeSamples(), DecodeSamples);
  EncodeTombstones(SomeTombstones(), &rec);
  CheckPrefixes(rec, SomeTombstones(), DecodeTombstones);
}

TEST(Record, SampleCutInsideItsValueIsDataLoss) {
  std::string rec;
  EncodeSamples(SomeSamples(), &rec);
  rec.resize(rec.size() - 3);
  std::vector<RefSample> out;
  const absl::Status status = DecodeSamples(rec, &out);
  EXPECT_TRUE(absl::IsDataLoss(status)) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr("at byte"));
}

TEST(Record, SeriesWithLabelLengthPastTheEndIsDataLoss) {
  std::string rec(1, static_cast<char>(RecordType::kSeries));
  util::PutUvarint(&rec, 1);   // ref
  util::PutUvarint(&rec, 50);  // labels length, but only 3 bytes follow
  rec += "abc";
  std::vector<RefSeries> out;
  EXPECT_TRUE(absl::IsDataLoss(DecodeSeries(rec, &out)));
}

TEST(Record, SeriesWithMalformedLabelBytesIsDataLoss) {
  const auto series_record = [](std::string_view label_bytes) {
    std::string rec(1, static_cast<char>(RecordType::kSeries));
    util::PutUvarint(&rec, 1);
    util::PutLengthPrefixed(&rec, label_bytes);
    return rec;
  };
  std::string unsorted, duplicate, inner_overrun;
  for (std::string_view s : {"job", "x", "instance", "y"}) util::PutLengthPrefixed(&unsorted, s);
  for (std::string_view s : {"a", "1", "a", "2"}) util::PutLengthPrefixed(&duplicate, s);
  util::PutLengthPrefixed(&inner_overrun, "name");
  util::PutUvarint(&inner_overrun, 9);  // value length past the labels' end
  inner_overrun += "v";
  for (const std::string& bytes : {unsorted, duplicate, inner_overrun}) {
    std::vector<RefSeries> out;
    const absl::Status status = DecodeSeries(series_record(bytes), &out);
    EXPECT_TRUE(absl::IsDataLoss(status)) << status;
    EXPECT_THAT(std::string(status.message()), HasSubstr("malformed labels"));
  }
}

TEST(Record, OverlongVarintIsDataLoss) {
  std::string rec(1, static_cast<char>(RecordType::kTombstones));
  rec += std::string(11, '\xff');
  std::vector<Tombstone> out;
  EXPECT_TRUE(absl::IsDataLoss(DecodeTombstones(rec, &out)));
}

TEST(Record, RandomGarbageNeverCrashes) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 3000; ++i) {
    std::string rec(1 + rng() % 64, '\0');
    for (char& c : rec) c = static_cast<char>(rng());
    rec[0] = static_cast<char>(1 + i % 3);
    std::vector<RefSeries> series;
    std::vector<RefSample> samples;
    std::vector<Tombstone> tombstones;
    for (const absl::Status& status : {DecodeSeries(rec, &series), DecodeSamples(rec, &samples),
                                       DecodeTombstones(rec, &tombstones)}) {
      EXPECT_TRUE(status.ok() || absl::IsDataLoss(status)) << status;
    }
    for (const RefSeries& s : series) {
      for (const model::Label& l : s.labels) EXPECT_LE(l.name.size(), rec.size());
    }
  }
}

}  // namespace
}  // namespace sextant::tsdb::wal
