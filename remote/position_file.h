#pragma once

// The position file of a remote-write queue (docs/format/remote-write-position.md): the WAL
// position up to which the queue has sent everything, so that a restart resumes there.
//
// Written whole to "<path>.tmp" and renamed over <path>, so a reader sees the old or the new
// file, never a mix; a SIGKILL loses nothing written before it. Not synced: after a machine crash
// the file may be missing or empty, and the queue then starts at the end of the WAL.
//
// Thread-safety: pure functions (callers serialise writes to one path).

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "remote/wal_watcher.h"
#include "util/env.h"

namespace sextant::remote {

// The saved position, nullopt when the file does not exist. DataLoss when it exists but does not
// parse.
absl::StatusOr<std::optional<WalPosition>> ReadPositionFile(util::Env* env,
                                                            const std::string& path);

// Saves `position`; `url` is recorded for people reading the file.
absl::Status WritePositionFile(util::Env* env, const std::string& path, WalPosition position,
                               std::string_view url);

}  // namespace sextant::remote
