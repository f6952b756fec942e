#include "rules/template/go_fmt.h"

#include <cstdint>
#include <cstdio>

#include "rules/template/go_fmt_number.h"
#include "rules/template/go_strconv.h"
#include "rules/template/go_time.h"
#include "rules/template/lexer.h"
#include "util/go_format.h"

namespace sextant::rules::tmpl {
namespace {

// Stringer kinds print through their String method.
bool IsStringer(const Value& v) {
  return v.kind() == Kind::kTime || v.kind() == Kind::kTimeValue || v.kind() == Kind::kDuration;
}

std::string StringerText(const Value& v) {
  if (v.kind() == Kind::kDuration) return FormatGoDuration(v.int_value());
  return FormatGoTime(v.int_value());
}

// strconv.QuoteToASCII: like Quote, with every non-ASCII rune escaped.
std::string QuoteAscii(std::string_view s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size();) {
    size_t width = 0;
    const int32_t r = DecodeRune(s, i, &width);
    if (r < 0x80 || (r == 0xFFFD && width == 1)) {
      const std::string q = util::QuoteGo(s.substr(i, width));
      out.append(q, 1, q.size() - 2);
    } else {
      char buf[16];
      if (r < 0x10000) {
        std::snprintf(buf, sizeof(buf), "\\u%04x", static_cast<unsigned>(r));
      } else {
        std::snprintf(buf, sizeof(buf), "\\U%08x", static_cast<unsigned>(r));
      }
      out += buf;
    }
    i += width;
  }
  return out + "\"";
}

// strconv.QuoteRune.
std::string QuoteRune(int64_t r) {
  if (r < 0 || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) r = 0xFFFD;
  if (r == '\'') return "'\\''";
  if (r == '"') return "'\"'";
  std::string utf8;
  AppendUtf8(static_cast<int32_t>(r), &utf8);
  std::string q = util::QuoteGo(utf8);
  return "'" + q.substr(1, q.size() - 2) + "'";
}

bool CanBackquote(std::string_view s) {
  for (char c : s) {
    if (c == '`' || (static_cast<unsigned char>(c) < ' ' && c != '\t') || c == 0x7f) return false;
  }
  return true;
}

class Printer {
 public:
  std::string& buf() { return buf_; }

  void ClearFlags() { f_ = FmtFlags{}; }

  // fmt's printArg: one operand with one verb.
  void PrintArg(const Value& v, char verb) {
    if (v.kind() == Kind::kNilInterface || v.kind() == Kind::kInvalid) {
      if (verb == 'T' || verb == 'v') {
        Pad("<nil>");
      } else {
        BadVerb(verb, nullptr);
      }
      return;
    }
    if (verb == 'T') {
      FmtString(v.TypeName(), 's');
      return;
    }
    if (verb == 'p') {
      if (v.IsPointer() || v.kind() == Kind::kSamples || v.kind() == Kind::kStringMap ||
          v.kind() == Kind::kAnyMap) {
        FmtPointer(v, 'v');
      } else {
        BadVerb(verb, &v);
      }
      return;
    }
    PrintValue(v, verb, 0);
  }

