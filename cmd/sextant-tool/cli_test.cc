#include "cmd/sextant-tool/cli.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sextant::tool {
namespace {

// A command line with one command that records what it was given.
class CliTest : public ::testing::Test {
 protected:
  CliTest()
      : cli_("tool", "Test tool.",
             {{{"db", "dump"},
               "Dump.",
               {{"human-readable", 'r', FlagKind::kBool, "", "Human."},
                {"quiet", 'q', FlagKind::kBool, "", "Quiet."},
                {"min-time", 0, FlagKind::kInt, "-5", "Min."},
                {"match", 0, FlagKind::kString, "{a=\"b\"}", "Match."},
                {"max-block-duration", 0, FlagKind::kDuration, "0s", "Hidden.", true}},
               {{"input file", "In.", true, false}, {"out", "Out.", false, false}},
               [this](const ParsedArgs& a) {
                 parsed_ = a;
                 return 7;
               }}}) {}

  int Run(std::vector<std::string> argv) { return cli_.Run(argv); }

  CommandLine cli_;
  ParsedArgs parsed_;
};

TEST_F(CliTest, FlagsAnywhereDefaultsAndBundledShortFlags) {
  EXPECT_EQ(Run({"db", "-rq", "dump", "in", "--min-time=10", "--match", "x", "out"}), 7);
  EXPECT_TRUE(parsed_.Bool("human-readable"));
  EXPECT_TRUE(parsed_.Bool("quiet"));
  EXPECT_EQ(parsed_.Int("min-time"), 10);
  EXPECT_EQ(parsed_.String("match"), "x");
  EXPECT_THAT(parsed_.args(), ::testing::ElementsAre("in", "out"));

  EXPECT_EQ(Run({"db", "dump", "--max-block-duration", "24h", "in"}), 7);
  EXPECT_FALSE(parsed_.Bool("quiet"));
  EXPECT_EQ(parsed_.Int("min-time"), -5);
  EXPECT_EQ(parsed_.String("match"), "{a=\"b\"}");
  EXPECT_EQ(parsed_.Duration("max-block-duration"), int64_t{24} * 3600 * 1000000000);
  EXPECT_EQ(parsed_.Arg(1, "data/"), "data/");
}

TEST_F(CliTest, UsageErrorsExitOne) {
  EXPECT_EQ(Run({"db", "dump"}), 1);                                 // required argument
  EXPECT_EQ(Run({"db", "dump", "a", "b", "c"}), 1);                  // unexpected c
  EXPECT_EQ(Run({"db", "dump", "a", "--bogus"}), 1);                 // unknown long flag
  EXPECT_EQ(Run({"db", "dump", "a", "-x"}), 1);                      // unknown short flag
  EXPECT_EQ(Run({"db", "dump", "a", "--match=1", "--match=2"}), 1);  // repeated
  EXPECT_EQ(Run({"db", "dump", "a", "--min-time=abc"}), 1);          // strconv error
  EXPECT_EQ(Run({"db", "dump", "a", "--max-block-duration=7d"}), 1);
  EXPECT_EQ(Run({"db"}), 1);                             // must select a subcommand
  EXPECT_EQ(Run({"nope"}), 1);                           // expected command
  EXPECT_EQ(Run({"db", "dump", "a", "--min-time"}), 1);  // expected argument
}

TEST_F(CliTest, HelpAndVersionExitZero) {
  EXPECT_EQ(Run({}), 0);
  EXPECT_EQ(Run({"--help"}), 0);
  EXPECT_EQ(Run({"db", "dump", "--help"}), 0);
  EXPECT_EQ(Run({"help", "db", "dump"}), 0);
  EXPECT_EQ(Run({"--version"}), 0);
}

TEST_F(CliTest, UsageListsVisibleFlagsAndArgs) {
  const std::string usage = cli_.Usage(nullptr);
  EXPECT_THAT(usage, ::testing::HasSubstr("db dump [<flags>] <input file> [<out>]\n    Dump.\n"));
  // A command's help, as kingpin lays it out; hidden flags are left out.
  ::testing::internal::CaptureStdout();
  Run({"db", "dump", "-h"});
  const std::string help = ::testing::internal::GetCapturedStdout();
  EXPECT_EQ(help,
            "usage: tool db dump [<flags>] <input file> [<out>]\n"
            "\n"
            "Dump.\n"
            "\n"
            "Flags:\n"
            "  -h, --help               Show context-sensitive help.\n"
            "      --version            Show application version.\n"
            "  -r, --human-readable     Human.\n"
            "  -q, --quiet              Quiet.\n"
            "      --min-time=-5        Min.\n"
            "      --match=\"{a=\\\"b\\\"}\"  Match.\n"
            "\n"
            "Args:\n"
            "  <input file>  In.\n"
            "  [<out>]       Out.\n");
}

}  // namespace
}  // namespace sextant::tool
