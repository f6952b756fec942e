#include "cmd/sextant-tool/bench_write.h"

#include <atomic>
#include <chrono>
#include <fstream>
#include <mutex>
#include <thread>

#include <stdlib.h>

#include "absl/container/flat_hash_set.h"
#include "cmd/sextant-tool/go_time.h"
#include "nlohmann/json.hpp"
#include "tsdb/db.h"
#include "util/env.h"
#include "util/go_format.h"
#include "util/strings.h"

namespace sextant::tool {
namespace {

constexpr int64_t kTimeDelta = 30000;  // ms between scrapes
constexpr size_t kShardSize = 1000;    // series per appending thread
constexpr int64_t kScrapesPerRound = 100;
constexpr int64_t kStartValue = 123456789;

int64_t NowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// promtool's measureTime: the start and completion lines around `fn`; returns the duration.
template <typename Fn>
absl::StatusOr<int64_t> Stage(std::ostream& out, std::string_view stage, Fn fn) {
  out << ">> start stage=" << stage << "\n" << std::flush;
  const int64_t start = NowNanos();
  if (absl::Status s = fn(); !s.ok()) return s;
  const int64_t duration = NowNanos() - start;
  out << ">> completed stage=" << stage << " duration=" << FormatGoDuration(duration) << "\n"
      << std::flush;
  return duration;
}

// One shard's 100 scrapes of a round: one appender and one commit per scrape. Returns the
// samples appended; an error ends the shard (promtool prints it and goes on with the others).
absl::StatusOr<uint64_t> IngestShard(tsdb::DB& db, std::span<const model::Labels> shard,
                                     int64_t base_ts) {
  std::vector<int64_t> values(shard.size(), kStartValue);
  std::vector<tsdb::SeriesRef> refs(shard.size(), 0);
  uint64_t total = 0;
  int64_t ts = base_ts;
  for (int64_t scrape = 0; scrape < kScrapesPerRound; ++scrape) {
    std::unique_ptr<tsdb::Appender> app = db.NewAppender();
    ts += kTimeDelta;
    for (size_t s = 0; s < shard.size(); ++s) {
      values[s] += 1000;
      auto ref = app->Append(refs[s], shard[s], ts, static_cast<double>(values[s]));
      if (!ref.ok()) {
        app->Rollback();
        return ref.status();
      }
      refs[s] = *ref;
      ++total;
    }
    if (absl::Status s = app->Commit(); !s.ok()) return s;
  }
  return total;
}

absl::StatusOr<uint64_t> IngestScrapes(tsdb::DB& db, const std::vector<model::Labels>& series,
                                       int64_t scrapes, std::ostream& out) {
  std::atomic<uint64_t> total{0};
  std::mutex out_mu;
  for (int64_t round = 0; round < scrapes; round += kScrapesPerRound) {
    std::vector<std::thread> threads;
    for (size_t begin = 0; begin < series.size(); begin += kShardSize) {
      const std::span<const model::Labels> shard = std::span<const model::Labels>(series).subspan(
          begin, std::min(kShardSize, series.size() - begin));
      threads.emplace_back([&db, shard, round, &total, &out, &out_mu] {
        auto n = IngestShard(db, shard, kTimeDelta * round);
        if (!n.ok()) {
          std::lock_guard<std::mutex> lock(out_mu);
          out << " err " << n.status().message() << "\n";
          return;
        }
        total += *n;
      });
    }
    for (std::thread& t : threads) t.join();
  }
  out << "ingestion completed\n" << std::flush;
  return total.load();
}

absl::StatusOr<std::string> MakeTempDir() {
  const char* tmp = getenv("TMPDIR");
  std::string pattern =
      util::StrCat(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp", "/tsdb_benchXXXXXX");
  if (mkdtemp(pattern.data()) == nullptr) {
    return absl::InternalError(util::ToAbsl(util::StrCat("mkdtemp ", pattern, " failed")));
  }
  return pattern;
}

}  // namespace

absl::StatusOr<std::vector<model::Labels>> ReadLabelFile(const std::string& path, int64_t max) {
  std::ifstream in(path);
  if (!in) {
    return absl::NotFoundError(
        util::ToAbsl(util::StrCat("open ", path, ": no such file or directory")));
  }
  std::vector<model::Labels> out;
  absl::flat_hash_set<model::Labels> seen;
  std::string line;
  std::vector<std::pair<std::string, std::string>> pairs;
  auto bad = [&](int64_t n, std::string_view what) {
    return absl::InvalidArgumentError(util::ToAbsl(util::StrCat(path, ":", n, ": ", what)));
  };
  for (int64_t n = 1; static_cast<int64_t>(out.size()) < max && std::getline(in, line); ++n) {
    const nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) {
      return bad(n, "not a JSON object of label names to values");
    }
    pairs.clear();
    for (const auto& [name, value] : j.items()) {
      if (!value.is_string()) return bad(n, util::StrCat("value of ", name, " is not a string"));
      pairs.emplace_back(name, value.get_ref<const std::string&>());
    }
    if (pairs.empty()) return bad(n, "no labels");
    model::Labels labels = model::Labels::FromPairs(pairs);
    if (seen.insert(labels).second) out.push_back(std::move(labels));
  }
  return out;
}

absl::StatusOr<BenchWriteResult> BenchWrite(const BenchWriteOptions& options, std::ostream& out) {
  util::Env* env = util::Env::Default();
  std::string dir = options.out_dir;
  if (dir.empty()) {
    auto tmp = MakeTempDir();
    if (!tmp.ok()) return tmp.status();
    dir = *tmp;
  }
  if (absl::Status s = env->DeleteDirRecursive(dir); !s.ok()) return s;
  if (absl::Status s = env->CreateDir(dir); !s.ok()) return s;
  // promtool opens its TSDB with the library defaults: WAL on, WAL compression off, no
  // compactions. The same here, so both tools do the same work.
  auto db = tsdb::DB::Open(util::JoinPath(dir, "storage"), {.retention_ms = 15LL * 24 * 3600 * 1000,
                                                            .wal_compression = false,
                                                            .compaction_interval_ms = 0});
  if (!db.ok()) return db.status();

  std::vector<model::Labels> series;
  auto read = Stage(out, "readData", [&]() -> absl::Status {
    auto labels = ReadLabelFile(options.label_file, options.metrics);
    if (!labels.ok()) return labels.status();
    series = *std::move(labels);
    return absl::OkStatus();
  });
  if (!read.ok()) return read.status();

  BenchWriteResult result;
  auto ingest = Stage(out, "ingestScrapes", [&]() -> absl::Status {
    auto total = IngestScrapes(**db, series, options.scrapes, out);
    if (!total.ok()) return total.status();
    result.total_samples = *total;
    return absl::OkStatus();
  });
  if (!ingest.ok()) return ingest.status();
  const double seconds = static_cast<double>(*ingest) / 1e9;
  result.samples_per_second = static_cast<double>(result.total_samples) / seconds;
  out << " > total samples: " << result.total_samples << "\n"
      << " > samples/sec: " << util::FormatFloatGo(result.samples_per_second) << "\n"
      << std::flush;

  auto stop = Stage(out, "stopStorage", [&]() -> absl::Status { return (*db)->Close(); });
  if (!stop.ok()) return stop.status();
  return result;
}

}  // namespace sextant::tool
