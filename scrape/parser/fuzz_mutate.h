#pragma once

// Random edits of an exposition page for the parsers' fuzz tests (openmetrics_fuzz_test.cc,
// text_fuzz_test.cc): each call makes one to four edits, chosen among flipping, inserting or
// deleting bytes (biased towards the format's own characters, `interesting`), duplicating a line,
// cutting the input short and splicing in one of `pieces`.
//
// Thread-safety: pure apart from `rng`.

#include <random>
#include <span>
#include <string>
#include <string_view>

namespace sextant::scrape::testing {

inline std::string MutatePage(std::string s, std::mt19937_64& rng, std::string_view interesting,
                              std::span<const std::string> pieces) {
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % (n == 0 ? 1 : n)); };
  const int edits = 1 + static_cast<int>(rng() % 4);
  for (int i = 0; i < edits; ++i) {
    const size_t pos = pick(s.size() + 1);
    switch (rng() % 7) {
      case 0:
        if (!s.empty()) s[pick(s.size())] = static_cast<char>(rng());
        break;
      case 1:
        s.insert(pos, 1, interesting[pick(interesting.size())]);
        break;
      case 2:
        if (pos < s.size()) s.erase(pos, 1 + pick(4));
        break;
      case 3:
        if (!s.empty()) s[pick(s.size())] = interesting[pick(interesting.size())];
        break;
      case 4: {  // duplicate a line
        const size_t begin = s.rfind('\n', pos == 0 ? 0 : pos - 1);
        const size_t from = begin == std::string::npos ? 0 : begin + 1;
        const size_t end = s.find('\n', from);
        if (end != std::string::npos) s.insert(from, s.substr(from, end - from + 1));
        break;
      }
      case 5:
        s.resize(pos);
        break;
      default:
        if (!pieces.empty()) s.insert(pos, pieces[pick(pieces.size())]);
        break;
    }
  }
  return s;
}

}  // namespace sextant::scrape::testing
