// Go's text/template builtins: and or not len index slice print printf println eq ne lt le gt ge
// html js urlquery call. (and/or short-circuit in the executor; their entries give the signature.)

#include <cstdio>

#include "rules/template/funcs.h"
#include "rules/template/go_fmt.h"
#include "rules/template/lexer.h"
#include "util/strings.h"

namespace sextant::rules::tmpl {
namespace {

using Args = std::span<const Value>;

// Builtins receive reflect.Values: a nil interface is no value.
Value Unwrap(const Value& v) { return v.kind() == Kind::kNilInterface ? Value() : v; }

enum class BasicKind { kInvalid, kBool, kInt, kUint, kFloat, kString };

BasicKind KindOf(const Value& v) {
  switch (v.kind()) {
    case Kind::kBool:
      return BasicKind::kBool;
    case Kind::kInt:
    case Kind::kInt64:
      return BasicKind::kInt;
    case Kind::kUint8:
      return BasicKind::kUint;
    case Kind::kFloat:
      return BasicKind::kFloat;
    case Kind::kString:
    case Kind::kHtml:
      return BasicKind::kString;
    default:
      return BasicKind::kInvalid;
  }
}

const char kBadComparisonType[] = "invalid type for comparison";
const char kBadComparison[] = "incompatible types for comparison";

// The identity of a non-basic value, for == between comparable kinds (pointers).
const void* Identity(const Value& v) {
  if (v.kind() == Kind::kSample) return v.sample();
  return nullptr;
}

absl::StatusOr<bool> Equal(const Value& a1, const Value& a2) {
  const BasicKind k1 = KindOf(a1);
  const BasicKind k2 = KindOf(a2);
  if (k1 != k2) {
    // int and uint compare by value regardless of sign.
    if (k1 == BasicKind::kInt && k2 == BasicKind::kUint) {
      return a1.int_value() >= 0 && a1.int_value() == a2.int_value();
    }
    if (k1 == BasicKind::kUint && k2 == BasicKind::kInt) {
      return a2.int_value() >= 0 && a1.int_value() == a2.int_value();
    }
    if (a1.valid() && a2.valid()) return FuncError(kBadComparison);
    return false;
  }
  switch (k1) {
    case BasicKind::kBool:
      return a1.bool_value() == a2.bool_value();
    case BasicKind::kInt:
    case BasicKind::kUint:
      return a1.int_value() == a2.int_value();
    case BasicKind::kFloat:
      return a1.float_value() == a2.float_value();
    case BasicKind::kString:
      return a1.string_value() == a2.string_value();
    case BasicKind::kInvalid:
      break;
  }
  // Neither is a basic kind: nil compares with anything nillable, pointers by identity, maps
  // and slices not at all.
  if (!a1.valid() || !a2.valid()) {
    const bool n1 = !a1.valid() || a1.IsNilPointer();
    const bool n2 = !a2.valid() || a2.IsNilPointer();
    return n1 == n2;
  }
  if (a1.kind() != a2.kind()) {
    return FuncError(util::StrCat("non-comparable types ", PrintTemplateValue(a1), ": ",
                                  a1.TypeName(), ", ", a2.TypeName(), ": ",
                                  PrintTemplateValue(a2)));
  }
  if (a1.IsNilPointer() || a2.IsNilPointer()) return a1.IsNilPointer() == a2.IsNilPointer();
  if (a1.kind() == Kind::kStringMap || a1.kind() == Kind::kAnyMap || a1.kind() == Kind::kSamples) {
    return FuncError(
        util::StrCat("non-comparable type ", PrintTemplateValue(a2), ": ", a2.TypeName()));
  }
  if (a1.kind() == Kind::kTime || a1.kind() == Kind::kDuration) {
    return false;  // distinct pointers
  }
  if (a1.kind() == Kind::kTimeValue) return a1.int_value() == a2.int_value();
  return Identity(a1) == Identity(a2);
}

absl::StatusOr<Value> Eq(Args args, const CallEnv&) {
  const Value a1 = Unwrap(args[0]);
  if (args.size() < 2) return FuncError("missing argument for comparison");
  for (size_t i = 1; i < args.size(); ++i) {
    auto eq = Equal(a1, Unwrap(args[i]));
    if (!eq.ok()) return eq.status();
    if (*eq) return Value::Bool(true);
  }
  return Value::Bool(false);
}

absl::StatusOr<bool> Less(const Value& a1, const Value& a2) {
  const BasicKind k1 = KindOf(a1);
  if (k1 == BasicKind::kInvalid) return FuncError(kBadComparisonType);
  const BasicKind k2 = KindOf(a2);
  if (k2 == BasicKind::kInvalid) return FuncError(kBadComparisonType);
  if (k1 != k2) {
    if (k1 == BasicKind::kInt && k2 == BasicKind::kUint) {
      return a1.int_value() < 0 || a1.int_value() < a2.int_value();
    }
    if (k1 == BasicKind::kUint && k2 == BasicKind::kInt) {
      return a2.int_value() >= 0 && a1.int_value() < a2.int_value();
    }
    return FuncError(kBadComparison);
  }
  switch (k1) {
    case BasicKind::kFloat:
      return a1.float_value() < a2.float_value();
    case BasicKind::kInt:
    case BasicKind::kUint:
      return a1.int_value() < a2.int_value();
    case BasicKind::kString:
      return a1.string_value() < a2.string_value();
    default:
      return FuncError(kBadComparisonType);
  }
}

absl::StatusOr<bool> LessOrEqual(const Value& a1, const Value& a2) {
  auto lt = Less(a1, a2);
  if (!lt.ok() || *lt) return lt;
  return Equal(a1, a2);
}

absl::StatusOr<Value> BoolResult(absl::StatusOr<bool> b, bool negate) {
  if (!b.ok()) return b.status();
  return Value::Bool(negate ? !*b : *b);
}

// An index argument for strings and slices, checked against `cap`.
// An index equal to the length passes, as in Go 1.19; index then fails as reflect panics.
absl::StatusOr<int64_t> IndexArg(const Value& index, int64_t cap) {
  if (!index.IsInteger()) {
    if (!index.valid()) return FuncError("cannot index slice/array with nil");
    return FuncError(util::StrCat("cannot index slice/array with type ", index.TypeName()));
  }
  const int64_t x = index.int_value();
  if (x < 0 || x > cap) return FuncError(util::StrCat("index out of range: ", x));
  return x;
}

absl::StatusOr<Value> Index(Args args, const CallEnv&) {
  Value item = Unwrap(args[0]);
  if (!item.valid()) return FuncError("index of untyped nil");
  for (size_t i = 1; i < args.size(); ++i) {
    const Value index = Unwrap(args[i]);
    if (item.IsNilPointer()) return FuncError("index of nil pointer");
    switch (item.kind()) {
      case Kind::kString:
      case Kind::kHtml: {
        auto x = IndexArg(index, item.Len());
        if (!x.ok()) return x.status();
        if (*x == item.Len()) return FuncError("reflect: string index out of range");
        item = Value::Uint8(static_cast<uint8_t>(item.string_value()[*x]));
        break;
      }
      case Kind::kSamples: {
        auto x = IndexArg(index, item.Len());
        if (!x.ok()) return x.status();
        if (*x == item.Len()) return FuncError("reflect: slice index out of range");
        item = Value::SamplePtr(item.samples()[*x]);
        break;
      }
      case Kind::kStringMap:
      case Kind::kAnyMap: {
        if (!index.valid()) return FuncError("value is nil; should be of type string");
        if (index.kind() != Kind::kString) {
          return FuncError(util::StrCat("value has type ", index.TypeName(), "; should be string"));
        }
        if (item.kind() == Kind::kStringMap) {
          auto it = item.string_map().find(index.string_value());
          item = Value::String(it == item.string_map().end() ? "" : it->second);
        } else {
          auto it = item.any_map().find(index.string_value());
          item = it == item.any_map().end() ? Value::NilInterface() : it->second;
        }
        break;
      }
      default: {
        const std::string type =
            item.kind() == Kind::kSample ? std::string("template.sample") : item.TypeName();
        return FuncError(util::StrCat("can't index item of type ", type));
      }
    }
  }
  return item;
}

absl::StatusOr<Value> Slice(Args args, const CallEnv&) {
  const Value item = Unwrap(args[0]);
  if (!item.valid()) return FuncError("slice of untyped nil");
  const size_t n = args.size() - 1;
  if (n > 3) return FuncError(util::StrCat("too many slice indexes: ", n));
  if (item.IsStringKind()) {
    if (n == 3) return FuncError("cannot 3-index slice a string");
  } else if (item.kind() != Kind::kSamples) {
    return FuncError(util::StrCat("can't slice item of type ", item.TypeName()));
  }
  const int64_t cap = item.Len();
  int64_t idx[3] = {0, cap, cap};
  for (size_t i = 0; i < n; ++i) {
    auto x = IndexArg(Unwrap(args[i + 1]), cap);
    if (!x.ok()) return x.status();
    idx[i] = *x;
  }
  if (idx[0] > idx[1])
    return FuncError(util::StrCat("invalid slice index: ", idx[0], " > ", idx[1]));
  if (n == 3 && idx[1] > idx[2]) {
    return FuncError(util::StrCat("invalid slice index: ", idx[1], " > ", idx[2]));
  }
  if (item.IsStringKind()) {
    std::string s = item.string_value().substr(idx[0], idx[1] - idx[0]);
    return item.kind() == Kind::kHtml ? Value::Html(std::move(s)) : Value::String(std::move(s));
  }
  auto out = std::make_shared<SampleList>(item.samples().begin() + idx[0],
                                          item.samples().begin() + idx[1]);
  return Value::Samples(std::move(out));
}

absl::StatusOr<Value> Len(Args args, const CallEnv&) {
  // len follows pointers and interfaces: a nil interface is a nil pointer to it.
  const Value& item = args[0];
  if (item.IsNilPointer() || item.kind() == Kind::kNilInterface) {
    return FuncError("len of nil pointer");
  }
  const int64_t n = item.Len();
  if (n >= 0) return Value::Int(n);
  if (!item.valid()) return FuncError("reflect: call of reflect.Value.Type on zero Value");
  std::string type = item.TypeName();
  if (item.IsPointer()) type = type.substr(1);  // len looks through pointers
  return FuncError(util::StrCat("len of type ", type));
}

absl::StatusOr<Value> Call(Args args, const CallEnv&) {
  const Value fn = Unwrap(args[0]);
  if (!fn.valid()) return FuncError("call of nil");
  return FuncError(util::StrCat("non-function of type ", fn.TypeName()));
}

// The text of html/js/urlquery's arguments: a lone string as is, otherwise fmt.Sprint of the
// printable values.
std::string EvalArgs(Args args) {
  if (args.size() == 1 && args[0].kind() == Kind::kString) return args[0].string_value();
  std::vector<Value> printable;
  for (const Value& a : args) {
    if (a.kind() == Kind::kNilInterface || a.IsNilPointer()) {
      printable.push_back(a.IsNilPointer() ? a : Value::String("<no value>"));
    } else if (a.kind() == Kind::kSample || a.kind() == Kind::kTime ||
               a.kind() == Kind::kDuration) {
      printable.push_back(Value::String(PrintTemplateValue(a)));
    } else {
      printable.push_back(a);
    }
  }
  return GoSprint(printable);
}

absl::StatusOr<Value> Html(Args args, const CallEnv&) {
  std::string out;
  for (char c : EvalArgs(args)) {
    switch (c) {
      case '\0':
        out += "\xEF\xBF\xBD";
        break;
      case '"':
        out += "&#34;";
        break;
      case '\'':
        out += "&#39;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      default:
        out += c;
    }
  }
  return Value::String(std::move(out));
}

absl::StatusOr<Value> Js(Args args, const CallEnv&) {
  const std::string s = EvalArgs(args);
  std::string out;
  constexpr char kHex[] = "0123456789ABCDEF";
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      size_t width = 0;
      const int32_t r = DecodeRune(s, i, &width);
      const bool printable = r != 0xFFFD && !(r >= 0x80 && r < 0xA0) && r != 0xAD &&
                             !(r >= 0x2028 && r <= 0x202E) && !(r >= 0x200B && r <= 0x200F);
      if (printable) {
        out.append(s, i, width);
      } else {
        char buf[16];
        std::snprintf(buf, sizeof(buf), "\\u%04X", static_cast<unsigned>(r));
        out += buf;
      }
      i += width;
      continue;
    }
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\'':
        out += "\\'";
        break;
      case '"':
        out += "\\\"";
        break;
      case '<':
        out += "\\u003C";
        break;
      case '>':
        out += "\\u003E";
        break;
      case '&':
        out += "\\u0026";
        break;
      case '=':
        out += "\\u003D";
        break;
      default:
        if (c < ' ') {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
    ++i;
  }
  return Value::String(std::move(out));
}

absl::StatusOr<Value> UrlQuery(Args args, const CallEnv&) {
  return Value::String(GoQueryEscape(EvalArgs(args)));
}

absl::StatusOr<Value> Print(Args args, const CallEnv&) { return Value::String(GoSprint(args)); }
absl::StatusOr<Value> Println(Args args, const CallEnv&) { return Value::String(GoSprintln(args)); }
absl::StatusOr<Value> Printf(Args args, const CallEnv&) {
  return Value::String(GoSprintf(args[0].string_value(), args.subspan(1)));
}

absl::StatusOr<Value> Not(Args args, const CallEnv&) { return Value::Bool(!args[0].Truth()); }

absl::StatusOr<Value> Unreachable(Args, const CallEnv&) {
  return FuncError("and/or are evaluated by the executor");
}

using P = ParamType;

const std::vector<FuncDef>& Table() {
  static const std::vector<FuncDef> table = {
      {"and", {P::kValue, P::kValue}, true, true, Unreachable},
      {"call", {P::kValue, P::kValue}, true, true, Call},
      {"html", {P::kAny}, true, true, Html},
      {"index", {P::kValue, P::kValue}, true, true, Index},
      {"slice", {P::kValue, P::kValue}, true, true, Slice},
      {"js", {P::kAny}, true, true, Js},
      {"len", {P::kValue}, false, true, Len},
      {"not", {P::kValue}, false, true, Not},
      {"or", {P::kValue, P::kValue}, true, true, Unreachable},
      {"print", {P::kAny}, true, true, Print},
      {"printf", {P::kString, P::kAny}, true, true, Printf},
      {"println", {P::kAny}, true, true, Println},
      {"urlquery", {P::kAny}, true, true, UrlQuery},
      {"eq", {P::kValue, P::kValue}, true, true, Eq},
      {"ge",
       {P::kValue, P::kValue},
       false,
       true,
       [](Args a, const CallEnv&) { return BoolResult(Less(Unwrap(a[0]), Unwrap(a[1])), true); }},
      {"gt",
       {P::kValue, P::kValue},
       false,
       true,
       [](Args a, const CallEnv&) {
         return BoolResult(LessOrEqual(Unwrap(a[0]), Unwrap(a[1])), true);
       }},
      {"le",
       {P::kValue, P::kValue},
       false,
       true,
       [](Args a, const CallEnv&) {
         return BoolResult(LessOrEqual(Unwrap(a[0]), Unwrap(a[1])), false);
       }},
      {"lt",
       {P::kValue, P::kValue},
       false,
       true,
       [](Args a, const CallEnv&) { return BoolResult(Less(Unwrap(a[0]), Unwrap(a[1])), false); }},
      {"ne",
       {P::kValue, P::kValue},
       false,
       true,
       [](Args a, const CallEnv&) { return BoolResult(Equal(Unwrap(a[0]), Unwrap(a[1])), true); }},
  };
  return table;
}

}  // namespace

std::span<const FuncDef> BuiltinFunctions() { return Table(); }

}  // namespace sextant::rules::tmpl
