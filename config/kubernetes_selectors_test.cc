#include "config/kubernetes_selectors.h"

#include <string>

#include <gtest/gtest.h>

namespace sextant::config {
namespace {

std::string FieldError(std::string_view selector) {
  const absl::Status s = ValidateFieldSelector(selector);
  return s.ok() ? "<ok>" : std::string(s.message());
}

std::string LabelError(std::string_view selector) {
  const absl::Status s = ValidateLabelSelector(selector);
  return s.ok() ? "<ok>" : std::string(s.message());
}

constexpr char kNameRegex[] =
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
    "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
constexpr char kValueRegex[] =
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
    "'my_value',  or '12345', regex used for validation is "
    "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

TEST(ValidateFieldSelector, AcceptsEqualityTermsWithEscapes) {
  for (const char* ok : {"", "metadata.name=foo", "a==b,c!=d", "spec.nodeName=", "a=b,", ",",
                         "a=x\\,y", "a=x\\=y\\\\", "=v"}) {
    EXPECT_EQ(FieldError(ok), "<ok>") << ok;
  }
}

TEST(ValidateFieldSelector, ErrorsAreApimachinerys) {
  EXPECT_EQ(FieldError("a"), "invalid selector: 'a'; can't understand 'a'");
  EXPECT_EQ(FieldError("x=1,a!b"), "invalid selector: 'x=1,a!b'; can't understand 'a!b'");
  EXPECT_EQ(FieldError("a=b=c"), "invalid field selector: unescaped character in value: 61");
  EXPECT_EQ(FieldError("a=b\\"), "invalid field selector: invalid escape sequence: \\");
  EXPECT_EQ(FieldError("a=\\x"), "invalid field selector: invalid escape sequence: \\x");
  EXPECT_EQ(FieldError("a=\\\xc3\xa9"),
            "invalid field selector: invalid escape sequence: \\\xc3\xa9");
  // Terms are checked in sorted order.
  EXPECT_EQ(FieldError("z,a=b=c"), "invalid field selector: unescaped character in value: 61");
}

TEST(ValidateLabelSelector, AcceptsEveryRequirementForm) {
  for (const char* ok :
       {"", "app=web", "app==web", "app!=web", "app", "!app", "env in (prod, staging)",
        "env notin (a,b)", "x>1", "x<5", "k in ()", "k in (a,,b)", "example.com/app=v",
        "a=b, c , !d", "in=notin", "k=", "k in (in, notin)"}) {
    EXPECT_EQ(LabelError(ok), "<ok>") << ok;
  }
}

TEST(ValidateLabelSelector, SyntaxErrorsAreApimachinerys) {
  EXPECT_EQ(LabelError("a=b c"), "found 'c', expected: ',' or 'end of string'");
  EXPECT_EQ(LabelError("a b"),
            "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt");
  EXPECT_EQ(LabelError("a in b"), "unable to parse requirement: found 'b' expected: '('");
  EXPECT_EQ(LabelError("a in (b"), "unable to parse requirement: found '', expected: ',' or ')'");
  EXPECT_EQ(LabelError("a in (b c)"),
            "unable to parse requirement: found 'c', expected: ',' or ')'");
  EXPECT_EQ(LabelError("a in (="),
            "unable to parse requirement: found '=', expected: ',', ')' or "
            "identifier");
  EXPECT_EQ(LabelError("a,"), "found '', expected: identifier after ','");
  EXPECT_EQ(LabelError("=a"), "found '=', expected: !, identifier, or 'end of string'");
  EXPECT_EQ(LabelError("!a=b"), "found '=', expected: ',' or 'end of string'");
  EXPECT_EQ(LabelError("!"), "unable to parse requirement: found '', expected: identifier");
  EXPECT_EQ(LabelError("a=="), "<ok>");
  EXPECT_EQ(LabelError("a=(b)"), "unable to parse requirement: found '(', expected: identifier");
}

TEST(ValidateLabelSelector, KeyAndValueErrorsAreApimachinerys) {
  const std::string at = "unable to parse requirement: ";
  EXPECT_EQ(LabelError("-a"), at + "<nil>: Invalid value: \"-a\": name part " + kNameRegex);
  EXPECT_EQ(LabelError(std::string(64, 'a')), at + "<nil>: Invalid value: \"" +
                                                  std::string(64, 'a') +
                                                  "\": name part must be no more than 63 bytes");
  EXPECT_EQ(LabelError("/a"), at + "<nil>: Invalid value: \"/a\": prefix part must be non-empty");
  EXPECT_EQ(LabelError("a/"), at +
                                  "<nil>: Invalid value: \"a/\": name part must be non-empty; "
                                  "name part " +
                                  kNameRegex);
  EXPECT_EQ(LabelError("Example.com/a=b"),
            at + "<nil>: Invalid value: \"Example.com/a\": prefix part a lowercase RFC 1123 "
                 "subdomain must consist of lower case alphanumeric characters, '-' or '.', and "
                 "must start and end with an alphanumeric character (e.g. 'example.com', regex "
                 "used for validation is "
                 "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
  EXPECT_EQ(LabelError("a/b/c"),
            at + "<nil>: Invalid value: \"a/b/c\": a valid label key " + kNameRegex +
                " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
  EXPECT_EQ(LabelError("a=-b"), at + "values[0][a]: Invalid value: \"-b\": " + kValueRegex);
  EXPECT_EQ(LabelError("a in (ok, -b)"),
            at + "values[0][a]: Invalid value: \"-b\": " + kValueRegex);  // sorted: -b first
  EXPECT_EQ(LabelError("x>a"), at + "values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, "
                                    "the value must be an integer");
  EXPECT_EQ(LabelError("x>99999999999999999999"),
            at + "values[0]: Invalid value: \"99999999999999999999\": for 'Gt', 'Lt' operators, "
                 "the value must be an integer");
  EXPECT_EQ(LabelError("x>-a"),
            at +
                "[values[0]: Invalid value: \"-a\": for 'Gt', 'Lt' operators, the value must be "
                "an integer, values[0][x]: Invalid value: \"-a\": " +
                kValueRegex + "]");
}

}  // namespace
}  // namespace sextant::config
