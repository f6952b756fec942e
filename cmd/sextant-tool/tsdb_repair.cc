#include "cmd/sextant-tool/tsdb_repair.h"

#include "tsdb/partition/partition_store.h"
#include "util/env.h"
#include "util/status_macros.h"

namespace sextant::tool {

absl::Status RepairDataDir(const std::string& db_path, std::ostream& out) {
  std::string dir = db_path;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  ASSIGN_OR_RETURN(auto lock, util::Env::Default()->LockFile(dir + "/lock"));
  ASSIGN_OR_RETURN(tsdb::partition::RepairReport report,
                   tsdb::partition::PartitionStore::Repair(dir + "/partitions"));
  for (const auto& f : report.files) out << "damaged file " << f.file << ": " << f.problem << "\n";
  for (const auto& p : report.dropped) {
    out << "dropped partition " << p.Name() << " (mint " << p.min_time << ", maxt " << p.max_time
        << ")\n";
  }
  out << (report.files.empty() ? "no damage found\n"
                               : "repaired; the lost data is not coming back\n");
  return absl::OkStatus();
}

}  // namespace sextant::tool
