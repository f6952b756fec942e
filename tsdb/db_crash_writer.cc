// The writer half of DbTest.CommittedSamplesSurviveSigkill (tsdb/db_test.cc): opens the database
// in argv[1] and commits one sample for each of 20 series per round, forever, writing the round
// number to file descriptor argv[2] after each commit. The test kills it with SIGKILL and checks
// that every acknowledged round survived.

#include <cstdint>
#include <cstdlib>
#include <string>

#include <unistd.h>

#include "tsdb/db.h"

int main(int argc, char** argv) {
  using namespace sextant;
  if (argc != 3) return 2;
  const int out = std::atoi(argv[2]);
  tsdb::DbOptions options;
  options.compaction_interval_ms = 0;
  auto db = tsdb::DB::Open(argv[1], options);
  if (!db.ok()) return 3;
  for (int64_t i = 0;; ++i) {
    auto app = (*db)->NewAppender();
    for (int s = 0; s < 20; ++s) {
      auto labels = model::Labels::FromPairs({{"__name__", "m"}, {"instance", std::to_string(s)}});
      if (!app->Append(0, labels, i * 1000, static_cast<double>(i)).ok()) return 4;
    }
    if (!app->Commit().ok()) return 5;
    if (write(out, &i, sizeof(i)) != sizeof(i)) return 6;
  }
}
