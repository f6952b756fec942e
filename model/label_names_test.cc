#include "model/label_names.h"

#include <gtest/gtest.h>

namespace sextant::model {
namespace {

TEST(LabelNames, LabelNameRules) {
  EXPECT_TRUE(IsValidLabelName("job"));
  EXPECT_TRUE(IsValidLabelName("_x9"));
  EXPECT_TRUE(IsValidLabelName("__name__"));
  EXPECT_FALSE(IsValidLabelName(""));
  EXPECT_FALSE(IsValidLabelName("0abc"));
  EXPECT_FALSE(IsValidLabelName("bad-label"));
  EXPECT_FALSE(IsValidLabelName("a:b"));
}

TEST(LabelNames, MetricNameRulesAllowColons) {
  EXPECT_TRUE(IsValidMetricName("job:http_requests:rate5m"));
  EXPECT_TRUE(IsValidMetricName(":x"));
  EXPECT_FALSE(IsValidMetricName("1x"));
  EXPECT_FALSE(IsValidMetricName("a-b"));
  EXPECT_FALSE(IsValidMetricName(""));
}

}  // namespace
}  // namespace sextant::model
