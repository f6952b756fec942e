#include "util/status_macros.h"

#include <gtest/gtest.h>

namespace sextant {
namespace {

absl::Status FailIf(bool fail) {
  return fail ? absl::InvalidArgumentError("bad") : absl::OkStatus();
}

absl::StatusOr<int> Half(int v) {
  if (v % 2 != 0) return absl::InvalidArgumentError("odd");
  return v / 2;
}

absl::Status Chain(bool fail, int* steps) {
  RETURN_IF_ERROR(FailIf(fail));
  ++*steps;
  return absl::OkStatus();
}

absl::StatusOr<int> Quarter(int v) {
  ASSIGN_OR_RETURN(int half, Half(v));
  ASSIGN_OR_RETURN(auto quarter, Half(half));
  return quarter;
}

TEST(StatusMacros, ReturnIfErrorPropagatesError) {
  int steps = 0;
  EXPECT_EQ(Chain(true, &steps).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(steps, 0);
  EXPECT_TRUE(Chain(false, &steps).ok());
  EXPECT_EQ(steps, 1);
}

TEST(StatusMacros, AssignOrReturnAssignsOrPropagates) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_EQ(Quarter(6).status().message(), "odd");
  EXPECT_EQ(Quarter(7).status().message(), "odd");
}

TEST(StatusMacros, AssignOrReturnMovesIntoExistingVariable) {
  auto f = []() -> absl::StatusOr<std::unique_ptr<int>> { return std::make_unique<int>(4); };
  auto g = [&]() -> absl::Status {
    std::unique_ptr<int> p;
    ASSIGN_OR_RETURN(p, f());
    return *p == 4 ? absl::OkStatus() : absl::InternalError("wrong");
  };
  EXPECT_TRUE(g().ok());
}

}  // namespace
}  // namespace sextant
