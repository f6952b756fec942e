#include "api/remote/wire_check.h"

#include <cstdint>
#include <span>

#include "util/strings.h"

namespace sextant::api::remote {
namespace {

using util::StrCat;

// How a known field is encoded, which decides the wire types gogo accepts for it.
enum class Kind : uint8_t {
  kVarint,         // wire type 0 (ints, bools, enums, sint32)
  kFixed64,        // wire type 1 (double)
  kBytes,          // wire type 2 (bytes, string)
  kMessage,        // wire type 2, decoded as `message`
  kPackedVarint,   // repeated varint scalar: one (0) or a packed run (2)
  kPackedFixed64,  // repeated double: one (1) or a packed run (2)
};

struct MessageSchema;

struct Field {
  int32_t number;
  std::string_view go_name;
  Kind kind;
  const MessageSchema* message = nullptr;  // for kMessage
};

struct MessageSchema {
  std::string_view go_name;
  std::span<const Field> fields;

  const Field* Find(int32_t number) const {
    for (const Field& f : fields) {
      if (f.number == number) return &f;
    }
    return nullptr;
  }
};

// prompb/types.proto and remote.proto, with gogo's Go names.
constexpr Field kLabelFields[] = {{1, "Name", Kind::kBytes}, {2, "Value", Kind::kBytes}};
constexpr MessageSchema kLabel{"Label", kLabelFields};

constexpr Field kSampleFields[] = {{1, "Value", Kind::kFixed64}, {2, "Timestamp", Kind::kVarint}};
constexpr MessageSchema kSample{"Sample", kSampleFields};

constexpr Field kExemplarFields[] = {{1, "Labels", Kind::kMessage, &kLabel},
                                     {2, "Value", Kind::kFixed64},
                                     {3, "Timestamp", Kind::kVarint}};
constexpr MessageSchema kExemplar{"Exemplar", kExemplarFields};

constexpr Field kBucketSpanFields[] = {{1, "Offset", Kind::kVarint}, {2, "Length", Kind::kVarint}};
constexpr MessageSchema kBucketSpan{"BucketSpan", kBucketSpanFields};

constexpr Field kHistogramFields[] = {
    {1, "CountInt", Kind::kVarint},
    {2, "CountFloat", Kind::kFixed64},
    {3, "Sum", Kind::kFixed64},
    {4, "Schema", Kind::kVarint},
    {5, "ZeroThreshold", Kind::kFixed64},
    {6, "ZeroCountInt", Kind::kVarint},
    {7, "ZeroCountFloat", Kind::kFixed64},
    {8, "NegativeSpans", Kind::kMessage, &kBucketSpan},
    {9, "NegativeDeltas", Kind::kPackedVarint},
    {10, "NegativeCounts", Kind::kPackedFixed64},
    {11, "PositiveSpans", Kind::kMessage, &kBucketSpan},
    {12, "PositiveDeltas", Kind::kPackedVarint},
    {13, "PositiveCounts", Kind::kPackedFixed64},
    {14, "ResetHint", Kind::kVarint},
    {15, "Timestamp", Kind::kVarint},
};
constexpr MessageSchema kHistogram{"Histogram", kHistogramFields};

constexpr Field kTimeSeriesFields[] = {{1, "Labels", Kind::kMessage, &kLabel},
                                       {2, "Samples", Kind::kMessage, &kSample},
                                       {3, "Exemplars", Kind::kMessage, &kExemplar},
                                       {4, "Histograms", Kind::kMessage, &kHistogram}};
constexpr MessageSchema kTimeSeries{"TimeSeries", kTimeSeriesFields};

constexpr Field kMetricMetadataFields[] = {{1, "Type", Kind::kVarint},
                                           {2, "MetricFamilyName", Kind::kBytes},
                                           {4, "Help", Kind::kBytes},
                                           {5, "Unit", Kind::kBytes}};
constexpr MessageSchema kMetricMetadata{"MetricMetadata", kMetricMetadataFields};

constexpr Field kWriteRequestFields[] = {{1, "Timeseries", Kind::kMessage, &kTimeSeries},
                                         {3, "Metadata", Kind::kMessage, &kMetricMetadata}};
constexpr MessageSchema kWriteRequest{"WriteRequest", kWriteRequestFields};

constexpr Field kLabelMatcherFields[] = {
    {1, "Type", Kind::kVarint}, {2, "Name", Kind::kBytes}, {3, "Value", Kind::kBytes}};
constexpr MessageSchema kLabelMatcher{"LabelMatcher", kLabelMatcherFields};

constexpr Field kReadHintsFields[] = {{1, "StepMs", Kind::kVarint},  {2, "Func", Kind::kBytes},
                                      {3, "StartMs", Kind::kVarint}, {4, "EndMs", Kind::kVarint},
                                      {5, "Grouping", Kind::kBytes}, {6, "By", Kind::kVarint},
                                      {7, "RangeMs", Kind::kVarint}};
constexpr MessageSchema kReadHints{"ReadHints", kReadHintsFields};

constexpr Field kQueryFields[] = {{1, "StartTimestampMs", Kind::kVarint},
                                  {2, "EndTimestampMs", Kind::kVarint},
                                  {3, "Matchers", Kind::kMessage, &kLabelMatcher},
                                  {4, "Hints", Kind::kMessage, &kReadHints}};
constexpr MessageSchema kQuery{"Query", kQueryFields};

constexpr Field kReadRequestFields[] = {{1, "Queries", Kind::kMessage, &kQuery},
                                        {2, "AcceptedResponseTypes", Kind::kPackedVarint}};
constexpr MessageSchema kReadRequest{"ReadRequest", kReadRequestFields};

constexpr Field kQueryResultFields[] = {{1, "Timeseries", Kind::kMessage, &kTimeSeries}};
constexpr MessageSchema kQueryResult{"QueryResult", kQueryResultFields};

constexpr Field kReadResponseFields[] = {{1, "Results", Kind::kMessage, &kQueryResult}};
constexpr MessageSchema kReadResponse{"ReadResponse", kReadResponseFields};

absl::Status Malformed(std::string_view text) {
  return absl::InvalidArgumentError(util::ToAbsl(text));
}
absl::Status UnexpectedEof() { return Malformed("unexpected EOF"); }
absl::Status IntegerOverflow() { return Malformed("proto: integer overflow"); }
absl::Status NegativeLength() {
  return Malformed("proto: negative length found during unmarshaling");
}

// Go's int arithmetic: indexes and lengths are int64 that wrap on overflow, and gogo tests the
// wrapped results for < 0.
int64_t WrappingAdd(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}

// One message's bytes and a read position, read as gogo's generated code reads them: every length
// check is against the end of this message, never of a field inside it.
class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data), end_(static_cast<int64_t>(data.size())) {}

