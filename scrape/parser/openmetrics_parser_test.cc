#include "scrape/parser/openmetrics_parser.h"

#include <bit>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/sample.h"
#include "scrape/parser/dataset_test_util.h"

namespace sextant::scrape {
namespace {

using ::testing::ElementsAre;
using ::testing::Eq;

struct Counts {
  int series = 0, type = 0, help = 0, unit = 0, exemplars = 0, with_timestamp = 0;
};

// Parses the whole input; fails the test on a parse error.
Counts ParseAll(std::string_view input) {
  Counts c;
  OpenMetricsParser p(input);
  for (Entry e = p.Next(); e != Entry::kEof; e = p.Next()) {
    if (e == Entry::kError) {
      ADD_FAILURE() << p.status();
      break;
    }
    c.series += e == Entry::kSeries;
    c.type += e == Entry::kType;
    c.help += e == Entry::kHelp;
    c.unit += e == Entry::kUnit;
    if (e == Entry::kSeries) {
      c.exemplars += p.has_exemplar();
      c.with_timestamp += p.timestamp().has_value();
    }
  }
  return c;
}

std::vector<std::pair<std::string, std::string>> Labels(const OpenMetricsParser& p) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const model::Label& l : p.labels()) out.emplace_back(l.name, l.value);
  return out;
}

TEST(OpenMetricsParser, ParsesAllTypesPage) {
  auto text = testing::ReadDataset("alltypes.5mfs.om.txt");
  if (!text.has_value()) GTEST_SKIP() << "dataset missing: " << SEXTANT_DATASETS_DIR;
  Counts c = ParseAll(*text);
  EXPECT_EQ(c.series, 53);
  EXPECT_EQ(c.type, 5);
  EXPECT_EQ(c.help, 5);
  EXPECT_EQ(c.exemplars, 6);
  EXPECT_EQ(c.with_timestamp, 0);
}

TEST(OpenMetricsParser, ParsesHistogramPage) {
  auto text = testing::ReadDataset("1histogram.om.txt");
  if (!text.has_value()) GTEST_SKIP() << "dataset missing: " << SEXTANT_DATASETS_DIR;
  OpenMetricsParser p(*text);
  ASSERT_EQ(p.Next(), Entry::kHelp);
  EXPECT_EQ(p.meta_name(), "golang_manual_histogram_seconds");
  EXPECT_EQ(p.help(), "This is a histogram with manually selected parameters");
  ASSERT_EQ(p.Next(), Entry::kType);
  EXPECT_EQ(p.metric_type(), MetricType::kHistogram);
  ASSERT_EQ(p.Next(), Entry::kSeries);
  EXPECT_EQ(p.line(), 3);
  EXPECT_EQ(p.metric_name(), "golang_manual_histogram_seconds_bucket");
  EXPECT_THAT(Labels(p), ElementsAre(std::pair<std::string, std::string>{"address", "0.0.0.0"},
                                     std::pair<std::string, std::string>{"generation", "20"},
                                     std::pair<std::string, std::string>{"port", "5001"},
                                     std::pair<std::string, std::string>{"le", "0.005"}));
  EXPECT_EQ(p.value(), 0);
  EXPECT_FALSE(p.timestamp().has_value());
  EXPECT_EQ(ParseAll(*text).series, 42);
}

TEST(OpenMetricsParser, ParsesRecording) {
  auto text = testing::ReadZstdDataset("recording-node-prometheus-1s.om.zst");
  if (!text.has_value()) GTEST_SKIP() << "dataset missing: " << SEXTANT_DATASETS_DIR;
  OpenMetricsParser p(*text);
  ASSERT_EQ(p.Next(), Entry::kSeries);
  EXPECT_EQ(p.series(),
            R"(go_gc_duration_seconds{instance="127.0.0.1:19090",job="prometheus",quantile="0"})");
  EXPECT_EQ(p.value(), 3.7054e-05);
  EXPECT_EQ(p.timestamp(), 1795238544509);
  int samples = 1;
  int64_t max_t = 0;
  Entry e;
  while ((e = p.Next()) == Entry::kSeries) {
    ++samples;
    ASSERT_TRUE(p.timestamp().has_value()) << p.line();
    max_t = std::max(max_t, *p.timestamp());
  }
  EXPECT_EQ(e, Entry::kEof) << p.status();
  EXPECT_EQ(samples, 2073259);
  EXPECT_EQ(max_t, 1795240875509);  // promtool: block maxTime 1795240875510 = last + 1
}

