#pragma once

// CRC-32C (Castagnoli, polynomial 0x1EDC6F41, reflected; as in iSCSI, ext4, LevelDB and
// Prometheus's WAL): the checksum of every WAL fragment.
//
//   uint32_t crc = util::Crc32c(data);
//   uint32_t same = util::Crc32cExtend(util::Crc32c(first_half), second_half);
//
// Uses the SSE4.2 crc32 instruction when the CPU has it (checked once at run time) and a
// slicing-by-8 table otherwise; both give identical results.
//
// Thread-safety: all functions are pure and safe to call concurrently.

#include <cstdint>
#include <string_view>

namespace sextant::util {

// The CRC of `data` appended to the data whose CRC is `crc` (0 for "no data yet").
uint32_t Crc32cExtend(uint32_t crc, std::string_view data);

inline uint32_t Crc32c(std::string_view data) { return Crc32cExtend(0, data); }

// The two implementations behind Crc32cExtend, for tests and benchmarks.
uint32_t Crc32cExtendPortable(uint32_t crc, std::string_view data);
// True when Crc32cExtendHardware may be called on this CPU.
bool Crc32cHardwareAvailable();
// Precondition: Crc32cHardwareAvailable().
uint32_t Crc32cExtendHardware(uint32_t crc, std::string_view data);

}  // namespace sextant::util
