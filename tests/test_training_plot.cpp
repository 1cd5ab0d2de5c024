// The training picture: drawn from a log.jsonl, each curve in its colour inside the plot,
// the legend and the axis numbers in dark text, nothing drawn for fewer than two points.
#include <gtest/gtest.h>

#include <string>

#include "ngsynth/plot/training_plot.h"
#include "ngsynth/util/atomic_file.h"
#include "picture_test_util.h"
#include "test_support.h"

namespace ngsynth {
namespace {

constexpr Rgb kTrain{70, 110, 200}, kTest{220, 90, 40}, kHeard{40, 160, 80};

std::string log_lines(bool with_accuracy) {
  std::string s = "not json\n{\"kind\":\"train\"}\n";  // skipped
  for (int step = 10; step <= 200; step += 10) {
    s += "{\"kind\":\"train\",\"step\":" + std::to_string(step) +
         ",\"loss\":" + std::to_string(10.0 / step) + "}\n";
    if (step % 50 == 0) {
      s += "{\"kind\":\"test\",\"step\":" + std::to_string(step) +
           ",\"loss\":" + std::to_string(12.0 / step);
      if (with_accuracy) s += ",\"sampled_accuracy\":" + std::to_string(step / 250.0);
      s += "}\n";
    }
  }
  return s;
}

TEST(TrainingPlot, DrawsEveryCurveInItsColour) {
  test::ScratchDir dir("training-plot");
  for (bool accuracy : {false, true}) {
    SCOPED_TRACE(accuracy ? "with sampled accuracy" : "losses only");
    write_file_atomically(dir / "log.jsonl", log_lines(accuracy));
    ASSERT_TRUE(plot_training_log(dir / "log.jsonl", dir / "training.png"));
    const test::DecodedPng d = test::decode_png(read_file(dir / "training.png"));
    ASSERT_EQ(d.width, 720);
    ASSERT_EQ(d.height, 400);
    // Inside the plot (right of the axis) and in the legend's swatches, in one row above it.
    EXPECT_GT(d.count(kTrain, 61, 40, 660, 360), 300);
    EXPECT_GT(d.count(kTest, 61, 40, 660, 360), 50);
    EXPECT_GT(d.count(kTrain, 200, 0, 720, 24), 50);
    EXPECT_GT(d.count(kTest, 200, 0, 720, 24), 50);
    EXPECT_EQ(d.count(kHeard, 200, 0, 720, 24) > 50, accuracy);
    EXPECT_EQ(d.count(kHeard, 0, 0, 720, 400) > 0, accuracy);
    // Axis numbers at the left, in dark grey text; none in the empty lower-left plot area.
    int dark_left = 0, dark_inside = 0;
    for (int y = 0; y < 400; ++y)
      for (int x = 0; x < 720; ++x) {
        const Rgb c = d.at(x, y);
        const bool dark = c.r < 120 && c.g < 120 && c.b < 120;
        dark_left += dark && x < 55;
        dark_inside += dark && x > 70 && x < 300 && y > 250 && y < 350;
      }
    EXPECT_GT(dark_left, 30);
    EXPECT_EQ(dark_inside, 0);
  }
}

TEST(TrainingPlot, NeedsTwoPoints) {
  test::ScratchDir dir("training-plot-short");
  write_file_atomically(dir / "log.jsonl", "{\"kind\":\"train\",\"step\":1,\"loss\":2}\n");
  EXPECT_FALSE(plot_training_log(dir / "log.jsonl", dir / "training.png"));
  EXPECT_FALSE(std::filesystem::exists(dir / "training.png"));
}

}  // namespace
}  // namespace ngsynth
