#pragma once

// The web UI's built bundle (ui/dist/), compiled into the binary.
//
// The table is generated at build time by cmake/EmbedFiles.cmake from whatever files ui/dist/
// holds (hashed bundle names change with every UI build, so nothing here names them). The
// bytes live in the binary's read-only data for the life of the program.
//
// Thread-safety: immutable.

#include <span>
#include <string_view>

namespace sextant::api::ui {

struct EmbeddedFile {
  std::string_view path;          // relative to ui/dist/, '/'-separated: "assets/main-X.js"
  std::string_view content_type;  // from the extension, e.g. "text/css; charset=utf-8"
  std::string_view data;
};

// Every file of ui/dist/, sorted by path. Defined by the generated sextant_ui_bundle library.
std::span<const EmbeddedFile> UiBundleFiles();

}  // namespace sextant::api::ui
