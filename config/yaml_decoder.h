#pragma once

// Strict decoding of YAML mappings into config structs, with errors that name the file, the line
// and the field:
//
//   prometheus.yml:12: scrape_configs[1].scrape_timeout: not a valid duration string: "banana"
//
// Unknown keys and repeated keys are errors, as in Prometheus (which decodes strictly). Only the
// first error is kept; once one is recorded, further decoding is skipped.
//
// Internal to config/: other modules use LoadConfig().

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "config/config.h"
#include "yaml-cpp/yaml.h"

namespace sextant::config::internal {

class DecodeContext {
 public:
  explicit DecodeContext(std::string filename) : filename_(std::move(filename)) {}

  bool ok() const { return status_.ok(); }
  const absl::Status& status() const { return status_; }
  const std::string& filename() const { return filename_; }

  // Records `message` about the field at `path`, located at `mark`, unless an error is recorded.
  void Fail(const YAML::Mark& mark, std::string_view path, std::string_view message);

 private:
  std::string filename_;
  absl::Status status_;
};

// Decodes one YAML mapping. Every accessor looks up a key, marks it as known, and decodes it
// into the output when present (leaving the default otherwise). Call Finish() last to report
// keys nobody asked for.
class MapDecoder {
 public:
  // `node` must be a mapping or null (an empty section); anything else is an error.
  MapDecoder(DecodeContext* ctx, const YAML::Node& node, std::string path);

  bool ok() const { return ctx_->ok(); }
  bool Has(std::string_view key) const;
  // Has(key) with a value that is not null (`key:` and `key: ~` are null).
  bool HasValue(std::string_view key) const;
  // The child path, e.g. "scrape_configs[0].job_name".
  std::string Path(std::string_view key) const;
  const std::string& path() const { return path_; }
  DecodeContext* ctx() const { return ctx_; }

  void String(std::string_view key, std::string* out);
  void Secret(std::string_view key, config::Secret* out);
  void Bool(std::string_view key, bool* out);
  void Uint(std::string_view key, uint64_t* out) { Integer(key, "uint", out); }
  void Int(std::string_view key, int64_t* out) { Integer(key, "int", out); }
  void Duration(std::string_view key, absl::Duration* out);
  // A size with a unit, e.g. "10MB" (powers of two, as Prometheus's body_size_limit).
  void ByteSize(std::string_view key, uint64_t* out);
  void StringList(std::string_view key, std::vector<std::string>* out);
  void StringMap(std::string_view key, std::map<std::string, std::string>* out);
  // A mapping of string lists, as scrape `params` ({module: [http_2xx]}).
  void StringListMap(std::string_view key, std::map<std::string, std::vector<std::string>>* out);
  void Labels(std::string_view key, model::Labels* out);

  // Decodes a nested mapping with `fn` when the key is present.
  void Object(std::string_view key, const std::function<void(MapDecoder&)>& fn);
  // Decodes a sequence of mappings; `fn` gets a decoder for element i and its index.
  void ObjectList(std::string_view key, const std::function<void(MapDecoder&, size_t)>& fn,
                  std::string_view null_element_error = "");

  // Accepts a known key that Sextant does not support yet: present means an error saying so.
  void NotSupported(std::string_view key, std::string_view hint);

  // Reports an error about `key` (at its line), or about this mapping when `key` is empty.
  void Error(std::string_view key, std::string_view message);

  // Errors for keys that no accessor asked for. Call after all accessors.
  void Finish();

 private:
  const YAML::Node* Find(std::string_view key);
  bool Scalar(std::string_view key, const YAML::Node& node, std::string_view go_type);
  template <typename T>
  void Integer(std::string_view key, std::string_view go_type, T* out);

  DecodeContext* ctx_;
  YAML::Node node_;
  std::string path_;
  std::map<std::string, std::pair<YAML::Node, YAML::Node>, std::less<>>
      entries_;                     // key -> (key, value)
  std::vector<std::string> order_;  // keys in document order
  std::set<std::string, std::less<>> used_;
};

// Go yaml.v2's name for a node's tag in type errors: !!map, !!seq, !!null, and for a plain
// scalar as yaml.v2 resolves it: !!bool (YAML 1.1 booleans), !!int (decimal, 0x, 0b, with `_`),
// !!float (including .inf and .nan), else !!str; a quoted scalar is !!str.
std::string YamlTagName(const YAML::Node& node);

// A YAML 1.1 boolean as yaml.v2 reads it ("yes", "On", "FALSE", "n", ...); nullopt otherwise.
std::optional<bool> YamlBool(std::string_view text);

}  // namespace sextant::config::internal
