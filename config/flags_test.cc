#include "config/flags.h"

#include <map>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sextant::config {
namespace {

using ::testing::HasSubstr;

TEST(ParseFlags, DefaultsMatchPrometheusExceptRetention) {
  auto p = ParseFlags({});
  ASSERT_TRUE(p.ok());
  const Flags& f = p->flags;
  EXPECT_EQ(f.config_file, "");
  EXPECT_EQ(f.web_listen_address, "0.0.0.0:9090");
  EXPECT_EQ(f.storage_tsdb_path, "data/");
  EXPECT_EQ(f.storage_tsdb_retention_time, absl::Hours(24 * 90));
  EXPECT_TRUE(f.storage_tsdb_wal_compression);
  EXPECT_EQ(f.query_lookback_delta, absl::Minutes(5));
  EXPECT_EQ(f.query_timeout, absl::Minutes(2));
  EXPECT_EQ(f.query_max_samples, 50000000);
  EXPECT_EQ(f.query_max_concurrency, 20);
  EXPECT_FALSE(f.web_enable_lifecycle);
}

TEST(ParseFlags, RemoteReadLimits) {
  auto defaults = ParseFlags({});
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->flags.storage_remote_read_sample_limit, 50000000);
  EXPECT_EQ(defaults->flags.storage_remote_read_concurrent_limit, 10);
  EXPECT_EQ(defaults->flags.storage_remote_read_max_bytes_in_frame, 1048576);
  // Read as kingpin reads ints (ParseFloat): Prometheus's own default is written "5e7".
  auto p = ParseFlags({"--storage.remote.read-sample-limit=5e7",
                       "--storage.remote.read-concurrent-limit=0",
                       "--storage.remote.read-max-bytes-in-frame", "4096"});
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->flags.storage_remote_read_sample_limit, 50000000);
  EXPECT_EQ(p->flags.storage_remote_read_concurrent_limit, 0);
  EXPECT_EQ(p->flags.storage_remote_read_max_bytes_in_frame, 4096);
  auto bad = ParseFlags({"--storage.remote.read-concurrent-limit=ten"});
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(std::string(bad.status().message()),
              HasSubstr("strconv.ParseFloat: parsing \"ten\": invalid syntax"));
}

TEST(ParseFlags, EqualsAndSpaceFormsAndBooleans) {
  auto p = ParseFlags({"--config.file", "p.yml", "--storage.tsdb.retention.time=30d",
                       "--web.enable-lifecycle", "--no-storage.tsdb.wal-compression",
                       "--web.enable-admin-api=true", "--storage.tsdb.retention.size=512MB",
                       "--log.level=debug", "--enable-feature=a,b"});
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->flags.config_file, "p.yml");
  EXPECT_EQ(p->flags.storage_tsdb_retention_time, absl::Hours(24 * 30));
  EXPECT_TRUE(p->flags.web_enable_lifecycle);
  EXPECT_FALSE(p->flags.storage_tsdb_wal_compression);
  EXPECT_TRUE(p->flags.web_enable_admin_api);
  EXPECT_EQ(p->flags.storage_tsdb_retention_size, 512u << 20);
  EXPECT_EQ(p->flags.log_level, "debug");
  EXPECT_THAT(p->flags.enable_feature, ::testing::ElementsAre("a", "b"));
}

TEST(ParseFlags, DeprecatedRetentionAlias) {
  auto p = ParseFlags({"--storage.tsdb.retention=7d"});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->flags.storage_tsdb_retention_time, absl::Hours(24 * 7));
}

TEST(ParseFlags, HelpAndVersion) {
  EXPECT_TRUE(ParseFlags({"--help"})->help);
  EXPECT_TRUE(ParseFlags({"-h"})->help);
  EXPECT_TRUE(ParseFlags({"--version"})->version);
  EXPECT_THAT(FlagsUsage(), HasSubstr("--storage.tsdb.retention.time=\"90d\""));
}

