#include "rules/template/template.h"

#include "gtest/gtest.h"

namespace sextant::rules::tmpl {
namespace {

TEST(Template, Smoke) {
  AlertData data;
  data.labels = model::Labels::FromPairs({{"job", "node"}});
  data.value = 0.25;
  EXPECT_EQ(ExpandAlertTemplate("x", "{{ $labels.job }} {{ $value }}", data, {}), "node 0.25");
}

}  // namespace
}  // namespace sextant::rules::tmpl
