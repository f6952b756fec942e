#pragma once

// UiAssets: serves the web UI's embedded bundle (api/ui/embedded_files.h) as Prometheus 3.x's
// web.go serves its React app.
//
//   - Every page of the UI (kPageRoutes, under the route prefix) answers index.html with its
//     placeholders filled: {{PREFIX}} (the route prefix, "" or "/p"), {{TITLE}}
//     (--web.page-title), {{LOOKBACK_DELTA}} (--query.lookback-delta as a Prometheus duration,
//     "5m"), {{AGENT_MODE}} ("false") and {{READY}} ("true" once the storage is open).
//     Cache-Control: no-cache, so a new bundle is picked up on the next load.
//     {{PREFIX}} and {{TITLE}} are written HTML-escaped with every character that could end or
//     change the meaning of an HTML attribute, text or a double-quoted JavaScript string
//     (& < > " ' \ and control characters) as a numeric or named entity, so the same text is
//     safe in <title>, in href="..." and inside the inline script's string literal. The script
//     sees the escaped text (entities are not decoded inside <script>); the UI reads the title
//     from document.title, which is decoded.
//   - assets/<name> (hashed bundle files): Cache-Control: public, max-age=31536000, immutable;
//     compressible types are gzip-compressed once, on first use, and sent compressed to clients
//     that accept gzip (Vary: Accept-Encoding); unknown names are 404.
//   - favicon.svg (also answered for favicon.ico, as Prometheus serves its bundled icon there).
//
// Thread-safety: every method may be called from any thread (the lazy compression is once-only).

#include <array>
#include <map>
#include <mutex>
#include <span>
#include <string>
#include <string_view>

#include "api/http/request.h"
#include "api/ui/embedded_files.h"

namespace sextant::api::ui {

struct UiOptions {
  std::string route_prefix;  // api/server.h's RoutePrefix(): "" or "/p", no trailing slash
  std::string page_title = "Sextant Time Series Collection and Processing Server";
  std::string lookback_delta = "5m";  // as Prometheus's model.Duration prints it
  bool agent_mode = false;
};

// The UI's page paths (without the route prefix), each answered with index.html. /graph is
// Prometheus 2.x's query page, kept for bookmarks (the UI shows the query page there).
inline constexpr std::array<std::string_view, 12> kPageRoutes = {
    "/query",  "/graph",       "/alerts", "/targets", "/rules",         "/service-discovery",
    "/status", "/tsdb-status", "/flags",  "/config",  "/alertmanagers", "/alertmanager-discovery",
};

class UiAssets {
 public:
  // `files` must outlive the object (the embedded bundle lives for the whole program).
  explicit UiAssets(UiOptions options, std::span<const EmbeddedFile> files = UiBundleFiles());

  // index.html with the placeholders filled; "" when the bundle has none.
  std::string RenderIndex(bool ready) const;

  // 200 with RenderIndex(ready) as text/html, or 500 when the bundle has no index.html.
  void ServeIndex(bool ready, http::Response& res) const;
  // The bundle file `path` ("assets/main-X.js", "favicon.svg"), gzip-encoded when `req` accepts
  // it and it compresses; 404 "404 page not found" when there is no such file. Cache headers as
  // above (immutable for "assets/...").
  void ServeFile(std::string_view path, const http::Request& req, http::Response& res) const;
  // 302 to <prefix>/query, the home page.
  void RedirectHome(http::Response& res) const;

 private:
  struct File {
    const EmbeddedFile* file = nullptr;
    // Compressed on the first request that could use it (so that starting the server does not
    // wait for it): "" when not compressible or not smaller.
    mutable std::once_flag gzip_once;
    mutable std::string gzipped;
  };
  // f.gzipped, computed once.
  static const std::string& Gzipped(const File& f);

  const UiOptions options_;
  // index.html with every placeholder but {{READY}} filled.
  std::string index_;
  bool has_index_ = false;
  std::map<std::string, File, std::less<>> files_;
};

// `s` with & < > " ' \ and control characters as HTML character references (&amp; &lt; &gt;
// &#34; &#39; &#92; &#N;), as Go's html.EscapeString plus the backslash and control characters
// that would break a JavaScript string literal.
std::string EscapeHtmlAndJs(std::string_view s);

}  // namespace sextant::api::ui