TEST(ParseFlags, ErrorsNameTheFlag) {
  EXPECT_EQ(ParseFlags({"--storage.tsdb.retention.time=banana"}).status().message(),
            "invalid value \"banana\" for flag --storage.tsdb.retention.time: not a valid "
            "duration string: \"banana\"");
  EXPECT_EQ(ParseFlags({"--foo"}).status().message(), "unknown long flag '--foo'");
  EXPECT_EQ(ParseFlags({"--no-config.file"}).status().message(),
            "unknown long flag '--no-config.file'");
  EXPECT_EQ(ParseFlags({"stray"}).status().message(), "unexpected stray");
  EXPECT_EQ(ParseFlags({"--config.file"}).status().message(),
            "expected argument for flag '--config.file'");
  EXPECT_THAT(std::string(ParseFlags({"--log.level=trace"}).status().message()),
              HasSubstr("for flag --log.level: must be one of [debug, info, warn, error]"));
  EXPECT_THAT(std::string(ParseFlags({"--web.enable-lifecycle=maybe"}).status().message()),
              HasSubstr("for flag --web.enable-lifecycle"));
  EXPECT_THAT(std::string(ParseFlags({"--storage.tsdb.retention.size=12XB"}).status().message()),
              HasSubstr("units: unknown unit XB in 12XB"));
  EXPECT_FALSE(ParseFlags({"--query.max-samples=lots"}).ok());
}

TEST(ParseFlags, WebConfigFile) {
  auto p = ParseFlags({});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->flags.web_config_file, "");
  p = ParseFlags({"--web.config.file=/etc/sextant/web.yml"});
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->flags.web_config_file, "/etc/sextant/web.yml");
  EXPECT_THAT(FlagsUsage(), HasSubstr("--web.config.file"));
  std::map<std::string, std::string> values;
  for (auto& [k, v] : FlagValues(p->flags)) values[k] = v;
  EXPECT_EQ(values.at("web.config.file"), "/etc/sextant/web.yml");
}

TEST(FlagValues, ListsEveryFlagWithPrometheusFormatting) {
  auto p = ParseFlags({"--storage.tsdb.retention.size=1GB"});
  std::map<std::string, std::string> values;
  for (auto& [k, v] : FlagValues(p->flags)) values[k] = v;
  EXPECT_EQ(values.at("storage.tsdb.retention.time"), "90d");
  EXPECT_EQ(values.at("storage.tsdb.retention.size"), "1GiB");
  EXPECT_EQ(values.at("web.listen-address"), "0.0.0.0:9090");
  EXPECT_EQ(values.at("web.enable-lifecycle"), "false");
  EXPECT_EQ(values.at("query.lookback-delta"), "5m");
}

}  // namespace
}  // namespace sextant::config

