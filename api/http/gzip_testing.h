#pragma once

// For tests of gzip-encoded responses: the inverse of GzipCompress (gzip.h).
//
// Thread-safety: a pure function.

#include <string>
#include <string_view>

#include <zlib.h>

#include "gtest/gtest.h"

namespace sextant::api::http::testing {

// The data of gzip stream `gz` (at most 8 MiB); fails the current test when it does not inflate.
inline std::string Gunzip(std::string_view gz) {
  z_stream zs{};
  EXPECT_EQ(inflateInit2(&zs, 15 + 16), Z_OK);
  std::string out(8 << 20, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  zs.avail_in = static_cast<uInt>(gz.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  inflateEnd(&zs);
  return out;
}

}  // namespace sextant::api::http::testing
