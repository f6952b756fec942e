#include "util/env.h"

#include <memory>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

namespace sextant::util {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::string MakeTempDir() {
  const char* base = std::getenv("TEST_TMPDIR");
  std::string templ = JoinPath(base != nullptr ? base : "/tmp", "sextant_env_test.XXXXXX");
  if (::mkdtemp(templ.data()) == nullptr) return "";
  return templ;
}

// Runs every case against the POSIX env (in a fresh temporary directory) and the in-memory env.
class EnvTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    if (GetParam()) {
      env_ = Env::Default();
      root_ = MakeTempDir();
      ASSERT_FALSE(root_.empty());
    } else {
      mem_ = NewMemEnv();
      env_ = mem_.get();
      root_ = "/test";
      ASSERT_TRUE(env_->CreateDir(root_).ok());
    }
  }
  void TearDown() override {
    if (GetParam() && !root_.empty()) {
      ASSERT_TRUE(env_->DeleteDirRecursive(root_).ok());
    }
  }

  std::string Path(std::string_view name) const { return JoinPath(root_, name); }

  void Write(const std::string& path, std::string_view data) {
    ASSERT_TRUE(env_->WriteStringToFile(path, data, /*sync=*/false).ok()) << path;
  }
  std::string Read(const std::string& path) {
    auto data = env_->ReadFileToString(path);
    EXPECT_TRUE(data.ok()) << data.status();
    return data.ok() ? *data : "";
  }

  std::unique_ptr<Env> mem_;
  Env* env_ = nullptr;
  std::string root_;
};

INSTANTIATE_TEST_SUITE_P(PosixAndMem, EnvTest, ::testing::Values(true, false),
                         [](const auto& info) { return info.param ? "Posix" : "Mem"; });

TEST_P(EnvTest, CreateDirIsRecursiveAndIdempotent) {
  const std::string deep = Path("a/b/c");
  ASSERT_TRUE(env_->CreateDir(deep).ok());
  EXPECT_TRUE(env_->IsDirectory(deep));
  EXPECT_TRUE(env_->IsDirectory(Path("a/b")));
  EXPECT_TRUE(env_->CreateDir(deep).ok());
  Write(Path("file"), "x");
  const absl::Status status = env_->CreateDir(Path("file/sub"));
  EXPECT_FALSE(status.ok());
}

TEST_P(EnvTest, GetChildrenListsSortedNames) {
  Write(Path("b"), "1");
  Write(Path("a"), "2");
  ASSERT_TRUE(env_->CreateDir(Path("c/d")).ok());
  auto children = env_->GetChildren(root_);
  ASSERT_TRUE(children.ok()) << children.status();
  EXPECT_THAT(*children, ElementsAre("a", "b", "c"));
  auto empty = env_->GetChildren(Path("c/d"));
  ASSERT_TRUE(empty.ok());
  EXPECT_THAT(*empty, IsEmpty());
}

TEST_P(EnvTest, GetChildrenOfMissingDirIsNotFound) {
  auto children = env_->GetChildren(Path("missing"));
  EXPECT_TRUE(absl::IsNotFound(children.status())) << children.status();
  EXPECT_THAT(std::string(children.status().message()), HasSubstr(Path("missing")));
}

TEST_P(EnvTest, WriteThenReadSequentiallyAndAtOffsets) {
  const std::string path = Path("f");
  std::string data;
  for (int i = 0; i < 100000; ++i) data.push_back(static_cast<char>('a' + i % 26));
  auto file = env_->NewWritableFile(path);
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE((*file)->Append(std::string_view(data).substr(0, 10)).ok());
  ASSERT_TRUE((*file)->Append(std::string_view(data).substr(10)).ok());
  EXPECT_EQ((*file)->Size(), static_cast<int64_t>(data.size()));
  ASSERT_TRUE((*file)->Sync().ok());
  ASSERT_TRUE((*file)->Close().ok());

  EXPECT_TRUE(env_->FileExists(path));
  EXPECT_FALSE(env_->IsDirectory(path));
  EXPECT_EQ(*env_->GetFileSize(path), static_cast<int64_t>(data.size()));
  EXPECT_EQ(Read(path), data);

  auto seq = env_->NewSequentialFile(path);
  ASSERT_TRUE(seq.ok());
  std::string chunk;
  ASSERT_TRUE((*seq)->Read(5, &chunk).ok());
  EXPECT_EQ(chunk, "abcde");
  ASSERT_TRUE((*seq)->Skip(21).ok());
  ASSERT_TRUE((*seq)->Read(3, &chunk).ok());
  EXPECT_EQ(chunk, "abc");
  ASSERT_TRUE((*seq)->Read(1 << 20, &chunk).ok());
  EXPECT_EQ(chunk.size(), data.size() - 29);
  ASSERT_TRUE((*seq)->Read(10, &chunk).ok());
  EXPECT_TRUE(chunk.empty());

  auto random = env_->NewRandomAccessFile(path);
  ASSERT_TRUE(random.ok());
  EXPECT_EQ(*(*random)->Size(), static_cast<int64_t>(data.size()));
  ASSERT_TRUE((*random)->Read(26 * 3 + 2, 4, &chunk).ok());
  EXPECT_EQ(chunk, "cdef");
  ASSERT_TRUE((*random)->Read(static_cast<int64_t>(data.size()) - 2, 10, &chunk).ok());
  EXPECT_EQ(chunk.size(), 2u);
  ASSERT_TRUE((*random)->Read(static_cast<int64_t>(data.size()) + 5, 10, &chunk).ok());
  EXPECT_TRUE(chunk.empty());
}