TEST(OpenMetricsParser, SampleParts) {
  OpenMetricsParser p(
      "a_total{b=\"c\",d=\"\"} 1.5 1700000000.5 # {trace_id=\"x\"} 2 1700000000\n"
      "b -Inf\n"
      "c +Inf 1\n"
      "d NaN 2 # {} 3\n"
      "e:f 1e-7 -3.5\n"
      "# EOF\n");
  ASSERT_EQ(p.Next(), Entry::kSeries);
  EXPECT_EQ(p.series(), "a_total{b=\"c\",d=\"\"}");
  EXPECT_EQ(p.metric_name(), "a_total");
  EXPECT_THAT(Labels(p), ElementsAre(std::pair<std::string, std::string>{"b", "c"},
                                     std::pair<std::string, std::string>{"d", ""}));
  EXPECT_EQ(p.value(), 1.5);
  EXPECT_EQ(p.timestamp(), 1700000000500);
  EXPECT_TRUE(p.has_exemplar());
  ASSERT_EQ(p.Next(), Entry::kSeries);
  EXPECT_EQ(p.value(), -std::numeric_limits<double>::infinity());
  EXPECT_FALSE(p.timestamp().has_value());
  EXPECT_FALSE(p.has_exemplar());
  ASSERT_EQ(p.Next(), Entry::kSeries);
  EXPECT_EQ(p.value(), std::numeric_limits<double>::infinity());
  EXPECT_EQ(p.timestamp(), 1000);
  ASSERT_EQ(p.Next(), Entry::kError);  // d is neither a counter nor a bucket
  EXPECT_EQ(p.status().message(), "line 4: metric name d does not support exemplars");
}

TEST(OpenMetricsParser, NaNIsTheNormalNaN) {
  OpenMetricsParser p("a NaN 1\n# EOF\n");
  ASSERT_EQ(p.Next(), Entry::kSeries);
  EXPECT_EQ(std::bit_cast<uint64_t>(p.value()), model::kNormalNaNBits);
  EXPECT_FALSE(model::IsStaleNaN(p.value()));
}

TEST(OpenMetricsParser, TimestampsTruncateSecondsTimesThousand) {
  // Go's int64(ts * 1000), as observed with promtool 2.42.
  const std::pair<const char*, int64_t> cases[] = {
      {"1.005", 1004},        {"0.0015", 1},
      {"1.0009999", 1000},    {"1795238544.509", 1795238544509},
      {"1e3", 1000000},       {"200.5", 200500},
      {"100.123456", 100123}, {"-1.5", -1500},
      {"-0.0005", 0},         {"9e15", 9000000000000000000},
  };
  for (const auto& [text, want] : cases) {
    const std::string input = std::string("a 1 ") + text + "\n# EOF\n";
    OpenMetricsParser p(input);
    ASSERT_EQ(p.Next(), Entry::kSeries) << text << ": " << p.status();
    EXPECT_EQ(p.timestamp(), want) << text;
  }
}

