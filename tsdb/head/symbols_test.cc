#include "tsdb/head/symbols.h"

#include "gtest/gtest.h"

namespace sextant::tsdb::head {
namespace {

TEST(SymbolTable, InternsEachStringOnceAndResolves) {
  SymbolTable t;
  auto a = model::Labels::FromPairs({{"job", "node"}, {"instance", "a"}});
  auto b = model::Labels::FromPairs({{"job", "node"}, {"instance", "b"}});
  auto ia = t.Intern(a);
  auto ib = t.Intern(b);
  EXPECT_EQ(t.size(), 5u);  // job, node, instance, a, b
  EXPECT_EQ(t.Resolve(ia), a);
  EXPECT_EQ(t.Resolve(ib), b);
  EXPECT_TRUE(t.Equals(ia, a));
  EXPECT_FALSE(t.Equals(ia, b));
}

TEST(SymbolTable, ReleaseFreesUnusedStringsAndReusesIds) {
  SymbolTable t;
  auto a = model::Labels::FromPairs({{"job", "x"}});
  auto ia = t.Intern(a);
  auto ia2 = t.Intern(a);
  t.Release(ia);
  EXPECT_EQ(t.size(), 2u);
  t.Release(ia2);
  EXPECT_EQ(t.size(), 0u);
  EXPECT_EQ(t.bytes(), 0u);
  auto b = model::Labels::FromPairs({{"zone", "y"}});
  auto ib = t.Intern(b);
  EXPECT_EQ(t.Resolve(ib), b);
  EXPECT_EQ(t.size(), 2u);
}

TEST(SymbolTable, MemoryBytesGrowsWithLongStringsAndShrinksOnRelease) {
  SymbolTable t;
  const size_t empty = t.MemoryBytes();
  const std::string long_value(100, 'x');
  auto ids = t.Intern(model::Labels::FromPairs({{"job", long_value}}));
  const size_t one = t.MemoryBytes();
  EXPECT_GE(one, empty + long_value.size() + 2 * sizeof(std::string));
  t.Release(ids);
  EXPECT_LT(t.MemoryBytes(), one - long_value.size());
}

}  // namespace
}  // namespace sextant::tsdb::head
