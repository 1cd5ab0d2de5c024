// ngsynth-drums as a VST3 host sees it, through the test's own minimal host over DPF's
// travesty headers (vst3_host.h): the built .vst3 bundle's module loads, lists an
// instrument, reports the CLAP build's latency, and plays note-on events as the runtime's
// hits of their classes at the note frames plus that latency (the same reference as the
// CLAP test). Not covered: the edit controller (parameters), state, a real VST3 host.
#include <gtest/gtest.h>

#include <cstdlib>

#include "plugin_test_support.h"
#include "vst3_host.h"

using namespace ngsynth;

TEST(PluginVst3, TheModuleLoadsAndPlaysNotesAsTheRuntimesHits) {
  ::setenv("NGSYNTH_DRUMS_MODEL", test::model_path().c_str(), 1);
  const std::vector<test::Note> notes = {{1000, 36, 127}, {10000, 38, 127}, {20000, 42, 127}, {30000, 45, 127}};
  const int64_t frames = 40000;
  std::vector<float> got;
  uint32_t latency = 0;
  {
    test::Vst3Host h(NGSYNTH_DRUMS_VST3, 48000, 256);
    EXPECT_EQ(h.class_name(), "ngsynth-drums");
    EXPECT_NE(h.category().find("Instrument"), std::string::npos) << h.category();
    latency = h.latency();
    std::vector<float> l(256), r(256);
    for (int64_t t = 0; t < frames; t += 256) {
      std::vector<test::Vst3Note> ns;
      for (const test::Note& n : notes)
        if (n.frame >= t && n.frame < t + 256) ns.push_back({static_cast<int32_t>(n.frame - t), n.key, 1.0f});
      ASSERT_TRUE(h.process(256, ns, l, r));
      EXPECT_EQ(l, r);
      got.insert(got.end(), l.begin(), l.end());
    }
  }
  ::unsetenv("NGSYNTH_DRUMS_MODEL");
  EXPECT_EQ(latency % 3, 0u);
  EXPECT_GT(latency, 0u);
  test::Reference ref;
  const std::vector<float> want = ref.render(notes, frames, 48000, static_cast<int>(latency / 3));
  const float top = test::peak(want);
  ASSERT_GT(top, 1e-3f);
  float worst = 0;
  for (std::size_t i = 0; i < want.size(); ++i) worst = std::max(worst, std::abs(got[i] - want[i]));
  EXPECT_LT(worst, 1e-5f * top) << "peak " << top;
}
