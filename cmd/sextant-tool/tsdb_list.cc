#include "cmd/sextant-tool/tsdb_list.h"

#include <vector>

#include "cmd/sextant-tool/partition_table.h"
#include "tsdb/partition/partition_store.h"
#include "util/env.h"
#include "util/strings.h"

namespace sextant::tool {

absl::Status ListPartitions(const ListOptions& options, std::ostream& out) {
  util::Env* env = util::Env::Default();
  if (!env->IsDirectory(options.db_path)) {
    return absl::NotFoundError(util::ToAbsl(
        util::StrCat("opening the db dir: stat ", options.db_path, ": no such file or directory")));
  }
  std::vector<PartitionRow> rows;
  const std::string store_dir = util::JoinPath(options.db_path, "partitions");
  if (env->IsDirectory(store_dir)) {
    tsdb::partition::PartitionStoreOptions store_options;
    store_options.read_only = true;
    auto store = tsdb::partition::PartitionStore::Open(store_dir, store_options);
    if (!store.ok()) return store.status();
    auto metas = (*store)->List();
    if (!metas.ok()) return metas.status();
    for (const tsdb::partition::PartitionMeta& meta : *metas) {
      auto row = DescribePartition(**store, meta);
      if (!row.ok()) return row.status();
      rows.push_back(*std::move(row));
    }
  }
  out << FormatPartitionTable(rows, options.human_readable);
  out.flush();
  return absl::OkStatus();
}

}  // namespace sextant::tool
