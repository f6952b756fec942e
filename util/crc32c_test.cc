#include "util/crc32c.h"

#include <cstdint>
#include <random>
#include <string>

#include <gtest/gtest.h>

namespace sextant::util {
namespace {

struct Vector {
  std::string data;
  uint32_t crc;
};

// RFC 3720 (iSCSI), appendix B.4, plus the customary "123456789" check value.
std::vector<Vector> TestVectors() {
  std::vector<Vector> v;
  v.push_back({std::string(32, '\0'), 0x8a9136aa});
  v.push_back({std::string(32, '\xff'), 0x62a8ab43});
  std::string ascending, descending;
  for (int i = 0; i < 32; ++i) {
    ascending.push_back(static_cast<char>(i));
    descending.push_back(static_cast<char>(31 - i));
  }
  v.push_back({ascending, 0x46dd794e});
  v.push_back({descending, 0x113fdb5c});
  const unsigned char iscsi_read[48] = {0x01, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00,
                                        0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00,
                                        0x00, 0x18, 0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                        0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
  v.push_back({std::string(reinterpret_cast<const char*>(iscsi_read), 48), 0xd9963a56});
  v.push_back({"123456789", 0xe3069283});
  v.push_back({"", 0});
  return v;
}

TEST(Crc32c, MatchesRfc3720Vectors) {
  for (const Vector& v : TestVectors()) {
    EXPECT_EQ(Crc32c(v.data), v.crc) << "size " << v.data.size();
    EXPECT_EQ(Crc32cExtendPortable(0, v.data), v.crc) << "size " << v.data.size();
  }
}

TEST(Crc32c, HardwareMatchesRfc3720Vectors) {
  if (!Crc32cHardwareAvailable()) GTEST_SKIP() << "no SSE4.2 on this CPU";
  for (const Vector& v : TestVectors()) {
    EXPECT_EQ(Crc32cExtendHardware(0, v.data), v.crc) << "size " << v.data.size();
  }
}

TEST(Crc32c, ExtendEqualsWholeValue) {
  const std::string data = "hello, write-ahead log: a record split across two fragments";
  for (size_t split = 0; split <= data.size(); ++split) {
    const std::string_view a(data.data(), split), b(data.data() + split, data.size() - split);
    EXPECT_EQ(Crc32cExtend(Crc32c(a), b), Crc32c(data)) << "split " << split;
  }
}

TEST(Crc32c, HardwareAndPortableAgreeOnRandomData) {
  if (!Crc32cHardwareAvailable()) GTEST_SKIP() << "no SSE4.2 on this CPU";
  std::mt19937_64 rng(42);
  std::string buf(1 << 16, '\0');
  for (char& c : buf) c = static_cast<char>(rng());
  for (int i = 0; i < 2000; ++i) {
    const size_t offset = rng() % 64;  // unaligned starts
    const size_t len = rng() % (buf.size() - offset);
    const std::string_view data(buf.data() + offset, i < 100 ? i : len);
    const auto seed = static_cast<uint32_t>(rng());
    ASSERT_EQ(Crc32cExtendHardware(seed, data), Crc32cExtendPortable(seed, data))
        << "offset " << offset << " len " << data.size();
  }
}

TEST(Crc32c, DetectsSingleBitFlips) {
  std::string data(100, 'x');
  const uint32_t crc = Crc32c(data);
  for (size_t i = 0; i < data.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      data[i] ^= static_cast<char>(1 << bit);
      EXPECT_NE(Crc32c(data), crc);
      data[i] ^= static_cast<char>(1 << bit);
    }
  }
}

}  // namespace
}  // namespace sextant::util
