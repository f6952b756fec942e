#include "api/web/go_file.h"

#include <cerrno>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/go_format.h"
#include "util/strings.h"

namespace sextant::api::web::internal {

using util::GoErrnoText;
using util::StrCat;

absl::StatusOr<std::string> ReadFileGo(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return absl::InvalidArgumentError(StrCat("open ", path, ": ", GoErrnoText(errno)));
  std::string out;
  char buf[16384];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      return absl::InvalidArgumentError(StrCat("read ", path, ": ", GoErrnoText(err)));
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

std::string JoinDir(const std::string& dir, const std::string& path) {
  if (path.empty() || dir.empty() || dir == "." || path[0] == '/') return path;
  std::string joined = dir;
  if (joined.back() != '/') joined.push_back('/');
  std::string_view rest = path;
  while (rest.starts_with("./")) rest.remove_prefix(2);
  joined.append(rest);
  return joined;
}

FileStamp StatFile(const std::string& path) {
  FileStamp stamp;
  struct stat st;
  if (path.empty() || ::stat(path.c_str(), &st) != 0) return stamp;
  stamp.exists = true;
  stamp.dev = st.st_dev;
  stamp.ino = st.st_ino;
  stamp.size = st.st_size;
  stamp.mtime_ns = int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec;
  stamp.ctime_ns = int64_t{st.st_ctim.tv_sec} * 1000000000 + st.st_ctim.tv_nsec;
  return stamp;
}

}  // namespace sextant::api::web::internal
