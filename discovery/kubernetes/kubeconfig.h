#pragma once

// Reading a kubeconfig file (kubernetes_sd_configs' kubeconfig_file) as client-go's
// clientcmd.BuildConfigFromFlags("", path) does: the current context's cluster and user.
// See ResolveConnection in api_client.h for the fields used.
//
// Thread-safety: ConnectionFromKubeconfig only reads the file; call it from any thread.

#include <string>

#include "absl/status/statusor.h"
#include "discovery/kubernetes/api_client.h"

namespace sextant::discovery::kubernetes {

// The connection the kubeconfig at `path` describes. Errors: FailedPrecondition, naming the file
// and what is wrong (unreadable, not YAML, no current context, unknown cluster or user, bad
// base64 in a *-data field, an auth mechanism Sextant does not support such as exec or
// auth-provider).
absl::StatusOr<Connection> ConnectionFromKubeconfig(const std::string& path);

}  // namespace sextant::discovery::kubernetes
