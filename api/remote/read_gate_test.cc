#include "api/remote/read_gate.h"

#include <atomic>
#include <chrono>
#include <optional>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace sextant::api::remote {
namespace {

// Waits (bounded) until `pred` holds.
template <typename Pred>
bool Eventually(Pred pred) {
  for (int i = 0; i < 500; ++i) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return pred();
}

TEST(ReadGate, RequestsOverTheLimitWaitForASlot) {
  ReadGate gate(2);
  std::optional<absl::StatusOr<ReadGate::Slot>> a(gate.Enter());
  std::optional<absl::StatusOr<ReadGate::Slot>> b(gate.Enter());
  ASSERT_TRUE(a->ok() && b->ok());
  std::atomic<bool> entered = false;
  std::thread third([&] {
    absl::StatusOr<ReadGate::Slot> c = gate.Enter();
    EXPECT_TRUE(c.ok());
    entered = true;
  });
  ASSERT_TRUE(Eventually([&] { return gate.queries() == 3; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(entered.load());  // still waiting: both slots are held
  a.reset();                     // one request ends
  EXPECT_TRUE(Eventually([&] { return entered.load(); }));
  third.join();
  EXPECT_EQ(gate.queries(), 1);  // b still holds its slot
  b.reset();
  EXPECT_EQ(gate.queries(), 0);
}

TEST(ReadGate, CancelledWhileWaiting) {
  ReadGate gate(1);
  absl::StatusOr<ReadGate::Slot> held = gate.Enter();
  ASSERT_TRUE(held.ok());
  std::atomic<bool> cancel = false;
  std::thread waiter([&] {
    absl::StatusOr<ReadGate::Slot> s = gate.Enter(&cancel);
    EXPECT_EQ(s.status().code(), absl::StatusCode::kCancelled);
    EXPECT_EQ(s.status().message(), "context canceled");
  });
  ASSERT_TRUE(Eventually([&] { return gate.queries() == 2; }));
  cancel = true;
  waiter.join();
  EXPECT_EQ(gate.queries(), 1);
}

TEST(ReadGate, ZeroMeansNoLimit) {
  ReadGate gate(0);
  std::vector<ReadGate::Slot> slots;
  for (int i = 0; i < 100; ++i) {
    absl::StatusOr<ReadGate::Slot> s = gate.Enter();
    ASSERT_TRUE(s.ok());
    slots.push_back(*std::move(s));
  }
}

}  // namespace
}  // namespace sextant::api::remote
