// Memory per series in the head and the scrape caches, split by component (docs/memory.md).
//
// Not a Google Benchmark: it builds one large state and reports bytes, not time. What it does:
//
//   1. 200 targets (instance/job label sets) each scrape the real node_exporter page of
//      ../shared/datasets through PageAppender into a Head without WAL (its closed chunks going
//      to a head chunk directory in $TMPDIR, as in the server), twice (5 s apart), so the
//      series are created by the real scrape path and the per-target scrape caches are in their
//      steady state;
//   2. every series then gets samples every 5 s up to --samples in total, its values taken from a
//      real series of the 1 s recording in ../shared/datasets (every fifth sample; series i
//      replays recording series i mod 924), so chunks compress as real data does;
//   3. the whole (heap in use, from mallinfo2, and RssAnon) is measured around the build; the
//      scrape caches are measured by dropping them; the head's parts by building each one again
//      on its own from the same series (same types, same code): symbol table, label id vectors,
//      MemSeries (struct and control block), their open and closed chunks, postings, the
//      by-hash and by-ref maps and the ref table. The parts are added up and compared with the
//      head's total.
//
// Usage: head_memory_bench [--targets=200] [--samples=240] [--datasets=DIR]
// Run single-threaded (it is): mallinfo2 only counts the main arena.

#include <bit>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <malloc.h>
#include <unistd.h>

#include "absl/container/flat_hash_map.h"
#include "scrape/page_appender.h"
#include "scrape/parser/text_parser.h"
#include "tsdb/head/chunk_disk_mapper.h"
#include "tsdb/head/head.h"
#include "tsdb/head/mem_series.h"
#include "tsdb/head/ref_table.h"
#include "tsdb/head/symbols.h"
#include "tsdb/index/postings.h"

#ifndef SEXTANT_DATASETS_DIR
#define SEXTANT_DATASETS_DIR "../shared/datasets"
#endif

namespace sextant {
namespace {

using tsdb::SeriesRef;

constexpr int64_t kStepMs = 5000;
constexpr int64_t kStartMs = 1'700'000'000'000;

// Heap bytes in use (small blocks in the main arena plus mmapped blocks), chunk headers included.
int64_t HeapBytes() {
  struct mallinfo2 mi = mallinfo2();
  return static_cast<int64_t>(mi.uordblks + mi.hblkhd);
}

// A field of /proc/self/status ("RssAnon:", "RssFile:"), in bytes.
int64_t Status(std::string_view field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with(field)) {
      return std::strtoll(line.c_str() + field.size(), nullptr, 10) * 1024;
    }
  }
  return 0;
}
int64_t RssAnon() { return Status("RssAnon:"); }
int64_t RssFile() { return Status("RssFile:"); }

// A fresh head chunk directory, removed when the object goes.
struct ChunkDir {
  explicit ChunkDir(const char* name)
      : path((std::filesystem::temp_directory_path() /
              (std::string(name) + "_" + std::to_string(::getpid())))
                 .string()) {
    std::filesystem::remove_all(path);
  }
  ~ChunkDir() { std::filesystem::remove_all(path); }
  int64_t FileBytes() const {
    int64_t b = 0;
    for (const auto& e : std::filesystem::directory_iterator(path)) {
      b += static_cast<int64_t>(std::filesystem::file_size(e.path()));
    }
    return b;
  }
  std::string path;
};

std::unique_ptr<tsdb::head::ChunkDiskMapper> OpenMapper(const ChunkDir& dir) {
  tsdb::head::ChunkScanReport report;
  auto m = tsdb::head::ChunkDiskMapper::Open(dir.path, INT64_MIN, &report);
  if (!m.ok()) {
    std::fprintf(stderr, "chunk mapper: %s\n", std::string(m.status().message()).c_str());
    std::exit(1);
  }
  return *std::move(m);
}

