#pragma once

// Helpers shared by the WAL's tests (not part of the library).

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tsdb/wal/reader.h"
#include "tsdb/wal/segment.h"
#include "util/crc32c.h"
#include "util/env.h"
#include "util/varint.h"

namespace sextant::tsdb::wal::testing {

// Everything a Reader gets from a directory.
struct ReadResult {
  std::vector<std::string> records;
  absl::Status status;
  std::optional<Corruption> corruption;
};

inline ReadResult ReadAll(util::Env* env, const std::string& dir) {
  ReadResult result;
  auto reader = Reader::OpenAll(env, dir);
  if (!reader.ok()) {
    result.status = reader.status();
    return result;
  }
  while ((*reader)->Next()) result.records.emplace_back((*reader)->record());
  result.status = (*reader)->status();
  result.corruption = (*reader)->corruption();
  return result;
}

// `size` bytes that zstd cannot shrink.
inline std::string RandomBytes(std::mt19937_64& rng, size_t size) {
  std::string s(size, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

// `size` bytes that compress well.
inline std::string Compressible(size_t size, char seed) {
  std::string s(size, '\0');
  for (size_t i = 0; i < size; ++i) s[i] = static_cast<char>(seed + (i / 16) % 4);
  return s;
}

// One fragment as the writer lays it out, with a correct checksum.
inline std::string Fragment(uint8_t type_byte, std::string_view payload) {
  std::string out;
  out.push_back(static_cast<char>(type_byte));
  out.push_back(static_cast<char>(payload.size() >> 8));
  out.push_back(static_cast<char>(payload.size()));
  util::PutFixed32BE(&out, util::Crc32c(payload));
  out.append(payload);
  return out;
}

}  // namespace sextant::tsdb::wal::testing