TEST_P(EnvTest, OpeningMissingFilesIsNotFoundNamingThePath) {
  const std::string path = Path("nope");
  EXPECT_FALSE(env_->FileExists(path));
  for (const absl::Status& status :
       {env_->NewSequentialFile(path).status(), env_->NewRandomAccessFile(path).status(),
        env_->GetFileSize(path).status(), env_->DeleteFile(path)}) {
    EXPECT_TRUE(absl::IsNotFound(status)) << status;
    EXPECT_THAT(std::string(status.message()), HasSubstr(path));
  }
  auto file = env_->NewWritableFile(Path("no/such/dir/file"));
  EXPECT_TRUE(absl::IsNotFound(file.status())) << file.status();
}

TEST_P(EnvTest, NewWritableFileTruncatesAndAppendableFileContinues) {
  const std::string path = Path("f");
  Write(path, "hello");
  auto appendable = env_->NewAppendableFile(path);
  ASSERT_TRUE(appendable.ok());
  EXPECT_EQ((*appendable)->Size(), 5);
  ASSERT_TRUE((*appendable)->Append(" world").ok());
  ASSERT_TRUE((*appendable)->Close().ok());
  EXPECT_EQ(Read(path), "hello world");
  Write(path, "new");
  EXPECT_EQ(Read(path), "new");
}

TEST_P(EnvTest, TruncateCutsTheTailAndAppendsContinueThere) {
  const std::string path = Path("f");
  auto file = env_->NewWritableFile(path);
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE((*file)->Append("0123456789").ok());
  ASSERT_TRUE((*file)->Flush().ok());
  ASSERT_TRUE((*file)->Append("unflushed").ok());
  ASSERT_TRUE((*file)->Truncate(4).ok());
  EXPECT_EQ((*file)->Size(), 4);
  ASSERT_TRUE((*file)->Append("xy").ok());
  ASSERT_TRUE((*file)->Close().ok());
  EXPECT_EQ(Read(path), "0123xy");
}

TEST_P(EnvTest, ClosedFileRejectsWrites) {
  auto file = env_->NewWritableFile(Path("f"));
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE((*file)->Close().ok());
  EXPECT_TRUE(absl::IsFailedPrecondition((*file)->Append("x")));
  EXPECT_TRUE(absl::IsFailedPrecondition((*file)->Close()));
}

TEST_P(EnvTest, DeleteFileAndDirRecursive) {
  Write(Path("f"), "x");
  ASSERT_TRUE(env_->DeleteFile(Path("f")).ok());
  EXPECT_FALSE(env_->FileExists(Path("f")));

  ASSERT_TRUE(env_->CreateDir(Path("d/e/f")).ok());
  Write(Path("d/1"), "x");
  Write(Path("d/e/2"), "y");
  Write(Path("dx"), "sibling with a common prefix");
  ASSERT_TRUE(env_->DeleteDirRecursive(Path("d")).ok());
  EXPECT_FALSE(env_->FileExists(Path("d")));
  EXPECT_FALSE(env_->FileExists(Path("d/e/2")));
  EXPECT_TRUE(env_->FileExists(Path("dx")));
  EXPECT_TRUE(env_->DeleteDirRecursive(Path("d")).ok());  // already gone
}

TEST_P(EnvTest, RenameReplacesTheTargetFile) {
  Write(Path("a"), "new");
  Write(Path("b"), "old");
  ASSERT_TRUE(env_->RenameFile(Path("a"), Path("b")).ok());
  EXPECT_FALSE(env_->FileExists(Path("a")));
  EXPECT_EQ(Read(Path("b")), "new");
  EXPECT_TRUE(absl::IsNotFound(env_->RenameFile(Path("a"), Path("c"))));
}

