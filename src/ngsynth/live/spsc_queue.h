// A single-producer single-consumer lock-free ring: the hand-off between the threads of the
// live engine (control -> worker, worker -> audio, audio -> worker). One thread pushes, one
// other thread pops; neither ever waits, locks, allocates or makes a system call, so either
// side may be the audio callback.
//
// The ring is preallocated at construction with a power-of-two capacity (the requested one
// rounded up) and every slot is usable. Its two indices count up forever (64-bit, they do
// not wrap in practice); the producer publishes a slot with a release store of the write
// index after writing it, the consumer frees it with a release store of the read index
// after reading it, and each side reads the other's index with acquire. Each side keeps a
// private copy of the other's index and refreshes it only when the ring looks full (or
// empty), so the common case touches no shared cache line but its own.
//
// Several producers (or consumers) must be serialised by the caller, e.g. with a mutex
// held around push on the control side: the mutex orders them, which is all the ring needs.
#pragma once

#include <atomic>
#include <bit>
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <type_traits>

#include "ngsynth/util/error.h"

namespace ngsynth::live {

template <typename T>
class SpscQueue {
  static_assert(std::is_default_constructible_v<T> && std::is_nothrow_copy_assignable_v<T>,
                "SpscQueue needs a default-constructible, nothrow-copyable element");

 public:
  static constexpr std::size_t kMaxCapacity = std::size_t(1) << 30;

  // Capacity `min_capacity` rounded up to a power of two; Error unless 1..2^30.
  explicit SpscQueue(std::size_t min_capacity) {
    if (min_capacity == 0 || min_capacity > kMaxCapacity)
      throw Error("SpscQueue: capacity " + std::to_string(min_capacity) + " must be 1.." +
                  std::to_string(kMaxCapacity));
    capacity_ = std::bit_ceil(min_capacity);
    mask_ = capacity_ - 1;
    slots_ = std::make_unique<T[]>(capacity_);
  }
  SpscQueue(const SpscQueue&) = delete;
  SpscQueue& operator=(const SpscQueue&) = delete;

  std::size_t capacity() const noexcept { return capacity_; }

  // --- producer side ---
  // False (and nothing written) when the ring is full.
  bool push(const T& v) noexcept {
    const std::size_t w = write_.load(std::memory_order_relaxed);
    if (w - read_cache_ == capacity_) {
      read_cache_ = read_.load(std::memory_order_acquire);
      if (w - read_cache_ == capacity_) return false;
    }
    slots_[w & mask_] = v;
    write_.store(w + 1, std::memory_order_release);
    return true;
  }
  // All of `vs` or nothing (false when fewer slots are free); one publication.
  bool push_all(std::span<const T> vs) noexcept {
    if (write_available() < vs.size()) return false;
    const std::size_t w = write_.load(std::memory_order_relaxed);
    for (std::size_t i = 0; i < vs.size(); ++i) slots_[(w + i) & mask_] = vs[i];
    write_.store(w + vs.size(), std::memory_order_release);
    return true;
  }
  // Free slots as seen by the producer (a lower bound: the consumer may free more).
  std::size_t write_available() noexcept {
    read_cache_ = read_.load(std::memory_order_acquire);
    return capacity_ - (write_.load(std::memory_order_relaxed) - read_cache_);
  }

  // --- consumer side ---
  // False (and `out` untouched) when the ring is empty.
  bool pop(T& out) noexcept {
    const std::size_t r = read_.load(std::memory_order_relaxed);
    if (r == write_cache_) {
      write_cache_ = write_.load(std::memory_order_acquire);
      if (r == write_cache_) return false;
    }
    out = slots_[r & mask_];
    read_.store(r + 1, std::memory_order_release);
    return true;
  }
  // Fills all of `out` or nothing (false when fewer elements are queued).
  bool pop_all(std::span<T> out) noexcept {
    if (read_available() < out.size()) return false;
    const std::size_t r = read_.load(std::memory_order_relaxed);
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = slots_[(r + i) & mask_];
    read_.store(r + out.size(), std::memory_order_release);
    return true;
  }
  // The oldest element without removing it, or nullptr when empty; valid until the next pop.
  const T* front() noexcept {
    const std::size_t r = read_.load(std::memory_order_relaxed);
    if (r == write_cache_) {
      write_cache_ = write_.load(std::memory_order_acquire);
      if (r == write_cache_) return nullptr;
    }
    return &slots_[r & mask_];
  }
  // Queued elements as seen by the consumer (a lower bound: the producer may add more).
  std::size_t read_available() noexcept {
    write_cache_ = write_.load(std::memory_order_acquire);
    return write_cache_ - read_.load(std::memory_order_relaxed);
  }

  // --- any thread: a snapshot, exact only when both sides are quiet ---
  std::size_t size_approx() const noexcept {
    const std::size_t r = read_.load(std::memory_order_acquire);
    const std::size_t w = write_.load(std::memory_order_acquire);
    return w >= r ? w - r : 0;
  }

 private:
  static constexpr std::size_t kLine = 64;  // keeps the two sides on separate cache lines

  std::size_t capacity_ = 0, mask_ = 0;
  std::unique_ptr<T[]> slots_;
  alignas(kLine) std::atomic<std::size_t> write_{0};  // written by the producer only
  std::size_t read_cache_ = 0;                          // producer's copy of read_
  alignas(kLine) std::atomic<std::size_t> read_{0};   // written by the consumer only
  std::size_t write_cache_ = 0;                         // consumer's copy of write_
};

}  // namespace ngsynth::live