TEST(OpenMetricsParser, UnescapesLabelValuesAndHelp) {
  const std::string input =
      "# HELP a Say \\\"hi\\\"\\nor \\\\ \\t\n"
      "a{x=\"q\\\"uote\",y=\"back\\\\slash\",z=\"new\\nline\",w=\"keep\\t\",v=\"plain\"} 1\n"
      "# EOF\n";
  OpenMetricsParser p(input);
  ASSERT_EQ(p.Next(), Entry::kHelp);
  EXPECT_EQ(p.help(), "Say \"hi\"\nor \\ \\t");
  ASSERT_EQ(p.Next(), Entry::kSeries) << p.status();
  EXPECT_THAT(Labels(p), ElementsAre(std::pair<std::string, std::string>{"x", "q\"uote"},
                                     std::pair<std::string, std::string>{"y", "back\\slash"},
                                     std::pair<std::string, std::string>{"z", "new\nline"},
                                     std::pair<std::string, std::string>{"w", "keep\\t"},
                                     std::pair<std::string, std::string>{"v", "plain"}));
  // Zero-copy where nothing needed unescaping.
  const std::string_view plain = p.labels()[4].value;
  EXPECT_GE(plain.data(), input.data());
  EXPECT_LE(plain.data() + plain.size(), input.data() + input.size());
  EXPECT_GE(p.metric_name().data(), input.data());
  EXPECT_EQ(p.Next(), Entry::kEof);
}

TEST(OpenMetricsParser, MetadataEntries) {
  OpenMetricsParser p(
      "# TYPE a_seconds summary\n# UNIT a_seconds seconds\n# HELP a_seconds \n"
      "# TYPE b stateset\n# EOF");  // no newline after # EOF is fine
  ASSERT_EQ(p.Next(), Entry::kType);
  EXPECT_EQ(p.meta_name(), "a_seconds");
  EXPECT_EQ(p.metric_type(), MetricType::kSummary);
  ASSERT_EQ(p.Next(), Entry::kUnit);
  EXPECT_EQ(p.unit(), "seconds");
  ASSERT_EQ(p.Next(), Entry::kHelp);
  EXPECT_EQ(p.help(), "");
  ASSERT_EQ(p.Next(), Entry::kType);
  EXPECT_EQ(p.metric_type(), MetricType::kStateset);
  EXPECT_EQ(p.Next(), Entry::kEof);
  EXPECT_EQ(p.Next(), Entry::kEof);
  EXPECT_TRUE(p.status().ok());
}

struct BadCase {
  std::string line;   // put between two good lines, so the error is on line 2
  std::string error;  // Prometheus 2.42's message, as promtool printed it
};