  // fmt's printValue: `depth` > 0 inside maps, slices and structs.
  void PrintValue(const Value& v, char verb, int depth) {
    if (IsStringer(v)) {
      if (verb == 'v' || verb == 's' || verb == 'x' || verb == 'X' || verb == 'q') {
        FmtString(StringerText(v), verb);
      } else {
        BadVerb(verb, &v);
      }
      return;
    }
    switch (v.kind()) {
      case Kind::kInvalid:
      case Kind::kNilInterface:
        Pad("<nil>");
        return;
      case Kind::kBool:
        if (verb == 't' || verb == 'v') {
          Pad(v.bool_value() ? "true" : "false");
        } else {
          BadVerb(verb, &v);
        }
        return;
      case Kind::kInt:
      case Kind::kInt64:
        FmtInteger(v, v.int_value() < 0, verb);
        return;
      case Kind::kUint8:
        FmtInteger(v, false, verb);
        return;
      case Kind::kFloat:
        FmtFloatVerb(v, verb);
        return;
      case Kind::kString:
      case Kind::kHtml:
        FmtString(v.string_value(), verb, &v);
        return;
      case Kind::kStringMap: {
        buf_ += "map[";
        bool first = true;
        for (const auto& [k, val] : v.string_map()) {
          if (!first) buf_ += ' ';
          first = false;
          FmtString(k, verb, nullptr);
          buf_ += ':';
          FmtString(val, verb, nullptr);
        }
        buf_ += ']';
        return;
      }
      case Kind::kAnyMap: {
        buf_ += "map[";
        bool first = true;
        for (const auto& [k, val] : v.any_map()) {
          if (!first) buf_ += ' ';
          first = false;
          FmtString(k, verb, nullptr);
          buf_ += ':';
          PrintValue(val, verb, depth + 1);
        }
        buf_ += ']';
        return;
      }
      case Kind::kSamples: {
        buf_ += '[';
        bool first = true;
        for (const auto& s : v.samples()) {
          if (!first) buf_ += ' ';
          first = false;
          PrintValue(Value::SamplePtr(s), verb, depth + 1);
        }
        buf_ += ']';
        return;
      }
      case Kind::kSample:
        if (depth == 0 && v.sample() != nullptr) {
          buf_ += '&';
          PrintSampleStruct(*v.sample(), verb, depth + 1);
          return;
        }
        FmtPointer(v, verb);
        return;
      case Kind::kAlertData: {
        const AlertValue& a = v.alert();
        buf_ += '{';
        Field("Labels");
        PrintValue(Value::Map(std::make_shared<StringMap>(a.labels)), verb, depth + 1);
        buf_ += ' ';
        Field("ExternalLabels");
        PrintValue(Value::Map(std::make_shared<StringMap>(a.external_labels)), verb, depth + 1);
        buf_ += ' ';
        Field("ExternalURL");
        FmtString(a.external_url, verb, nullptr);
        buf_ += ' ';
        Field("Value");
        PrintValue(Value::Float(a.value), verb, depth + 1);
        buf_ += '}';
        return;
      }
      default:
        BadVerb(verb, &v);
        return;
    }
  }

  // A sample struct, as `{map[...] 1}`.
  void PrintSampleStruct(const Sample& s, char verb, int depth) {
    buf_ += '{';
    Field("Labels");
    PrintValue(Value::Map(std::make_shared<StringMap>(s.labels)), verb, depth);
    buf_ += ' ';
    Field("Value");
    PrintValue(Value::Float(s.value), verb, depth);
    buf_ += '}';
  }

  // Sprintf's format loop.
  void DoPrintf(std::string_view format, std::span<const Value> args) {
    size_t arg_num = 0;
    const size_t end = format.size();
    size_t i = 0;
    while (i < end) {
      const size_t last = i;
      while (i < end && format[i] != '%') ++i;
      buf_.append(format.substr(last, i - last));
      if (i >= end) break;
      ++i;  // the '%'
      ClearFlags();
      for (; i < end; ++i) {
        const char c = format[i];
        if (c == '#') {
          f_.sharp = true;
        } else if (c == '0') {
          f_.zero = !f_.minus;  // zero padding only to the left
        } else if (c == '+') {
          f_.plus = true;
        } else if (c == '-') {
          f_.minus = true;
          f_.zero = false;
        } else if (c == ' ') {
          f_.space = true;
        } else {
          break;
        }
      }
      // Width.
      if (i < end && format[i] == '*') {
        ++i;
        f_.wid_present = IntFromArg(args, &arg_num, &f_.wid);
        if (!f_.wid_present) buf_ += "%!(BADWIDTH)";
        if (f_.wid < 0) {  // a negative width means '-' flag
          f_.wid = -f_.wid;
          f_.minus = true;
          f_.zero = false;
        }
      } else {
        f_.wid_present = ParseNum(format, &i, &f_.wid);
      }
      // Precision.
      if (i + 1 < end && format[i] == '.') {
        ++i;
        if (i < end && format[i] == '*') {
          ++i;
          f_.prec_present = IntFromArg(args, &arg_num, &f_.prec);
          if (f_.prec < 0) {
            f_.prec = 0;
            f_.prec_present = false;
          }
          if (!f_.prec_present) buf_ += "%!(BADPREC)";
        } else {
          f_.prec_present = ParseNum(format, &i, &f_.prec);
          if (!f_.prec_present) {
            f_.prec = 0;
            f_.prec_present = true;
          }
        }
      }
      if (i >= end) {
        buf_ += "%!(NOVERB)";
        break;
      }
      size_t width = 1;
      const int32_t verb_rune = DecodeRune(format, i, &width);
      const std::string_view verb_text = format.substr(i, width);
      i += width;
      if (verb_rune == '%') {
        buf_ += '%';
        continue;
      }
      if (arg_num >= args.size()) {
        buf_ += "%!";
        buf_ += verb_text;
        buf_ += "(MISSING)";
        continue;
      }
      if (verb_rune >= 0x80) {
        // No verb outside ASCII exists: report it as a bad verb.
        buf_ += "%!";
        buf_ += verb_text;
        buf_ += '(';
        AppendTypedValue(args[arg_num]);
        buf_ += ')';
        ++arg_num;
        continue;
      }
      char verb = static_cast<char>(verb_rune);
      if (verb == 'v') {
        f_.plus_v = f_.plus;
        f_.plus = false;
        f_.sharp = false;  // Go-syntax %#v is not supported: printed as %v
      }
      PrintArg(args[arg_num], verb);
      ++arg_num;
    }
    if (arg_num < args.size()) {
      ClearFlags();
      buf_ += "%!(EXTRA ";
      for (size_t k = arg_num; k < args.size(); ++k) {
        if (k > arg_num) buf_ += ", ";
        AppendTypedValue(args[k]);
      }
      buf_ += ')';
    }
  }

