#include "tsdb/partition/keys.h"

#include "util/varint.h"

namespace sextant::tsdb::partition {

void PutTime(std::string* dst, int64_t t) {
  util::PutFixed64BE(dst, static_cast<uint64_t>(t) ^ (uint64_t{1} << 63));
}

int64_t DecodeTime(const char* p) {
  return static_cast<int64_t>(util::DecodeFixed64BE(p) ^ (uint64_t{1} << 63));
}

namespace {
std::string Prefixed(char tag, int64_t start, int64_t end) {
  std::string key(1, tag);
  PutTime(&key, start);
  PutTime(&key, end);
  return key;
}
}  // namespace

std::string CatalogKey(int64_t start, int64_t end) { return Prefixed(kCatalogTag, start, end); }

std::string PartitionPrefix(int64_t start, int64_t end) { return Prefixed(kDataTag, start, end); }

std::string PartitionLimit(int64_t start, int64_t end) {
  // The prefix plus one in its last byte position, carrying: the smallest key after every key
  // that starts with the prefix.
  std::string key = PartitionPrefix(start, end);
  for (size_t i = key.size(); i-- > 0;) {
    if (static_cast<uint8_t>(key[i]) != 0xff) {
      key[i] = static_cast<char>(static_cast<uint8_t>(key[i]) + 1);
      key.resize(i + 1);
      return key;
    }
  }
  return std::string(1, static_cast<char>(kDataTag + 1));
}

std::string SeriesKey(int64_t start, int64_t end, char tag, uint32_t id) {
  std::string key = Prefixed(kDataTag, start, end);
  key.push_back(tag);
  util::PutFixed32BE(&key, id);
  return key;
}

std::string PostingsPrefix(int64_t start, int64_t end) {
  std::string key = Prefixed(kDataTag, start, end);
  key.push_back(kPostingsTag);
  return key;
}

std::string PostingsNamePrefix(int64_t start, int64_t end, std::string_view name) {
  std::string key = PostingsPrefix(start, end);
  key.append(name);
  key.push_back('\0');
  return key;
}

std::string PostingsKey(int64_t start, int64_t end, std::string_view name, std::string_view value) {
  std::string key = PostingsNamePrefix(start, end, name);
  key.append(value);
  return key;
}

}  // namespace sextant::tsdb::partition
