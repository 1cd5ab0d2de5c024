// The runtime's random numbers: Philox4x32-10 (Salmon et al., "Parallel random numbers: as
// easy as 1, 2, 3", SC 2011), a counter-based generator: a block of four 32-bit words is a
// pure function of (key, counter), computed with integer arithmetic only, so a seed gives
// the same numbers on every machine and compiler, in any order, from any thread, with no
// state to carry but a position. Noise grain j of a render seeded s is the counter
// (j, stream = kNoise) under key s: a stream or voice only keeps its grain index.
#pragma once

#include <array>
#include <cstdint>

namespace ngsynth::rt {

// Four words from (key, counter).
std::array<uint32_t, 4> philox4x32(uint64_t key, uint64_t counter_lo, uint64_t counter_hi);

// What a counter is used for (its high word), so that streams of numbers never overlap.
enum class RandomUse : uint32_t { noise = 1, embedding = 2, point = 3 };

// n values of U[-1, 1) (24-bit resolution): the noise of grain `grain` of a render seeded
// `seed`.
void uniform_noise(uint64_t seed, uint64_t grain, float* out, int64_t n);
// n standard normal values (Box-Muller over Philox words), element i of the series `use`.
void gaussian(uint64_t seed, RandomUse use, float* out, int64_t n);

}  // namespace ngsynth::rt
