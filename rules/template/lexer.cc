#include "rules/template/lexer.h"

#include <cstdio>

#include "util/go_format.h"

namespace sextant::rules::tmpl {
namespace {

constexpr std::string_view kLeftDelim = "{{";
constexpr std::string_view kRightDelim = "}}";
constexpr std::string_view kLeftComment = "/*";
constexpr std::string_view kRightComment = "*/";
constexpr int32_t kEof = -1;

bool IsSpace(int32_t r) { return r == ' ' || r == '\t' || r == '\r' || r == '\n'; }
bool IsSpaceByte(char c) { return IsSpace(static_cast<unsigned char>(c)); }

// "{{- " : a trim marker must be followed by a space so that "{{-3}}" stays a number.
bool HasLeftTrimMarker(std::string_view s) {
  return s.size() >= 2 && s[0] == '-' && IsSpaceByte(s[1]);
}
bool HasRightTrimMarker(std::string_view s) {
  return s.size() >= 2 && IsSpaceByte(s[0]) && s[1] == '-';
}

size_t CountNewlines(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

size_t TrailingSpaces(std::string_view s) {
  size_t n = 0;
  while (n < s.size() && IsSpaceByte(s[s.size() - 1 - n])) ++n;
  return n;
}

size_t LeadingSpaces(std::string_view s) {
  size_t n = 0;
  while (n < s.size() && IsSpaceByte(s[n])) ++n;
  return n;
}

ItemType KeywordType(std::string_view word) {
  if (word == ".") return ItemType::kDot;
  if (word == "block") return ItemType::kBlock;
  if (word == "break") return ItemType::kBreak;
  if (word == "continue") return ItemType::kContinue;
  if (word == "define") return ItemType::kDefine;
  if (word == "else") return ItemType::kElse;
  if (word == "end") return ItemType::kEnd;
  if (word == "if") return ItemType::kIf;
  if (word == "range") return ItemType::kRange;
  if (word == "nil") return ItemType::kNil;
  if (word == "template") return ItemType::kTemplate;
  if (word == "with") return ItemType::kWith;
  return ItemType::kError;  // not a keyword
}

// The scanner: a state machine whose states return the next state, as in Go's lexer, so that
// positions, lines and the first error come out the same.
class Lexer {
 public:
  explicit Lexer(std::string_view input) : input_(input) {}

  std::vector<Item> Run() {
    State state = State::kText;
    while (state != State::kDone) state = Step(state);
    return std::move(items_);
  }

 private:
  enum class State { kText, kLeftDelim, kComment, kRightDelim, kInsideAction, kSpace, kDone };

  State Step(State s) {
    switch (s) {
      case State::kText:
        return LexText();
      case State::kLeftDelim:
        return LexLeftDelim();
      case State::kComment:
        return LexComment();
      case State::kRightDelim:
        return LexRightDelim();
      case State::kInsideAction:
        return LexInsideAction();
      case State::kSpace:
        return LexSpace();
      case State::kDone:
        break;
    }
    return State::kDone;
  }

  int32_t Next() {
    if (pos_ >= input_.size()) {
      at_eof_ = true;
      return kEof;
    }
    size_t width = 0;
    const int32_t r = DecodeRune(input_, pos_, &width);
    pos_ += width;
    last_width_ = width;
    if (r == '\n') ++line_;
    return r;
  }

  int32_t Peek() {
    const int32_t r = Next();
    Backup();
    return r;
  }

  void Backup() {
    if (at_eof_ || pos_ == 0) {
      at_eof_ = false;
      return;
    }
    pos_ -= last_width_;
    if (input_[pos_] == '\n') --line_;
  }

  bool Accept(std::string_view valid) {
    const int32_t r = Next();
    if (r != kEof && r < 0x80 && valid.find(static_cast<char>(r)) != std::string_view::npos) {
      return true;
    }
    Backup();
    return false;
  }

  void AcceptRun(std::string_view valid) {
    while (Accept(valid)) {
    }
  }

  void Emit(ItemType type) {
    items_.push_back(
        Item{type, start_, std::string(input_.substr(start_, pos_ - start_)), start_line_});
    start_ = pos_;
    start_line_ = line_;
  }

  void Ignore() {
    line_ += CountNewlines(input_.substr(start_, pos_ - start_));
    start_ = pos_;
    start_line_ = line_;
  }

  State Errorf(std::string message) {
    items_.push_back(Item{ItemType::kError, start_, std::move(message), start_line_});
    return State::kDone;
  }

  std::string_view Rest() const { return input_.substr(pos_); }

  // Whether the input is at "}}" or " -}}"; *trim tells which.
  bool AtRightDelim(bool* trim) const {
    const std::string_view rest = Rest();
    if (HasRightTrimMarker(rest) && rest.substr(2).starts_with(kRightDelim)) {
      *trim = true;
      return true;
    }
    *trim = false;
    return rest.starts_with(kRightDelim);
  }

  State LexText() {
    const size_t x = Rest().find(kLeftDelim);
    if (x == std::string_view::npos) {
      pos_ = input_.size();
      if (pos_ > start_) {
        line_ += CountNewlines(input_.substr(start_, pos_ - start_));
        Emit(ItemType::kText);
      }
      Emit(ItemType::kEOF);
      return State::kDone;
    }
    pos_ += x;
    size_t trim = 0;
    if (HasLeftTrimMarker(input_.substr(pos_ + kLeftDelim.size()))) {
      trim = TrailingSpaces(input_.substr(start_, pos_ - start_));
    }
    pos_ -= trim;
    if (pos_ > start_) {
      line_ += CountNewlines(input_.substr(start_, pos_ - start_));
      Emit(ItemType::kText);
    }
    pos_ += trim;
    Ignore();
    return State::kLeftDelim;
  }

  State LexLeftDelim() {
    pos_ += kLeftDelim.size();
    const bool trim = HasLeftTrimMarker(Rest());
    const size_t after_marker = trim ? 2 : 0;
    if (input_.substr(pos_ + after_marker).starts_with(kLeftComment)) {
      pos_ += after_marker;
      Ignore();
      return State::kComment;
    }
    Emit(ItemType::kLeftDelim);
    pos_ += after_marker;
    Ignore();
    paren_depth_ = 0;
    return State::kInsideAction;
  }

  State LexComment() {
    pos_ += kLeftComment.size();
    const size_t i = Rest().find(kRightComment);
    if (i == std::string_view::npos) return Errorf("unclosed comment");
    pos_ += i + kRightComment.size();
    bool trim = false;
    if (!AtRightDelim(&trim)) return Errorf("comment ends before closing delimiter");
    if (trim) pos_ += 2;
    pos_ += kRightDelim.size();
    if (trim) pos_ += LeadingSpaces(Rest());
    Ignore();
    return State::kText;
  }

  State LexRightDelim() {
    const bool trim = HasRightTrimMarker(Rest());
    if (trim) {
      pos_ += 2;
      Ignore();
    }
    pos_ += kRightDelim.size();
    Emit(ItemType::kRightDelim);
    if (trim) {
      pos_ += LeadingSpaces(Rest());
      Ignore();
    }
    return State::kText;
  }

  State LexInsideAction() {
    bool trim = false;
    if (AtRightDelim(&trim)) {
      if (paren_depth_ == 0) return State::kRightDelim;
      return Errorf("unclosed left paren");
    }
    const int32_t r = Next();
    if (r == kEof) return Errorf("unclosed action");
    if (IsSpace(r)) {
      Backup();  // the space may belong to " -}}"
      return State::kSpace;
    }
    switch (r) {
      case '=':
        Emit(ItemType::kAssign);
        return State::kInsideAction;
      case ':':
        if (Next() != '=') return Errorf("expected :=");
        Emit(ItemType::kDeclare);
        return State::kInsideAction;
      case '|':
        Emit(ItemType::kPipe);
        return State::kInsideAction;
      case '"':
        return LexQuote();
      case '`':
        return LexRawQuote();
      case '$':
        return LexVariable();
      case '\'':
        return LexChar();
      case '(':
        Emit(ItemType::kLeftParen);
        ++paren_depth_;
        return State::kInsideAction;
      case ')':
        Emit(ItemType::kRightParen);
        --paren_depth_;
        if (paren_depth_ < 0) return Errorf("unexpected right paren " + RuneDescription(r));
        return State::kInsideAction;
      default:
        break;
    }
    if (r == '.') {
      // ".field" versus a number like ".5".
      if (pos_ < input_.size() && (input_[pos_] < '0' || input_[pos_] > '9')) {
        return LexFieldOrVariable(ItemType::kField);
      }
    }
    if (r == '.' || r == '+' || r == '-' || (r >= '0' && r <= '9')) {
      Backup();
      return LexNumber();
    }
    if (IsAlphaNumericRune(r)) {
      Backup();
      return LexIdentifier();
    }
    if (r < 0x80 && r >= 0x20 && r != 0x7f) {
      Emit(ItemType::kChar);
      return State::kInsideAction;
    }
    return Errorf("unrecognized character in action: " + RuneDescription(r));
  }

  State LexSpace() {
    int spaces = 0;
    while (IsSpace(Peek())) {
      Next();
      ++spaces;
    }
    // A trim-marked right delimiter starts with a space: leave that space to it.
    const std::string_view from_last = input_.substr(pos_ - 1);
    if (HasRightTrimMarker(from_last) && from_last.substr(2).starts_with(kRightDelim)) {
      Backup();
      if (spaces == 1) return State::kRightDelim;
    }
    Emit(ItemType::kSpace);
    return State::kInsideAction;
  }

  State LexIdentifier() {
    int32_t r = 0;
    while (true) {
      r = Next();
      if (!IsAlphaNumericRune(r)) break;
    }
    Backup();
    const std::string_view word = input_.substr(start_, pos_ - start_);
    if (!AtTerminator()) return Errorf("bad character " + RuneDescription(r));
    const ItemType keyword = KeywordType(word);
    if (keyword != ItemType::kError) {
      Emit(keyword);
    } else if (word[0] == '.') {
      Emit(ItemType::kField);
    } else if (word == "true" || word == "false") {
      Emit(ItemType::kBool);
    } else {
      Emit(ItemType::kIdentifier);
    }
    return State::kInsideAction;
  }

  State LexVariable() {
    if (AtTerminator()) {  // just "$"
      Emit(ItemType::kVariable);
      return State::kInsideAction;
    }
    return LexFieldOrVariable(ItemType::kVariable);
  }

  // After the '.' or '$'.
  State LexFieldOrVariable(ItemType type) {
    if (AtTerminator()) {
      Emit(type == ItemType::kVariable ? ItemType::kVariable : ItemType::kDot);
      return State::kInsideAction;
    }
    int32_t r = 0;
    while (true) {
      r = Next();
      if (!IsAlphaNumericRune(r)) {
        Backup();
        break;
      }
    }
    if (!AtTerminator()) return Errorf("bad character " + RuneDescription(r));
    Emit(type);
    return State::kInsideAction;
  }

  // Whether what follows may end an identifier: space, EOF, . , | : ( ) or the right delimiter.
  bool AtTerminator() {
    const int32_t r = Peek();
    if (IsSpace(r)) return true;
    switch (r) {
      case kEof:
      case '.':
      case ',':
      case '|':
      case ':':
      case ')':
      case '(':
        return true;
      default:
        break;
    }
    return Rest().starts_with(kRightDelim);
  }

  State LexChar() {
    while (true) {
      int32_t r = Next();
      if (r == '\\') {
        r = Next();
        if (r != kEof && r != '\n') continue;
        return Errorf("unterminated character constant");
      }
      if (r == kEof || r == '\n') return Errorf("unterminated character constant");
      if (r == '\'') break;
    }
    Emit(ItemType::kCharConstant);
    return State::kInsideAction;
  }

  State LexNumber() {
    if (!ScanNumber()) {
      return Errorf("bad number syntax: " + util::QuoteGo(input_.substr(start_, pos_ - start_)));
    }
    const int32_t sign = Peek();
    if (sign == '+' || sign == '-') {
      if (!ScanNumber() || input_[pos_ - 1] != 'i') {
        return Errorf("bad number syntax: " + util::QuoteGo(input_.substr(start_, pos_ - start_)));
      }
      Emit(ItemType::kComplex);
    } else {
      Emit(ItemType::kNumber);
    }
    return State::kInsideAction;
  }

  // Deliberately loose (it accepts "089" and "."): the parser's number conversion rejects the
  // invalid ones with Go's message.
  bool ScanNumber() {
    Accept("+-");
    std::string_view digits = "0123456789_";
    bool decimal = true;
    bool hex = false;
    if (Accept("0")) {
      if (Accept("xX")) {
        digits = "0123456789abcdefABCDEF_";
        decimal = false;
        hex = true;
      } else if (Accept("oO")) {
        digits = "01234567_";
        decimal = false;
      } else if (Accept("bB")) {
        digits = "01_";
        decimal = false;
      }
    }
    AcceptRun(digits);
    if (Accept(".")) AcceptRun(digits);
    if (decimal && Accept("eE")) {
      Accept("+-");
      AcceptRun("0123456789_");
    }
    if (hex && Accept("pP")) {
      Accept("+-");
      AcceptRun("0123456789_");
    }
    Accept("i");
    if (IsAlphaNumericRune(Peek())) {
      Next();
      return false;
    }
    return true;
  }

  State LexQuote() {
    while (true) {
      int32_t r = Next();
      if (r == '\\') {
        r = Next();
        if (r != kEof && r != '\n') continue;
        return Errorf("unterminated quoted string");
      }
      if (r == kEof || r == '\n') return Errorf("unterminated quoted string");
      if (r == '"') break;
    }
    Emit(ItemType::kString);
    return State::kInsideAction;
  }

  State LexRawQuote() {
    while (true) {
      const int32_t r = Next();
      if (r == kEof) return Errorf("unterminated raw quoted string");
      if (r == '`') break;
    }
    Emit(ItemType::kRawString);
    return State::kInsideAction;
  }

  std::string_view input_;
  std::vector<Item> items_;
  size_t pos_ = 0;
  size_t start_ = 0;
  size_t last_width_ = 0;
  bool at_eof_ = false;
  int line_ = 1;
  int start_line_ = 1;
  int paren_depth_ = 0;
};

}  // namespace

int32_t DecodeRune(std::string_view s, size_t pos, size_t* width) {
  const auto b0 = static_cast<unsigned char>(s[pos]);
  *width = 1;
  if (b0 < 0x80) return b0;
  int need = 0;
  int32_t r = 0;
  int32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    need = 1;
    r = b0 & 0x1F;
    min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    need = 2;
    r = b0 & 0x0F;
    min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    need = 3;
    r = b0 & 0x07;
    min = 0x10000;
  } else {
    return 0xFFFD;
  }
  if (pos + need >= s.size()) return 0xFFFD;
  for (int i = 1; i <= need; ++i) {
    const auto b = static_cast<unsigned char>(s[pos + i]);
    if ((b & 0xC0) != 0x80) return 0xFFFD;
    r = (r << 6) | (b & 0x3F);
  }
  if (r < min || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) return 0xFFFD;
  *width = need + 1;
  return r;
}

bool IsAlphaNumericRune(int32_t r) {
  if (r < 0) return false;
  if (r < 0x80) {
    return r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9');
  }
  // Latin-1 punctuation and symbols, general punctuation, arrows, maths and box drawing are not
  // letters; Go's full Unicode tables are not worth carrying for template identifiers.
  if (r < 0xC0) return r == 0xAA || r == 0xB5 || r == 0xBA;
  if (r == 0xD7 || r == 0xF7) return false;
  if (r >= 0x2000 && r <= 0x2BFF) return false;
  if (r >= 0x3000 && r <= 0x303F) return false;
  return r != 0xFFFD;
}

std::string RuneDescription(int32_t rune) {
  char buf[32];
  if (rune < 0) {
    return "U+FFFFFFFFFFFFFFFF";
  }
  std::snprintf(buf, sizeof(buf), "U+%04X", static_cast<unsigned>(rune));
  std::string out = buf;
  const bool printable = rune >= 0x20 && rune != 0x7f && !(rune >= 0x80 && rune < 0xA0);
  if (printable) {
    out += " '";
    if (rune < 0x80) {
      out += static_cast<char>(rune);
    } else {
      // Re-encode as UTF-8.
      if (rune < 0x800) {
        out += static_cast<char>(0xC0 | (rune >> 6));
      } else {
        if (rune < 0x10000) {
          out += static_cast<char>(0xE0 | (rune >> 12));
        } else {
          out += static_cast<char>(0xF0 | (rune >> 18));
          out += static_cast<char>(0x80 | ((rune >> 12) & 0x3F));
        }
        out += static_cast<char>(0x80 | ((rune >> 6) & 0x3F));
      }
      out += static_cast<char>(0x80 | (rune & 0x3F));
    }
    out += "'";
  }
  return out;
}

std::vector<Item> Lex(std::string_view input) { return Lexer(input).Run(); }

std::string ItemString(const Item& item) {
  switch (item.type) {
    case ItemType::kEOF:
      return "EOF";
    case ItemType::kError:
      return item.val;
    default:
      break;
  }
  if (item.type > ItemType::kKeyword) return "<" + item.val + ">";
  if (item.val.size() <= 10) return util::QuoteGo(item.val);
  // Go's %.10q...: longer than 10 bytes, so the first 10 runes, quoted.
  size_t runes = 0;
  size_t cut = 0;
  while (cut < item.val.size() && runes < 10) {
    size_t width = 0;
    DecodeRune(item.val, cut, &width);
    cut += width;
    ++runes;
  }
  return util::QuoteGo(item.val.substr(0, cut)) + "...";
}

}  // namespace sextant::rules::tmpl
