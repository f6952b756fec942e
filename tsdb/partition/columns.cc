#include "tsdb/partition/columns.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "util/bit_stream.h"
#include "util/strings.h"
#include "util/varint.h"

namespace sextant::tsdb::partition {
namespace {

// Value stream tags (the first byte).
constexpr uint8_t kTagXor = 1;
constexpr uint8_t kTagDecimalDelta = 2;
constexpr uint8_t kTagDecimalDeltaOfDelta = 3;

constexpr int kMaxScale = 9;
constexpr double kPow10[kMaxScale + 1] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
constexpr int64_t kIntPow10[kMaxScale + 1] = {1,      10,      100,      1000,      10000,
                                              100000, 1000000, 10000000, 100000000, 1000000000};
// Mantissas stay below 2^53 in magnitude, so they convert to double exactly.
constexpr int64_t kMaxMantissa = (int64_t{1} << 53) - 1;

// Reserving for a count read from the input is capped, so a corrupt count cannot make a decoder
// allocate much before the stream proves it false; real streams grow the vector past this.
constexpr uint64_t kMaxReserve = 1 << 16;

absl::Status Corrupt(std::string_view column, std::string_view what, std::string_view all,
                     std::string_view rest) {
  return absl::DataLossError(util::ToAbsl(util::StrCat(
      column, " column: ", what, " at byte ", all.size() - rest.size(), " of ", all.size())));
}

// Integer sequences as uvarint tokens T:
//   T odd          a run of (T >> 1) + 1 zeros
//   T even, T > 0  the nonzero value ZigZagDecode(T >> 1)
//   T == 0         escape: the value follows as a zig-zag varint (for |v| >= 2^62, whose zig-zag
//                  form needs all 64 bits)
class TokenWriter {
 public:
  explicit TokenWriter(std::string* out) : out_(out) {}

  void Add(int64_t v) {
    if (v == 0) {
      ++zeros_;
      return;
    }
    FlushZeros();
    const uint64_t zz = util::ZigZagEncode(v);
    if (zz < (uint64_t{1} << 63)) {
      util::PutUvarint(out_, zz << 1);
    } else {
      out_->push_back('\0');
      util::PutUvarint(out_, zz);
    }
  }
  void Finish() { FlushZeros(); }

 private:
  void FlushZeros() {
    if (zeros_ == 0) return;
    util::PutUvarint(out_, ((zeros_ - 1) << 1) | 1);
    zeros_ = 0;
  }

  std::string* out_;
  uint64_t zeros_ = 0;
};

// Reads tokens for exactly `count` values, calling fn(int64_t) for each. Returns an error
// description, or nullptr on success.
template <typename Fn>
const char* ReadTokens(std::string_view* in, uint64_t count, Fn&& fn) {
  while (count > 0) {
    uint64_t token;
    if (!util::GetUvarint(in, &token)) return "truncated token";
    if (token & 1) {
      const uint64_t run = (token >> 1) + 1;
      if (run > count) return "zero run longer than the values left";
      for (uint64_t i = 0; i < run; ++i) fn(int64_t{0});
      count -= run;
      continue;
    }
    if (token == 0) {
      if (!util::GetUvarint(in, &token)) return "truncated escaped token";
      fn(util::ZigZagDecode(token));
    } else {
      fn(util::ZigZagDecode(token >> 1));
    }
    --count;
  }
  return nullptr;
}

// Wrapping arithmetic: the columns accept any int64 sequence without undefined behaviour.
inline int64_t WrapAdd(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}
inline int64_t WrapSub(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) - static_cast<uint64_t>(b));
}

// --- Values: exact decimals ---------------------------------------------------------------------

// The smallest scale k with v == m / 10^k exactly (bitwise), and its m; nullopt when there is none
// within kMaxScale (NaN, infinities, -0.0 and most binary fractions).
std::optional<int> DecimalScale(double v, int64_t* m) {
  for (int k = 0; k <= kMaxScale; ++k) {
    const double scaled = v * kPow10[k];
    if (!(std::fabs(scaled) <= static_cast<double>(kMaxMantissa))) return std::nullopt;
    const int64_t candidate = static_cast<int64_t>(std::nearbyint(scaled));
    if (std::bit_cast<uint64_t>(static_cast<double>(candidate) / kPow10[k]) ==
        std::bit_cast<uint64_t>(v)) {
      *m = candidate;
      return k;
    }
  }
  return std::nullopt;
}