// What malloc takes for a block of `n` bytes (glibc: 8 bytes of header, 16-byte granules, 32
// at least).
int64_t MallocCost(size_t n) {
  if (n == 0) return 0;
  size_t c = (n + 8 + 15) & ~size_t{15};
  return static_cast<int64_t>(c < 32 ? 32 : c);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    std::exit(1);
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Value sequences of the recording, one per series, every fifth sample (1 s -> 5 s).
std::vector<std::vector<double>> LoadRecording(const std::string& path) {
  std::vector<std::vector<double>> out;
  std::string cmd = "zstdcat '" + path + "'";
  FILE* f = popen(cmd.c_str(), "r");
  if (f == nullptr) return out;
  absl::flat_hash_map<std::string, size_t> index;
  std::vector<size_t> seen;
  char* line = nullptr;
  size_t cap = 0;
  ssize_t n;
  while ((n = getline(&line, &cap, f)) > 0) {
    std::string_view l(line, static_cast<size_t>(n));
    if (l.empty() || l[0] == '#') continue;
    size_t ts = l.rfind(' ');
    if (ts == std::string_view::npos || ts == 0) continue;
    size_t val = l.rfind(' ', ts - 1);
    if (val == std::string_view::npos) continue;
    auto [it, inserted] = index.try_emplace(std::string(l.substr(0, val)), out.size());
    if (inserted) {
      out.emplace_back();
      seen.push_back(0);
    }
    if (seen[it->second]++ % 5 == 0) {
      out[it->second].push_back(
          std::strtod(std::string(l.substr(val + 1, ts - val - 1)).c_str(), nullptr));
    }
  }
  free(line);
  pclose(f);
  return out;
}

struct Row {
  const char* name;
  int64_t bytes;
};

void PrintRows(const char* title, const std::vector<Row>& rows, size_t series) {
  std::printf("\n%s\n", title);
  std::printf("  %-44s %14s %12s\n", "component", "bytes", "B/series");
  for (const Row& r : rows) {
    std::printf("  %-44s %14" PRId64 " %12.1f\n", r.name, r.bytes,
                static_cast<double>(r.bytes) / static_cast<double>(series));
  }
}

// The scrape caches' parts for one target, estimated from the page and the layout page_appender.h
// declares (TargetCache's members are private): per series an absl::node_hash_map node (key
// string, Entry with final labels), its key's and labels' heap strings, the map's slot, two
// OrderItem vectors and two text buffers (order_ and next_order_, both kept with their
// capacity); per metric family a std::map node with TYPE, HELP and UNIT strings.
std::vector<Row> EstimateScrapeCache(std::string_view page,
                                     const std::vector<tsdb::head::SeriesData>& all,
                                     size_t targets) {
  auto heap_string = [](size_t size) { return size > 15 ? MallocCost(size + 1) : 0; };
  int64_t nodes = 0, keys = 0, texts = 0, series = 0, meta = 0, help = 0;
  scrape::TextParser parser(page);
  for (scrape::Entry e = parser.Next(); e != scrape::Entry::kEof; e = parser.Next()) {
    if (e == scrape::Entry::kError) break;
    if (e == scrape::Entry::kSeries) {
      ++series;
      // pair<const std::string, Entry{ref, Labels, seen, live}>: 32 + 8 + 32 + 8 + 8.
      nodes += MallocCost(88);
      keys += heap_string(parser.series().size());
      texts += static_cast<int64_t>(parser.series().size());
    } else if (e == scrape::Entry::kType) {
      // A std::map node: 32 bytes of links, the key, MetricMetadata's three strings.
      meta += MallocCost(32 + 32 + 3 * 32) + heap_string(parser.meta_name().size());
    } else if (e == scrape::Entry::kHelp) {
      help += heap_string(parser.help().size());
    }
  }
  int64_t labels = 0;
  for (const auto& s : all) labels += heap_string(s.labels.bytes().size());
  labels /= static_cast<int64_t>(targets);
  // node_hash_map: a slot pointer and a control byte per capacity (2^k - 1, load <= 7/8).
  int64_t capacity = 1;
  while (capacity * 7 / 8 < series) capacity = capacity * 2 + 1;
  const int64_t slots = capacity * 9;
  const int64_t order = 2 * MallocCost(std::bit_ceil(static_cast<uint64_t>(series)) * 16);
  const int64_t text_buffers = 2 * MallocCost(std::bit_ceil(static_cast<uint64_t>(texts)));
  const auto t = static_cast<int64_t>(targets);
  return {{"scrape: map nodes (key string, Entry)", nodes * t},
          {"scrape: series text as the map key (heap)", keys * t},
          {"scrape: final labels (heap)", labels * t},
          {"scrape: hash map slots", slots * t},
          {"scrape: order_ + next_order_ items", order * t},
          {"scrape: order_texts_ + next_texts_", text_buffers * t},
          {"scrape: metadata (TYPE, HELP per family)", (meta + help) * t}};
}

// The head's two series maps, as head.h declares them (one of each per stripe).
struct HashStripeReplica {
  absl::flat_hash_map<uint64_t, std::shared_ptr<tsdb::head::MemSeries>> unique;
  absl::flat_hash_map<uint64_t, std::vector<std::shared_ptr<tsdb::head::MemSeries>>> conflicts;
};
struct RefStripeReplica {
  absl::flat_hash_map<SeriesRef, std::shared_ptr<tsdb::head::MemSeries>> by_ref;
};

int Run(int targets, int samples, const std::string& datasets) {
  const std::string page = ReadFile(datasets + "/node_exporter-1.5.metrics.txt");
  auto recording = LoadRecording(datasets + "/recording-node-prometheus-1s.om.zst");
  if (recording.empty()) {
    std::fprintf(stderr, "no recording; values will be synthetic\n");
    recording.push_back({});
    for (int i = 0; i < 1000; ++i) recording[0].push_back(i * 1.5);
  }
  std::vector<model::Labels> target_labels;
  for (int i = 0; i < targets; ++i) {
    std::string instance =
        "10.1." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1) + ":9100";
    target_labels.push_back(model::Labels::FromPairs({{"instance", instance}, {"job", "node"}}));
  }
  malloc_trim(0);

  // 1. The whole: scrape caches and head, built by the scrape path.
  ChunkDir head_dir("head_memory_bench_chunks");
  ChunkDir replica_dir("head_memory_bench_replica");
  auto head_mapper = OpenMapper(head_dir);
  const int64_t heap0 = HeapBytes();
  const int64_t rss0 = RssAnon();
  const int64_t rss_file0 = RssFile();
  auto head = std::make_unique<tsdb::head::Head>(tsdb::head::HeadOptions{});
  head->SetChunkDiskMapper(head_mapper.get(), {});
  auto caches = std::make_unique<scrape::TargetCache[]>(static_cast<size_t>(targets));
  {
    scrape::PageAppender appender(head.get(), scrape::ScrapeSettings{});
    for (int scrape = 0; scrape < 2; ++scrape) {
      for (int i = 0; i < targets; ++i) {
        scrape::ScrapeReport r =
            appender.Append(caches[i], target_labels[i], page, "text/plain; version=0.0.4",
                            kStartMs + scrape * kStepMs, absl::Milliseconds(5), absl::OkStatus());
        if (!r.error.ok()) {
          std::fprintf(stderr, "scrape: %s\n", std::string(r.error.message()).c_str());
          return 1;
        }
      }
    }
  }
  // The series' labels and refs, for appending by ref and for the replicas below: the bench's
  // own bytes, subtracted from the totals.
  const int64_t heap_before_list = HeapBytes();
  std::vector<tsdb::head::SeriesData> all = head->SeriesInRange(INT64_MIN, INT64_MAX);
  for (auto& s : all) s.chunks.reset();
  const int64_t list_bytes = HeapBytes() - heap_before_list;
  const size_t n = all.size();
  {
    std::vector<SeriesRef> refs;
    for (const auto& s : all) refs.push_back(s.ref);
    for (int s = 2; s < samples; ++s) {
      auto app = head->NewAppender();
      const int64_t t = kStartMs + s * kStepMs;
      for (size_t i = 0; i < n; ++i) {
        const auto& seq = recording[i % recording.size()];
        double v = seq.empty() ? 0 : seq[static_cast<size_t>(s) % seq.size()];
        auto ref = app->Append(refs[i], all[i].labels, t, v);
        if (!ref.ok()) {
          std::fprintf(stderr, "append: %s\n", std::string(ref.status().message()).c_str());
          return 1;
        }
      }
      if (!app->Commit().ok()) return 1;
    }
  }
  const int64_t heap_raw = HeapBytes();
  const int64_t heap_built = heap_raw - list_bytes;
  const int64_t rss_built = RssAnon();
  const int64_t rss_file_built = RssFile() - rss_file0;
  const int64_t chunk_file_bytes = head_dir.FileBytes();

  // The scrape caches: what dropping them frees.
  caches.reset();
  const int64_t heap_no_caches = HeapBytes();
  const int64_t cache_bytes = heap_raw - heap_no_caches;

  // 2. The head's parts, each rebuilt on its own from the same series.
  std::vector<Row> parts;
  auto symbols = std::make_unique<tsdb::head::SymbolTable>();
  std::vector<std::vector<tsdb::head::SymbolId>> ids;
  ids.reserve(n);
  int64_t ids_base = HeapBytes();
  for (const auto& s : all) ids.push_back(symbols->Intern(s.labels));
  int64_t ids_vectors = 0;
  for (const auto& v : ids) ids_vectors += MallocCost(v.capacity() * sizeof(tsdb::head::SymbolId));
  const int64_t symbol_bytes = HeapBytes() - ids_base - ids_vectors;
  parts.push_back({"labels: symbol table (strings, index)", symbol_bytes});
  const size_t symbol_accounted = symbols->MemoryBytes();

  // MemSeries: the struct and its shared_ptr control block (make_shared), with the label ids.
  std::vector<std::shared_ptr<tsdb::head::MemSeries>> series;
  series.reserve(n);
  int64_t base = HeapBytes();
  for (size_t i = 0; i < n; ++i) {
    series.push_back(std::make_shared<tsdb::head::MemSeries>(all[i].ref, ids[i], symbols.get()));
  }
  for (size_t i = 0; i < n; ++i) symbols->Intern(all[i].labels);  // the references they took over
  const int64_t series_struct = HeapBytes() - base - ids_vectors;
  parts.push_back({"series: MemSeries + control block", series_struct});
  parts.push_back({"series: label id vectors", ids_vectors});
  // Its chunks: the same samples again, closed ones to a mapper of their own.
  auto replica_mapper = OpenMapper(replica_dir);
  base = HeapBytes();
  for (int s = 0; s < samples; ++s) {
    const int64_t t = kStartMs + s * kStepMs;
    for (size_t i = 0; i < n; ++i) {
      double v;
      if (s < 2) {
        v = 0;  // the page's value: refined below from the head's own first sample
      } else {
        const auto& seq = recording[i % recording.size()];
        v = seq.empty() ? 0 : seq[static_cast<size_t>(s) % seq.size()];
      }
      (void)series[i]->Append(t, v, tsdb::head::kDefaultChunkRange, 120, replica_mapper.get());
    }
  }
  const int64_t chunk_total = HeapBytes() - base;
  int64_t closed_bytes = 0;
  int64_t closed_vectors = 0;
  int64_t closed_count = 0;
  int64_t closed_payload = 0;
  for (const auto& s : series) {
    tsdb::head::MemSeries::Exported e;
    s->Export(&e);
    for (const auto& c : e.closed) {
      if (c.on_disk()) continue;
      closed_bytes += MallocCost(24 + c.heap->bytes().size());
      closed_payload += static_cast<int64_t>(c.heap->bytes().size());
    }
    closed_count += static_cast<int64_t>(e.closed.size());
    if (!e.closed.empty()) {
      closed_vectors +=
          MallocCost(std::bit_ceil(e.closed.size()) * sizeof(tsdb::head::StoredChunk));
    }
  }
  parts.push_back({"chunks: open chunk buffers", chunk_total - closed_bytes - closed_vectors});
  parts.push_back({"chunks: closed chunks on the heap", closed_bytes});
  parts.push_back({"chunks: closed chunk vectors (StoredChunk)", closed_vectors});

  size_t postings_accounted = 0;
  base = HeapBytes();
  {
    auto postings = std::make_unique<tsdb::index::MemPostings>();
    for (const auto& s : all) postings->Add(s.ref, s.labels);
    parts.push_back({"postings (MemPostings)", HeapBytes() - base});
    postings_accounted = postings->MemoryBytes();
  }

  base = HeapBytes();
  {
    constexpr size_t kStripes = 512;
    auto hash_stripes = std::make_unique<HashStripeReplica[]>(kStripes);
    auto ref_stripes = std::make_unique<RefStripeReplica[]>(kStripes);
    int64_t b0 = HeapBytes();
    for (size_t i = 0; i < n; ++i) {
      uint64_t hash = all[i].labels.Hash();
      hash_stripes[hash & (kStripes - 1)].unique.try_emplace(hash, series[i]);
    }
    int64_t b1 = HeapBytes();
    for (size_t i = 0; i < n; ++i) {
      SeriesRef ref = all[i].ref;
      ref_stripes[(ref >> 4) & (kStripes - 1)].by_ref[ref] = series[i];
    }
    int64_t b2 = HeapBytes();
    parts.push_back({"maps: series by label hash (512 stripes)", b1 - b0});
    parts.push_back({"maps: series by ref (512 stripes)", b2 - b1});
    // The stripes themselves are cache-line aligned structs in the head.
    parts.push_back({"maps: stripe arrays (512 x (128 + 64) B)", int64_t{512} * (128 + 64)});
    tsdb::head::RefTable table;
    int64_t b3 = HeapBytes();
    for (size_t i = 0; i < n; ++i) table.Set(all[i].ref, series[i].get());
    // Its directory was allocated by the constructor, before b3.
    parts.push_back({"maps: ref table (segments + directory)",
                     HeapBytes() - b3 + MallocCost((tsdb::head::RefTable::kLimit >> 16) * 8)});
  }

  int64_t parts_sum = 0;
  for (const Row& r : parts) parts_sum += r.bytes;
  const std::vector<Row> cache_parts = EstimateScrapeCache(page, all, static_cast<size_t>(targets));
  int64_t cache_sum = 0;
  for (const Row& r : cache_parts) cache_sum += r.bytes;
  series.clear();
  ids.clear();
  symbols.reset();

  // 3. The head as a whole: what destroying it frees.
  const int64_t heap_before_head = HeapBytes();
  head.reset();
  const int64_t head_bytes = heap_before_head - HeapBytes();
  std::vector<Row> totals = {
      {"head (freed when destroyed)", head_bytes},
      {"head parts rebuilt one by one (sum)", parts_sum},
      {"scrape caches (freed when dropped)", cache_bytes},
      {"scrape cache parts estimated (sum)", cache_sum},
      {"heap in use after build (head + caches)", heap_built - heap0},
      {"RssAnon after build, minus label list", rss_built - rss0 - list_bytes},
      {"head chunk files (chunks_head/)", chunk_file_bytes},
      {"RssFile after build (mapped chunk pages)", rss_file_built},
  };

  std::printf("%zu series (%d targets x node_exporter page), %d samples each at %" PRId64
              " ms, values from %zu recorded series; sizeof(MemSeries) = %zu\n",
              n, targets, samples, kStepMs, recording.size(), sizeof(tsdb::head::MemSeries));
  std::printf("closed chunks: %" PRId64
              " (%.2f per series; %.1f B payload each of those on the heap)\n",
              closed_count, static_cast<double>(closed_count) / static_cast<double>(n),
              closed_payload ? static_cast<double>(closed_payload) / closed_count : 0.0);
  PrintRows("head parts (heap in use, malloc headers included)", parts, n);
  PrintRows("scrape caches (estimated from the layout)", cache_parts, n);
  PrintRows("totals", totals, n);
  std::printf(
      "\nown accounting (MemoryBytes, without malloc headers): symbols %.1f B/series, "
      "postings %.1f B/series\n",
      static_cast<double>(symbol_accounted) / static_cast<double>(n),
      static_cast<double>(postings_accounted) / static_cast<double>(n));
  return 0;
}

}  // namespace
}  // namespace sextant

int main(int argc, char** argv) {
  int targets = 200;
  int samples = 240;
  std::string datasets = SEXTANT_DATASETS_DIR;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a.starts_with("--targets=")) {
      targets = std::atoi(argv[i] + 10);
    } else if (a.starts_with("--samples=")) {
      samples = std::atoi(argv[i] + 10);
    } else if (a.starts_with("--datasets=")) {
      datasets = std::string(a.substr(11));
    } else {
      std::fprintf(stderr, "usage: %s [--targets=200] [--samples=240] [--datasets=DIR]\n", argv[0]);
      return 2;
    }
  }
  return sextant::Run(targets, samples, datasets);
}
