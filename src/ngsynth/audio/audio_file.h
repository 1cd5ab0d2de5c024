// Sound file input and output through libsndfile. Reading accepts every format libsndfile
// decodes (wav, flac, aiff, ogg, ...) and mixes the channels down to one, because the
// model works on mono events. Writing produces WAV (or FLAC, for kits), atomically (the file is encoded
// in memory, then handed to write_file_atomically), so an interrupted run never leaves a
// half-written sound under the final name.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ngsynth/util/error.h"

namespace ngsynth {

// Mono samples at their file's native rate.
struct Audio {
  std::vector<float> samples;
  int sample_rate = 0;
  int channels = 0;  // channel count of the file before the mix-down
};

// What went wrong with a sound file; prepare uses it to sort rejected files by cause.
enum class AudioProblem { missing, unreadable, empty, non_finite, too_long };
// "missing", "unreadable", "empty", "non-finite", "too long"
const char* problem_name(AudioProblem p);

// An Error ("PATH: what") that also says which kind of problem it was.
class AudioFileError : public Error {
 public:
  AudioFileError(const std::filesystem::path& path, AudioProblem problem,
                 const std::string& detail);
  AudioProblem problem() const { return problem_; }
  const std::string& detail() const { return detail_; }  // the message without the path

 private:
  AudioProblem problem_;
  std::string detail_;
};

// The longest sound read_audio accepts unless told otherwise (10 minutes).
inline constexpr double kDefaultMaxSoundSeconds = 600.0;

// Reads a sound file and mixes it to mono (mean of the channels). Only regular files are
// opened (a FIFO or device would block or never end). Throws AudioFileError naming the
// path when the file is missing, is not a regular file, cannot be decoded, holds no
// samples, is (or claims to be) longer than max_seconds, or holds a NaN or infinite sample.
Audio read_audio(const std::filesystem::path& path,
                 double max_seconds = kDefaultMaxSoundSeconds);

// Decodes a sound file held in memory (an upload), the same way. `name` stands for the
// path in errors. A file that declares more than max_frames frames or more than 64
// channels is refused before anything is allocated for its samples.
Audio decode_audio(std::string_view bytes, const std::string& name, int64_t max_frames);

// Writes mono samples as a WAV file. format: "pcm16", "pcm24" or "float". PCM output is
// clipped to [-1, 1]. Throws Error naming the path for an unknown format, a bad sample
// rate, a non-finite sample, or any write failure; an existing file survives a failure.
void write_wav(const std::filesystem::path& path, std::span<const float> samples,
               int sample_rate, std::string_view format = "pcm16");

// Writes mono samples as a FLAC file (lossless), the same way; format "pcm16" or "pcm24"
// (FLAC has no float samples). The rate must be one FLAC can hold (up to 655350 Hz).
void write_flac(const std::filesystem::path& path, std::span<const float> samples,
                int sample_rate, std::string_view format = "pcm16");

// The bytes write_wav would write (for sending rather than saving); Error for a bad
// format, rate or sample.
std::string wav_bytes(std::span<const float> samples, int sample_rate,
                      std::string_view format = "pcm16");

// The formats write_wav accepts, for help texts and validation.
const std::vector<std::string>& wav_formats();

}  // namespace ngsynth
