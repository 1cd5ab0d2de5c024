#include "ngsynth/audio/fir.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace ngsynth {
namespace {

// The vectorised filter against the definition, at lengths around the tap count.
TEST(Fir, MatchesTheCentredZeroPaddedDefinition) {
  for (int64_t length : {1, 7, 64, 65, 1000}) {
    std::vector<float> x(length), taps(9), y(length);
    for (int64_t i = 0; i < length; ++i) x[i] = std::sin(0.3f * i) + 0.1f * (i % 5);
    for (int k = 0; k < 9; ++k) taps[k] = 0.1f * k - 0.3f;
    fir_same(x.data(), y.data(), length, taps.data(), 9);
    for (int64_t t = 0; t < length; ++t) {
      double expected = 0;
      for (int k = 0; k < 9; ++k) {
        const int64_t j = t + k - 4;
        if (j >= 0 && j < length) expected += double(taps[k]) * x[j];
      }
      EXPECT_NEAR(y[t], expected, 1e-5) << "length " << length << " t " << t;
    }
  }
}

TEST(Fir, AnIdentityFilterCopies) {
  std::vector<float> x = {1, -2, 3, 0.5f, 7}, taps = {0, 0, 1, 0, 0}, y(5);
  fir_same(x.data(), y.data(), 5, taps.data(), 5);
  EXPECT_EQ(y, x);
}

}  // namespace
}  // namespace ngsynth
