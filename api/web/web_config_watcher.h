#pragma once

// The live --web.config.file: loaded and fully validated at start (a bad file fails the start,
// as Prometheus's toolkit_web.Validate), then re-read when it, or a certificate, key or CA file
// it names, changes, so new connections and requests see the new settings without a restart.
//
// The toolkit re-reads the file on every request and every TLS handshake; a file that has become
// unreadable or invalid then fails each request (500) and handshake. Sextant checks the files'
// identity (inode, size, mtime, ctime) at most once per check_interval, from the caller's thread
// (no thread of its own), and the config file's content hash; on a change it loads and validates
// the whole file, TLS context included. (Certificate files are compared by identity only: a rewrite
// in place within the file system's timestamp granularity and of the same size is missed.) A broken
// file keeps the last good version and logs the error once per change. Whether the server speaks
// TLS is fixed at start, as in the toolkit: a file that gains a TLS section later is served over
// plain HTTP (logged), and one that loses it counts as broken.
//
// Hooks for the HTTP server (all on WebConfigWatcher / WebSnapshot):
//   at start      WebConfigWatcher::Create(flags.web_config_file)  (error: exit, message below)
//                 tls_enabled(): listen with TLS or plain
//   per accept    Current()->tls_context(): the SSL_CTX for the new connection's handshake
//   per request   snap = Current(), once: the whole request is served by that version. Then
//                 snap->auth().CheckCached(authorization), and when nullopt
//                 snap->auth().Check(authorization) on a worker thread; on kUnauthorized
//                 answer 401 (UnauthorizedHeaders(), body kUnauthorizedBody).
//                 snap->extra_headers() go on every response, 401s included.
//   CORS          CorsPolicy (cors.h), independent of this file.

#include <atomic>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "api/web/basic_auth.h"
#include "api/web/go_file.h"
#include "api/web/tls_config.h"
#include "api/web/web_config.h"
#include "util/mutex.h"

namespace sextant::api::web {

// One loaded version of the file. Immutable and thread-safe; keep the shared_ptr for the life of
// a request or connection.
class WebSnapshot {
 public:
  WebSnapshot(WebConfig config, SslCtxPtr tls, std::shared_ptr<BasicAuthCache> cache);

  const WebConfig& config() const { return config_; }
  // The context for new TLS connections; null when serving plain HTTP.
  const SslCtxPtr& tls_context() const { return tls_; }
  const BasicAuthenticator& auth() const { return auth_; }
  // http_server_config.headers, to set on every response.
  const std::vector<std::pair<std::string, std::string>>& extra_headers() const {
    return extra_headers_;
  }

 private:
  WebConfig config_;
  SslCtxPtr tls_;
  BasicAuthenticator auth_;
  std::vector<std::pair<std::string, std::string>> extra_headers_;
};

// The headers of the 401 answer besides extra_headers(): WWW-Authenticate: Basic, and those
// net/http's http.Error sets (Content-Type: text/plain; charset=utf-8, X-Content-Type-Options:
// nosniff).
const std::vector<std::pair<std::string, std::string>>& UnauthorizedHeaders();

struct WebConfigWatcherOptions {
  // How often Current() looks at the files; zero: on every call.
  absl::Duration check_interval = absl::Seconds(1);
};

class WebConfigWatcher {
 public:
  // Loads `path` ("" means no web config: plain HTTP, no auth, no headers, never re-read).
  // Errors: the first load's error with the toolkit's message (LoadWebConfigFile,
  // BuildTlsContext); Prometheus logs it as "Unable to validate web configuration file" and
  // exits 1.
  static absl::StatusOr<std::unique_ptr<WebConfigWatcher>> Create(
      std::string path, WebConfigWatcherOptions options = {});

  WebConfigWatcher(const WebConfigWatcher&) = delete;
  WebConfigWatcher& operator=(const WebConfigWatcher&) = delete;

  const std::string& path() const { return path_; }
  // Whether the server speaks TLS (decided by the file at start).
  bool tls_enabled() const { return tls_enabled_; }

  // The current version, after reloading it if a file changed and the check interval has
  // passed. Thread-safe; at most one caller reloads at a time while the others get the previous
  // version without waiting.
  std::shared_ptr<const WebSnapshot> Current();

  // Looks at the files now and reloads if one changed. Returns the reload's error (the previous
  // version stays), OK when nothing changed or the reload worked. Thread-safe.
  absl::Status CheckNow();

  // How many reloads succeeded / failed since Create (for tests and metrics).
  int64_t reloads() const { return reloads_.load(); }
  int64_t failed_reloads() const { return failed_reloads_.load(); }

 private:
  struct Stamps {
    internal::FileStamp config, cert, key, client_ca;
    size_t config_content = 0;  // hash of the file's bytes: edits within one mtime tick count too
    bool operator==(const Stamps&) const = default;
  };

  // The config file as read once for a check: its identity, and its bytes or the read error.
  struct FileRead {
    internal::FileStamp stamp;
    absl::StatusOr<std::string> content;
  };

  WebConfigWatcher(std::string path, WebConfigWatcherOptions options);
  FileRead ReadConfigFile() const;
  // The stamps of `file` and of the files `config` names (none when null or TLS is off).
  Stamps StampsFor(const FileRead& file, const WebConfig* config) const;
  // Parses `file`: its read error when it could not be read, else ParseWebConfig's result.
  absl::StatusOr<WebConfig> Parse(const FileRead& file) const;
  // The version for `config`, with its TLS context when TLS is on.
  absl::StatusOr<std::shared_ptr<const WebSnapshot>> Build(WebConfig config) const;

  const std::string path_;
  const WebConfigWatcherOptions options_;
  bool tls_enabled_ = false;
  std::shared_ptr<BasicAuthCache> cache_ = std::make_shared<BasicAuthCache>();
  std::atomic<int64_t> last_check_ns_{0};
  std::atomic<int64_t> reloads_{0};
  std::atomic<int64_t> failed_reloads_{0};

  util::Mutex reload_mu_;  // serializes CheckNow
  Stamps stamps_ ABSL_GUARDED_BY(reload_mu_);
  bool warned_tls_added_ ABSL_GUARDED_BY(reload_mu_) = false;

  mutable util::Mutex mu_;
  std::shared_ptr<const WebSnapshot> current_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sextant::api::web
