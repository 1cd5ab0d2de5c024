// Stable, platform-independent hashing (64-bit FNV-1a), used where a result must be the
// same on every machine: the train/test split, per-step random seeds, file checksums.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ngsynth {

uint64_t fnv1a64(std::string_view bytes, uint64_t seed = 0xcbf29ce484222325ULL);
uint64_t fnv1a64(const void* data, std::size_t size, uint64_t seed = 0xcbf29ce484222325ULL);

// Mixes two 64-bit values into a well-spread seed (splitmix64 finaliser).
uint64_t mix_seed(uint64_t a, uint64_t b);

}  // namespace ngsynth
