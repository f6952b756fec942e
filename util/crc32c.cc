#include "util/crc32c.h"

#include <array>
#include <cstdlib>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace sextant::util {
namespace {

constexpr uint32_t kPolyReflected = 0x82f63b78;

// kTables[k][b]: the CRC register after feeding byte b followed by k zero bytes, which lets the
// portable loop consume 8 bytes with 8 independent lookups.
using Tables = std::array<std::array<uint32_t, 256>, 8>;

constexpr Tables MakeTables() {
  Tables t{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int bit = 0; bit < 8; ++bit) c = (c >> 1) ^ ((c & 1) ? kPolyReflected : 0);
    t[0][i] = c;
  }
  for (int k = 1; k < 8; ++k) {
    for (uint32_t i = 0; i < 256; ++i) t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xff];
  }
  return t;
}

constexpr Tables kTables = MakeTables();

inline uint32_t Byte(const unsigned char* p, int i) { return p[i]; }

using ExtendFn = uint32_t (*)(uint32_t, std::string_view);

ExtendFn ChooseImplementation() {
  return Crc32cHardwareAvailable() ? &Crc32cExtendHardware : &Crc32cExtendPortable;
}

}  // namespace

uint32_t Crc32cExtendPortable(uint32_t crc, std::string_view data) {
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  size_t n = data.size();
  uint32_t l = ~crc;
  while (n >= 8) {
    // Bytes are combined explicitly (not loaded as a word) so this is endian-independent.
    const uint32_t lo = l ^ (Byte(p, 0) | Byte(p, 1) << 8 | Byte(p, 2) << 16 | Byte(p, 3) << 24);
    l = kTables[7][lo & 0xff] ^ kTables[6][(lo >> 8) & 0xff] ^ kTables[5][(lo >> 16) & 0xff] ^
        kTables[4][lo >> 24] ^ kTables[3][p[4]] ^ kTables[2][p[5]] ^ kTables[1][p[6]] ^
        kTables[0][p[7]];
    p += 8;
    n -= 8;
  }
  while (n-- > 0) l = kTables[0][(l ^ *p++) & 0xff] ^ (l >> 8);
  return ~l;
}

#if defined(__x86_64__)

bool Crc32cHardwareAvailable() {
  static const bool available = __builtin_cpu_supports("sse4.2");
  return available;
}

__attribute__((target("sse4.2"))) uint32_t Crc32cExtendHardware(uint32_t crc,
                                                                std::string_view data) {
  const char* p = data.data();
  size_t n = data.size();
  uint64_t l = ~crc;
  while (n >= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    l = _mm_crc32_u64(l, word);
    p += 8;
    n -= 8;
  }
  auto l32 = static_cast<uint32_t>(l);
  while (n-- > 0) l32 = _mm_crc32_u8(l32, static_cast<unsigned char>(*p++));
  return ~l32;
}

#else

bool Crc32cHardwareAvailable() { return false; }

uint32_t Crc32cExtendHardware(uint32_t crc, std::string_view data) {
  std::abort();  // precondition violated: no hardware implementation on this architecture
}

#endif

uint32_t Crc32cExtend(uint32_t crc, std::string_view data) {
  static const ExtendFn extend = ChooseImplementation();
  return extend(crc, data);
}

}  // namespace sextant::util
