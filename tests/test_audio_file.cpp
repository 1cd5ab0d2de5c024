// Sound file input/output and resampling, on files made here with libsndfile.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <cmath>
#include <fstream>
#include <limits>

#include "dsp_test_util.h"
#include "ngsynth/audio/audio_file.h"
#include "ngsynth/audio/resample.h"
#include "ngsynth/util/atomic_file.h"
#include "test_support.h"

namespace ngsynth {
namespace {
namespace fs = std::filesystem;
using test::ScratchDir;

// The AudioFileError thrown by read_audio(path); fails the test when none is thrown.
AudioFileError read_error(const fs::path& path) {
  try {
    read_audio(path);
  } catch (const AudioFileError& e) {
    return e;
  }
  ADD_FAILURE() << "no error reading " << path;
  return AudioFileError(path, AudioProblem::missing, "none");
}

double max_abs_diff(const std::vector<float>& a, const std::vector<float>& b) {
  double d = 0;
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i)
    d = std::max(d, std::abs(static_cast<double>(a[i]) - b[i]));
  return d;
}

struct FormatCase {
  const char* format;
  double tolerance;  // half a quantisation step plus float rounding
};

class WavRoundTrip : public ::testing::TestWithParam<FormatCase> {};

TEST_P(WavRoundTrip, SamplesAndRateSurvive) {
  ScratchDir dir("audio");
  const auto x = test::sine(440.0, 4410, 44100, 0.7);
  write_wav(dir / "a.wav", x, 44100, GetParam().format);
  const Audio a = read_audio(dir / "a.wav");
  EXPECT_EQ(a.sample_rate, 44100);
  EXPECT_EQ(a.channels, 1);
  ASSERT_EQ(a.samples.size(), x.size());
  EXPECT_LE(max_abs_diff(a.samples, x), GetParam().tolerance);
}

INSTANTIATE_TEST_SUITE_P(Formats, WavRoundTrip,
                         ::testing::Values(FormatCase{"pcm16", 1.0 / 32768 + 1e-7},
                                           FormatCase{"pcm24", 1.0 / 8388608 + 1e-7},
                                           FormatCase{"float", 0.0}),
                         [](const auto& info) { return std::string(info.param.format); });

TEST(AudioFile, Pcm16IsCoarserThanPcm24) {
  // Guards the tolerances above: if both formats stored floats, this would fail.
  ScratchDir dir("audio");
  const auto x = test::sine(440.0, 4410, 44100, 0.7);
  write_wav(dir / "16.wav", x, 44100, "pcm16");
  write_wav(dir / "24.wav", x, 44100, "pcm24");
  EXPECT_GT(max_abs_diff(read_audio(dir / "16.wav").samples, x), 1e-6);
  EXPECT_LT(max_abs_diff(read_audio(dir / "24.wav").samples, x), 1e-6);
}

TEST(AudioFile, PcmOutputClipsInsteadOfWrapping) {
  ScratchDir dir("audio");
  write_wav(dir / "loud.wav", std::vector<float>{1.5f, -1.5f, 0.25f}, 8000, "pcm16");
  const Audio a = read_audio(dir / "loud.wav");
  EXPECT_NEAR(a.samples[0], 1.0, 1e-4);  // wrapped, it would be negative
  EXPECT_NEAR(a.samples[1], -1.0, 1e-4);
  EXPECT_NEAR(a.samples[2], 0.25, 1e-4);
}

TEST(AudioFile, StereoIsMixedToTheMeanOfTheChannels) {
  ScratchDir dir("audio");
  std::vector<float> interleaved;
  for (int i = 0; i < 1000; ++i) {
    interleaved.push_back(0.5f);              // left: constant
    interleaved.push_back(i % 2 ? 0.25f : -0.25f);  // right: alternating
  }
  test::write_sound(dir / "st.wav", interleaved, 48000, 2, SF_FORMAT_WAV | SF_FORMAT_FLOAT);
  const Audio a = read_audio(dir / "st.wav");
  EXPECT_EQ(a.channels, 2);
  EXPECT_EQ(a.sample_rate, 48000);
  ASSERT_EQ(a.samples.size(), 1000u);
  EXPECT_FLOAT_EQ(a.samples[0], 0.125f);  // (0.5 - 0.25) / 2, exact in float
  EXPECT_FLOAT_EQ(a.samples[1], 0.375f);  // (0.5 + 0.25) / 2
}

TEST(AudioFile, ReadsFlacAndAiff) {
  ScratchDir dir("audio");
  const auto x = test::sine(1000.0, 2000, 22050, 0.5);
  test::write_sound(dir / "a.flac", x, 22050, 1, SF_FORMAT_FLAC | SF_FORMAT_PCM_16);
  test::write_sound(dir / "a.aiff", x, 22050, 1, SF_FORMAT_AIFF | SF_FORMAT_PCM_24);
  EXPECT_LE(max_abs_diff(read_audio(dir / "a.flac").samples, x), 1.0 / 32768 + 1e-7);
  EXPECT_LE(max_abs_diff(read_audio(dir / "a.aiff").samples, x), 1.0 / 8388608 + 1e-7);
}

TEST(AudioFile, ResamplingKeepsASinesFrequency) {
  // 1 kHz for 1 s at 44.1 kHz -> 16 kHz: 16000 samples (+-2) and 2000 zero crossings
  // (+-2; a frequency error of 0.1 % would already shift it by 2).
  const auto x = test::sine(1000.0, 44100, 44100, 0.5);
  const auto y = resample(x, 44100, 16000);
  EXPECT_NEAR(static_cast<double>(y.size()), 16000.0, 2.0);
  EXPECT_NEAR(static_cast<double>(test::zero_crossings(y)), 2000.0, 2.0);
  // Level kept within 0.1 dB away from the edges (pass band of the sinc filter).
  const double level = test::rms(y.data() + 1000, 14000) / (0.5 / std::sqrt(2.0));
  EXPECT_NEAR(20 * std::log10(level), 0.0, 0.1);
}

TEST(AudioFile, ResamplingRemovesWhatTheNewRateCannotHold) {
  // 12 kHz is above the 8 kHz Nyquist limit of 16 kHz: it must be filtered out (< -60 dB),
  // not folded back to 4 kHz.
  const auto x = test::sine(12000.0, 44100, 44100, 0.5);
  const auto y = resample(x, 44100, 16000);
  const double level = test::rms(y.data() + 1000, 14000) / (0.5 / std::sqrt(2.0));
  EXPECT_LT(20 * std::log10(level + 1e-12), -60.0);
}

TEST(AudioFile, ResamplingAtTheSameRateIsACopy) {
  const auto x = test::sine(300.0, 777, 16000);
  EXPECT_EQ(resample(x, 16000, 16000), x);
  EXPECT_THROW(resample(x, 0, 16000), Error);
}

TEST(AudioFile, MissingFileIsNamed) {
  ScratchDir dir("audio");
  const AudioFileError e = read_error(dir / "nothing.wav");
  EXPECT_EQ(e.problem(), AudioProblem::missing);
  EXPECT_NE(std::string(e.what()).find((dir / "nothing.wav").string()), std::string::npos);
}

TEST(AudioFile, ZeroLengthFilesAreEmpty) {
  ScratchDir dir("audio");
  write_file_atomically(dir / "zero.wav", "");  // 0 bytes
  EXPECT_EQ(read_error(dir / "zero.wav").problem(), AudioProblem::empty);
  test::write_sound(dir / "noframes.wav", {}, 16000, 1, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
  const AudioFileError e = read_error(dir / "noframes.wav");
  EXPECT_EQ(e.problem(), AudioProblem::empty);
  EXPECT_NE(std::string(e.what()).find("noframes.wav"), std::string::npos) << e.what();
}

TEST(AudioFile, NonAudioFileIsUnreadable) {
  ScratchDir dir("audio");
  write_file_atomically(dir / "notes.wav", "these are not the samples you are looking for\n");
  const AudioFileError e = read_error(dir / "notes.wav");
  EXPECT_EQ(e.problem(), AudioProblem::unreadable);
  EXPECT_NE(std::string(e.what()).find("notes.wav"), std::string::npos) << e.what();
}

TEST(AudioFile, NanAndInfSamplesAreRejectedWithTheirFrame) {
  ScratchDir dir("audio");
  std::vector<float> x(100, 0.1f);
  x[42] = std::numeric_limits<float>::quiet_NaN();
  test::write_sound(dir / "nan.wav", x, 16000, 1, SF_FORMAT_WAV | SF_FORMAT_FLOAT);
  const AudioFileError e = read_error(dir / "nan.wav");
  EXPECT_EQ(e.problem(), AudioProblem::non_finite);
  EXPECT_NE(std::string(e.what()).find("nan.wav"), std::string::npos);
  EXPECT_NE(std::string(e.what()).find("frame 42"), std::string::npos) << e.what();
  x[42] = 0.1f;
  x[7] = std::numeric_limits<float>::infinity();
  test::write_sound(dir / "inf.wav", x, 16000, 1, SF_FORMAT_WAV | SF_FORMAT_FLOAT);
  EXPECT_EQ(read_error(dir / "inf.wav").problem(), AudioProblem::non_finite);
}

TEST(AudioFile, WriteRefusesNanAndKeepsTheOldFile) {
  ScratchDir dir("audio");
  write_wav(dir / "out.wav", std::vector<float>(10, 0.5f), 16000, "float");
  std::vector<float> bad(10, 0.1f);
  bad[3] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_THROW(write_wav(dir / "out.wav", bad, 16000, "float"), Error);
  EXPECT_EQ(read_audio(dir / "out.wav").samples, std::vector<float>(10, 0.5f));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1);
}

TEST(AudioFile, WriteRejectsUnknownFormatsAndRates) {
  ScratchDir dir("audio");
  const std::vector<float> x(10, 0.1f);
  try {
    write_wav(dir / "x.wav", x, 16000, "mp3");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("mp3"), std::string::npos) << e.what();
  }
  EXPECT_THROW(write_wav(dir / "x.wav", x, 0, "pcm16"), Error);
  EXPECT_FALSE(fs::exists(dir / "x.wav"));
}

