#pragma once

// Transparent huge pages for malloc's heap. A head of 100,000 series is about 80 MB of small
// allocations; faulting that in 4 KiB at a time is a good part of a restart's time (and more so in
// a virtual machine, where a fault costs several microseconds). glibc backs its heap with huge
// pages when started with GLIBC_TUNABLES=glibc.malloc.hugetlb=1 (glibc 2.35+), which asks the
// kernel with madvise(MADV_HUGEPAGE): the kernel's own setting decides, and "madvise" (the common
// default) is the one where the ask matters.
//
//   int main(int argc, char** argv) {
//     util::ReexecWithHugePageHeap(argv);  // returns only when nothing was done
//     ...
//
// Thread-safety: call first thing in main(), before any thread starts.

namespace sextant::util {

// When the kernel's transparent_hugepage setting is "madvise", GLIBC_TUNABLES does not set
// glibc.malloc.hugetlb yet, and SEXTANT_MALLOC_HUGEPAGES is not "0": adds the tunable to the
// environment and re-executes the program (the file /proc/self/exe names, so that the process keeps
// its name) with the same arguments. Returns when
// any of that does not hold, or the exec fails.
void ReexecWithHugePageHeap(char** argv);

}  // namespace sextant::util
