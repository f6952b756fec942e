#include "util/huge_pages.h"

#include <cstdlib>
#include <fstream>
#include <string>

#include <unistd.h>

namespace sextant::util {

void ReexecWithHugePageHeap(char** argv) {
  const char* opt_out = std::getenv("SEXTANT_MALLOC_HUGEPAGES");
  if (opt_out != nullptr && std::string(opt_out) == "0") return;
  std::string tunables;
  if (const char* t = std::getenv("GLIBC_TUNABLES"); t != nullptr) tunables = t;
  if (tunables.find("glibc.malloc.hugetlb") != std::string::npos) return;  // set, by us or a user
  std::ifstream thp("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string setting;
  std::getline(thp, setting);
  if (setting.find("[madvise]") == std::string::npos) return;
  tunables += tunables.empty() ? "glibc.malloc.hugetlb=1" : ":glibc.malloc.hugetlb=1";
  // The program's own path, not /proc/self/exe: the process name (ps, top, pkill) comes from it.
  char path[4096];
  const ssize_t n = ::readlink("/proc/self/exe", path, sizeof(path) - 1);
  if (n <= 0) return;
  path[n] = '\0';
  if (::setenv("GLIBC_TUNABLES", tunables.c_str(), 1) != 0) return;
  ::execv(path, argv);
  // Still here: the exec failed; go on with the normal heap.
}

}  // namespace sextant::util