// A FIFO, a character device or a socket is never opened for decoding: open() would wait
// for a writer, and /dev/urandom never ends.
TEST(AudioFile, OnlyRegularFilesAreRead) {
  ScratchDir dir("audio");
  ASSERT_EQ(::mkfifo((dir / "fifo.wav").c_str(), 0600), 0);
  const AudioFileError fifo = read_error(dir / "fifo.wav");  // returns at once, no writer needed
  EXPECT_EQ(fifo.problem(), AudioProblem::unreadable);
  EXPECT_NE(fifo.detail().find("is a FIFO, not a regular file"), std::string::npos) << fifo.what();
  const AudioFileError dev = read_error("/dev/urandom");
  EXPECT_NE(dev.detail().find("is a character device"), std::string::npos) << dev.what();
  EXPECT_EQ(read_error(dir.path()).detail(), "is a folder, expected a sound file");
  // A link to a regular file is fine.
  test::write_test_wav(dir / "a.wav", test::sine(440.0, 1000, 16000), 16000);
  std::filesystem::create_symlink(dir / "a.wav", dir / "link.wav");
  EXPECT_EQ(read_audio(dir / "link.wav").samples.size(), 1000u);
}

// A FLAC file whose STREAMINFO claims 2^36 - 1 frames: a clear error naming the file and
// the claim, not std::bad_alloc; and a real file over the limit is refused while reading.
TEST(AudioFile, HugeClaimedOrRealLengthsAreRefused) {
  ScratchDir dir("audio");
  test::write_sound(dir / "a.flac", test::sine(440.0, 4000, 16000), 16000, 1,
                    SF_FORMAT_FLAC | SF_FORMAT_PCM_16);
  std::string bytes = read_file(dir / "a.flac");
  ASSERT_EQ(bytes.substr(0, 4), "fLaC");
  // STREAMINFO starts at byte 8; its 36-bit total-samples field ends at byte 25.
  bytes[21] = static_cast<char>(bytes[21] | 0x0f);
  for (int i = 22; i < 26; ++i) bytes[i] = static_cast<char>(0xff);
  write_file_atomically(dir / "huge.flac", bytes);
  const AudioFileError huge = read_error(dir / "huge.flac");
  EXPECT_EQ(huge.problem(), AudioProblem::too_long);
  EXPECT_NE(std::string(huge.what()).find("huge.flac: header claims 68719476735 frames"),
            std::string::npos) << huge.what();
  EXPECT_NE(huge.detail().find("more than the limit of 600.0 s"), std::string::npos) << huge.what();

  EXPECT_EQ(read_audio(dir / "a.flac", 0.25).samples.size(), 4000u);
  try {
    read_audio(dir / "a.flac", 0.2);
    ADD_FAILURE() << "no error";
  } catch (const AudioFileError& e) {
    EXPECT_EQ(e.problem(), AudioProblem::too_long);
    EXPECT_NE(e.detail().find("limit of 0.2 s"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace ngsynth
