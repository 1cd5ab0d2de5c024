// The single-producer single-consumer ring: capacity rounding, full and empty, wrap-around,
// all-or-nothing bulk operations, and order under a real producer and consumer thread.
#include <gtest/gtest.h>

#include <cstdint>
#include <thread>
#include <vector>

#include "ngsynth/live/spsc_queue.h"
#include "ngsynth/util/error.h"

namespace ngsynth::live {
namespace {

TEST(SpscQueue, CapacityIsRoundedUpToAPowerOfTwoAndEverySlotIsUsable) {
  EXPECT_EQ(SpscQueue<int>(1).capacity(), 1u);
  EXPECT_EQ(SpscQueue<int>(8).capacity(), 8u);
  SpscQueue<int> q(5);
  ASSERT_EQ(q.capacity(), 8u);
  for (int i = 0; i < 8; ++i) EXPECT_TRUE(q.push(i)) << i;
  EXPECT_FALSE(q.push(99));  // full
  EXPECT_EQ(q.size_approx(), 8u);
  EXPECT_EQ(q.write_available(), 0u);
  int v = -1;
  for (int i = 0; i < 8; ++i) {
    ASSERT_TRUE(q.pop(v));
    EXPECT_EQ(v, i);
  }
  EXPECT_FALSE(q.pop(v));  // empty
  EXPECT_EQ(v, 7);         // untouched by the failed pop
  EXPECT_EQ(q.front(), nullptr);
}

TEST(SpscQueue, RejectsZeroAndHugeCapacities) {
  EXPECT_THROW(SpscQueue<int>(0), Error);
  EXPECT_THROW(SpscQueue<int>(SpscQueue<int>::kMaxCapacity + 1), Error);
}

TEST(SpscQueue, WrapsAroundKeepingOrder) {
  SpscQueue<int> q(4);
  int next_in = 0, next_out = 0;
  // Uneven pushes and pops so that the indices cross the ring's end at every offset.
  for (int round = 0; round < 1000; ++round) {
    const int pushes = 1 + round % 4;
    for (int i = 0; i < pushes; ++i)
      if (q.push(next_in)) ++next_in;
    const int pops = 1 + (round * 7) % 3;
    int v;
    for (int i = 0; i < pops && q.pop(v); ++i) EXPECT_EQ(v, next_out++);
  }
  int v;
  while (q.pop(v)) EXPECT_EQ(v, next_out++);
  EXPECT_EQ(next_out, next_in);
  EXPECT_GT(next_in, 1000);
}

TEST(SpscQueue, FrontPeeksWithoutRemoving) {
  SpscQueue<int> q(2);
  ASSERT_TRUE(q.push(5));
  ASSERT_TRUE(q.push(6));
  ASSERT_NE(q.front(), nullptr);
  EXPECT_EQ(*q.front(), 5);
  EXPECT_EQ(q.read_available(), 2u);
  int v;
  ASSERT_TRUE(q.pop(v));
  EXPECT_EQ(*q.front(), 6);
}

TEST(SpscQueue, BulkPushAndPopAreAllOrNothing) {
  SpscQueue<float> q(8);
  const std::vector<float> a = {1, 2, 3, 4, 5};
  EXPECT_TRUE(q.push_all(a));
  EXPECT_FALSE(q.push_all(a));  // 3 free, 5 needed: nothing written
  EXPECT_EQ(q.size_approx(), 5u);
  std::vector<float> out(6, -1.0f);
  EXPECT_FALSE(q.pop_all(out));  // 5 queued, 6 wanted: nothing read
  EXPECT_EQ(out[0], -1.0f);
  out.resize(3);
  ASSERT_TRUE(q.pop_all(out));
  EXPECT_EQ(out, (std::vector<float>{1, 2, 3}));
  EXPECT_TRUE(q.push_all(a));  // wraps around the end
  out.resize(7);
  ASSERT_TRUE(q.pop_all(out));
  EXPECT_EQ(out, (std::vector<float>{4, 5, 1, 2, 3, 4, 5}));
  EXPECT_TRUE(q.push_all(std::span<const float>()));
  EXPECT_TRUE(q.pop_all(std::span<float>()));
}

TEST(SpscQueue, TwoThreadsStressPreservesOrder) {
  struct Item {
    uint64_t seq = 0, check = 0;
  };
  SpscQueue<Item> q(64);
  constexpr uint64_t kCount = 500000;
  std::thread producer([&] {
    for (uint64_t i = 0; i < kCount;) {
      if (q.push({i, i * 2654435761u})) ++i;
      else std::this_thread::yield();
    }
  });
  uint64_t expected = 0, bad = 0;
  while (expected < kCount) {
    Item it;
    if (!q.pop(it)) {
      std::this_thread::yield();
      continue;
    }
    if (it.seq != expected || it.check != expected * 2654435761u) ++bad;
    ++expected;
  }
  producer.join();
  EXPECT_EQ(bad, 0u);
  Item it;
  EXPECT_FALSE(q.pop(it));
}

}  // namespace
}  // namespace ngsynth::live