 private:
  // "type=value" as bad verbs and extra arguments show an operand; "<nil>" for nil.
  void AppendTypedValue(const Value& v) {
    if (v.kind() == Kind::kNilInterface || v.kind() == Kind::kInvalid) {
      buf_ += "<nil>";
      return;
    }
    buf_ += v.TypeName();
    buf_ += '=';
    const FmtFlags saved = f_;
    f_ = FmtFlags{};
    PrintArg(v, 'v');
    f_ = saved;
  }

  void BadVerb(char verb, const Value* v) {
    buf_ += "%!";
    buf_ += verb;
    buf_ += '(';
    if (v == nullptr) {
      buf_ += "<nil>";
    } else {
      AppendTypedValue(*v);
    }
    buf_ += ')';
  }

  void Field(std::string_view name) {
    if (f_.plus_v) {
      buf_ += name;
      buf_ += ':';
    }
  }

  static bool ParseNum(std::string_view s, size_t* i, int* out) {
    bool any = false;
    int n = 0;
    while (*i < s.size() && s[*i] >= '0' && s[*i] <= '9') {
      if (n > 1000000) return false;  // Go's tooLarge
      n = n * 10 + (s[*i] - '0');
      ++*i;
      any = true;
    }
    *out = n;
    return any;
  }

  static bool IntFromArg(std::span<const Value> args, size_t* arg_num, int* out) {
    if (*arg_num >= args.size()) return false;
    const Value& v = args[*arg_num];
    ++*arg_num;
    if (!v.IsInteger()) return false;
    if (v.int_value() > 1000000 || v.int_value() < -1000000) return false;
    *out = static_cast<int>(v.int_value());
    return true;
  }

  void Pad(std::string_view s) { FmtPad(f_, s, &buf_); }

  void FmtPointer(const Value& v, char verb) {
    const void* p = v.kind() == Kind::kSample      ? static_cast<const void*>(v.sample())
                    : v.kind() == Kind::kSamples   ? static_cast<const void*>(&v.samples())
                    : v.kind() == Kind::kStringMap ? static_cast<const void*>(&v.string_map())
                    : v.kind() == Kind::kAnyMap    ? static_cast<const void*>(&v.any_map())
                                                   : nullptr;
    if (verb != 'v' && verb != 'p') {
      BadVerb(verb, &v);
      return;
    }
    if (p == nullptr) {
      Pad(verb == 'v' ? "<nil>" : "0x0");
      return;
    }
    char buf[32];
    std::snprintf(buf, sizeof(buf), "0x%llx",
                  static_cast<unsigned long long>(reinterpret_cast<uintptr_t>(p)));
    Pad(buf);
  }

