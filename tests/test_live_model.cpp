// A trained model played through the live engine: notes and grain streams rendered by the
// model give the same samples at any block size as the offline render, and the instrument
// and stream behave as the drum machine and OSC server expect.
#include <gtest/gtest.h>

#include <cmath>

#include "ngsynth/live/engine.h"
#include "ngsynth/synth/grain_stream.h"
#include "ngsynth/synth/model_instrument.h"
#include "ngsynth/synth/render.h"
#include "ngsynth/util/error.h"
#include "test_support.h"
#include "trained_model.h"

namespace ngsynth {
namespace {

class LiveModelTest : public ::testing::Test {
 protected:
  void SetUp() override { model_ = test::train_tiny_model(dir_.path(), data_); }
  live::NoteRenderer notes(ModelInstrument& instrument) {
    return [&instrument](const live::NoteRequest& q, std::span<float> out) {
      const std::vector<float> y = instrument.sample_event(q.class_index, q.seed, q.temperature);
      const std::size_t n = std::min(out.size(), y.size());
      std::copy(y.begin(), y.begin() + n, out.begin());
      return static_cast<int>(n);
    };
  }
  test::ScratchDir dir_{"live-model"};
  Dataset data_;
  Model model_;
};

TEST_F(LiveModelTest, InstrumentRendersExactLengthsDeterministically) {
  ModelInstrument instrument(model_);
  EXPECT_EQ(instrument.sample_rate(), 8000);
  const auto a = instrument.sample_event(1, 5, 1.0f);
  EXPECT_EQ(a.size(), std::size_t(instrument.event_frames()));
  EXPECT_EQ(a, instrument.sample_event(1, 5, 1.0f));
  EXPECT_NE(a, instrument.sample_event(1, 6, 1.0f));
  EXPECT_EQ(instrument.sample_path(0, 1234, 3).size(), 1234u);
  EXPECT_EQ(instrument.xy_event(0, 0.5f, -0.5f, 999, 3).size(), 999u);
  const auto m0 = instrument.morph_event(0, 1, 0.0f, 9), m1 = instrument.morph_event(0, 1, 1.0f, 9);
  EXPECT_EQ(m0.size(), std::size_t(instrument.event_frames()));
  EXPECT_NE(m0, m1);
  EXPECT_THROW(instrument.morph_event(0, 1, 1.5f, 9), Error);
}

// The engine's promise with the real model: blocks of 1, 64, 333 and 4096 frames give the
// offline render's samples (notes overlapping, starting inside blocks, more than voices).
TEST_F(LiveModelTest, ModelNotesThroughTheEngineMatchTheOfflineRenderAtAnyBlockSize) {
  ModelInstrument instrument(model_);
  live::EngineOptions o;
  o.sample_rate = instrument.sample_rate();
  o.max_note_frames = instrument.event_frames();
  o.max_voices = 3;
  o.latency_frames = 4096;
  std::vector<live::TimedNote> score;
  for (int i = 0; i < 7; ++i)
    score.push_back({37 + 301 * i, {i % 2, static_cast<uint64_t>(i + 1), 1.0f, 0.8f, 0}});
  const int64_t frames = 4000;
  const std::vector<float> offline = live::render_offline(o, notes(instrument), score, frames);
  double energy = 0;
  for (float v : offline) energy += v * v;
  ASSERT_GT(energy, 1e-6);
  for (int block : {1, 64, 333, 4096}) {
    live::Engine engine(o, notes(instrument));
    for (const auto& n : score) engine.note_at(n.frame, n.request);
    std::vector<float> out(frames);
    for (int64_t at = 0; at < frames; at += block) {
      engine.wait_idle();
      const int64_t len = std::min<int64_t>(block, frames - at);
      engine.process(std::span<float>(out.data() + at, len));
    }
    EXPECT_EQ(engine.underruns(), 0) << block;
    double worst = 0;
    for (int64_t t = 0; t < frames; ++t) worst = std::max(worst, double(std::abs(out[t] - offline[t])));
    EXPECT_LE(worst, 1e-6) << "block " << block;
  }
}

TEST_F(LiveModelTest, GrainStreamsAreDeterministicAndFollowTheirTarget) {
  GrainStream a(model_.vae, 4), b(model_.vae, 4);
  const int hop = a.hop();
  const int z_dim = model_.info.grain.z_dim;
  std::vector<float> z1(z_dim, 0.3f), z2(z_dim, -1.5f);
  std::vector<float> ya(hop * 30), yb(hop * 30);
  for (int k = 0; k < 30; ++k) {
    const auto& z = k < 15 ? z1 : z2;
    a.next(z.data(), class_label(0), ya.data() + k * hop);
    b.next(z.data(), class_label(0), yb.data() + k * hop);
  }
  EXPECT_EQ(ya, yb);
  double energy = 0;
  for (float v : ya) energy += v * v;
  EXPECT_GT(energy, 1e-6);
  a.reset(4);
  std::vector<float> again(hop);
  a.next(z1.data(), class_label(0), again.data());
  EXPECT_TRUE(std::equal(again.begin(), again.end(), ya.begin()));
}

// Streams of the model (XY points) through the engine: any block size, the same samples.
TEST_F(LiveModelTest, ModelStreamsThroughTheEngineAreBlockSizeIndependent) {
  ModelInstrument instrument(model_);
  live::EngineOptions o;
  o.sample_rate = instrument.sample_rate();
  o.max_note_frames = instrument.event_frames();
  o.stream_chunk_frames = model_.info.grain.hop;
  o.latency_frames = 4096;
  o.max_streams = 2;
  std::vector<std::vector<float>> outs;
  for (int block : {4096, 1, 64, 333}) {
    live::Engine engine(o, notes(instrument), instrument.stream_renderer(o.max_streams));
    const float p1[2] = {0.5f, 0.2f}, p2[2] = {-1.0f, 1.0f};
    const int id = engine.start_stream_at(100, p1, 1);
    ASSERT_GE(id, 0);
    engine.set_stream_params_at(id, 1500, p2);
    engine.stop_stream_at(id, 3000);
    std::vector<float> out(3500);
    for (int64_t at = 0; at < 3500; at += block) {
      engine.wait_idle();
      engine.process(std::span<float>(out.data() + at, std::min<int64_t>(block, 3500 - at)));
    }
    EXPECT_EQ(engine.underruns(), 0) << block;
    outs.push_back(out);
  }
  double energy = 0;
  for (float v : outs[0]) energy += v * v;
  EXPECT_GT(energy, 1e-6);
  for (std::size_t i = 1; i < outs.size(); ++i)
    for (std::size_t t = 0; t < outs[0].size(); ++t)
      ASSERT_NEAR(outs[i][t], outs[0][t], 1e-6) << "run " << i << " frame " << t;
}

}  // namespace
}  // namespace ngsynth
