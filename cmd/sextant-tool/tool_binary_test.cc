// Runs the built sextant-tool binary (SEXTANT_TOOL_BINARY) for what only the binary shows:
// --help, exit codes, and errors going to stderr.

#include <array>
#include <cstdio>
#include <string>

#include <sys/wait.h>

#include "cmd/sextant-tool/tool_test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sextant::tool {
namespace {

using ::testing::HasSubstr;

struct Result {
  int exit_code = -1;
  std::string out;  // stdout and stderr, stderr after "2>"
};

// Runs the tool with `args` (shell syntax) and returns its exit code and outputs.
Result RunTool(const std::string& args, const testing::ScratchDir& dir) {
  const std::string err = dir.Path("stderr.txt");
  const std::string cmd = std::string(SEXTANT_TOOL_BINARY) + " " + args + " 2>" + err;
  Result r;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  FILE* e = fopen(err.c_str(), "r");
  if (e != nullptr) {
    r.out += "2>";
    while ((n = fread(buf.data(), 1, buf.size(), e)) > 0) r.out.append(buf.data(), n);
    fclose(e);
  }
  return r;
}

TEST(SextantToolBinary, HelpAndUsageErrors) {
  testing::ScratchDir dir;
  Result r = RunTool("--help", dir);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("tsdb create-blocks-from openmetrics [<flags>] <input file> "
                               "[<output directory>]\n"));
  EXPECT_THAT(r.out, HasSubstr("\ncheck config [<flags>] <config-files>...\n"));

  r = RunTool("tsdb dump --help", dir);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("      --match=\"{__name__=~'(?s:.*)'}\""));

  r = RunTool("tsdb list --bogus", dir);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "2>sextant-tool: error: unknown long flag '--bogus', try --help\n");

  r = RunTool("tsdb create-blocks-from openmetrics", dir);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out,
            "2>sextant-tool: error: required argument 'input file' not provided, try --help\n");
}

TEST(SextantToolBinary, CommandErrorsAndSuccess) {
  testing::ScratchDir dir;
  const std::string bad = dir.Write("bad.om", "a 1 1\na 2\n# EOF\n");
  Result r = RunTool("tsdb create-blocks-from openmetrics " + bad + " " + dir.Path("data"), dir);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out,
            "2>getting min and max timestamp: line 2: expected timestamp for series got none\n");

  const std::string good = dir.Write("good.om", "a 1 1\na 2 2\n# EOF\n");
  r = RunTool("tsdb create-blocks-from openmetrics -q " + good + " " + dir.Path("data"), dir);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "2>");
  r = RunTool("tsdb dump " + dir.Path("data"), dir);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "{__name__=\"a\"} 1 1000\n{__name__=\"a\"} 2 2000\n2>");
  r = RunTool("tsdb list " + dir.Path("missing"), dir);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("2>opening the db dir: stat "));
}

TEST(SextantToolBinary, CheckConfigStillWorks) {
  testing::ScratchDir dir;
  const std::string config = dir.Write("prometheus.yml", "global:\n  scrape_interval: 15s\n");
  Result r = RunTool("check config " + config, dir);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "Checking " + config + "\n SUCCESS: " + config +
                       " is valid prometheus config file syntax\n\n2>");
  r = RunTool("check config", dir);
  EXPECT_EQ(r.exit_code, 1);
}

TEST(SextantToolBinary, CheckConfigWithHttpAndDnsSd) {
  testing::ScratchDir dir;
  const std::string good = std::string(SEXTANT_CONFIG_TESTDATA) + "/good/http_and_dns_sd.yml";
  Result r = RunTool("check config " + good, dir);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr(" SUCCESS: " + good + " is valid prometheus config file syntax"));
  const std::string bad = std::string(SEXTANT_CONFIG_TESTDATA) + "/bad/dns_sd_invalid_type.yml";
  r = RunTool("check config " + bad, dir);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("invalid DNS-SD records type TXT"));
}

TEST(SextantToolBinary, CheckWebConfig) {
  testing::ScratchDir dir;
  const std::string good =
      dir.Write("web.yml", "http_server_config:\n  headers:\n    X-Frame-Options: deny\n");
  const std::string bad = dir.Write("bad.yml", "basic_auth_users:\n  john: doe\n");
  Result r = RunTool("check web-config " + good, dir);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "2>" + good + " SUCCESS\n");
  r = RunTool("check web-config " + bad + " " + good, dir);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out,
            "2>" + bad +
                " FAILED: crypto/bcrypt: hashedSecret too short to be a bcrypted password\n" +
                good + " SUCCESS\n");
  r = RunTool("check web-config", dir);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("required argument 'web-config-files' not provided"));
}

}  // namespace
}  // namespace sextant::tool