  int64_t pos() const { return pos_; }
  int64_t end() const { return end_; }
  void set_pos(int64_t pos) { pos_ = pos; }

  // A base-128 varint of at most 10 bytes.
  absl::Status Varint(uint64_t* out) {
    uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
      if (shift >= 64) return IntegerOverflow();
      if (pos_ >= end_) return UnexpectedEof();
      const auto b = static_cast<uint8_t>(data_[static_cast<size_t>(pos_++)]);
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (b < 0x80) break;
    }
    *out = v;
    return absl::OkStatus();
  }

  // A length prefix; returns the end of the run it announces.
  absl::Status Length(int64_t* run_end) {
    uint64_t raw = 0;
    if (absl::Status s = Varint(&raw); !s.ok()) return s;
    const auto length = static_cast<int64_t>(raw);  // Go's int(...) of the same bits
    if (length < 0) return NegativeLength();
    const int64_t post = WrappingAdd(pos_, length);
    if (post < 0) return NegativeLength();
    if (post > end_) return UnexpectedEof();
    *run_end = post;
    return absl::OkStatus();
  }

  absl::Status Fixed64(uint64_t* out) {
    if (pos_ + 8 > end_) return UnexpectedEof();
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) {
      v = (v << 8) | static_cast<uint8_t>(data_[static_cast<size_t>(pos_ + i)]);
    }
    pos_ += 8;
    *out = v;
    return absl::OkStatus();
  }

  std::string_view Slice(int64_t from, int64_t to) const {
    return data_.substr(static_cast<size_t>(from), static_cast<size_t>(to - from));
  }

 private:
  std::string_view data_;
  int64_t end_;
  int64_t pos_ = 0;
};