TEST_P(EnvTest, RenameMovesADirectoryTree) {
  ASSERT_TRUE(env_->CreateDir(Path("tmp/sub")).ok());
  Write(Path("tmp/sub/f"), "data");
  ASSERT_TRUE(env_->RenameFile(Path("tmp"), Path("final")).ok());
  EXPECT_FALSE(env_->FileExists(Path("tmp")));
  EXPECT_TRUE(env_->IsDirectory(Path("final/sub")));
  EXPECT_EQ(Read(Path("final/sub/f")), "data");
}

TEST_P(EnvTest, LinkFileGivesASecondName) {
  Write(Path("a"), "content");
  ASSERT_TRUE(env_->LinkFile(Path("a"), Path("b")).ok());
  ASSERT_TRUE(env_->DeleteFile(Path("a")).ok());
  EXPECT_EQ(Read(Path("b")), "content");
  Write(Path("c"), "x");
  EXPECT_TRUE(absl::IsAlreadyExists(env_->LinkFile(Path("b"), Path("c"))));
  EXPECT_TRUE(absl::IsNotFound(env_->LinkFile(Path("missing"), Path("d"))));
}

TEST_P(EnvTest, CopyFileDuplicatesContents) {
  Write(Path("a"), std::string(200000, 'z'));
  ASSERT_TRUE(env_->CopyFile(Path("a"), Path("b")).ok());
  EXPECT_EQ(Read(Path("b")), std::string(200000, 'z'));
}

TEST_P(EnvTest, DiskUsageSumsFileSizesOfATree) {
  ASSERT_TRUE(env_->CreateDir(Path("d/e")).ok());
  Write(Path("d/a"), std::string(100, 'a'));
  Write(Path("d/e/b"), std::string(23, 'b'));
  Write(Path("other"), std::string(1000, 'c'));
  EXPECT_EQ(*env_->DiskUsage(Path("d")), 123);
  EXPECT_EQ(*env_->DiskUsage(Path("d/a")), 100);
  EXPECT_TRUE(absl::IsNotFound(env_->DiskUsage(Path("missing")).status()));
}

TEST_P(EnvTest, SyncDir) {
  EXPECT_TRUE(env_->SyncDir(root_).ok());
  EXPECT_TRUE(absl::IsNotFound(env_->SyncDir(Path("missing"))));
}

TEST_P(EnvTest, LockIsExclusiveUntilReleased) {
  const std::string path = Path("lock");
  auto lock = env_->LockFile(path);
  ASSERT_TRUE(lock.ok()) << lock.status();
  EXPECT_EQ((*lock)->path(), path);
  auto second = env_->LockFile(path);
  EXPECT_TRUE(absl::IsFailedPrecondition(second.status())) << second.status();
  EXPECT_THAT(std::string(second.status().message()), HasSubstr(path));
  lock->reset();
  auto third = env_->LockFile(path);
  EXPECT_TRUE(third.ok()) << third.status();
}

TEST(PosixEnv, LockConflictsAcrossProcesses) {
  const std::string dir = MakeTempDir();
  ASSERT_FALSE(dir.empty());
  const std::string path = JoinPath(dir, "lock");
  Env* env = Env::Default();
  auto lock = env->LockFile(path);
  ASSERT_TRUE(lock.ok()) << lock.status();
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    // Child: exit 0 when the lock is refused as expected.
    auto child_lock = env->LockFile(path);
    ::_exit(absl::IsFailedPrecondition(child_lock.status()) ? 0 : 1);
  }
  int wstatus = 0;
  ASSERT_EQ(::waitpid(pid, &wstatus, 0), pid);
  ASSERT_TRUE(WIFEXITED(wstatus));
  EXPECT_EQ(WEXITSTATUS(wstatus), 0);
  lock->reset();
  ASSERT_TRUE(env->DeleteDirRecursive(dir).ok());
}

TEST(JoinPath, JoinsWithOneSlash) {
  EXPECT_EQ(JoinPath("a", "b"), "a/b");
  EXPECT_EQ(JoinPath("a/", "b"), "a/b");
  EXPECT_EQ(JoinPath("a", "/b"), "a/b");
  EXPECT_EQ(JoinPath("", "b"), "b");
  EXPECT_EQ(JoinPath("a", ""), "a");
  EXPECT_EQ(DirName("a/b/c"), "a/b");
  EXPECT_EQ(DirName("c"), ".");
  EXPECT_EQ(DirName("/c"), "/");
}

}  // namespace
}  // namespace sextant::util
