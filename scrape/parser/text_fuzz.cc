// libFuzzer entry point for the Prometheus text-format parser. Built as a fuzzer with clang and
// -DSEXTANT_BUILD_FUZZERS=ON (target text_fuzzer); the unit tests also call it on random
// mutations of the datasets (text_fuzz_test.cc, its own binary: one LLVMFuzzerTestOneInput each).
//
// Beyond "no crash, no sanitizer report", it checks the parser's contract and traps when broken:
// every view lies in the input or is readable, line numbers never decrease nor pass the number
// of lines, timestamps are never negative, the parser ends in kEof or kError within one entry
// per line, a finished parser stays finished, and the input with a '\n' appended parses to the
// same entries (Prometheus reads every input as if it ended with one), also when NextExpecting is
// told the series texts to expect.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "scrape/parser/text_parser.h"

namespace {

using sextant::scrape::Entry;
using sextant::scrape::TextParser;

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

bool Inside(std::string_view part, std::string_view whole) {
  return part.empty() ||
         (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

// What an entry says, for comparing two parses; without the metric name and labels, for
// comparing with a parse that skipped them (NextExpecting).
std::string Describe(Entry e, const TextParser& p, bool with_labels = true) {
  std::string out(1, static_cast<char>('0' + static_cast<int>(e)));
  switch (e) {
    case Entry::kSeries: {
      out.append(p.series()).push_back('|');
      if (with_labels) {
        out.append(p.metric_name()).push_back('|');
        for (const auto& l : p.labels()) {
          out.append(l.name).push_back('=');
          out.append(l.value).push_back(',');
        }
      }
      out += std::to_string(std::bit_cast<uint64_t>(p.value()));
      out += p.timestamp().has_value() ? std::to_string(*p.timestamp()) : "-";
      out += "@" + std::to_string(p.line());
      break;
    }
    case Entry::kHelp:
      out.append(p.meta_name()).push_back('|');
      out.append(p.help());
      break;
    case Entry::kType:
      out.append(p.meta_name()).push_back('|');
      out += std::to_string(static_cast<int>(p.metric_type()));
      break;
    default:
      break;
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  int max_line = 1;
  for (char c : input) max_line += c == '\n';

  TextParser parser(input);
  std::vector<std::string> entries;
  int last_line = 0;
  Entry e = Entry::kSeries;
  for (int calls = 0; calls <= max_line; ++calls) {
    e = parser.Next();
    Check(parser.line() >= last_line && parser.line() >= 1 && parser.line() <= max_line);
    last_line = parser.line();
    if (e == Entry::kEof || e == Entry::kError) break;
    switch (e) {
      case Entry::kSeries: {
        Check(Inside(parser.series(), input) && !parser.series().empty());
        for (const auto& label : parser.labels()) {
          volatile size_t n = label.name.size() + label.value.size();  // must be readable
          (void)n;
        }
        volatile size_t n = parser.metric_name().size();
        (void)n;
        Check(!parser.timestamp().has_value() || *parser.timestamp() >= 0);
        Check(!parser.has_exemplar());
        break;
      }
      case Entry::kType:
      case Entry::kHelp:
        Check(Inside(parser.meta_name(), input));
        Check(parser.unit().empty());
        break;
      default:
        Check(false);  // kUnit never
    }
    entries.push_back(Describe(e, parser));
  }
  Check(e == Entry::kEof || e == Entry::kError);
  Check((e == Entry::kError) == !parser.status().ok());
  Check(e != Entry::kError || !parser.error().empty());
  Check(parser.Next() == e);  // stays finished

  const std::string with_newline = std::string(input) + "\n";
  TextParser again(with_newline);
  for (const std::string& want : entries) {
    const Entry e2 = again.Next();
    Check(Describe(e2, again) == want);
  }
  Check(again.Next() == e);

  // Told each series text of this input in order (as the scrape loop tells the last page's), or
  // one ahead (a line gone), NextExpecting reports the same entries; a matched sample only lacks
  // its name and labels.
  std::vector<std::string> texts;
  {
    TextParser p(input);
    for (Entry e3 = p.Next(); e3 != Entry::kEof && e3 != Entry::kError; e3 = p.Next()) {
      if (e3 == Entry::kSeries) texts.emplace_back(p.series());
    }
  }
  for (size_t ahead = 0; ahead < 2; ++ahead) {
    TextParser hinted(input);
    TextParser plain(input);
    size_t n = ahead;
    for (size_t i = 0; i <= entries.size(); ++i) {
      const Entry e3 = hinted.NextExpecting(n < texts.size() ? texts[n] : std::string_view());
      const Entry e4 = plain.Next();
      Check(e3 == e4);
      Check(hinted.line() == plain.line() && hinted.error() == plain.error());
      if (e3 == Entry::kEof || e3 == Entry::kError) break;
      if (e3 == Entry::kSeries) ++n;
      const bool matched = hinted.matched_expected();
      Check(!matched || (e3 == Entry::kSeries && hinted.labels().empty()));
      Check(Describe(e3, hinted, !matched) == Describe(e4, plain, !matched));
    }
  }
  return 0;
}