// What one CheckWire call reports besides its status.
struct Walk {
  bool unusual = false;  // see CheckWire in wire_check.h
};

// gogo's skip<File>(): the length of the unknown field at the start of `data`, groups included.
absl::Status SkipLength(std::string_view data, int64_t* length, Walk& walk) {
  Reader r(data);
  int depth = 0;
  while (r.pos() < r.end()) {
    uint64_t tag = 0;
    if (absl::Status s = r.Varint(&tag); !s.ok()) return s;
    const int wire_type = static_cast<int>(tag & 7);
    switch (wire_type) {
      case 0: {
        uint64_t ignored = 0;
        if (absl::Status s = r.Varint(&ignored); !s.ok()) return s;
        break;
      }
      case 1:
        r.set_pos(r.pos() + 8);  // checked by the caller, or by the loop inside a group
        break;
      case 2: {
        uint64_t raw = 0;
        if (absl::Status s = r.Varint(&raw); !s.ok()) return s;
        const auto n = static_cast<int64_t>(raw);
        if (n < 0) return NegativeLength();
        r.set_pos(WrappingAdd(r.pos(), n));
        break;
      }
      case 3:
        walk.unusual = true;
        ++depth;
        break;
      case 4:
        if (depth == 0) return Malformed("proto: unexpected end of group");
        --depth;
        break;
      case 5:
        r.set_pos(r.pos() + 4);
        break;
      default:
        return Malformed(StrCat("proto: illegal wireType ", wire_type));
    }
    if (r.pos() < 0) return NegativeLength();
    if (depth == 0) {
      *length = r.pos();
      return absl::OkStatus();
    }
  }
  return UnexpectedEof();
}

absl::Status WrongWireType(int wire_type, const Field& field) {
  return Malformed(StrCat("proto: wrong wireType = ", wire_type, " for field ", field.go_name));
}

absl::Status CheckMessage(std::string_view data, const MessageSchema& schema, WireVisitor& visitor,
                          Walk& walk);

// A no-op visitor for the messages nobody asked to see.
WireVisitor& Ignore() {
  static WireVisitor ignore;
  return ignore;
}

// One scalar element of a known field, reported to `visitor`.
absl::Status ReadScalar(Reader& r, bool varint, const Field& field, WireVisitor& visitor) {
  uint64_t value = 0;
  if (absl::Status s = varint ? r.Varint(&value) : r.Fixed64(&value); !s.ok()) return s;
  if (varint) {
    visitor.Varint(field.number, value);
  } else {
    visitor.Fixed64(field.number, value);
  }
  return absl::OkStatus();
}

