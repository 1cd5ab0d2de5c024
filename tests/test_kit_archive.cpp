// The kit download's pieces: the zip writer (checked by Info-ZIP's unzip: listing, CRCs,
// contents), the Hydrogen drumkit.xml (read back by ngsynth's own kit reader), and sound
// files decoded from memory as uploads are (the same samples as from disk; a frame limit).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "ngsynth/audio/audio_file.h"
#include "ngsynth/data/hydrogen_kit.h"
#include "ngsynth/serve/kit_archive.h"
#include "ngsynth/util/atomic_file.h"
#include "test_support.h"

namespace ngsynth {
namespace {
namespace fs = std::filesystem;
using test::quote;

TEST(KitArchive, UnzipReadsWhatWasZipped) {
  test::ScratchDir dir("kit-archive");
  std::string binary;
  for (int i = 0; i < 70000; ++i) binary += static_cast<char>((i * 7919) & 0xFF);
  const std::vector<std::pair<std::string, std::string>> files = {
      {"kick.wav", binary}, {"empty.txt", ""}, {"sub/notes.txt", "hello\n"}};
  write_file_atomically(dir / "a.zip", serve::zip_archive(files));
  const auto t = test::run_command("unzip -t " + quote(dir / "a.zip"));
  EXPECT_EQ(t.exit_code, 0) << t.output;
  EXPECT_NE(t.output.find("No errors detected"), std::string::npos) << t.output;
  const auto x = test::run_command("unzip -q " + quote(dir / "a.zip") + " -d " + quote(dir / "out"));
  ASSERT_EQ(x.exit_code, 0) << x.output;
  for (const auto& [name, bytes] : files) EXPECT_EQ(read_file(dir / "out" / name), bytes) << name;
  EXPECT_THROW(serve::zip_archive({{"", "x"}}), Error);
}

TEST(KitArchive, DrumkitXmlIsAHydrogenKit) {
  test::ScratchDir dir("kit-xml");
  std::ofstream(dir / kDrumkitXml)
      << serve::drumkit_xml("my <kit> & co", {{"kick", "kick.wav"}, {"hi\"hat", "hi_hat.wav"}});
  const HydrogenKit kit = load_hydrogen_kit(dir.path());
  EXPECT_EQ(kit.name, "my <kit> & co");
  ASSERT_EQ(kit.instruments.size(), 2u);
  EXPECT_EQ(kit.instruments[1].name, "hi\"hat");
  ASSERT_EQ(kit.instruments[1].samples.size(), 1u);
  EXPECT_EQ(kit.instruments[1].samples[0], dir.path() / "hi_hat.wav");
}

TEST(DecodeAudio, MemoryGivesTheSamplesOfTheFile) {
  test::ScratchDir dir("decode-audio");
  std::vector<float> s(3000);
  for (std::size_t i = 0; i < s.size(); ++i) s[i] = 0.5f * std::sin(0.01f * float(i));
  write_wav(dir / "a.wav", s, 22050, "pcm24");
  const std::string bytes = read_file(dir / "a.wav");
  const Audio m = decode_audio(bytes, "a.wav", 100000), f = read_audio(dir / "a.wav");
  EXPECT_EQ(m.samples, f.samples);
  EXPECT_EQ(m.sample_rate, 22050);
  EXPECT_EQ(wav_bytes(s, 22050, "pcm24"), bytes);
  try {
    decode_audio(bytes, "a.wav", 2999);
    ADD_FAILURE() << "no error";
  } catch (const AudioFileError& e) {
    EXPECT_STREQ(e.what(), "a.wav: 3000 frames, more than the 2999 allowed");
  }
  EXPECT_THROW(decode_audio("RIFF....WAVEjunk", "j.wav", 100000), AudioFileError);
  EXPECT_THROW(decode_audio("", "e.wav", 100000), AudioFileError);
}

}  // namespace
}  // namespace ngsynth
