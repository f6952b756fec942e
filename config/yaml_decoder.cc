#include "config/yaml_decoder.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "config/byte_size.h"
#include "model/duration.h"
#include "model/label_names.h"
#include "util/go_format.h"
#include "util/strings.h"

namespace sextant::config::internal {
namespace {

using util::StrCat;

// Edit distance, to suggest the field a typo meant.
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

// yaml.v2's resolution of a plain scalar as an integer: optional sign, decimal, 0x or 0b
// digits, `_` anywhere.
bool IsYamlInt(std::string_view v) {
  std::string s;
  for (char c : v) {
    if (c != '_') s.push_back(c);
  }
  std::string_view t = s;
  if (!t.empty() && (t[0] == '+' || t[0] == '-')) t.remove_prefix(1);
  if (t.empty()) return false;
  int base = 10;
  if (t.size() > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X')) {
    base = 16;
    t.remove_prefix(2);
  } else if (t.size() > 2 && t[0] == '0' && (t[1] == 'b' || t[1] == 'B')) {
    base = 2;
    t.remove_prefix(2);
  }
  for (char c : t) {
    const bool digit = (c >= '0' && c <= '9' && (base != 2 || c <= '1')) ||
                       (base == 16 && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')));
    if (!digit) return false;
  }
  return true;
}

// yaml.v2's resolution of a plain scalar as a float.
bool IsYamlFloat(std::string_view v) {
  if (v == ".inf" || v == "-.inf" || v == "+.inf" || v == ".nan" || v == ".NaN" || v == ".Inf" ||
      v == "-.Inf") {
    return true;
  }
  bool digits = false;
  bool dot = false;
  size_t i = 0;
  if (!v.empty() && (v[0] == '+' || v[0] == '-')) i = 1;
  for (; i < v.size(); ++i) {
    const char c = v[i];
    if (c >= '0' && c <= '9') {
      digits = true;
    } else if (c == '.' && !dot) {
      dot = true;
    } else if ((c == 'e' || c == 'E') && digits) {
      return i + 1 < v.size();
    } else {
      return false;
    }
  }
  return digits;
}

}  // namespace

std::string YamlTagName(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "!!map";
    case YAML::NodeType::Sequence:
      return "!!seq";
    case YAML::NodeType::Null:
      return "!!null";
    default:
      break;
  }
  const std::string& s = node.Scalar();
  if (node.Tag() == "!") return "!!str";  // quoted
  if (YamlBool(s).has_value()) return "!!bool";
  if (IsYamlInt(s)) return "!!int";
  if (IsYamlFloat(s)) return "!!float";
  return "!!str";
}

std::optional<bool> YamlBool(std::string_view text) {
  static const std::map<std::string, bool, std::less<>> kBools = {
      {"y", true},    {"Y", true},      {"yes", true},    {"Yes", true},    {"YES", true},
      {"true", true}, {"True", true},   {"TRUE", true},   {"on", true},     {"On", true},
      {"ON", true},   {"n", false},     {"N", false},     {"no", false},    {"No", false},
      {"NO", false},  {"false", false}, {"False", false}, {"FALSE", false}, {"off", false},
      {"Off", false}, {"OFF", false}};
  auto it = kBools.find(text);
  if (it == kBools.end()) return std::nullopt;
  return it->second;
}

void DecodeContext::Fail(const YAML::Mark& mark, std::string_view path, std::string_view message) {
  if (!status_.ok()) return;
  std::string text = filename_;
  if (!mark.is_null()) util::StrAppend(&text, ":", mark.line + 1);
  util::StrAppend(&text, ": ");
  if (!path.empty()) util::StrAppend(&text, path, ": ");
  util::StrAppend(&text, message);
  status_ = absl::InvalidArgumentError(text);
}

MapDecoder::MapDecoder(DecodeContext* ctx, const YAML::Node& node, std::string path)
    : ctx_(ctx), node_(node), path_(std::move(path)) {
  if (!node.IsDefined() || node.IsNull()) return;
  if (!node.IsMap()) {
    ctx_->Fail(node.Mark(), path_, StrCat("expected a mapping, got ", YamlTagName(node)));
    return;
  }
  std::vector<YAML::Node> merges;
  for (const auto& kv : node) {
    const std::string key = kv.first.Scalar();
    if (key == "<<") {  // YAML merge key, which yaml-cpp 0.7 leaves to us
      if (kv.second.IsSequence()) {
        for (const auto& m : kv.second) merges.push_back(m);
      } else {
        merges.push_back(kv.second);
      }
      continue;
    }
    order_.push_back(key);
    if (!entries_.emplace(key, std::make_pair(kv.first, kv.second)).second) {
      ctx_->Fail(kv.first.Mark(), Path(key), "field already set (the key appears twice)");
      return;
    }
  }
  // Explicit keys win over merged ones, and earlier merged mappings over later ones.
  for (const YAML::Node& m : merges) {
    if (!m.IsMap()) {
      ctx_->Fail(m.Mark(), path_, "map merge requires map or sequence of maps as the value");
      return;
    }
    for (const auto& kv : m) {
      const std::string key = kv.first.Scalar();
      if (entries_.emplace(key, std::make_pair(kv.first, kv.second)).second) order_.push_back(key);
    }
  }
}

bool MapDecoder::Has(std::string_view key) const { return entries_.find(key) != entries_.end(); }

bool MapDecoder::HasValue(std::string_view key) const {
  auto it = entries_.find(key);
  return it != entries_.end() && !it->second.second.IsNull();
}

std::string MapDecoder::Path(std::string_view key) const {
  return path_.empty() ? std::string(key) : StrCat(path_, ".", key);
}

const YAML::Node* MapDecoder::Find(std::string_view key) {
  used_.emplace(key);
  if (!ctx_->ok()) return nullptr;
  auto it = entries_.find(key);
  if (it == entries_.end()) return nullptr;
  return &it->second.second;
}

void MapDecoder::Error(std::string_view key, std::string_view message) {
  if (key.empty()) {
    ctx_->Fail(node_.Mark(), path_, message);
    return;
  }
  auto it = entries_.find(key);
  const YAML::Mark mark = it != entries_.end() ? it->second.first.Mark() : node_.Mark();
  ctx_->Fail(mark, Path(key), message);
}

bool MapDecoder::Scalar(std::string_view key, const YAML::Node& node, std::string_view go_type) {
  if (node.IsScalar()) return true;
  ctx_->Fail(node.Mark(), Path(key),
             StrCat("cannot unmarshal ", YamlTagName(node), " into ", go_type));
  return false;
}

void MapDecoder::String(std::string_view key, std::string* out) {
  const YAML::Node* n = Find(key);
  if (n == nullptr) return;
  if (n->IsNull()) {
    out->clear();
    return;
  }
  if (Scalar(key, *n, "string")) *out = n->Scalar();
}

void MapDecoder::Secret(std::string_view key, config::Secret* out) { String(key, &out->value); }

void MapDecoder::Bool(std::string_view key, bool* out) {
  const YAML::Node* n = Find(key);
  if (n == nullptr || n->IsNull() || !Scalar(key, *n, "bool")) return;
  // YAML 1.1 booleans, as Go's yaml.v2 reads them.
  const std::optional<bool> value = YamlBool(n->Scalar());
  if (!value.has_value()) {
    ctx_->Fail(n->Mark(), Path(key),
               StrCat("cannot unmarshal ", YamlTagName(*n), " `", n->Scalar(), "` into bool"));
    return;
  }
  *out = *value;
}

template <typename T>
void MapDecoder::Integer(std::string_view key, std::string_view go_type, T* out) {
  const YAML::Node* n = Find(key);
  if (n == nullptr || n->IsNull() || !Scalar(key, *n, go_type)) return;
  const std::string& s = n->Scalar();
  T v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) {
    ctx_->Fail(n->Mark(), Path(key),
               StrCat("cannot unmarshal ", YamlTagName(*n), " `", s, "` into ", go_type));
    return;
  }
  *out = v;
}
template void MapDecoder::Integer(std::string_view, std::string_view, uint64_t*);
template void MapDecoder::Integer(std::string_view, std::string_view, int64_t*);