  void FmtInteger(const Value& v, bool negative, char verb) {
    int base = 10;
    bool upper = false;
    switch (verb) {
      case 'v':
      case 'd':
        break;
      case 'b':
        base = 2;
        break;
      case 'o':
      case 'O':
        base = 8;
        break;
      case 'x':
        base = 16;
        break;
      case 'X':
        base = 16;
        upper = true;
        break;
      case 'c': {
        std::string s;
        AppendUtf8(static_cast<int32_t>(v.int_value()), &s);
        Pad(s);
        return;
      }
      case 'q':
        Pad(QuoteRune(v.int_value()));
        return;
      case 'U': {
        char buf[32];
        std::snprintf(buf, sizeof(buf), "U+%04llX", static_cast<unsigned long long>(v.int_value()));
        std::string s = buf;
        if (f_.sharp && v.int_value() >= 0x20 && v.int_value() <= 0x10FFFF) {
          s += " '";
          AppendUtf8(static_cast<int32_t>(v.int_value()), &s);
          s += "'";
        }
        const bool zero = f_.zero;
        f_.zero = false;
        Pad(s);
        f_.zero = zero;
        return;
      }
      default:
        BadVerb(verb, &v);
        return;
    }
    const uint64_t u =
        negative ? 0 - static_cast<uint64_t>(v.int_value()) : static_cast<uint64_t>(v.int_value());
    FmtUnsigned(f_, u, negative, base, upper, verb, &buf_);
  }

  void FmtFloatVerb(const Value& v, char verb) {
    switch (verb) {
      case 'v':
        FmtFloat(f_, v.float_value(), 'g', -1, &buf_);
        return;
      case 'e':
      case 'E':
      case 'f':
      case 'F':
        FmtFloat(f_, v.float_value(), verb, 6, &buf_);
        return;
      case 'g':
      case 'G':
        FmtFloat(f_, v.float_value(), verb, -1, &buf_);
        return;
      default:
        BadVerb(verb, &v);
        return;
    }
  }

  void FmtString(std::string_view s, char verb, const Value* v = nullptr) {
    std::string cut(s);
    if (f_.prec_present) {
      size_t i = 0;
      for (int n = 0; i < s.size() && n < f_.prec; ++n) {
        size_t width = 0;
        DecodeRune(s, i, &width);
        i += width;
      }
      cut = std::string(s.substr(0, i));
    }
    switch (verb) {
      case 'v':
      case 's':
        Pad(cut);
        return;
      case 'q':
        if (f_.sharp && CanBackquote(cut)) {
          Pad("`" + cut + "`");
        } else {
          Pad(f_.plus ? QuoteAscii(cut) : util::QuoteGo(cut));
        }
        return;
      case 'x':
      case 'X': {
        const char* digits = verb == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
        std::string out;
        for (size_t i = 0; i < cut.size(); ++i) {
          if (f_.space && i > 0) out += ' ';
          if (f_.sharp && (f_.space || i == 0)) out += verb == 'X' ? "0X" : "0x";
          const auto b = static_cast<unsigned char>(cut[i]);
          out += digits[b >> 4];
          out += digits[b & 15];
        }
        Pad(out);
        return;
      }
      default:
        if (v != nullptr) {
          BadVerb(verb, v);
        } else {
          const Value tmp = Value::String(std::string(s));
          BadVerb(verb, &tmp);
        }
        return;
    }
  }

  std::string buf_;
  FmtFlags f_;
};

bool IsStringOperand(const Value& v) { return v.IsStringKind(); }

}  // namespace

std::string PrintTemplateValue(const Value& v) {
  Printer p;
  switch (v.kind()) {
    case Kind::kInvalid:
      return "<no value>";
    case Kind::kSample:
      if (v.sample() == nullptr) return "<nil>";
      p.PrintSampleStruct(*v.sample(), 'v', 1);
      return std::move(p.buf());
    default:
      p.PrintArg(v, 'v');
      return std::move(p.buf());
  }
}

std::string GoSprint(std::span<const Value> args) {
  Printer p;
  bool prev_string = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const bool is_string = IsStringOperand(args[i]);
    if (i > 0 && !is_string && !prev_string) p.buf() += ' ';
    p.PrintArg(args[i], 'v');
    prev_string = is_string;
  }
  return std::move(p.buf());
}

std::string GoSprintln(std::span<const Value> args) {
  Printer p;
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0) p.buf() += ' ';
    p.PrintArg(args[i], 'v');
  }
  p.buf() += '\n';
  return std::move(p.buf());
}

std::string GoSprintf(std::string_view format, std::span<const Value> args) {
  Printer p;
  p.DoPrintf(format, args);
  return std::move(p.buf());
}

}  // namespace sextant::rules::tmpl
