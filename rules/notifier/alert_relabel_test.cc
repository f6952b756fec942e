#include "rules/notifier/alert_relabel.h"

#include "config/loader.h"
#include "gtest/gtest.h"

namespace sextant::rules {
namespace {

std::vector<config::RelabelConfig> Rules(const std::string& yaml) {
  absl::StatusOr<config::Config> c =
      config::LoadConfig("alerting:\n  alert_relabel_configs:\n" + yaml, "");
  EXPECT_TRUE(c.ok()) << c.status();
  return c.ok() ? c->alerting.alert_relabel_configs : std::vector<config::RelabelConfig>{};
}

NotifierAlert Alert(std::initializer_list<std::pair<std::string_view, std::string_view>> l) {
  NotifierAlert a;
  a.labels = model::Labels::FromPairs(l);
  a.annotations = model::Labels::FromPairs({{"summary", "s"}});
  return a;
}

TEST(RelabelAlerts, ExternalLabelsOnlyWhereMissing) {
  const model::Labels ext = model::Labels::FromPairs({{"cluster", "eu"}, {"replica", "a"}});
  std::vector<NotifierAlert> in = {Alert({{"alertname", "X"}, {"cluster", "us"}})};
  std::vector<NotifierAlert> out = RelabelAlerts({}, ext, in);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].labels,
            model::Labels::FromPairs({{"alertname", "X"}, {"cluster", "us"}, {"replica", "a"}}));
  EXPECT_EQ(out[0].annotations, in[0].annotations);
}

TEST(RelabelAlerts, DropsAndChangesAfterExternalLabels) {
  const std::vector<config::RelabelConfig> rules = Rules(
      "    - {source_labels: [severity], regex: debug, action: drop}\n"
      "    - {source_labels: [replica], target_label: replica, replacement: ''}\n"
      "    - {source_labels: [cluster], target_label: team, replacement: 'ops-$1'}\n");
  const model::Labels ext = model::Labels::FromPairs({{"cluster", "eu"}, {"replica", "a"}});
  std::vector<NotifierAlert> in = {Alert({{"alertname", "A"}, {"severity", "debug"}}),
                                   Alert({{"alertname", "B"}, {"severity", "page"}})};
  std::vector<NotifierAlert> out = RelabelAlerts(rules, ext, in);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].labels,
            model::Labels::FromPairs(
                {{"alertname", "B"}, {"cluster", "eu"}, {"severity", "page"}, {"team", "ops-eu"}}));
}

}  // namespace
}  // namespace sextant::rules
