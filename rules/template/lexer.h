#pragma once

// The lexer of Go's text/template (https://pkg.go.dev/text/template): splits a template into text
// and the tokens inside {{ }} actions, handling trim markers ({{- -}}) and comments. Positions are
// byte offsets into the input and lines are 1-based, exactly as Go reports them, because error
// messages carry them.

#include <string>
#include <string_view>
#include <vector>

namespace sextant::rules::tmpl {

enum class ItemType {
  kError,  // val is the error message; always the last item
  kBool,
  kChar,  // one printable ASCII character, e.g. ','
  kCharConstant,
  kComplex,
  kAssign,   // =
  kDeclare,  // :=
  kEOF,
  kField,       // .Name
  kIdentifier,  // a function name
  kLeftDelim,
  kLeftParen,
  kNumber,
  kPipe,
  kRawString,  // `...` with the quotes
  kRightDelim,
  kRightParen,
  kSpace,
  kString,  // "..." with the quotes
  kText,
  kVariable,  // $ or $name
  // Keywords; everything after kKeyword prints as <val> in messages.
  kKeyword,
  kBlock,
  kBreak,
  kContinue,
  kDot,
  kDefine,
  kElse,
  kEnd,
  kIf,
  kNil,
  kRange,
  kTemplate,
  kWith,
};

struct Item {
  ItemType type = ItemType::kEOF;
  size_t pos = 0;   // byte offset of the item's start
  std::string val;  // the item's text, or the error message
  int line = 1;     // line of the item's start
};

// Lexes the whole input. The result ends with exactly one kEOF or kError item; nothing follows
// an error, as Go's lexer stops at its first error.
std::vector<Item> Lex(std::string_view input);

// Go's item.String(), used in parse errors: EOF, the error text, <keyword>, or the quoted value
// (cut to 10 characters and "..." when longer).
std::string ItemString(const Item& item);

// Go's %#U rendering of a rune: U+0041 'A' (without the quoted form for unprintable runes).
std::string RuneDescription(int32_t rune);

// Decodes one UTF-8 rune at s[pos]; invalid bytes decode as U+FFFD of width 1.
int32_t DecodeRune(std::string_view s, size_t pos, size_t* width);

// Go's unicode.IsLetter / IsDigit, exact for ASCII; other runes count as letters.
bool IsAlphaNumericRune(int32_t r);

}  // namespace sextant::rules::tmpl
