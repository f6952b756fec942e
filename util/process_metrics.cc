#include "util/process_metrics.h"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

namespace sextant::util {
namespace {

// Fields of /proc/self/stat after the parenthesised command name (which may hold spaces);
// fields[0] is the state, field number N of proc(5) is fields[N - 3].
std::vector<std::string> ReadStatFields() {
  std::ifstream in("/proc/self/stat");
  std::string line;
  std::getline(in, line);
  const size_t close = line.rfind(')');
  std::vector<std::string> fields;
  if (close == std::string::npos) return fields;
  std::istringstream rest(line.substr(close + 2));
  for (std::string f; rest >> f;) fields.push_back(f);
  return fields;
}

double StatField(const std::vector<std::string>& fields, int proc_field_number) {
  const size_t i = static_cast<size_t>(proc_field_number - 3);
  return i < fields.size() ? std::stod(fields[i]) : 0;
}

double BootTimeSeconds() {
  std::ifstream in("/proc/stat");
  for (std::string key; in >> key;) {
    if (key == "btime") {
      double btime = 0;
      in >> btime;
      return btime;
    }
    std::string rest;
    std::getline(in, rest);
  }
  return 0;
}

double OpenFds() {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return 0;
  double n = 0;
  while (const dirent* e = readdir(dir)) {
    if (e->d_name[0] != '.') ++n;
  }
  closedir(dir);
  return n - 1;  // the descriptor opendir itself holds
}

double MaxFds() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  return static_cast<double>(limit.rlim_cur);
}

}  // namespace

double ProcessStartTimeSeconds() {
  static const double start = [] {
    const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
    return BootTimeSeconds() + StatField(ReadStatFields(), 22) / ticks;
  }();
  return start;
}

void RegisterProcessMetrics(Registry* registry) {
  static const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  static const double page_size = static_cast<double>(sysconf(_SC_PAGESIZE));
  registry->NewCounterFunc("process_cpu_seconds_total",
                           "Total user and system CPU time spent in seconds.", [] {
                             const auto f = ReadStatFields();
                             return (StatField(f, 14) + StatField(f, 15)) / ticks;
                           });
  registry->NewGaugeFunc("process_resident_memory_bytes", "Resident memory size in bytes.",
                         [] { return StatField(ReadStatFields(), 24) * page_size; });
  registry->NewGaugeFunc("process_virtual_memory_bytes", "Virtual memory size in bytes.",
                         [] { return StatField(ReadStatFields(), 23); });
  registry->NewGaugeFunc("process_start_time_seconds",
                         "Start time of the process since unix epoch in seconds.",
                         [] { return ProcessStartTimeSeconds(); });
  registry->NewGaugeFunc("process_open_fds", "Number of open file descriptors.", OpenFds);
  registry->NewGaugeFunc("process_max_fds", "Maximum number of open file descriptors.", MaxFds);
}

}  // namespace sextant::util