namespace sextant::config {
namespace {

TEST(ParseFlags, AgentModeDefaults) {
  auto p = ParseFlags({"--agent"});
  ASSERT_TRUE(p.ok()) << p.status();
  const Flags& f = p->flags;
  EXPECT_TRUE(f.agent);
  EXPECT_EQ(f.storage_agent_path, "data-agent/");
  EXPECT_TRUE(f.storage_agent_wal_compression);
  EXPECT_EQ(f.storage_agent_retention_min_time, absl::Minutes(5));
  EXPECT_EQ(f.storage_agent_retention_max_time, absl::Hours(4));
  EXPECT_EQ(f.storage_agent_wal_truncate_frequency, absl::ZeroDuration());
  EXPECT_EQ(f.storage_agent_wal_segment_size, 0u);
  EXPECT_FALSE(f.storage_agent_no_lockfile);
  EXPECT_FALSE(ParseFlags({})->flags.agent);
}

TEST(ParseFlags, AgentFlags) {
  auto p = ParseFlags(
      {"--agent", "--storage.agent.path=/var/agent", "--no-storage.agent.wal-compression",
       "--storage.agent.retention.min-time=1m", "--storage.agent.retention.max-time", "2h",
       "--storage.agent.wal-truncate-frequency=30m", "--storage.agent.wal-segment-size=64MB",
       "--storage.agent.no-lockfile"});
  ASSERT_TRUE(p.ok()) << p.status();
  const Flags& f = p->flags;
  EXPECT_EQ(f.storage_agent_path, "/var/agent");
  EXPECT_FALSE(f.storage_agent_wal_compression);
  EXPECT_EQ(f.storage_agent_retention_min_time, absl::Minutes(1));
  EXPECT_EQ(f.storage_agent_retention_max_time, absl::Hours(2));
  EXPECT_EQ(f.storage_agent_wal_truncate_frequency, absl::Minutes(30));
  EXPECT_EQ(f.storage_agent_wal_segment_size, 64u << 20);
  EXPECT_TRUE(f.storage_agent_no_lockfile);
}

TEST(ParseFlags, EnableFeatureAgentTurnsAgentModeOn) {
  auto p = ParseFlags({"--enable-feature=foo,agent", "--storage.agent.path=x"});
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_TRUE(p->flags.agent);
  EXPECT_EQ(p->flags.storage_agent_path, "x");
}

TEST(ParseFlags, ServerOnlyFlagsRefusedInAgentMode) {
  EXPECT_EQ(
      ParseFlags({"--agent", "--storage.tsdb.path=d", "--query.timeout=1m"}).status().message(),
      "The following flag(s) can not be used in agent mode: [\"--storage.tsdb.path\" "
      "\"--query.timeout\"]");
  EXPECT_EQ(
      ParseFlags({"--rules.alert.resend-delay=1m", "--enable-feature=agent"}).status().message(),
      "The following flag(s) can not be used in agent mode: [\"--rules.alert.resend-delay\"]");
  // Flags of both modes are fine.
  EXPECT_TRUE(ParseFlags({"--agent", "--config.file=a.yml", "--web.listen-address=:9095",
                          "--enable-feature=agent", "--log.level=debug"})
                  .ok());
}

TEST(ParseFlags, AgentOnlyFlagsRefusedInServerMode) {
  EXPECT_EQ(
      ParseFlags({"--storage.agent.path=d", "--storage.agent.no-lockfile"}).status().message(),
      "The following flag(s) can only be used in agent mode: [\"--storage.agent.path\" "
      "\"--storage.agent.no-lockfile\"]");
  EXPECT_FALSE(ParseFlags({"--storage.agent.retention.max-time=1h"}).ok());
}

TEST(ParseFlags, AgentWalSegmentSizeBounds) {
  EXPECT_EQ(ParseFlags({"--agent", "--storage.agent.wal-segment-size=1MB"}).status().message(),
            "flag 'storage.agent.wal-segment-size' must be set between 10MB and 256MB");
  EXPECT_FALSE(ParseFlags({"--agent", "--storage.agent.wal-segment-size=512MB"}).ok());
  EXPECT_TRUE(ParseFlags({"--agent", "--storage.agent.wal-segment-size=10MB"}).ok());
}

TEST(FlagsUsage, MarksModesAndHidesHiddenFlags) {
  const std::string usage = FlagsUsage();
  EXPECT_THAT(usage, HasSubstr("--agent\n          Run Sextant in 'Agent mode'."));
  EXPECT_THAT(usage, HasSubstr("--storage.agent.path=\"data-agent/\"\n          Base path for "
                               "metrics storage. Use with agent mode only."));
  EXPECT_THAT(usage, HasSubstr("--storage.agent.retention.max-time=\"4h\""));
  EXPECT_THAT(usage, HasSubstr("--storage.agent.retention.min-time=\"5m\""));
  EXPECT_THAT(usage, HasSubstr("--query.timeout=\"2m\"\n          Maximum time a query may take "
                               "before being aborted. Use with server mode only."));
  EXPECT_THAT(usage, ::testing::Not(HasSubstr("wal-truncate-frequency")));
  EXPECT_THAT(usage, ::testing::Not(HasSubstr("wal-segment-size")));
  std::map<std::string, std::string> values;
  for (auto& [k, v] : FlagValues(Flags{})) values[k] = v;
  EXPECT_EQ(values.at("agent"), "false");
  EXPECT_EQ(values.at("storage.agent.path"), "data-agent/");
  EXPECT_EQ(values.at("storage.agent.wal-truncate-frequency"), "0s");
  EXPECT_EQ(values.at("storage.agent.retention.max-time"), "4h");
  EXPECT_EQ(values.at("storage.agent.no-lockfile"), "false");
}

}  // namespace
}  // namespace sextant::config