void MapDecoder::Duration(std::string_view key, absl::Duration* out) {
  const YAML::Node* n = Find(key);
  if (n == nullptr || n->IsNull() || !Scalar(key, *n, "model.Duration")) return;
  auto d = model::ParseDuration(n->Scalar());
  if (!d.ok()) {
    ctx_->Fail(n->Mark(), Path(key), util::FromAbsl(d.status().message()));
    return;
  }
  *out = *d;
}

void MapDecoder::ByteSize(std::string_view key, uint64_t* out) {
  const YAML::Node* n = Find(key);
  if (n == nullptr || n->IsNull() || !Scalar(key, *n, "units.Base2Bytes")) return;
  auto size = ParseByteSize(n->Scalar());
  if (!size.ok()) {
    ctx_->Fail(n->Mark(), Path(key), util::FromAbsl(size.status().message()));
    return;
  }
  *out = *size;
}

void MapDecoder::StringList(std::string_view key, std::vector<std::string>* out) {
  const YAML::Node* n = Find(key);
  if (n == nullptr || n->IsNull()) return;
  if (!n->IsSequence()) {
    ctx_->Fail(n->Mark(), Path(key),
               StrCat("cannot unmarshal ", YamlTagName(*n), " into []string"));
    return;
  }
  out->clear();
  for (size_t i = 0; i < n->size(); ++i) {
    const YAML::Node item = (*n)[i];
    if (!item.IsScalar()) {
      ctx_->Fail(item.Mark(), StrCat(Path(key), "[", i, "]"),
                 StrCat("cannot unmarshal ", YamlTagName(item), " into string"));
      return;
    }
    out->push_back(item.Scalar());
  }
}

