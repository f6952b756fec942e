#pragma once

// Propagation helpers for absl::Status and absl::StatusOr<T> (the installed Abseil has none).
//
//   RETURN_IF_ERROR(WriteHeader(file));
//   ASSIGN_OR_RETURN(Config config, LoadConfigFile(path));
//   ASSIGN_OR_RETURN(auto chunk, reader.Next());
//
// Both evaluate their argument exactly once and return its status unchanged on error.

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define SEXTANT_STATUS_CONCAT_INNER(a, b) a##b
#define SEXTANT_STATUS_CONCAT(a, b) SEXTANT_STATUS_CONCAT_INNER(a, b)

// Returns from the enclosing function if `expr` (an absl::Status) is not OK.
#define RETURN_IF_ERROR(expr)                                             \
  do {                                                                    \
    if (::absl::Status sextant_status_ = (expr); !sextant_status_.ok()) { \
      return sextant_status_;                                             \
    }                                                                     \
  } while (false)

// Evaluates `rexpr` (an absl::StatusOr<T>); on error returns its status, otherwise moves the value
// into `lhs`, which may be a declaration (`auto x`, `const Foo& y` is not allowed) or an lvalue.
#define ASSIGN_OR_RETURN(lhs, rexpr) \
  SEXTANT_ASSIGN_OR_RETURN_IMPL(SEXTANT_STATUS_CONCAT(sextant_statusor_, __LINE__), lhs, rexpr)

#define SEXTANT_ASSIGN_OR_RETURN_IMPL(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                  \
  if (!statusor.ok()) {                                     \
    return std::move(statusor).status();                    \
  }                                                         \
  lhs = std::move(statusor).value()
