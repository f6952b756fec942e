#include "scrape/parser/text_parser.h"

#include <bit>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/sample.h"
#include "scrape/parser/dataset_test_util.h"
#include "scrape/parser/openmetrics_parser.h"

namespace sextant::scrape {
namespace {

using ::testing::ElementsAre;
using namespace std::string_literals;  // "\0"s: inputs with NUL bytes
using LabelPair = std::pair<std::string, std::string>;

// The scrape loop is written once for both parsers; this is the interface it may rely on.
template <typename P>
concept ExpositionParser = requires(P p, const P& cp) {
  { p.Next() } -> std::same_as<Entry>;
  { cp.line() } -> std::same_as<int>;
  { cp.series() } -> std::same_as<std::string_view>;
  { cp.metric_name() } -> std::same_as<std::string_view>;
  { cp.labels() } -> std::same_as<std::span<const model::Label>>;
  { cp.value() } -> std::same_as<double>;
  { cp.timestamp() } -> std::same_as<std::optional<int64_t>>;
  { cp.has_exemplar() } -> std::same_as<bool>;
  { cp.meta_name() } -> std::same_as<std::string_view>;
  { cp.help() } -> std::same_as<std::string_view>;
  { cp.unit() } -> std::same_as<std::string_view>;
  { cp.metric_type() } -> std::same_as<MetricType>;
  { cp.error() } -> std::same_as<const std::string&>;
  { cp.status() } -> std::same_as<absl::Status>;
};
static_assert(ExpositionParser<OpenMetricsParser>);
static_assert(ExpositionParser<TextParser>);

struct Counts {
  int series = 0, type = 0, help = 0, labels = 0, nan = 0, with_timestamp = 0;
  uint64_t value_bits_xor = 0;  // of the non-NaN values
  int last_line = 0;
};

// Parses the whole input with either parser; fails the test on a parse error.
template <ExpositionParser Parser>
Counts ParseAll(std::string_view input) {
  Counts c;
  Parser p(input);
  for (Entry e = p.Next(); e != Entry::kEof; e = p.Next()) {
    if (e == Entry::kError) {
      ADD_FAILURE() << p.status();
      break;
    }
    c.type += e == Entry::kType;
    c.help += e == Entry::kHelp;
    if (e != Entry::kSeries) continue;
    ++c.series;
    c.labels += static_cast<int>(p.labels().size());
    c.with_timestamp += p.timestamp().has_value();
    if (std::isnan(p.value())) {
      ++c.nan;
    } else {
      c.value_bits_xor ^= std::bit_cast<uint64_t>(p.value());
    }
    c.last_line = p.line();
  }
  return c;
}

std::vector<LabelPair> Labels(const TextParser& p) {
  std::vector<LabelPair> out;
  for (const model::Label& l : p.labels()) out.emplace_back(l.name, l.value);
  return out;
}

bool InInput(std::string_view part, std::string_view input) {
  return part.data() >= input.data() && part.data() + part.size() <= input.data() + input.size();
}

// The expected numbers below come from the files themselves, not from this parser:
//   samples   grep -v '^#' FILE | grep -c .
//   help      grep -c '^# HELP ' FILE          type   grep -c '^# TYPE ' FILE
//   labels    grep -v '^#' FILE | grep -o '="' | wc -l
//   NaN, xor  python3: for each sample line, v = float(line.rsplit(' ', 1)[1]); count the NaNs,
//             XOR the bits (struct.pack('<d', v)) of the others
//   (no sample in these files has a timestamp: after stripping name and braces, awk 'NF==2'
//   finds no line)
struct PageCase {
  const char* file;
  int series, help, type, labels, nan;
  uint64_t value_bits_xor;
  int last_line;  // wc -l FILE: the last line is a sample
};

TEST(TextParser, ParsesRealPages) {
  const PageCase cases[] = {
      {"node_exporter-1.5.metrics.txt", 507, 283, 283, 401, 0, 0xbe3982f2fd3d125d, 1073},
      {"prometheus-2.42.metrics.txt", 399, 169, 169, 352, 36, 0xc057683aaeedf3b6, 737},
      // Ends with "# EOF", a comment in this format.
      {"alltypes.237mfs.prom.txt", 1857, 237, 237, 2749, 12, 0x7ea407908fa35bd9, 2331},
  };
  for (const PageCase& c : cases) {
    auto text = testing::ReadDataset(c.file);
    if (!text.has_value()) GTEST_SKIP() << "dataset missing: " << SEXTANT_DATASETS_DIR;
    const Counts got = ParseAll<TextParser>(*text);
    EXPECT_EQ(got.series, c.series) << c.file;
    EXPECT_EQ(got.help, c.help) << c.file;
    EXPECT_EQ(got.type, c.type) << c.file;
    EXPECT_EQ(got.labels, c.labels) << c.file;
    EXPECT_EQ(got.nan, c.nan) << c.file;
    EXPECT_EQ(got.with_timestamp, 0) << c.file;
    EXPECT_EQ(got.value_bits_xor, c.value_bits_xor) << c.file;
    EXPECT_EQ(got.last_line, c.last_line) << c.file;
  }
}

TEST(TextParser, NodeExporterPageEntries) {
  auto text = testing::ReadDataset("node_exporter-1.5.metrics.txt");
  if (!text.has_value()) GTEST_SKIP() << "dataset missing: " << SEXTANT_DATASETS_DIR;
  TextParser p(*text);
  ASSERT_EQ(p.Next(), Entry::kHelp);
  EXPECT_EQ(p.meta_name(), "go_gc_duration_seconds");
  EXPECT_EQ(p.help(), "A summary of the pause duration of garbage collection cycles.");
  ASSERT_EQ(p.Next(), Entry::kType);
  EXPECT_EQ(p.meta_name(), "go_gc_duration_seconds");
  EXPECT_EQ(p.metric_type(), MetricType::kSummary);
  ASSERT_EQ(p.Next(), Entry::kSeries);
  EXPECT_EQ(p.line(), 3);
  EXPECT_EQ(p.series(), "go_gc_duration_seconds{quantile=\"0\"}");
  EXPECT_EQ(p.metric_name(), "go_gc_duration_seconds");
  EXPECT_THAT(Labels(p), ElementsAre(LabelPair{"quantile", "0"}));
  EXPECT_EQ(p.value(), 2.4606e-05);
  EXPECT_FALSE(p.timestamp().has_value());
  for (int i = 0; i < 6; ++i) ASSERT_EQ(p.Next(), Entry::kSeries);  // 0.25 ... 1, _sum, _count
  EXPECT_EQ(p.series(), "go_gc_duration_seconds_count");
  EXPECT_TRUE(p.labels().empty());
  EXPECT_EQ(p.value(), 619);
  // The untyped families of the textfile and other collectors.
  int untyped = 0;
  Entry e;
  while ((e = p.Next()) != Entry::kEof) {
    ASSERT_NE(e, Entry::kError) << p.status();
    untyped += e == Entry::kType && p.metric_type() == MetricType::kUnknown;
  }
  EXPECT_EQ(untyped, 47);  // grep '^# TYPE .* untyped$' FILE | wc -l
}

TEST(TextParser, AgreesWithOpenMetricsParserOnACommonPage) {
  // A page both formats accept: no untyped family, no exemplar, and a final "# EOF" (a comment
  // here). The same template reads it with either parser.
  const std::string page =
      "# HELP a_seconds A histogram.\n# TYPE a_seconds histogram\n"
      "a_seconds_bucket{le=\"0.5\"} 1\na_seconds_bucket{le=\"+Inf\"} 2\n"
      "a_seconds_sum 3.5\na_seconds_count 2\n# TYPE b gauge\nb{x=\"y\\\"z\"} -Inf\n# EOF\n";
  const Counts text = ParseAll<TextParser>(page);
  const Counts om = ParseAll<OpenMetricsParser>(page);
  EXPECT_EQ(text.series, 5);
  EXPECT_EQ(text.series, om.series);
  EXPECT_EQ(text.help, om.help);
  EXPECT_EQ(text.type, om.type);
  EXPECT_EQ(text.labels, om.labels);
  EXPECT_EQ(text.value_bits_xor, om.value_bits_xor);
}

TEST(TextParser, SampleParts) {
  const std::string input =
      "a{b=\"c\",d=\"\"} 1.5 1700000000000\n"
      "b -Inf\n"
      "c +Inf 0\n"
      "d{} NaN 9223372036854775807\n"
      "e:f 1e-7 007\n"
      "_g\t2\t3\n"
      "h{i=\"j\"}4\n";
  TextParser p(input);
  ASSERT_EQ(p.Next(), Entry::kSeries) << p.status();
  EXPECT_EQ(p.series(), "a{b=\"c\",d=\"\"}");
  EXPECT_EQ(p.metric_name(), "a");
  EXPECT_THAT(Labels(p), ElementsAre(LabelPair{"b", "c"}, LabelPair{"d", ""}));
  EXPECT_EQ(p.value(), 1.5);
  EXPECT_EQ(p.timestamp(), 1700000000000);
  EXPECT_FALSE(p.has_exemplar());
  EXPECT_TRUE(InInput(p.metric_name(), input) && InInput(p.labels()[0].value, input));
  ASSERT_EQ(p.Next(), Entry::kSeries);
  EXPECT_EQ(p.value(), -std::numeric_limits<double>::infinity());
  EXPECT_FALSE(p.timestamp().has_value());
  ASSERT_EQ(p.Next(), Entry::kSeries);
  EXPECT_EQ(p.value(), std::numeric_limits<double>::infinity());
  EXPECT_EQ(p.timestamp(), 0);
  ASSERT_EQ(p.Next(), Entry::kSeries);
  EXPECT_EQ(p.series(), "d{}");
  EXPECT_TRUE(std::isnan(p.value()));
  EXPECT_EQ(p.timestamp(), std::numeric_limits<int64_t>::max());
  ASSERT_EQ(p.Next(), Entry::kSeries);
  EXPECT_EQ(p.metric_name(), "e:f");
  EXPECT_EQ(p.value(), 1e-7);
  EXPECT_EQ(p.timestamp(), 7);
  ASSERT_EQ(p.Next(), Entry::kSeries);  // tabs are blanks too
  EXPECT_EQ(p.metric_name(), "_g");
  EXPECT_EQ(p.timestamp(), 3);
  ASSERT_EQ(p.Next(), Entry::kSeries);  // no blank needed after '}'
  EXPECT_EQ(p.value(), 4);
  EXPECT_EQ(p.line(), 7);
  EXPECT_EQ(p.Next(), Entry::kEof);
  EXPECT_EQ(p.Next(), Entry::kEof);
  EXPECT_TRUE(p.status().ok());
}

TEST(TextParser, ValuesAsGoParsesThem) {
  const std::pair<const char*, double> cases[] = {
      {"NaN", std::numeric_limits<double>::quiet_NaN()},
      {"nan", std::numeric_limits<double>::quiet_NaN()},
      {"+Inf", std::numeric_limits<double>::infinity()},
      {"Inf", std::numeric_limits<double>::infinity()},
      {"inf", std::numeric_limits<double>::infinity()},
      {"-Infinity", -std::numeric_limits<double>::infinity()},
      {"1e3", 1000},
      {".5", 0.5},
      {"5.", 5},
      {"-0", -0.0},
      {"+1.5E-3", 0.0015},
      {"4.9e-324", 4.9e-324},
      {"1e-400", 0},  // underflow is not an error in Go
      {"1.7976931348623157e308", 1.7976931348623157e308},
  };
  for (const auto& [text, want] : cases) {
    const std::string input = std::string("a ") + text + "\n";
    TextParser p(input);
    ASSERT_EQ(p.Next(), Entry::kSeries) << text << ": " << p.status();
    if (std::isnan(want)) {
      EXPECT_EQ(std::bit_cast<uint64_t>(p.value()), model::kNormalNaNBits) << text;
      EXPECT_FALSE(model::IsStaleNaN(p.value()));
    } else {
      EXPECT_EQ(p.value(), want) << text;
      EXPECT_EQ(std::signbit(p.value()), std::signbit(want)) << text;
    }
  }
}

TEST(TextParser, LabelSyntaxVariants) {
  // Prometheus accepts blanks anywhere between label tokens, an optional trailing comma, and
  // (unlike OpenMetrics) label pairs without a comma between them.
  const char* inputs[] = {
      "a{b=\"1\",c=\"2\"} 1\n",    "a{b=\"1\",c=\"2\",} 1\n",
      "a{ b=\"1\", c=\"2\" } 1\n", "a { b = \"1\" , c = \"2\" , } 1\n",
      "a{b=\"1\" c=\"2\"} 1\n",    "a{b= \"1\",\tc=\"2\"}\t1\n",
  };
  for (const char* input : inputs) {
    TextParser p(input);
    ASSERT_EQ(p.Next(), Entry::kSeries) << input << p.status();
    EXPECT_EQ(p.metric_name(), "a") << input;
    EXPECT_THAT(Labels(p), ElementsAre(LabelPair{"b", "1"}, LabelPair{"c", "2"})) << input;
    EXPECT_EQ(p.value(), 1) << input;
    EXPECT_EQ(p.Next(), Entry::kEof) << input;
  }
  TextParser p("a { b = \"1\" } 1\n");
  ASSERT_EQ(p.Next(), Entry::kSeries);
  EXPECT_EQ(p.series(), "a { b = \"1\" }");  // up to the brace, blanks included
}

TEST(TextParser, UnescapesLabelValuesButHelpOnlyBackslashAndNewline) {
  const std::string input =
      "# HELP a Say \\\"hi\\\"\\nor \\\\ \\t\n"
      "a{x=\"q\\\"uote\",y=\"back\\\\slash\",z=\"new\\nline\",w=\"keep\\t\",v=\"plain\","
      "u=\"\\\\n\"} 1\n";
  TextParser p(input);
  ASSERT_EQ(p.Next(), Entry::kHelp);
  EXPECT_EQ(p.help(), "Say \\\"hi\\\"\nor \\ \\t");  // \" stays in HELP, as in Prometheus
  ASSERT_EQ(p.Next(), Entry::kSeries) << p.status();
  EXPECT_THAT(Labels(p), ElementsAre(LabelPair{"x", "q\"uote"}, LabelPair{"y", "back\\slash"},
                                     LabelPair{"z", "new\nline"}, LabelPair{"w", "keep\\t"},
                                     LabelPair{"v", "plain"}, LabelPair{"u", "\\n"}));
  EXPECT_TRUE(InInput(p.labels()[4].value, input));  // zero-copy where nothing was escaped
  EXPECT_FALSE(InInput(p.labels()[0].value, input));
  EXPECT_EQ(p.Next(), Entry::kEof);
}

TEST(TextParser, RawNewlineInsideQuotesIsPartOfTheValue) {
  TextParser p("a{b=\"x\ny\"} 1\nc 2\n");
  ASSERT_EQ(p.Next(), Entry::kSeries) << p.status();
  EXPECT_THAT(Labels(p), ElementsAre(LabelPair{"b", "x\ny"}));
  EXPECT_EQ(p.line(), 1);
  ASSERT_EQ(p.Next(), Entry::kSeries);
  EXPECT_EQ(p.line(), 3);  // lines are counted through the quoted newline
}

TEST(TextParser, QuotedUtf8NamesAsInPrometheus3) {
  const std::string input =
      "# HELP \"go.gc_seconds\" A summary.\n"
      "# \tTYPE \"go.gc_seconds\" summary\n"
      "{\"go.gc_seconds\",quantile=\"0\"} 4.9351e-05\n"
      "{ \"go.gc_seconds\" , quantile = \"0.25\" , } 7\n"
      "{quantile=\"0.5\",\"go.gc_seconds\"} 8\n"
      "{\"go.gc_seconds_count\"} 99\n"
      "{\"Heiz\xc3\xb6l 10\xe2\x82\xac \\\"interesting\\\" {x\\ny}\",\"strange\xc2\xa9\\n'q' "
      "\\\"name\\\"\"=\"6\"} 10.0\n"
      "a{\"b.c\"=\"d\"} 1\n"
      "{\"\"} 2\n";
  TextParser p(input);
  ASSERT_EQ(p.Next(), Entry::kHelp) << p.status();
  EXPECT_EQ(p.meta_name(), "go.gc_seconds");
  EXPECT_EQ(p.help(), "A summary.");
  ASSERT_EQ(p.Next(), Entry::kType) << p.status();
  EXPECT_EQ(p.meta_name(), "go.gc_seconds");
  EXPECT_EQ(p.metric_type(), MetricType::kSummary);
  ASSERT_EQ(p.Next(), Entry::kSeries) << p.status();
  EXPECT_EQ(p.series(), "{\"go.gc_seconds\",quantile=\"0\"}");
  EXPECT_EQ(p.metric_name(), "go.gc_seconds");
  EXPECT_TRUE(InInput(p.metric_name(), input));
  EXPECT_THAT(Labels(p), ElementsAre(LabelPair{"quantile", "0"}));
  ASSERT_EQ(p.Next(), Entry::kSeries) << p.status();
  EXPECT_EQ(p.metric_name(), "go.gc_seconds");
  EXPECT_THAT(Labels(p), ElementsAre(LabelPair{"quantile", "0.25"}));
  ASSERT_EQ(p.Next(), Entry::kSeries) << p.status();  // the name need not come first
  EXPECT_EQ(p.metric_name(), "go.gc_seconds");
  EXPECT_THAT(Labels(p), ElementsAre(LabelPair{"quantile", "0.5"}));
  ASSERT_EQ(p.Next(), Entry::kSeries) << p.status();
  EXPECT_EQ(p.metric_name(), "go.gc_seconds_count");
  EXPECT_TRUE(p.labels().empty());
  ASSERT_EQ(p.Next(), Entry::kSeries) << p.status();
  EXPECT_EQ(p.metric_name(), "Heiz\xc3\xb6l 10\xe2\x82\xac \"interesting\" {x\ny}");
  EXPECT_THAT(Labels(p), ElementsAre(LabelPair{"strange\xc2\xa9\n'q' \"name\"", "6"}));
  EXPECT_EQ(p.value(), 10);
  ASSERT_EQ(p.Next(), Entry::kSeries) << p.status();
  EXPECT_EQ(p.metric_name(), "a");
  EXPECT_THAT(Labels(p), ElementsAre(LabelPair{"b.c", "d"}));
  ASSERT_EQ(p.Next(), Entry::kSeries) << p.status();
  EXPECT_EQ(p.metric_name(), "");  // not checked here
  EXPECT_EQ(p.Next(), Entry::kEof);
}

TEST(TextParser, MetadataAndComments) {
  const std::string input =
      "# HELP a_total Total of a.\n"
      "# Hrandom comment starting with a prefix of HELP\n"
      "#\n"
      "#HELP not metadata without a blank after '#'\n"
      "# HELP\n"
      "# HELPX a b\n"
      "# TYPE a_total counter\n"
      "# random comment with \\ and \\n and \xff\n"
      "   \t\n"
      "\n"
      "# HELP nohelp1\n"
      "# HELP nohelp2 \n"
      "# HELP two_blanks  x \n"
      "# HELP tab\tx\n"
      "#\tTYPE b untyped\n"
      "#  TYPE c histogram\n"
      "# HELP \"q.n\" quoted\n"
      "# HELP \"q\"xyz\n"
      "# HELP \"q\\\"n\" escapes kept in the name\n"
      "# EOF\n"
      "a_total 1\n";
  TextParser p(input);
  ASSERT_EQ(p.Next(), Entry::kHelp);
  EXPECT_EQ(p.meta_name(), "a_total");
  EXPECT_EQ(p.help(), "Total of a.");
  EXPECT_EQ(p.line(), 1);
  ASSERT_EQ(p.Next(), Entry::kType);
  EXPECT_EQ(p.meta_name(), "a_total");
  EXPECT_EQ(p.metric_type(), MetricType::kCounter);
  EXPECT_EQ(p.line(), 7);
  ASSERT_EQ(p.Next(), Entry::kHelp);
  EXPECT_EQ(p.meta_name(), "nohelp1");
  EXPECT_EQ(p.help(), "");
  EXPECT_EQ(p.line(), 11);
  ASSERT_EQ(p.Next(), Entry::kHelp);
  EXPECT_EQ(p.meta_name(), "nohelp2");
  EXPECT_EQ(p.help(), "");
  ASSERT_EQ(p.Next(), Entry::kHelp);
  EXPECT_EQ(p.help(), " x ");  // only the first blank is dropped
  ASSERT_EQ(p.Next(), Entry::kHelp);
  EXPECT_EQ(p.help(), "x");
  ASSERT_EQ(p.Next(), Entry::kType);
  EXPECT_EQ(p.meta_name(), "b");
  EXPECT_EQ(p.metric_type(), MetricType::kUnknown);
  ASSERT_EQ(p.Next(), Entry::kType);
  EXPECT_EQ(p.metric_type(), MetricType::kHistogram);
  ASSERT_EQ(p.Next(), Entry::kHelp);
  EXPECT_EQ(p.meta_name(), "q.n");
  EXPECT_EQ(p.help(), "quoted");
  ASSERT_EQ(p.Next(), Entry::kHelp);
  EXPECT_EQ(p.meta_name(), "q");
  EXPECT_EQ(p.help(), "yz");  // Prometheus drops the first byte of the text, blank or not
  ASSERT_EQ(p.Next(), Entry::kHelp);
  EXPECT_EQ(p.meta_name(), "q\\\"n");
  ASSERT_EQ(p.Next(), Entry::kSeries) << p.status();  // "# EOF" was a comment
  EXPECT_EQ(p.line(), 21);
  EXPECT_EQ(p.metric_type(), MetricType::kHistogram);  // the last TYPE line's, whatever family
  EXPECT_EQ(p.unit(), "");
  EXPECT_EQ(p.Next(), Entry::kEof);
}

TEST(TextParser, LastLineNeedsNoNewline) {
  for (const char* input : {"a 1", "a 1 2", "a{b=\"c\"} 1", "# HELP a x", "# TYPE a gauge",
                            "# comment", "#", "  ", "a 1\n\n\n"}) {
    TextParser p(input);
    Entry e;
    while ((e = p.Next()) != Entry::kEof) ASSERT_NE(e, Entry::kError) << input << p.status();
  }
  TextParser p("a 1\nb 2");
  ASSERT_EQ(p.Next(), Entry::kSeries);
  ASSERT_EQ(p.Next(), Entry::kSeries);
  EXPECT_EQ(p.metric_name(), "b");
  EXPECT_EQ(p.line(), 2);
  EXPECT_EQ(p.Next(), Entry::kEof);
  EXPECT_EQ(p.line(), 2);
  EXPECT_EQ(TextParser("").Next(), Entry::kEof);
}

TEST(TextParser, LeadingBlanksBecomePartOfTheName) {
  // Prometheus takes a sample's name from where the line's lexing began (PromParser's p.start).
  const std::string input = "  a{b=\"c\"} 1\n\tx 2\n";
  TextParser p(input);
  ASSERT_EQ(p.Next(), Entry::kSeries);
  EXPECT_EQ(p.metric_name(), "  a");
  EXPECT_EQ(p.series(), "  a{b=\"c\"}");
  ASSERT_EQ(p.Next(), Entry::kSeries);
  EXPECT_EQ(p.metric_name(), "\tx");
}

TEST(TextParser, NulBytesAsPrometheusLexesThem) {
  {
    const std::string input =
        "null_byte_metric{a=\"abc\0\"} 1\n# HELP metric foo\0bar\n"s
        "a{b=\"\0ss\"} 1\na{b= \0\"x\"} 2\n# HELP \0c d\n"s;
    TextParser p(input);
    ASSERT_EQ(p.Next(), Entry::kSeries) << p.status();
    EXPECT_THAT(Labels(p), ElementsAre(LabelPair{"a", "abc\0"s}));
    ASSERT_EQ(p.Next(), Entry::kHelp) << p.status();
    EXPECT_EQ(p.help(), "foo\0bar"s);
    ASSERT_EQ(p.Next(), Entry::kSeries) << p.status();
    EXPECT_THAT(Labels(p), ElementsAre(LabelPair{"b", "\0ss"s}));
    ASSERT_EQ(p.Next(), Entry::kSeries) << p.status();  // a NUL among the blanks: skipped
    EXPECT_THAT(Labels(p), ElementsAre(LabelPair{"b", "x"}));
    ASSERT_EQ(p.Next(), Entry::kHelp) << p.status();  // skipped with the blanks after HELP
    EXPECT_EQ(p.meta_name(), "c");
    EXPECT_EQ(p.help(), "d");
    EXPECT_EQ(p.Next(), Entry::kEof);
  }
  {
    // After a label value's closing quote, Go's lexer swallows NULs into the token, and the
    // parser then strips the last byte instead of the quote.
    const std::string input = "a{b=\"x\"\0\0} 1\n"s;
    TextParser p(input);
    ASSERT_EQ(p.Next(), Entry::kSeries) << p.status();
    EXPECT_THAT(Labels(p), ElementsAre(LabelPair{"b", "x\"\0"s}));
  }
  {
    // A NUL where a line starts ends the input; so does one right after "#" or "# ".
    for (const std::string& input :
         {"a 1\n\0b 2\n"s, "a 1\n  \0b\n"s, "a 1\n#x\0\nb 2\n"s, "a 1\n# \0\nb 2\n"s}) {
      TextParser p(input);
      ASSERT_EQ(p.Next(), Entry::kSeries) << p.status();
      EXPECT_EQ(p.Next(), Entry::kEof) << p.status();
    }
  }
}

struct BadCase {
  std::string line;   // put between two good lines, so the error is on line 2
  std::string error;  // Prometheus 3.x's message (several from its promparse_test.go)
};

TEST(TextParser, ErrorsCarryLineAndPrometheusMessage) {
  const BadCase cases[] = {
      {"a", R"(expected value after metric, got "\n" ("INVALID") while parsing: "a\n")"},
      {"a{b='c'} 1", R"(expected label value, got "'" ("INVALID") while parsing: "a{b='")"},
      {"a{b=", R"(expected label value, got "\n" ("INVALID") while parsing: "a{b=\n")"},
      {"a{\xff=\"foo\"} 1",
       R"(expected label name, got "\xff" ("INVALID") while parsing: "a{\xff")"},
      {"a{b=\"\xff\"} 1", R"(invalid UTF-8 label value: "\"\xff\"")"},
      {R"({"a", "b = "c"})",
       R"(expected equal, got "c\"" ("LNAME") while parsing: "{\"a\", \"b = \"c\"")"},
      {R"({"a",b\nc="d"} 1)",
       R"(expected equal, got "\\" ("INVALID") while parsing: "{\"a\",b\\")"},
      {"a true", R"(strconv.ParseFloat: parsing "true": invalid syntax while parsing: "a true")"},
      {"empty_label_name{=\"\"} 0",
       R"(expected label name, got "=\"" ("EQUAL") while parsing: "empty_label_name{=\"")"},
      {"foo 1_2", R"(unsupported character in float while parsing: "foo 1_2")"},
      {"foo 0x1p-3", R"(unsupported character in float while parsing: "foo 0x1p-3")"},
      {"foo 0x10",
       R"(strconv.ParseFloat: parsing "0x10": invalid syntax while parsing: "foo 0x10")"},
      {"foo 1e400",
       R"(strconv.ParseFloat: parsing "1e400": value out of range while parsing: "foo 1e400")"},
      {"foo 0 1_2",
       R"(expected next entry after timestamp, got "_" ("INVALID") while parsing: "foo 0 1_")"},
      {R"({a="ok"} 1)", R"(metric name not set while parsing: "{a=\"ok\"} 1")"},
      {"# TYPE #",
       R"(expected metric name after TYPE, got "#" ("INVALID") while parsing: "# TYPE #")"},
      {"# HELP #",
       R"(expected metric name after HELP, got "#" ("INVALID") while parsing: "# HELP #")"},
      {"# HELP 1a x",
       R"(expected metric name after HELP, got "1" ("INVALID") while parsing: "# HELP 1")"},
      {"# TYPE a foo", R"(invalid metric type "foo")"},
      {"# TYPE a info", R"(invalid metric type "info")"},
      {"# TYPE a unknown", R"(invalid metric type "unknown")"},
      {"# TYPE a", R"(invalid metric type "")"},
      {"# TYPE a counter ", R"(invalid metric type "counter ")"},
      {"# TYPE a  counter", R"(invalid metric type " counter")"},
      {"# TYPE a counter\r", R"(invalid metric type "counter\r")"},
      {"# HELP a \xff", R"(help text "\xff" is not a valid utf8 string)"},
      {"1a 1", R"(expected a valid start token, got "1" ("INVALID") while parsing: "1")"},
      {"  1a 1", R"(expected a valid start token, got "1" ("INVALID") while parsing: "  1")"},
      {"} 1", R"(expected a valid start token, got "}" ("INVALID") while parsing: "}")"},
      {"\xc3\xa9 1",
       R"(expected a valid start token, got "\xc3" ("INVALID") while parsing: "\xc3")"},
      {"a 1 2 3",
       R"(expected next entry after timestamp, got "3\n" ("TIMESTAMP") while parsing: "a 1 2 3\n")"},
      {"a 1 -5", R"(expected timestamp or new record, got "-" ("INVALID") while parsing: "a 1 -")"},
      {"a 1 1.5",
       R"(expected next entry after timestamp, got "." ("INVALID") while parsing: "a 1 1.")"},
      {"a 1 99999999999999999999",
       R"(strconv.ParseInt: parsing "99999999999999999999": value out of range while parsing: )"
       R"("a 1 99999999999999999999")"},
      {"a 1 9223372036854775808",
       R"(strconv.ParseInt: parsing "9223372036854775808": value out of range while parsing: )"
       R"("a 1 9223372036854775808")"},
      {"a 1\r", R"(strconv.ParseFloat: parsing "1\r": invalid syntax while parsing: "a 1\r")"},
      {"a 1 2\r",
       R"(expected next entry after timestamp, got "\r" ("INVALID") while parsing: "a 1 2\r")"},
      {"a 1 1 # x",
       R"(expected next entry after timestamp, got "#" ("INVALID") while parsing: "a 1 1 #")"},
      {"a_total{b=\"c\"} 1 # {x=\"y\"} 1",
       R"(expected timestamp or new record, got "#" ("INVALID") while parsing: "a_total{b=\"c\"} 1 #")"},
      {"a{b=\"c\"}{} 1",
       R"(expected value after metric, got "{}" ("BOPEN") while parsing: "a{b=\"c\"}{}")"},
      {"a{b=\"c\",,d=\"e\"} 1",
       R"(expected label name, got ",d" ("COMMA") while parsing: "a{b=\"c\",,d")"},
      {"a{,b=\"c\"} 1", R"(expected label name, got ",b" ("COMMA") while parsing: "a{,b")"},
      {"a{b} 1", R"(expected equal, got "} " ("BCLOSE") while parsing: "a{b} ")"},
      {"a{b=\"c\" 1", R"(expected label name, got "1" ("INVALID") while parsing: "a{b=\"c\" 1")"},
      {"a{b=\"c\"} ",
       R"(expected value after metric, got "\n" ("INVALID") while parsing: "a{b=\"c\"} \n")"},
      {"a{b=\"c\\\nd\"} 1",
       R"(expected label value, got "\"c\\\n" ("INVALID") while parsing: "a{b=\"c\\\n")"},
      {R"({"a","b"} 1)", R"(metric name already set while parsing: "{\"a\",\"b\"}")"},
      {R"(a{"b"} 1)", R"(metric name already set while parsing: "a{\"b\"}")"},
      {R"({"a"="b"} 1)", R"(metric name not set while parsing: "{\"a\"=\"b\"} 1")"},
      {R"({"a" "b"} 1)",
       R"(expected equal, got "\"b\"}" ("QSTRING") while parsing: "{\"a\" \"b\"}")"},
      {"a{b=\0\"ssss\"} 1"s,
       R"(expected label value, got "\x00" ("INVALID") while parsing: "a{b=\x00")"},
      {"a{b\0=\"hiih\"}\t1"s, R"(expected equal, got "\x00" ("INVALID") while parsing: "a{b\x00")"},
      {"a\0{b=\"ddd\"} 1"s,
       R"(expected value after metric, got "\x00" ("INVALID") while parsing: "a\x00")"},
      {"a 0 1\0"s,
       R"(expected next entry after timestamp, got "\x00" ("INVALID") while parsing: "a 0 1\x00")"},
      {"# HELP a\0b"s,
       R"(linebreak expected after metadata, got "\x00b" ("EOF") while parsing: "# HELP a\x00b")"},
  };
  for (const BadCase& c : cases) {
    const std::string input = "good 1\n" + c.line + "\ngood 2\n";
    TextParser p(input);
    ASSERT_EQ(p.Next(), Entry::kSeries) << c.line;
    EXPECT_EQ(p.Next(), Entry::kError) << c.line;
    EXPECT_EQ(p.line(), 2) << c.line;
    EXPECT_EQ(p.error(), c.error) << c.line;
    EXPECT_EQ(p.status().message(), "line 2: " + c.error) << c.line;
    EXPECT_EQ(p.Next(), Entry::kError) << "stays failed: " << c.line;
  }
}

TEST(TextParser, ErrorsAtTheEndOfTheInput) {
  struct Case {
    std::string input;
    int line;
    std::string error;
  };
  const Case cases[] = {
      // An unterminated quote runs to the end, through newlines.
      {"something_weird{problem=\"", 1,
       R"(expected label value, got "\"\n" ("INVALID") while parsing: "something_weird{problem=\"\n")"},
      {"a 1\nb{c=\"d\nb 2\n", 2,
       R"(expected label value, got "\"d\nb 2\n\n" ("INVALID") while parsing: "b{c=\"d\nb 2\n\n")"},
      {"a{b=\"\0"s, 1,
       R"(expected label value, got "\"\x00\n" ("INVALID") while parsing: "a{b=\"\x00\n")"},
      {"# HELP \"a", 1,
       R"(expected metric name after HELP, got "\"a\n" ("INVALID") while parsing: "# HELP \"a\n")"},
      {"a 1\n\n\nb", 4,
       R"(expected value after metric, got "\n" ("INVALID") while parsing: "b\n")"},
      // The error line is the offending token's, after a multi-line label value.
      {"a{b=\"x\ny\" c} 1\n", 2,
       R"(expected equal, got "} " ("BCLOSE") while parsing: "a{b=\"x\ny\" c} ")"},
  };
  for (const Case& c : cases) {
    TextParser p(c.input);
    Entry e;
    while ((e = p.Next()) == Entry::kSeries) {
    }
    ASSERT_EQ(e, Entry::kError) << c.input;
    EXPECT_EQ(p.line(), c.line) << c.input;
    EXPECT_EQ(p.error(), c.error) << c.input;
  }
}

TEST(TextParser, CrlfLineEndsAreErrors) {
  // Prometheus's text parser has no CR rule: "\r" is a value byte, or INVALID after a number.
  TextParser p("# HELP a x\r\n# TYPE a gauge\r\n");
  ASSERT_EQ(p.Next(), Entry::kHelp);
  EXPECT_EQ(p.help(), "x\r");
  EXPECT_EQ(p.Next(), Entry::kError);
  EXPECT_EQ(p.error(), R"(invalid metric type "gauge\r")");
  TextParser q("a 1\r\n");
  EXPECT_EQ(q.Next(), Entry::kError);
  EXPECT_EQ(q.status().message(),
            R"(line 1: strconv.ParseFloat: parsing "1\r": invalid syntax while parsing: "a 1\r")");
}

TEST(TextParser, VeryLongLines) {
  const std::string long_value(1 << 20, 'v');
  const std::string long_name(100000, 'n');
  std::string many_labels = "m{";
  for (int i = 0; i < 10000; ++i) many_labels += "l" + std::to_string(i) + "=\"" + "x\\\\y\",";
  many_labels += "} 3 4\n";
  const std::string input = "a{b=\"" + long_value + "\"} 1\n" + long_name + " 2\n" + many_labels +
                            "# HELP h " + long_value + "\n";
  TextParser p(input);
  ASSERT_EQ(p.Next(), Entry::kSeries) << p.status();
  ASSERT_EQ(p.labels().size(), 1u);
  EXPECT_EQ(p.labels()[0].value, long_value);
  ASSERT_EQ(p.Next(), Entry::kSeries) << p.status();
  EXPECT_EQ(p.metric_name(), long_name);
  ASSERT_EQ(p.Next(), Entry::kSeries) << p.status();
  ASSERT_EQ(p.labels().size(), 10000u);
  EXPECT_EQ(p.labels()[9999].name, "l9999");
  EXPECT_EQ(p.labels()[9999].value, "x\\y");
  EXPECT_EQ(p.timestamp(), 4);
  ASSERT_EQ(p.Next(), Entry::kHelp);
  EXPECT_EQ(p.help(), long_value);
  EXPECT_EQ(p.line(), 4);
  EXPECT_EQ(p.Next(), Entry::kEof);
}

TEST(TextParser, NormalizesLikeOpenMetricsThroughMetricType) {
  // Prometheus 3.x rewrites le/quantile with the family's type; the parser reports the type.
  TextParser p("# TYPE h histogram\nh_bucket{le=\"1\"} 2\n");
  ASSERT_EQ(p.Next(), Entry::kType);
  ASSERT_EQ(p.Next(), Entry::kSeries);
  std::string scratch;
  EXPECT_EQ(NormalizeLabelValue(p.metric_type(), p.labels()[0].name, p.labels()[0].value, &scratch),
            "1.0");
}

// What a parse reports, entry by entry, for comparing NextExpecting with Next.
struct Step {
  Entry entry;
  int line;
  std::string series;
  uint64_t value_bits = 0;
  std::optional<int64_t> timestamp;
  std::string error;
  bool operator==(const Step&) const = default;
};

Step StepOf(const TextParser& p, Entry e) {
  Step s{e, p.line(), "", 0, std::nullopt, p.error()};
  if (e == Entry::kSeries) {
    s.series = std::string(p.series());
    s.value_bits = std::bit_cast<uint64_t>(p.value());
    s.timestamp = p.timestamp();
  }
  return s;
}

// Parses `input` with Next(), then again telling NextExpecting each series text of `previous`
// (parsed with Next()) in order, as the scrape loop does with its last page; both must report
// the same entries. Returns how many samples matched their expected text.
int CheckExpecting(std::string_view previous, std::string_view input) {
  std::vector<std::string> texts;
  {
    TextParser p(previous);
    for (Entry e = p.Next(); e != Entry::kEof && e != Entry::kError; e = p.Next()) {
      if (e == Entry::kSeries) texts.emplace_back(p.series());
    }
  }
  std::vector<Step> want;
  {
    TextParser p(input);
    for (Entry e = p.Next();; e = p.Next()) {
      want.push_back(StepOf(p, e));
      if (e == Entry::kEof || e == Entry::kError) break;
    }
  }
  std::vector<Step> got;
  int matched = 0;
  size_t n = 0;
  TextParser p(input);
  for (;;) {
    const Entry e = p.NextExpecting(n < texts.size() ? texts[n] : std::string_view());
    got.push_back(StepOf(p, e));
    if (e == Entry::kSeries) {
      ++n;
      if (p.matched_expected()) {
        ++matched;
        EXPECT_TRUE(p.labels().empty());
      }
    }
    if (e == Entry::kEof || e == Entry::kError) break;
  }
  EXPECT_EQ(got, want) << "previous:\n" << previous << "\ninput:\n" << input;
  return matched;
}

TEST(TextParser, NextExpectingSkipsTheLabelsOfARepeatedSeries) {
  const std::string page =
      "# HELP a Help.\n# TYPE a counter\na{b=\"c\",d=\"e\"} 1 1000\n\nb 2\nc{x=\"1\"} 3\n";
  TextParser p(page);
  EXPECT_EQ(p.NextExpecting("a{b=\"c\",d=\"e\"}"), Entry::kHelp);
  EXPECT_FALSE(p.matched_expected());
  EXPECT_EQ(p.NextExpecting("a{b=\"c\",d=\"e\"}"), Entry::kType);
  ASSERT_EQ(p.NextExpecting("a{b=\"c\",d=\"e\"}"), Entry::kSeries);
  EXPECT_TRUE(p.matched_expected());
  EXPECT_EQ(p.series(), "a{b=\"c\",d=\"e\"}");
  EXPECT_TRUE(InInput(p.series(), page));
  EXPECT_EQ(p.value(), 1);
  EXPECT_EQ(p.timestamp(), 1000);
  EXPECT_EQ(p.metric_type(), MetricType::kCounter);
  EXPECT_EQ(p.line(), 3);
  ASSERT_EQ(p.NextExpecting("b"), Entry::kSeries);  // after a blank line
  EXPECT_TRUE(p.matched_expected());
  EXPECT_EQ(p.value(), 2);
  EXPECT_EQ(p.timestamp(), std::nullopt);
  EXPECT_EQ(p.line(), 5);
  ASSERT_EQ(p.NextExpecting("c{x=\"2\"}"), Entry::kSeries);  // another series: parsed in full
  EXPECT_FALSE(p.matched_expected());
  EXPECT_EQ(p.metric_name(), "c");
  EXPECT_THAT(Labels(p), ElementsAre(LabelPair{"x", "1"}));
  EXPECT_EQ(p.NextExpecting("d"), Entry::kEof);
}

TEST(TextParser, NextExpectingMatchesOnlyTheWholeSeriesText) {
  // A bare name must not be the start of a longer name, nor be followed by labels.
  EXPECT_EQ(CheckExpecting("a 1\n", "ab 1\n"), 0);
  EXPECT_EQ(CheckExpecting("a 1\n", "a{b=\"c\"} 1\n"), 0);
  EXPECT_EQ(CheckExpecting("a 1\n", "a {b=\"c\"} 1\n"), 0);
  EXPECT_EQ(CheckExpecting("a 1\n", "a \t{b=\"c\"} 1\n"), 0);
  EXPECT_EQ(CheckExpecting("a 1\n", "a \t1\n"), 1);
  EXPECT_EQ(CheckExpecting("a 1\n", "a 1"), 1);
  EXPECT_EQ(CheckExpecting("a{b=\"c\"} 1\n", "a{b=\"c\",d=\"e\"} 1\n"), 0);
  EXPECT_EQ(CheckExpecting("a{b=\"c\"} 1\n", "a{b=\"c\"}1\n"), 1);
  EXPECT_EQ(CheckExpecting("a{b=\"c\"} 1\n", "# a{b=\"c\"} 1\n a{b=\"c\"} 1\n"), 0);
  EXPECT_EQ(CheckExpecting("  a 1\n", "  a 1\na 2\n"), 1);
  EXPECT_EQ(CheckExpecting("{\"a.b\",c=\"d\"} 1\n", "{\"a.b\",c=\"d\"} 5\n"), 1);
  EXPECT_EQ(CheckExpecting("a{b=\"x\\\"y\\n\"} 1\n", "a{b=\"x\\\"y\\n\"} 7 8\n"), 1);
}

TEST(TextParser, NextExpectingReportsErrorsAndLinesAsNext) {
  // The value or timestamp after a matched series is malformed.
  EXPECT_EQ(CheckExpecting("a{b=\"c\"} 1\n", "a{b=\"c\"} x\n"), 0);
  EXPECT_EQ(CheckExpecting("a{b=\"c\"} 1\n", "a{b=\"c\"}} 1\n"), 0);
  EXPECT_EQ(CheckExpecting("a{b=\"c\"} 1\n", "a{b=\"c\"} 1 2 3\n"), 0);
  EXPECT_EQ(CheckExpecting("a{b=\"c\"} 1\n", "a{b=\"c\"}\n"), 0);
  EXPECT_EQ(CheckExpecting("a 1\n", "a\n"), 0);
  EXPECT_EQ(CheckExpecting("a 1\n", "a 1\r\n"), 0);
  // Raw newlines inside a matched text still count for the lines of later errors.
  EXPECT_EQ(CheckExpecting("a{b=\"x\ny\"} 1\nc 1\n", "a{b=\"x\ny\"} 1\nc 1\nd{ 2\n"), 2);
  // NUL bytes inside quotes lex the same either way.
  EXPECT_EQ(CheckExpecting("a{b=\"x\0y\"} 1\n"s, "a{b=\"x\0y\"} 2\n"s), 1);
}

TEST(TextParser, NextExpectingAgreesWithNextOnRealPages) {
  for (const char* file : {"node_exporter-1.5.metrics.txt", "prometheus-2.42.metrics.txt",
                           "alltypes.237mfs.prom.txt"}) {
    auto text = testing::ReadDataset(file);
    if (!text.has_value()) GTEST_SKIP() << "dataset missing: " << SEXTANT_DATASETS_DIR;
    const Counts c = ParseAll<TextParser>(*text);
    // The same page again: every sample matches.
    EXPECT_EQ(CheckExpecting(*text, *text), c.series) << file;
    // A page with a line gone: the hints are off by one from there on and match again nowhere
    // (the scrape loop then stops giving them); what is reported stays the same.
    const size_t cut = text->find('\n', text->size() / 2) + 1;
    const size_t next = text->find('\n', cut) + 1;
    const std::string shorter = text->substr(0, cut) + text->substr(next);
    CheckExpecting(*text, shorter);
  }
}

}  // namespace
}  // namespace sextant::scrape
