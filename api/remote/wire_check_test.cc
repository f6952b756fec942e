#include "api/remote/wire_check.h"

#include <cstdint>
#include <cstring>
#include <string>

#include "gtest/gtest.h"

namespace sextant::api::remote {
namespace {

// Protobuf wire bytes, by hand.
std::string Varint(uint64_t v) {
  std::string out;
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
  return out;
}
std::string Tag(uint64_t field, int wire_type) { return Varint(field << 3 | wire_type); }
std::string Len(uint64_t field, const std::string& payload) {
  return Tag(field, 2) + Varint(payload.size()) + payload;
}
std::string VarintField(uint64_t field, uint64_t v) { return Tag(field, 0) + Varint(v); }
std::string DoubleField(uint64_t field, double v) {
  char bytes[8];
  std::memcpy(bytes, &v, 8);  // little-endian on every platform Sextant builds on
  return Tag(field, 1) + std::string(bytes, 8);
}

const std::string kLabel = Len(1, "__name__") + Len(2, "up");
const std::string kSample = DoubleField(1, 1.5) + VarintField(2, 1000);
const std::string kSeries = Len(1, kLabel) + Len(2, kSample);
const std::string kWrite = Len(1, kSeries);

std::string Error(const std::string& data, WireMessage message = WireMessage::kWriteRequest) {
  const absl::Status s = CheckWire(data, message);
  if (s.ok()) return "OK";
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  return std::string(s.message());
}

TEST(CheckWire, AcceptsWellFormedMessages) {
  EXPECT_EQ(Error(""), "OK");
  EXPECT_EQ(Error(kWrite), "OK");
  const std::string metadata = VarintField(1, 1) + Len(2, "up") + Len(4, "help") + Len(5, "s");
  EXPECT_EQ(Error(kWrite + Len(3, metadata)), "OK");
  const std::string exemplar = Len(1, kLabel) + DoubleField(2, 1) + VarintField(3, 5);
  EXPECT_EQ(Error(Len(1, kSeries + Len(3, exemplar))), "OK");
}

TEST(CheckWire, WrongWireTypeForAKnownFieldNamesTheGoField) {
  EXPECT_EQ(Error(VarintField(1, 1)), "proto: wrong wireType = 0 for field Timeseries");
  EXPECT_EQ(Error(kWrite + DoubleField(3, 1)), "proto: wrong wireType = 1 for field Metadata");
  EXPECT_EQ(Error(Len(1, DoubleField(1, 0))), "proto: wrong wireType = 1 for field Labels");
  EXPECT_EQ(Error(Len(1, Len(1, kLabel) + VarintField(2, 3))),
            "proto: wrong wireType = 0 for field Samples");
  EXPECT_EQ(Error(Len(1, Len(1, VarintField(1, 7)))), "proto: wrong wireType = 0 for field Name");
  EXPECT_EQ(Error(Len(1, Len(2, VarintField(1, 1)))), "proto: wrong wireType = 0 for field Value");
  EXPECT_EQ(Error(Len(1, Len(2, DoubleField(2, 1)))),
            "proto: wrong wireType = 1 for field Timestamp");
  // Fixed32 (wire type 5) where a length-delimited field is expected.
  EXPECT_EQ(Error(Len(1, Tag(2, 5) + "abcd")), "proto: wrong wireType = 5 for field Samples");
}

TEST(CheckWire, ValuesAndLengthsPastTheEnd) {
  EXPECT_EQ(Error(Tag(1, 2)), "unexpected EOF");                       // no length
  EXPECT_EQ(Error(Tag(1, 2) + "\x80"), "unexpected EOF");              // truncated length varint
  EXPECT_EQ(Error(Tag(1, 2) + Varint(10) + "abc"), "unexpected EOF");  // length past the end
  EXPECT_EQ(Error(kWrite.substr(0, kWrite.size() - 1)), "unexpected EOF");
  // Inside a series: the sample's timestamp varint is cut at the end of the sample.
  EXPECT_EQ(Error(Len(1, Len(2, Tag(2, 0) + "\xe8"))), "unexpected EOF");
  // A double with 7 of its 8 bytes.
  EXPECT_EQ(Error(Len(1, Len(2, Tag(1, 1) + "1234567"))), "unexpected EOF");
  EXPECT_EQ(Error("\x80"), "unexpected EOF");  // a truncated tag
}

TEST(CheckWire, OverlongVarintsAndNegativeLengths) {
  EXPECT_EQ(Error(Tag(1, 2) + std::string(10, '\xff') + "\x01"), "proto: integer overflow");
  EXPECT_EQ(Error(std::string(11, '\x80')), "proto: integer overflow");
  // A length of 2^63: negative as Go's int.
  EXPECT_EQ(Error(Tag(1, 2) + Varint(uint64_t{1} << 63)),
            "proto: negative length found during unmarshaling");
  // A length that overflows when added to the position.
  EXPECT_EQ(Error(Tag(1, 2) + Varint((uint64_t{1} << 63) - 1)),
            "proto: negative length found during unmarshaling");
  // Ten bytes are allowed.
  EXPECT_EQ(Error(Len(1, Len(2, Tag(2, 0) + std::string(9, '\xff') + "\x01"))), "OK");
}

TEST(CheckWire, IllegalTags) {
  EXPECT_EQ(Error(std::string("\x02\x00", 2)), "proto: WriteRequest: illegal tag 0 (wire type 2)");
  EXPECT_EQ(Error(std::string(1, '\0')), "proto: WriteRequest: illegal tag 0 (wire type 0)");
  EXPECT_EQ(Error("\x0c"), "proto: WriteRequest: wiretype end group for non-group");
  EXPECT_EQ(Error(Len(1, "\x0c")), "proto: TimeSeries: wiretype end group for non-group");
  EXPECT_EQ(Error(Len(1, Len(2, std::string("\x00", 1)))),
            "proto: Sample: illegal tag 0 (wire type 0)");
  // gogo casts the field number to int32: 2^31 is negative, and the whole tag is printed.
  EXPECT_EQ(Error(Tag(uint64_t{1} << 31, 0) + Varint(1)),
            "proto: WriteRequest: illegal tag -2147483648 (wire type 17179869184)");
}

TEST(CheckWire, UnknownFieldsAreSkippedUnlessMalformed) {
  // Field 2 of WriteRequest is reserved (Cortex's source); 9 is unknown everywhere.
  EXPECT_EQ(Error(VarintField(2, 1) + kWrite), "OK");
  EXPECT_EQ(Error(Len(2, "cortex") + kWrite + DoubleField(9, 1) + Tag(9, 5) + "abcd"), "OK");
  EXPECT_EQ(Error(Len(1, kSeries + Len(9, "x"))), "OK");
  // A group with a nested group inside.
  EXPECT_EQ(Error(Tag(9, 3) + VarintField(1, 1) + Tag(8, 3) + Tag(8, 4) + Tag(9, 4) + kWrite),
            "OK");
  EXPECT_EQ(Error(Tag(9, 6)), "proto: illegal wireType 6");
  EXPECT_EQ(Error(Tag(9, 7)), "proto: illegal wireType 7");
  EXPECT_EQ(Error(Tag(9, 3) + Tag(9, 4) + Tag(9, 4)),
            "proto: WriteRequest: wiretype end group for non-group");
  EXPECT_EQ(Error(Tag(9, 3) + VarintField(1, 1)), "unexpected EOF");  // group never closed
  EXPECT_EQ(Error(Tag(9, 1) + "1234"), "unexpected EOF");
  EXPECT_EQ(Error(Tag(9, 2) + Varint(5) + "ab"), "unexpected EOF");
  EXPECT_EQ(Error(Tag(9, 2) + Varint(uint64_t{1} << 63)),
            "proto: negative length found during unmarshaling");
}

TEST(CheckWire, RepeatedScalarsPackedOrNot) {
  const std::string packed_deltas = Len(12, Varint(2) + Varint(300) + Varint(1));
  const std::string unpacked_deltas = VarintField(12, 2) + VarintField(12, 4);
  const std::string packed_counts = Len(13, std::string(16, '\0'));
  const std::string unpacked_counts = DoubleField(13, 1) + DoubleField(13, 2);
  const std::string span = Len(11, VarintField(1, 0) + VarintField(2, 2));
  for (const std::string& h : {packed_deltas, unpacked_deltas, packed_counts, unpacked_counts}) {
    EXPECT_EQ(Error(Len(1, Len(4, span + h + VarintField(15, 1)))), "OK");
  }
  EXPECT_EQ(Error(Len(1, Len(4, DoubleField(12, 1)))),
            "proto: wrong wireType = 1 for field PositiveDeltas");
  EXPECT_EQ(Error(Len(1, Len(4, VarintField(13, 1)))),
            "proto: wrong wireType = 0 for field PositiveCounts");
  EXPECT_EQ(Error(Len(1, Len(4, Len(2, "x")))), "proto: wrong wireType = 2 for field CountFloat");
  EXPECT_EQ(Error(Len(1, Len(4, Len(13, "1234")))), "unexpected EOF");  // half a double
  EXPECT_EQ(Error(Len(1, Len(4, Len(12, "\x80")))), "unexpected EOF");  // a cut varint
}

// What a visitor is told: the known fields in wire order, nested messages through the visitor
// their field returned.
class Recorder : public WireVisitor {
 public:
  std::string log;
  WireVisitor* Message(int32_t field) override {
    log += "m" + std::to_string(field) + " ";
    return this;
  }
  void Varint(int32_t field, uint64_t value) override {
    log += "v" + std::to_string(field) + "=" + std::to_string(value) + " ";
  }
  void Fixed64(int32_t field, uint64_t bits) override {
    double d = 0;
    std::memcpy(&d, &bits, 8);
    log += "f" + std::to_string(field) + "=" + std::to_string(d) + " ";
  }
  void Bytes(int32_t field, std::string_view value) override {
    log += "b" + std::to_string(field) + "=" + std::string(value) + " ";
  }
};

TEST(CheckWire, VisitorSeesKnownFieldsInWireOrder) {
  Recorder r;
  bool unusual = true;
  ASSERT_TRUE(CheckWire(Len(2, "skipped") + kWrite, WireMessage::kWriteRequest, &r, &unusual).ok());
  EXPECT_EQ(r.log, "m1 m1 b1=__name__ b2=up m2 f1=1.500000 v2=1000 ");
  EXPECT_FALSE(unusual);
}

TEST(CheckWire, UnusualInputIsFlagged) {
  const auto unusual = [](const std::string& data) {
    WireVisitor ignore;
    bool flag = false;
    EXPECT_TRUE(CheckWire(data, WireMessage::kWriteRequest, &ignore, &flag).ok());
    return flag;
  };
  EXPECT_FALSE(unusual(kWrite + VarintField(9, 1)));
  EXPECT_TRUE(unusual(Tag(9, 3) + Tag(9, 4) + kWrite));                       // a group
  EXPECT_TRUE(unusual(std::string("\xc8\x80\x00", 3) + Varint(1) + kWrite));  // tag 9 not minimal
  EXPECT_TRUE(unusual(Len(1, Len(4, Len(13, "1234") + "5678"))));             // run overrun
}

TEST(CheckWire, ReadMessages) {
  const std::string matcher = VarintField(1, 0) + Len(2, "job") + Len(3, "a");
  const std::string hints = VarintField(1, 15) + Len(2, "rate") + Len(5, "job") + VarintField(6, 1);
  const std::string query =
      VarintField(1, 0) + VarintField(2, 100) + Len(3, matcher) + Len(4, hints);
  EXPECT_EQ(Error(Len(1, query) + Len(2, Varint(1) + Varint(0)), WireMessage::kReadRequest), "OK");
  EXPECT_EQ(Error(Len(1, query) + VarintField(2, 1), WireMessage::kReadRequest), "OK");
  EXPECT_EQ(Error(Len(1, Len(3, DoubleField(1, 0))), WireMessage::kReadRequest),
            "proto: wrong wireType = 1 for field Type");
  EXPECT_EQ(Error(Len(1, VarintField(4, 1)), WireMessage::kReadRequest),
            "proto: wrong wireType = 0 for field Hints");
  EXPECT_EQ(Error(Len(1, Len(1, "x")), WireMessage::kReadRequest),
            "proto: wrong wireType = 2 for field StartTimestampMs");
  EXPECT_EQ(Error(Len(1, Len(1, kSeries)), WireMessage::kReadResponse), "OK");
  EXPECT_EQ(Error(Len(1, VarintField(1, 1)), WireMessage::kReadResponse),
            "proto: wrong wireType = 0 for field Timeseries");
  EXPECT_EQ(Error(VarintField(1, 1), WireMessage::kReadResponse),
            "proto: wrong wireType = 0 for field Results");
}

}  // namespace
}  // namespace sextant::api::remote