inline double FromDecimal(int64_t m, int scale) {
  // Division by an exact power of ten rounds correctly, so m / 10^k is the double nearest to the
  // decimal, whatever k the encoder found first.
  return static_cast<double>(m) / kPow10[scale];
}

// Writes every value as m_i / 10^scale for one shared scale; false when some value is not such a
// decimal.
bool ToDecimals(std::span<const double> vs, int* scale, std::vector<int64_t>* ms) {
  std::vector<int> scales(vs.size());
  ms->resize(vs.size());
  int max_scale = 0;
  for (size_t i = 0; i < vs.size(); ++i) {
    const std::optional<int> k = DecimalScale(vs[i], &(*ms)[i]);
    if (!k) return false;
    scales[i] = *k;
    max_scale = std::max(max_scale, *k);
  }
  for (size_t i = 0; i < vs.size(); ++i) {
    if (scales[i] == max_scale) continue;
    const int64_t factor = kIntPow10[max_scale - scales[i]];
    int64_t& m = (*ms)[i];
    if (m > kMaxMantissa / factor || m < -kMaxMantissa / factor) return false;
    m *= factor;
    // The real number m / 10^max_scale is the one the value was found equal to, so this holds
    // by construction; checking keeps the format safe against any rounding surprise.
    if (std::bit_cast<uint64_t>(FromDecimal(m, max_scale)) != std::bit_cast<uint64_t>(vs[i])) {
      return false;
    }
  }
  *scale = max_scale;
  return true;
}

std::string EncodeDecimal(std::span<const int64_t> ms, int scale, bool delta_of_delta) {
  std::string out;
  out.push_back(static_cast<char>(delta_of_delta ? kTagDecimalDeltaOfDelta : kTagDecimalDelta));
  util::PutUvarint(&out, ms.size());
  out.push_back(static_cast<char>(scale));
  if (ms.empty()) return out;
  util::PutVarint(&out, ms[0]);
  TokenWriter tokens(&out);
  if (!delta_of_delta) {
    for (size_t i = 1; i < ms.size(); ++i) tokens.Add(ms[i] - ms[i - 1]);
  } else if (ms.size() >= 2) {
    int64_t delta = ms[1] - ms[0];
    util::PutVarint(&out, delta);
    for (size_t i = 2; i < ms.size(); ++i) {
      const int64_t d = ms[i] - ms[i - 1];
      tokens.Add(d - delta);
      delta = d;
    }
  }
  tokens.Finish();
  return out;
}

// --- Values: XOR --------------------------------------------------------------------------------
//
// Gorilla's value encoding with a 6-bit leading-zero count and the window length stored minus
// one, so every window is representable: '0' same value; '10' + the XOR's bits in the previous
// window; '11' + 6 bits leading zeros + 6 bits (length - 1) + the XOR's bits.

std::string EncodeXor(std::span<const double> vs) {
  std::string header;
  header.push_back(static_cast<char>(kTagXor));
  util::PutUvarint(&header, vs.size());
  if (vs.empty()) return header;
  util::BitWriter w(header, 0);
  uint64_t prev = std::bit_cast<uint64_t>(vs[0]);
  w.WriteBits(prev, 64);
  int leading = -1;  // no window yet
  int trailing = 0;
  for (size_t i = 1; i < vs.size(); ++i) {
    const uint64_t cur = std::bit_cast<uint64_t>(vs[i]);
    const uint64_t x = cur ^ prev;
    prev = cur;
    if (x == 0) {
      w.WriteBits(0b0, 1);
      continue;
    }
    const int lz = std::countl_zero(x);
    const int tz = std::countr_zero(x);
    const int window = 64 - leading - trailing;
    // Reuse the window when the XOR fits and the bits it wastes cost less than a new header.
    if (leading >= 0 && lz >= leading && tz >= trailing && window <= 64 - lz - tz + 12) {
      w.WriteBits(0b10, 2);
      w.WriteBits(x >> trailing, window);
      continue;
    }
    leading = lz;
    trailing = tz;
    const int sig = 64 - lz - tz;
    w.WriteBits((uint64_t{0b11} << 12) | (uint64_t(lz) << 6) | uint64_t(sig - 1), 14);
    w.WriteBits(x >> tz, sig);
  }
  return std::move(w).Release();
}

