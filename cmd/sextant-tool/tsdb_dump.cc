#include "cmd/sextant-tool/tsdb_dump.h"

#include "cmd/sextant-tool/selector.h"
#include "tsdb/db.h"
#include "util/env.h"
#include "util/go_format.h"
#include "util/strings.h"

namespace sextant::tool {
namespace {

absl::Status WriteSamples(tsdb::DB& db, std::span<const model::Matcher> matchers,
                          const DumpOptions& options, std::ostream& out) {
  auto querier = db.NewQuerier(options.min_time, options.max_time);
  if (!querier.ok()) return querier.status();
  std::unique_ptr<tsdb::SeriesSet> set = (*querier)->Select(matchers);
  std::string buf;
  while (set->Next()) {
    const tsdb::Series& series = set->At();
    const std::string labels = series.labels().ToString();
    std::unique_ptr<tsdb::SeriesIterator> it = series.Iterator();
    while (it->Next()) {
      util::StrAppend(&buf, labels, " ", util::FormatFloatGo(it->v()), " ", it->t(), "\n");
      if (buf.size() >= (1 << 16)) {
        out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
        buf.clear();
      }
    }
    if (absl::Status s = it->status(); !s.ok()) return s;
  }
  out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
  out.flush();
  return set->status();
}

}  // namespace

absl::Status DumpSamples(const DumpOptions& options, std::ostream& out) {
  auto matchers = ParseSeriesSelector(options.match);
  if (!matchers.ok()) return matchers.status();
  if (!util::Env::Default()->IsDirectory(options.db_path)) {
    return absl::NotFoundError(util::ToAbsl(
        util::StrCat("opening the db dir: stat ", options.db_path, ": no such file or directory")));
  }
  auto db = tsdb::DB::Open(options.db_path, {.compaction_interval_ms = 0, .read_only = true});
  if (!db.ok()) return db.status();
  if (matchers->empty() || options.min_time > options.max_time) return (*db)->Close();

  absl::Status status = WriteSamples(**db, *matchers, options, out);
  // Close only now: the querier's readers (RocksDB snapshots, iterators) are gone.
  absl::Status closed = (*db)->Close();
  return status.ok() ? closed : status;
}

}  // namespace sextant::tool
