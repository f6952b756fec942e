#pragma once

// CheckWire: decides whether a serialized prompb message is well formed by Prometheus's rules, and
// if not, says why in Prometheus's own words.
//
// Prometheus decodes remote-write and remote-read bodies with the Unmarshal methods that
// gogo-protobuf generates for its prompb package. They are stricter than Google's protobuf
// parser, which Sextant uses to build the messages: a KNOWN field sent with the wrong wire type
// (say TimeSeries.samples as a varint) is an error for gogo, while Google's parser keeps it as an
// unknown field and parses the rest, so such a body would be half-read and acknowledged. Running
// CheckWire first makes Sextant refuse exactly what Prometheus refuses, with the same text
// (Prometheus answers it with 400 and the text as the body):
//
//   proto: wrong wireType = 0 for field Samples      a known field, another wire type
//   unexpected EOF                                   a tag, value or length runs past the end
//   proto: integer overflow                          a varint longer than 10 bytes
//   proto: negative length found during unmarshaling a length of 2^63 or more
//   proto: TimeSeries: wiretype end group for non-group
//   proto: TimeSeries: illegal tag 0 (wire type 2)   field number 0 (the second number is the
//                                                    whole tag, as gogo prints it)
//   proto: illegal wireType 6                        in an unknown field, skipped otherwise
//
// Unknown fields with a valid wire type are skipped (groups included), as gogo skips them. Repeated
// scalar fields are accepted packed and unpacked. Bytes fields are not checked for UTF-8 (gogo's
// strings are not either; remote.h says what happens to invalid labels). Message and field names
// are the Go ones (TimeSeries, Timeseries, StartTimestampMs); the schema is prompb/*.proto beside
// this file and docs/format/remote.md.
//
// CheckWire can also report what it reads (WireVisitor), so that a caller decodes a message in
// the same pass that checks it instead of parsing it a second time.
//
// Thread-safety: stateless. `data` is only read during the call.

#include <cstdint>
#include <string_view>

#include "absl/status/status.h"

namespace sextant::api::remote {

// The top-level messages CheckWire knows.
enum class WireMessage { kWriteRequest, kReadRequest, kReadResponse };

// OK when gogo-protobuf's generated Unmarshal for `message` would accept `data`; otherwise
// InvalidArgument whose message is exactly the error text that Unmarshal returns (see above).
absl::Status CheckWire(std::string_view data, WireMessage message);

// Receives the known fields' values of one message as CheckWire reads them, in wire order (so a
// field sent twice is reported twice; a repeated scalar once per element, packed or not). Fields
// are identified by their numbers in prompb/*.proto. Values borrow `data`. Unknown fields are not
// reported. The defaults ignore everything.
class WireVisitor {
 public:
  virtual ~WireVisitor() = default;
  // A known message-typed field begins; its fields go to the returned visitor (null: not
  // reported), which must stay valid until the field ends.
  virtual WireVisitor* Message(int32_t /*field*/) { return nullptr; }
  virtual void Varint(int32_t /*field*/, uint64_t /*value*/) {}
  virtual void Fixed64(int32_t /*field*/, uint64_t /*bits*/) {}
  virtual void Bytes(int32_t /*field*/, std::string_view /*value*/) {}
};

// CheckWire, reporting the values to `visitor` (not null) as it goes: on an error, what was
// reported before it is to be discarded. `*unusual` (when not null) is set to whether `data` holds
// something gogo accepts that Google's protobuf parser may refuse: a group in an unknown field, a
// tag over 32 bits or not minimally encoded, or a packed run whose last element overruns it.
absl::Status CheckWire(std::string_view data, WireMessage message, WireVisitor* visitor,
                       bool* unusual = nullptr);

}  // namespace sextant::api::remote