absl::Status DecodeXor(std::string_view all, std::string_view payload, uint64_t n,
                       std::vector<double>* out) {
  // Every value after the first takes at least one bit.
  if (n > 0 && n - 1 > payload.size() * 8) {
    return Corrupt("value", util::StrCat("count ", n, " too large for the XOR stream"), all,
                   payload);
  }
  out->resize(n);
  if (n == 0) {
    if (!payload.empty()) return Corrupt("value", "bytes after the last value", all, payload);
    return absl::OkStatus();
  }
  util::BitReader r(payload);
  uint64_t v = r.ReadBitsWide(64);
  (*out)[0] = std::bit_cast<double>(v);
  int leading = 0;
  int trailing = 0;
  bool have_window = false;
  auto at_bit = [&](uint64_t bit) { return payload.substr(std::min(bit / 8, payload.size())); };
  for (uint64_t i = 1; i < n; ++i) {
    const uint64_t head = r.Peek(14);
    if ((head >> 13) == 0) {
      r.Consume(1);
    } else {
      int sig;
      if (((head >> 12) & 1) == 0) {
        if (!have_window) {
          return Corrupt("value", util::StrCat("XOR window reused before one was set in value ", i),
                         all, at_bit(r.bits_read()));
        }
        r.Consume(2);
        sig = 64 - leading - trailing;
      } else {
        r.Consume(14);
        leading = static_cast<int>((head >> 6) & 63);
        sig = static_cast<int>(head & 63) + 1;
        if (leading + sig > 64) {
          return Corrupt("value", util::StrCat("XOR window past 64 bits in value ", i), all,
                         at_bit(r.bits_read()));
        }
        trailing = 64 - leading - sig;
        have_window = true;
      }
      v ^= r.ReadBitsWide(sig) << trailing;
    }
    (*out)[i] = std::bit_cast<double>(v);
  }
  if (r.overrun()) return Corrupt("value", "truncated XOR stream", all, "");
  const uint64_t used = (r.bits_read() + 7) / 8;
  if (used != payload.size()) {
    return Corrupt("value", "bytes after the last value", all, at_bit(used * 8));
  }
  return absl::OkStatus();
}

absl::Status DecodeDecimal(std::string_view all, std::string_view in, uint64_t n,
                           bool delta_of_delta, std::vector<double>* out) {
  out->clear();
  out->reserve(std::min(n, kMaxReserve));
  if (in.empty()) return Corrupt("value", "missing decimal scale", all, in);
  const int scale = static_cast<uint8_t>(in[0]);
  if (scale > kMaxScale) {
    return Corrupt("value", util::StrCat("decimal scale ", scale, " out of range"), all, in);
  }
  in.remove_prefix(1);
  if (n == 0) {
    if (!in.empty()) return Corrupt("value", "bytes after the last value", all, in);
    return absl::OkStatus();
  }
  bool in_range = true;
  int64_t m;
  // Mantissas first (exact as doubles), divided by 10^k in a second, vectorizable pass.
  auto emit = [&](int64_t mantissa) {
    in_range &= mantissa >= -kMaxMantissa && mantissa <= kMaxMantissa;
    out->push_back(static_cast<double>(mantissa));
  };
  if (!util::GetVarint(&in, &m)) return Corrupt("value", "truncated first mantissa", all, in);
  emit(m);
  const char* error = nullptr;
  if (!delta_of_delta) {
    error = ReadTokens(&in, n - 1, [&](int64_t d) {
      m = WrapAdd(m, d);
      emit(m);
    });
  } else if (n >= 2) {
    int64_t delta;
    if (!util::GetVarint(&in, &delta)) return Corrupt("value", "truncated first delta", all, in);
    m = WrapAdd(m, delta);
    emit(m);
    error = ReadTokens(&in, n - 2, [&](int64_t dod) {
      delta = WrapAdd(delta, dod);
      m = WrapAdd(m, delta);
      emit(m);
    });
  }
  if (error != nullptr) return Corrupt("value", error, all, in);
  if (!in_range) return Corrupt("value", "decimal mantissa out of range", all, in);
  if (!in.empty()) return Corrupt("value", "bytes after the last value", all, in);
  if (scale > 0) {
    const double divisor = kPow10[scale];
    for (double& v : *out) v /= divisor;  // the same correctly rounded m / 10^k as FromDecimal
  }
  return absl::OkStatus();
}

}  // namespace