// One known field's value, the tag already read.
absl::Status CheckField(Reader& r, const Field& field, int wire_type, WireVisitor& visitor,
                        Walk& walk) {
  switch (field.kind) {
    case Kind::kVarint:
    case Kind::kFixed64: {
      const bool varint = field.kind == Kind::kVarint;
      if (wire_type != (varint ? 0 : 1)) return WrongWireType(wire_type, field);
      return ReadScalar(r, varint, field, visitor);
    }
    case Kind::kBytes: {
      if (wire_type != 2) return WrongWireType(wire_type, field);
      int64_t post = 0;
      if (absl::Status s = r.Length(&post); !s.ok()) return s;
      visitor.Bytes(field.number, r.Slice(r.pos(), post));
      r.set_pos(post);
      return absl::OkStatus();
    }
    case Kind::kMessage: {
      if (wire_type != 2) return WrongWireType(wire_type, field);
      int64_t post = 0;
      if (absl::Status s = r.Length(&post); !s.ok()) return s;
      WireVisitor* inner = visitor.Message(field.number);
      if (absl::Status s = CheckMessage(r.Slice(r.pos(), post), *field.message,
                                        inner != nullptr ? *inner : Ignore(), walk);
          !s.ok()) {
        return s;
      }
      r.set_pos(post);
      return absl::OkStatus();
    }
    case Kind::kPackedVarint:
    case Kind::kPackedFixed64: {
      const bool varint = field.kind == Kind::kPackedVarint;
      if (wire_type == (varint ? 0 : 1)) return ReadScalar(r, varint, field, visitor);
      if (wire_type != 2) return WrongWireType(wire_type, field);
      int64_t post = 0;
      if (absl::Status s = r.Length(&post); !s.ok()) return s;
      // Elements are read against the end of the message, not of the run: the last one may
      // overrun the run, and the message's next tag is then read after it, as gogo does.
      while (r.pos() < post) {
        if (absl::Status s = ReadScalar(r, varint, field, visitor); !s.ok()) return s;
      }
      if (r.pos() != post) walk.unusual = true;
      return absl::OkStatus();
    }
  }
  return absl::OkStatus();  // unreachable: the switch covers every Kind
}

// The smallest number of bytes a varint of `v` takes.
int64_t VarintSize(uint64_t v) {
  int64_t n = 1;
  for (; v >= 0x80; v >>= 7) ++n;
  return n;
}

// gogo's <Message>.Unmarshal, reporting to `visitor` instead of building anything.
absl::Status CheckMessage(std::string_view data, const MessageSchema& schema, WireVisitor& visitor,
                          Walk& walk) {
  Reader r(data);
  while (r.pos() < r.end()) {
    const int64_t field_start = r.pos();
    uint64_t tag = 0;
    if (absl::Status s = r.Varint(&tag); !s.ok()) return s;
    if (tag > UINT32_MAX || r.pos() - field_start != VarintSize(tag)) walk.unusual = true;
    const auto number = static_cast<int32_t>(static_cast<uint32_t>(tag >> 3));
    const int wire_type = static_cast<int>(tag & 7);
    if (wire_type == 4) {
      return Malformed(StrCat("proto: ", schema.go_name, ": wiretype end group for non-group"));
    }
    if (number <= 0) {
      return Malformed(
          StrCat("proto: ", schema.go_name, ": illegal tag ", number, " (wire type ", tag, ")"));
    }
    if (const Field* field = schema.Find(number); field != nullptr) {
      if (absl::Status s = CheckField(r, *field, wire_type, visitor, walk); !s.ok()) return s;
      continue;
    }
    int64_t skip = 0;
    if (absl::Status s = SkipLength(r.Slice(field_start, r.end()), &skip, walk); !s.ok()) {
      return s;
    }
    const int64_t next = WrappingAdd(field_start, skip);
    if (next < 0) return NegativeLength();
    if (next > r.end()) return UnexpectedEof();
    r.set_pos(next);
  }
  if (r.pos() > r.end()) return UnexpectedEof();
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckWire(std::string_view data, WireMessage message) {
  return CheckWire(data, message, &Ignore());
}

absl::Status CheckWire(std::string_view data, WireMessage message, WireVisitor* visitor,
                       bool* unusual) {
  const MessageSchema* schema = &kWriteRequest;
  switch (message) {
    case WireMessage::kWriteRequest:
      break;
    case WireMessage::kReadRequest:
      schema = &kReadRequest;
      break;
    case WireMessage::kReadResponse:
      schema = &kReadResponse;
      break;
  }
  Walk walk;
  absl::Status status = CheckMessage(data, *schema, *visitor, walk);
  if (unusual != nullptr) *unusual = walk.unusual;
  return status;
}

}  // namespace sextant::api::remote