void MapDecoder::StringMap(std::string_view key, std::map<std::string, std::string>* out) {
  const YAML::Node* n = Find(key);
  if (n == nullptr || n->IsNull()) return;
  if (!n->IsMap()) {
    ctx_->Fail(n->Mark(), Path(key),
               StrCat("cannot unmarshal ", YamlTagName(*n), " into map[string]string"));
    return;
  }
  out->clear();
  for (const auto& kv : *n) {
    if (!kv.second.IsScalar() && !kv.second.IsNull()) {
      ctx_->Fail(kv.second.Mark(), StrCat(Path(key), ".", kv.first.Scalar()),
                 StrCat("cannot unmarshal ", YamlTagName(kv.second), " into string"));
      return;
    }
    (*out)[kv.first.Scalar()] = kv.second.IsNull() ? "" : kv.second.Scalar();
  }
}

void MapDecoder::StringListMap(std::string_view key,
                               std::map<std::string, std::vector<std::string>>* out) {
  const YAML::Node* n = Find(key);
  if (n == nullptr || n->IsNull()) return;
  MapDecoder inner(ctx_, *n, Path(key));
  if (!ctx_->ok()) return;
  out->clear();
  for (const auto& kv : *n) {
    inner.StringList(kv.first.Scalar(), &(*out)[kv.first.Scalar()]);
  }
}

void MapDecoder::Labels(std::string_view key, model::Labels* out) {
  std::map<std::string, std::string> map;
  StringMap(key, &map);
  if (!ctx_->ok() || map.empty()) return;
  std::vector<std::pair<std::string, std::string>> pairs;
  for (auto& [name, value] : map) {
    if (!model::IsValidLabelName(name)) {
      Error(key, StrCat(util::QuoteGo(name), " is not a valid label name"));
      return;
    }
    if (!util::IsValidUtf8(value)) {
      Error(key, StrCat(util::QuoteGo(value), " is not a valid label value"));
      return;
    }
    pairs.emplace_back(name, value);
  }
  *out = model::Labels::FromPairs(pairs);
}

void MapDecoder::Object(std::string_view key, const std::function<void(MapDecoder&)>& fn) {
  const YAML::Node* n = Find(key);
  if (n == nullptr) return;
  MapDecoder child(ctx_, *n, Path(key));
  if (!ctx_->ok()) return;
  fn(child);
  child.Finish();
}

void MapDecoder::ObjectList(std::string_view key,
                            const std::function<void(MapDecoder&, size_t)>& fn,
                            std::string_view null_element_error) {
  const YAML::Node* n = Find(key);
  if (n == nullptr || n->IsNull()) return;
  if (!n->IsSequence()) {
    ctx_->Fail(n->Mark(), Path(key), StrCat("cannot unmarshal ", YamlTagName(*n), " into a list"));
    return;
  }
  for (size_t i = 0; i < n->size() && ctx_->ok(); ++i) {
    const YAML::Node item = (*n)[i];
    const std::string item_path = StrCat(Path(key), "[", i, "]");
    if (item.IsNull() && !null_element_error.empty()) {
      ctx_->Fail(item.Mark(), item_path, null_element_error);
      return;
    }
    MapDecoder child(ctx_, item, item_path);
    if (!ctx_->ok()) return;
    fn(child, i);
    child.Finish();
  }
}

void MapDecoder::NotSupported(std::string_view key, std::string_view hint) {
  if (Find(key) == nullptr) return;
  Error(key, StrCat(key, " is not supported yet by Sextant", hint.empty() ? "" : "; ", hint));
}

void MapDecoder::Finish() {
  if (!ctx_->ok()) return;
  for (const std::string& key : order_) {
    if (used_.count(key) != 0) continue;
    std::string message = StrCat("unknown field \"", key, "\"");
    std::string best;
    size_t best_distance = 3;
    for (const std::string& known : used_) {
      if (const size_t d = EditDistance(key, known); d < best_distance) {
        best_distance = d;
        best = known;
      }
    }
    if (!best.empty()) util::StrAppend(&message, " (did you mean \"", best, "\"?)");
    ctx_->Fail(entries_.at(key).first.Mark(), path_, message);
    return;
  }
}

}  // namespace sextant::config::internal
