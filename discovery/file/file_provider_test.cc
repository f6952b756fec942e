#include "discovery/file/file_provider.h"

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sextant::discovery {
namespace {

using ::testing::HasSubstr;

// A fresh directory, removed with the object.
class TempDir {
 public:
  TempDir() {
    static int n = 0;
    path_ = ::testing::TempDir() + "/discovery_file_" + std::to_string(::getpid()) + "_" +
            std::to_string(n++);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string Write(const std::string& name, const std::string& content) const {
    const std::string p = path_ + "/" + name;
    const std::string tmp = p + ".tmp";
    std::ofstream(tmp) << content;
    std::filesystem::rename(tmp, p);  // atomic, as file_sd writers should
    return p;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

model::Labels Addr(const std::string& a) { return model::Labels::FromPairs({{"__address__", a}}); }

TEST(ReadTargetFile, JsonGroupsWithFilepathAndSources) {
  TempDir dir;
  const std::string p = dir.Write(
      "t.json",
      R"([{"targets": ["a:1", "b:2"], "labels": {"env": "prod"}}, {"targets": ["c:3"]}])");
  absl::StatusOr<std::vector<TargetGroup>> g = ReadTargetFile(p);
  ASSERT_TRUE(g.ok()) << g.status();
  ASSERT_EQ(g->size(), 2u);
  EXPECT_EQ((*g)[0].source, p + ":0");
  EXPECT_EQ((*g)[1].source, p + ":1");
  EXPECT_THAT((*g)[0].targets, ::testing::ElementsAre(Addr("a:1"), Addr("b:2")));
  EXPECT_EQ((*g)[0].labels, model::Labels::FromPairs({{"env", "prod"}, {"__meta_filepath", p}}));
  EXPECT_EQ((*g)[1].labels, model::Labels::FromPairs({{"__meta_filepath", p}}));
}

TEST(ReadTargetFile, YamlAndEmptyFile) {
  TempDir dir;
  absl::StatusOr<std::vector<TargetGroup>> g =
      ReadTargetFile(dir.Write("t.yml", "- targets: [x:9]\n  labels: {a: b}\n"));
  ASSERT_TRUE(g.ok()) << g.status();
  ASSERT_EQ(g->size(), 1u);
  EXPECT_EQ((*g)[0].labels.Get("a"), "b");
  g = ReadTargetFile(dir.Write("empty.yml", ""));
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_TRUE(g->empty());
}

TEST(ReadTargetFile, Errors) {
  TempDir dir;
  for (const auto& [content, message] : std::vector<std::pair<std::string, std::string>>{
           {"{targets: [a]}", "expected a list of target groups"},
           {"[1]", "a target group must be a map"},
           {"[{targets: [a], labels: {'0bad': x}}]", "\"0bad\" is not a valid label name"},
           {"[{targets: [a", "error reading file"},
       }) {
    const std::string p = dir.Write("bad.yml", content);
    absl::StatusOr<std::vector<TargetGroup>> g = ReadTargetFile(p);
    ASSERT_FALSE(g.ok()) << content;
    EXPECT_EQ(g.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(g.status().message()), HasSubstr(message));
    EXPECT_THAT(std::string(g.status().message()), HasSubstr(p));
  }
  EXPECT_FALSE(ReadTargetFile(dir.path() + "/missing.json").ok());
}

TEST(FileProvider, GlobsChangesRemovalAndBrokenFiles) {
  TempDir dir;
  dir.Write("b.json", R"([{"targets": ["b:1"]}])");
  dir.Write("a.json", R"([{"targets": ["a:1"]}])");
  dir.Write("ignored.txt", "not matched");
  FileProvider p(config::FileSdConfig{{dir.path() + "/*.json"}, absl::Minutes(5)}, 2);
  EXPECT_EQ(p.name(), "file/2");
  EXPECT_TRUE(p.dynamic());
  const absl::Time t0 = absl::Now();
  EXPECT_TRUE(p.Refresh(t0));
  ASSERT_EQ(p.groups().size(), 2u);
  EXPECT_EQ(p.groups()[0].targets[0], Addr("a:1"));  // by path
  EXPECT_EQ(p.groups()[1].targets[0], Addr("b:1"));
  EXPECT_FALSE(p.Refresh(t0 + absl::Seconds(5)));  // nothing changed

  // A broken file keeps its previous targets.
  dir.Write("a.json", R"([{"targets": ["a:1"]})");
  EXPECT_FALSE(p.Refresh(t0 + absl::Seconds(10)));
  EXPECT_EQ(p.groups()[0].targets[0], Addr("a:1"));

  dir.Write("a.json", R"([{"targets": ["a:2"]}])");
  EXPECT_TRUE(p.Refresh(t0 + absl::Seconds(15)));
  EXPECT_EQ(p.groups()[0].targets[0], Addr("a:2"));

  std::filesystem::remove(dir.path() + "/b.json");
  EXPECT_TRUE(p.Refresh(t0 + absl::Seconds(20)));
  ASSERT_EQ(p.groups().size(), 1u);
}

TEST(FileProvider, FullReReadEveryRefreshInterval) {
  TempDir dir;
  const std::string p = dir.Write("a.json", R"([{"targets": ["a:1"]}])");
  FileProvider provider(config::FileSdConfig{{p}, absl::Minutes(1)}, 0);
  const absl::Time t0 = absl::Now();
  ASSERT_TRUE(provider.Refresh(t0));
  // An in-place change that keeps modification time, inode and size is only seen by the full
  // re-read.
  const auto mtime = std::filesystem::last_write_time(p);
  std::ofstream(p) << R"([{"targets": ["a:9"]}])";
  std::filesystem::last_write_time(p, mtime);
  EXPECT_FALSE(provider.Refresh(t0 + absl::Seconds(5)));
  EXPECT_EQ(provider.groups()[0].targets[0], Addr("a:1"));
  EXPECT_TRUE(provider.Refresh(t0 + absl::Minutes(1)));
  EXPECT_EQ(provider.groups()[0].targets[0], Addr("a:9"));
}

}  // namespace
}  // namespace sextant::discovery
