#include "cmd/sextant-tool/backfill.h"

#include <algorithm>
#include <limits>
#include <vector>

#include "cmd/sextant-tool/backfill_plan.h"
#include "cmd/sextant-tool/partition_table.h"
#include "tsdb/partition/partition_store.h"
#include "util/env.h"
#include "util/strings.h"

namespace sextant::tool {
namespace {

absl::Status Prefixed(std::string_view prefix, const absl::Status& s) {
  return absl::Status(s.code(), util::ToAbsl(util::StrCat(prefix, util::FromAbsl(s.message()))));
}

// The row a planned partition will have once written (its size aside).
PartitionRow PlannedRow(const PlannedPartition& p) {
  PartitionRow row;
  row.name = tsdb::partition::PartitionMeta{p.start, p.end}.Name();
  row.min_time = std::numeric_limits<int64_t>::max();
  row.max_time = std::numeric_limits<int64_t>::min();
  for (const tsdb::partition::SeriesSamples& s : p.series) {
    row.min_time = std::min(row.min_time, s.samples.front().t);
    row.max_time = std::max(row.max_time, s.samples.back().t + 1);
    row.num_samples += s.samples.size();
    row.num_chunks += ChunksFor(s.samples.size());
  }
  row.num_series = p.series.size();
  return row;
}

}  // namespace

absl::Status CreateBlocksFromOpenMetrics(const BackfillOptions& options, std::ostream& out,
                                         std::ostream& warnings) {
  util::Env* env = util::Env::Default();
  absl::StatusOr<BackfillPlan> plan;
  {
    auto input = env->ReadFileToString(options.input_path);
    if (!input.ok()) return input.status();
    plan = PlanBackfill(*input, BlockDurationFor(options.max_block_duration_ms));
  }  // the input is freed here; the plan holds copies of what it needs
  if (!plan.ok()) return plan.status();
  if (plan->skipped_samples > 0 && !options.quiet) {
    warnings << "warning: " << plan->skipped_samples
             << " samples before the first block window (negative timestamps) were skipped, as "
                "promtool skips them\n";
  }

  return WritePartitions(options.output_dir, std::move(plan->partitions), options.human_readable,
                         options.quiet, out);
}

absl::Status WritePartitions(const std::string& dir, std::vector<PlannedPartition> partitions,
                             bool human_readable, bool quiet, std::ostream& out) {
  util::Env* env = util::Env::Default();
  if (absl::Status s = env->CreateDir(dir); !s.ok()) return Prefixed("create output dir: ", s);
  auto store = tsdb::partition::PartitionStore::Open(util::JoinPath(dir, "partitions"));
  if (!store.ok()) return Prefixed("open partition store: ", store.status());
  auto existing = (*store)->List();
  if (!existing.ok()) return existing.status();
  for (const PlannedPartition& p : partitions) {
    for (const tsdb::partition::PartitionMeta& e : *existing) {
      if (p.start < e.end && e.start < p.end) {
        return absl::AlreadyExistsError(util::ToAbsl(util::StrCat(
            "block creation: partition ", tsdb::partition::PartitionMeta{p.start, p.end}.Name(),
            " overlaps the existing partition ", e.Name(), " in ", dir, "; nothing was written")));
      }
    }
  }
  if (absl::Status s = env->CreateDir(util::JoinPath(dir, "wal")); !s.ok()) {
    return Prefixed("create wal dir: ", s);
  }

  PartitionTable table(human_readable);
  std::vector<PartitionRow> planned;
  for (const PlannedPartition& p : partitions) planned.push_back(PlannedRow(p));
  table.Fit(planned);
  for (size_t i = 0; i < partitions.size(); ++i) {
    PlannedPartition& p = partitions[i];
    auto meta = (*store)->Write(p.start, p.end, p.series, /*level=*/1);
    if (!meta.ok()) return Prefixed("block creation: write partition: ", meta.status());
    p.series.clear();
    p.series.shrink_to_fit();
    if (quiet) continue;
    auto row = DescribePartition(**store, *meta);
    if (!row.ok()) return row.status();
    // As promtool, each row is printed once its partition is written (the header before the
    // first).
    if (i == 0) out << table.Header();
    out << table.Row(*row) << std::flush;
  }
  out.flush();
  return absl::OkStatus();
}

}  // namespace sextant::tool
