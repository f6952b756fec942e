#include "rules/template/template.h"

#include "rules/template/ast.h"
#include "rules/template/exec.h"
#include "rules/template/funcs.h"
#include "rules/template/parse.h"
#include "rules/template/value.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace sextant::rules::tmpl {
namespace {

// The definitions Prometheus's alerting rule puts in front of every label and annotation.
constexpr std::string_view kAlertPrefix =
    "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}"
    "{{$externalURL := .ExternalURL}}{{$value := .Value}}";

StringMap ToMap(const model::Labels& labels) {
  StringMap m;
  for (const model::Label& l : labels) m.emplace(l.name, l.value);
  return m;
}

}  // namespace

struct Template::Impl {
  std::unique_ptr<TreeSet> trees;
};

Template::Template(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Template::~Template() = default;

absl::StatusOr<std::unique_ptr<Template>> Template::Parse(std::string_view name,
                                                          std::string_view text) {
  auto impl = std::make_unique<Impl>();
  ASSIGN_OR_RETURN(impl->trees, ParseTemplate(name, text, [](std::string_view fn) {
                     return FindFunction(fn) != nullptr;
                   }));
  return std::unique_ptr<Template>(new Template(std::move(impl)));
}

absl::StatusOr<std::string> Template::Execute(const AlertData& data, const FuncContext& ctx) const {
  auto alert = std::make_shared<AlertValue>();
  alert->labels = ToMap(data.labels);
  alert->external_labels = ToMap(data.external_labels);
  alert->external_url = data.external_url;
  alert->value = data.value;
  return ExecuteTemplate(*impl_->trees, Value::Alert(std::move(alert)), ctx);
}

std::string ExpandAlertTemplate(std::string_view name, std::string_view text, const AlertData& data,
                                const FuncContext& ctx) {
  const std::string full = util::StrCat(kAlertPrefix, text);
  auto tmpl = Template::Parse(name, full);
  if (!tmpl.ok()) {
    return util::StrCat("<error expanding template: error parsing template ", name, ": ",
                        util::FromAbsl(tmpl.status().message()), ">");
  }
  auto out = (*tmpl)->Execute(data, ctx);
  if (!out.ok()) {
    return util::StrCat("<error expanding template: error executing template ", name, ": ",
                        util::FromAbsl(out.status().message()), ">");
  }
  return *std::move(out);
}

absl::Status CheckAlertTemplate(std::string_view name, std::string_view text) {
  return Template::Parse(name, util::StrCat(kAlertPrefix, text)).status();
}

}  // namespace sextant::rules::tmpl
