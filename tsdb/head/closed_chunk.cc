#include "tsdb/head/closed_chunk.h"

#include <cstring>
#include <new>

namespace sextant::tsdb::head {

ClosedChunk::Ref ClosedChunk::Make(int64_t mint, int64_t maxt, std::string_view bytes) {
  void* mem = ::operator new(sizeof(ClosedChunk) + bytes.size());
  auto* chunk = new (mem) ClosedChunk(mint, maxt, static_cast<uint32_t>(bytes.size()));
  std::memcpy(static_cast<char*>(mem) + sizeof(ClosedChunk), bytes.data(), bytes.size());
  return Ref(chunk);
}

void ClosedChunk::Free(ClosedChunk* p) {
  p->~ClosedChunk();
  ::operator delete(p);
}

}  // namespace sextant::tsdb::head
