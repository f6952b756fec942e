#include "api/ui/ui_assets.h"

#include "api/http/gzip.h"
#include "util/strings.h"

namespace sextant::api::ui {
namespace {

constexpr char kIndexPath[] = "index.html";
constexpr char kAssetsDir[] = "assets/";
constexpr char kImmutable[] = "public, max-age=31536000, immutable";

void ReplaceAll(std::string* s, std::string_view from, std::string_view to) {
  for (size_t pos = s->find(from); pos != std::string::npos; pos = s->find(from, pos + to.size())) {
    s->replace(pos, from.size(), to);
  }
}

}  // namespace

std::string EscapeHtmlAndJs(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    switch (c) {
      case '&':
        out.append("&amp;");
        break;
      case '<':
        out.append("&lt;");
        break;
      case '>':
        out.append("&gt;");
        break;
      case '"':
        out.append("&#34;");
        break;
      case '\'':
        out.append("&#39;");
        break;
      case '\\':
        out.append("&#92;");
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          util::StrAppend(&out, "&#", static_cast<int>(c), ";");
        } else {
          out.push_back(c);
        }
    }
  }
  return out;
}

UiAssets::UiAssets(UiOptions options, std::span<const EmbeddedFile> files)
    : options_(std::move(options)) {
  for (const EmbeddedFile& f : files) {
    File& entry = files_[std::string(f.path)];
    entry.file = &f;
    if (f.path == kIndexPath) {
      has_index_ = true;
      index_ = std::string(f.data);
      ReplaceAll(&index_, "{{PREFIX}}", EscapeHtmlAndJs(options_.route_prefix));
      ReplaceAll(&index_, "{{TITLE}}", EscapeHtmlAndJs(options_.page_title));
      ReplaceAll(&index_, "{{LOOKBACK_DELTA}}", EscapeHtmlAndJs(options_.lookback_delta));
      ReplaceAll(&index_, "{{AGENT_MODE}}", options_.agent_mode ? "true" : "false");
    }
  }
}

const std::string& UiAssets::Gzipped(const File& f) {
  // Once per process, so the best compression is worth its time (~30 ms for a 600 KB bundle).
  std::call_once(f.gzip_once, [&f] {
    if (!http::IsCompressible(f.file->content_type)) return;
    std::string gz = http::GzipCompress(f.file->data, /*level=*/9);
    if (!gz.empty() && gz.size() < f.file->data.size()) f.gzipped = std::move(gz);
  });
  return f.gzipped;
}

std::string UiAssets::RenderIndex(bool ready) const {
  if (!has_index_) return std::string();
  std::string out = index_;
  ReplaceAll(&out, "{{READY}}", ready ? "true" : "false");
  return out;
}

void UiAssets::ServeIndex(bool ready, http::Response& res) const {
  if (!has_index_) {
    res.Set(500, "Error opening index.html: the UI bundle has none\n", "text/plain; charset=utf-8");
    return;
  }
  res.Set(200, RenderIndex(ready), "text/html; charset=utf-8");
  res.SetHeader("Cache-Control", "no-cache");
}

void UiAssets::ServeFile(std::string_view path, const http::Request& req,
                         http::Response& res) const {
  const auto it = path == kIndexPath ? files_.end() : files_.find(path);
  if (it == files_.end()) {
    res.Set(404, "404 page not found\n", "text/plain; charset=utf-8");
    return;
  }
  const File& f = it->second;
  if (path.starts_with(kAssetsDir)) res.SetHeader("Cache-Control", kImmutable);
  if (const std::string& gzipped = Gzipped(f); !gzipped.empty()) {
    res.AddHeader("Vary", "Accept-Encoding");
    if (http::AcceptsGzip(req.GetHeader("Accept-Encoding"))) {
      res.Set(200, gzipped, f.file->content_type);
      res.SetHeader("Content-Encoding", "gzip");
      return;
    }
  }
  res.Set(200, std::string(f.file->data), f.file->content_type);
}

void UiAssets::RedirectHome(http::Response& res) const {
  res.status = 302;
  res.SetHeader("Location", util::StrCat(options_.route_prefix, "/query"));
}

}  // namespace sextant::api::ui