std::string EncodeTimestamps(std::span<const int64_t> ts) {
  assert(ts.size() <= kMaxColumnLength);
  std::string out;
  util::PutUvarint(&out, ts.size());
  if (ts.empty()) return out;
  util::PutVarint(&out, ts[0]);
  if (ts.size() == 1) return out;
  int64_t delta = WrapSub(ts[1], ts[0]);
  util::PutVarint(&out, delta);
  TokenWriter tokens(&out);
  for (size_t i = 2; i < ts.size(); ++i) {
    const int64_t d = WrapSub(ts[i], ts[i - 1]);
    tokens.Add(WrapSub(d, delta));
    delta = d;
  }
  tokens.Finish();
  return out;
}

absl::Status DecodeTimestamps(std::string_view all, std::vector<int64_t>* out) {
  std::string_view in = all;
  out->clear();
  uint64_t n;
  if (!util::GetUvarint(&in, &n)) return Corrupt("timestamp", "truncated count", all, in);
  if (n > kMaxColumnLength) {
    return Corrupt("timestamp", util::StrCat("count ", n, " over the limit"), all, in);
  }
  out->reserve(std::min(n, kMaxReserve));
  if (n > 0) {
    int64_t t;
    if (!util::GetVarint(&in, &t)) return Corrupt("timestamp", "truncated first", all, in);
    out->push_back(t);
    if (n > 1) {
      int64_t delta;
      if (!util::GetVarint(&in, &delta)) return Corrupt("timestamp", "truncated delta", all, in);
      t = WrapAdd(t, delta);
      out->push_back(t);
      const char* error = ReadTokens(&in, n - 2, [&](int64_t dod) {
        delta = WrapAdd(delta, dod);
        t = WrapAdd(t, delta);
        out->push_back(t);
      });
      if (error != nullptr) return Corrupt("timestamp", error, all, in);
    }
  }
  if (!in.empty()) return Corrupt("timestamp", "bytes after the last timestamp", all, in);
  return absl::OkStatus();
}

std::string EncodeValues(std::span<const double> vs) {
  assert(vs.size() <= kMaxColumnLength);
  std::string best = EncodeXor(vs);
  int scale;
  std::vector<int64_t> ms;
  if (!vs.empty() && ToDecimals(vs, &scale, &ms)) {
    for (bool dod : {false, true}) {
      std::string candidate = EncodeDecimal(ms, scale, dod);
      if (candidate.size() < best.size()) best = std::move(candidate);
    }
  }
  return best;
}

absl::Status DecodeValues(std::string_view all, std::vector<double>* out) {
  std::string_view in = all;
  if (in.empty()) return Corrupt("value", "missing tag", all, in);
  const uint8_t tag = static_cast<uint8_t>(in[0]);
  in.remove_prefix(1);
  uint64_t n;
  if (!util::GetUvarint(&in, &n)) return Corrupt("value", "truncated count", all, in);
  if (n > kMaxColumnLength) {
    return Corrupt("value", util::StrCat("count ", n, " over the limit"), all, in);
  }
  switch (tag) {
    case kTagXor:
      return DecodeXor(all, in, n, out);
    case kTagDecimalDelta:
      return DecodeDecimal(all, in, n, /*delta_of_delta=*/false, out);
    case kTagDecimalDeltaOfDelta:
      return DecodeDecimal(all, in, n, /*delta_of_delta=*/true, out);
    default:
      return Corrupt("value", util::StrCat("unknown encoding tag ", int{tag}), all, all);
  }
}

}  // namespace sextant::tsdb::partition
