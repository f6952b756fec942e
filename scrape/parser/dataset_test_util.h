#pragma once

// Test helpers: reading the shared datasets (SEXTANT_DATASETS_DIR, set by CMake), zstd included.

#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include <zstd.h>

namespace sextant::scrape::testing {

inline std::string DatasetPath(const std::string& name) {
  return std::string(SEXTANT_DATASETS_DIR) + "/" + name;
}

// The file's bytes, or nullopt when it cannot be read.
inline std::optional<std::string> ReadDataset(const std::string& name) {
  std::ifstream in(DatasetPath(name), std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// A zstd-compressed dataset, decompressed (streaming: the frame need not record its size).
inline std::optional<std::string> ReadZstdDataset(const std::string& name) {
  std::optional<std::string> compressed = ReadDataset(name);
  if (!compressed.has_value()) return std::nullopt;
  ZSTD_DCtx* dctx = ZSTD_createDCtx();
  std::string out;
  std::string buf(ZSTD_DStreamOutSize(), '\0');
  ZSTD_inBuffer in{compressed->data(), compressed->size(), 0};
  while (in.pos < in.size) {
    ZSTD_outBuffer o{buf.data(), buf.size(), 0};
    const size_t rc = ZSTD_decompressStream(dctx, &o, &in);
    if (ZSTD_isError(rc)) {
      ZSTD_freeDCtx(dctx);
      return std::nullopt;
    }
    out.append(buf.data(), o.pos);
  }
  ZSTD_freeDCtx(dctx);
  return out;
}

}  // namespace sextant::scrape::testing