TEST(OpenMetricsParser, ErrorsCarryLineAndPrometheusMessage) {
  const BadCase cases[] = {
      {"this is bad", R"(strconv.ParseFloat: parsing "is": invalid syntax)"},
      {"bad", R"(expected value after metric, got "INVALID")"},
      {"a{ 1 100", R"(expected label name or left brace, got "INVALID")"},
      {"a{b=\"c\" 1 100", R"(expected comma or left brace, got "INVALID")"},
      {"a{b=\"c} 1 100", R"(expected label value, got "INVALID")"},
      {"a{b=c} 1 100", R"(expected label value, got "INVALID")"},
      {"a{b=\"c\",} 1 100", R"(expected label name, got "BCLOSE")"},
      {"a{,b=\"c\"} 1", R"(expected label name or left brace, got "COMMA")"},
      {"a{b=\"c\"d=\"e\"} 1", R"(expected comma, got "LNAME")"},
      {"a{b} 1", R"(expected equal, got "BCLOSE")"},
      {"a{b=\"c\"}{} 1 1", R"(expected value after metric, got "BOPEN")"},
      {"a{b=\"c\"} 1 100 5", R"(expected next entry after timestamp, got "TIMESTAMP")"},
      {"a abc 100", R"(strconv.ParseFloat: parsing "abc": invalid syntax)"},
      {"a 1 abc", R"(strconv.ParseFloat: parsing "abc": invalid syntax)"},
      {"a  1 100", R"(expected value after metric, got "INVALID")"},
      {"a 1  100", R"(expected timestamp or # symbol, got "INVALID")"},
      {"a\t1 1", R"(expected value after metric, got "INVALID")"},
      {"", R"("INVALID" "\n" is not a valid start token)"},
      {"# random comment", R"("INVALID" "r" is not a valid start token)"},
      {"#x", R"("INVALID" "x" is not a valid start token)"},
      {"# HELPX a b", R"("INVALID" "X" is not a valid start token)"},
      {"1a 1 100", R"("INVALID" "1" is not a valid start token)"},
      {"\xc3\xa9 1 1", R"("INVALID" "Ã" is not a valid start token)"},
      {"{a=\"b\"} 1 1", R"("INVALID" "{" is not a valid start token)"},
      {"a 1 100\r", R"(strconv.ParseFloat: parsing "100\r": invalid syntax)"},
      {"# TYPE a foo", R"(invalid metric type "foo")"},
      {"# TYPE a ", R"(invalid metric type "")"},
      {"# TYPE a", "expected text in TYPE"},
      {"# HELP a", "expected text in HELP"},
      {"# HELP 1a x", R"(expected metric name after HELP, got "INVALID")"},
      {"# HELP a \xff", "help text is not a valid utf8 string"},
      {"# UNIT a seconds", R"(unit not a suffix of metric "a")"},
      {"# UNIT seconds seconds", R"(unit not a suffix of metric "seconds")"},
      {"a{x=\"\xff\"} 1 1", "invalid UTF-8 label value"},
      {"a 1 NaN", "invalid timestamp"},
      {"a 1 +Inf", "invalid timestamp"},
      {"a 1 9.3e15", R"(timestamp out of range: "9.3e15")"},
      {"a 1 1e400", R"(strconv.ParseFloat: parsing "1e400": value out of range)"},
      {"a 0x10 1", R"(strconv.ParseFloat: parsing "0x10": invalid syntax)"},
      {"a 1_0 1", "unsupported character in float"},
      {"a 1 1 # x", R"(expected next entry after timestamp, got "INVALID")"},
      {"a 1 1 #", R"(expected next entry after timestamp, got "TIMESTAMP")"},
      {"a 1 1 # {x=\"y\"} 1 2", "metric name a does not support exemplars"},
      {"a_sum 1 # {x=\"y\"} 1", "metric name a_sum does not support exemplars"},
      {"a_total 1 1 # {x=\"y\"}", R"(expected value after exemplar labels, got "INVALID")"},
      {"a_total 1 1 # {x=\"y\"}  1 2", R"(expected value after exemplar labels, got "INVALID")"},
      {"a_total 1 1 # {x=\"y\"} 1  2", R"(expected timestamp or comment, got "INVALID")"},
      {"a_total 1 1 # {x=\"y\"} 1 2 3",
       R"(expected next entry after exemplar timestamp, got "TIMESTAMP")"},
      {"a_total 1 1 # {x=\"y\"} 1 NaN", "invalid exemplar timestamp"},
      {"a_total 1 1 # {x=\"y\",} 1", R"(expected label name, got "BCLOSE")"},
      {"a_total 1 1 # {x=\"y\" z=\"w\"} 1", R"(expected comma or left brace, got "INVALID")"},
      {"a_total 1 1 # {x=\"y\"} abc", R"(strconv.ParseFloat: parsing "abc": invalid syntax)"},
  };
  for (const BadCase& c : cases) {
    const std::string input = "good 1 1\n" + c.line + "\ngood 2 2\n# EOF\n";
    OpenMetricsParser p(input);
    ASSERT_EQ(p.Next(), Entry::kSeries) << c.line;
    EXPECT_EQ(p.Next(), Entry::kError) << c.line;
    EXPECT_EQ(p.line(), 2) << c.line;
    EXPECT_EQ(p.error(), c.error) << c.line;
    EXPECT_EQ(p.status().message(), "line 2: " + c.error);
    EXPECT_EQ(p.Next(), Entry::kError) << "stays failed: " << c.line;
  }
}

TEST(OpenMetricsParser, EndOfInputErrors) {
  struct Case {
    std::string input;
    int line;
    std::string error;
  };
  const Case cases[] = {
      {"", 1, "data does not end with # EOF"},
      {"a 1 1\nb 2 2\n", 3, "data does not end with # EOF"},
      {"a 1", 1, "data does not end with # EOF"},
      {"a 1 1", 1, R"(expected next entry after timestamp, got "EOF")"},
      {"a_total 1 1 # {x=\"y\"} 1", 1, "data does not end with # EOF"},
      {"a_total 1 1 # {x=\"y\"} 1 2", 1,
       R"(expected next entry after exemplar timestamp, got "EOF")"},
      {"a 1 1\n# EOF\n\n", 3, "unexpected data after # EOF"},
      {"a 1 1\n# EOF\nb 1 1\n", 3, "unexpected data after # EOF"},
      {"# EOF \n", 1, "unexpected data after # EOF"},
      {"#", 1, R"("INVALID" " " is not a valid start token)"},
  };
  for (const Case& c : cases) {
    OpenMetricsParser p(c.input);
    Entry e;
    while ((e = p.Next()) == Entry::kSeries) {
    }
    ASSERT_EQ(e, Entry::kError) << c.input;
    EXPECT_EQ(p.line(), c.line) << c.input;
    EXPECT_EQ(p.error(), c.error) << c.input;
  }
}

TEST(OpenMetricsParser, ErrorLineCountsMetadataLines) {
  OpenMetricsParser p("# HELP a x\n# TYPE a gauge\na 1\n\na 2\n# EOF\n");
  EXPECT_EQ(p.Next(), Entry::kHelp);
  EXPECT_EQ(p.Next(), Entry::kType);
  EXPECT_EQ(p.Next(), Entry::kSeries);
  EXPECT_EQ(p.line(), 3);
  EXPECT_EQ(p.Next(), Entry::kError);
  EXPECT_EQ(p.status().message(), R"(line 4: "INVALID" "\n" is not a valid start token)");
}

TEST(NormalizeLabelValue, FloatFormForHistogramLeAndSummaryQuantile) {
  std::string scratch;
  EXPECT_EQ(NormalizeLabelValue(MetricType::kHistogram, "le", "1", &scratch), "1.0");
  EXPECT_EQ(NormalizeLabelValue(MetricType::kHistogram, "le", "0.50", &scratch), "0.5");
  EXPECT_EQ(NormalizeLabelValue(MetricType::kHistogram, "le", "1e3", &scratch), "1000.0");
  EXPECT_EQ(NormalizeLabelValue(MetricType::kHistogram, "le", "+inf", &scratch), "+Inf");
  EXPECT_EQ(NormalizeLabelValue(MetricType::kHistogram, "le", "1e-7", &scratch), "1e-07");
  EXPECT_EQ(NormalizeLabelValue(MetricType::kHistogram, "le", "x", &scratch), "x");
  EXPECT_EQ(NormalizeLabelValue(MetricType::kSummary, "quantile", "0", &scratch), "0.0");
  EXPECT_EQ(NormalizeLabelValue(MetricType::kSummary, "quantile", "0.99", &scratch), "0.99");
  // Only for the family's own label and type.
  EXPECT_EQ(NormalizeLabelValue(MetricType::kSummary, "le", "1", &scratch), "1");
  EXPECT_EQ(NormalizeLabelValue(MetricType::kHistogram, "quantile", "1", &scratch), "1");
  EXPECT_EQ(NormalizeLabelValue(MetricType::kGaugeHistogram, "le", "1", &scratch), "1");
  EXPECT_EQ(NormalizeLabelValue(MetricType::kUnknown, "le", "1", &scratch), "1");
}

TEST(FormatOpenMetricsFloat, GoForms) {
  EXPECT_EQ(FormatOpenMetricsFloat(1), "1.0");
  EXPECT_EQ(FormatOpenMetricsFloat(-1), "-1.0");
  EXPECT_EQ(FormatOpenMetricsFloat(0), "0.0");
  EXPECT_EQ(FormatOpenMetricsFloat(-0.0), "0.0");
  EXPECT_EQ(FormatOpenMetricsFloat(100000), "100000.0");
  EXPECT_EQ(FormatOpenMetricsFloat(1e6), "1e+06");
  EXPECT_EQ(FormatOpenMetricsFloat(0.25), "0.25");
  EXPECT_EQ(FormatOpenMetricsFloat(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatOpenMetricsFloat(std::nan("")), "NaN");
}

}  // namespace
}  // namespace sextant::scrape
