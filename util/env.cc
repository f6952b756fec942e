#include "util/env.h"

#include "util/status_macros.h"

namespace sextant::util {

std::string JoinPath(std::string_view a, std::string_view b) {
  if (a.empty()) return std::string(b);
  if (b.empty()) return std::string(a);
  std::string out(a);
  if (out.back() != '/') out.push_back('/');
  while (!b.empty() && b.front() == '/') b.remove_prefix(1);
  out.append(b);
  return out;
}

std::string DirName(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  const size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return ".";
  if (slash == 0) return "/";
  return std::string(path.substr(0, slash));
}

absl::StatusOr<std::string> Env::ReadFileToString(const std::string& path) {
  ASSIGN_OR_RETURN(auto file, NewSequentialFile(path));
  std::string out, chunk;
  while (true) {
    RETURN_IF_ERROR(file->Read(1 << 16, &chunk));
    if (chunk.empty()) break;
    out.append(chunk);
  }
  return out;
}

absl::Status Env::WriteStringToFile(const std::string& path, std::string_view data, bool sync) {
  ASSIGN_OR_RETURN(auto file, NewWritableFile(path));
  RETURN_IF_ERROR(file->Append(data));
  if (sync) RETURN_IF_ERROR(file->Sync());
  return file->Close();
}

absl::Status Env::CopyFile(const std::string& from, const std::string& to) {
  ASSIGN_OR_RETURN(auto in, NewSequentialFile(from));
  ASSIGN_OR_RETURN(auto out, NewWritableFile(to));
  std::string chunk;
  while (true) {
    RETURN_IF_ERROR(in->Read(1 << 16, &chunk));
    if (chunk.empty()) break;
    RETURN_IF_ERROR(out->Append(chunk));
  }
  return out->Close();
}

}  // namespace sextant::util
