#include "discovery/static/static_provider.h"

#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace sextant::discovery {
namespace {

TEST(StaticProvider, OneGroupPerEntryWithIndexSources) {
  const model::Labels env = model::Labels::FromPairs({{"env", "prod"}});
  StaticProvider p({config::TargetGroup{{"a:1", "b:2"}, env}, config::TargetGroup{{"c:3"}, {}}});
  EXPECT_EQ(p.name(), "static/0");
  EXPECT_FALSE(p.dynamic());
  EXPECT_FALSE(p.Refresh(absl::Now()));
  ASSERT_EQ(p.groups().size(), 2u);
  EXPECT_EQ(p.groups()[0].source, "0");
  EXPECT_EQ(p.groups()[1].source, "1");
  ASSERT_EQ(p.groups()[0].targets.size(), 2u);
  EXPECT_EQ(p.groups()[0].targets[1], model::Labels::FromPairs({{"__address__", "b:2"}}));
  EXPECT_EQ(p.groups()[0].labels, env);
  EXPECT_TRUE(p.groups()[1].labels.empty());
}

}  // namespace
}  // namespace sextant::discovery
