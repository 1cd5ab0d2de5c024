// Reading decodes with sf_readf_float (libsndfile scales integer formats to [-1, 1)) and
// averages the channels. Writing goes through libsndfile's virtual I/O into a memory
// buffer, which is then written atomically: libsndfile seeks back to patch the WAV header,
// so the buffer supports seek and tell as well as write.
#include "ngsynth/audio/audio_file.h"

#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>

#include "ngsynth/util/atomic_file.h"

namespace ngsynth {
namespace fs = std::filesystem;

const char* problem_name(AudioProblem p) {
  switch (p) {
    case AudioProblem::missing: return "missing";
    case AudioProblem::unreadable: return "unreadable";
    case AudioProblem::empty: return "empty";
    case AudioProblem::non_finite: return "non-finite";
  }
  return "?";
}

AudioFileError::AudioFileError(const fs::path& path, AudioProblem problem,
                               const std::string& detail)
    : Error(path.string() + ": " + detail), problem_(problem), detail_(detail) {}

namespace {

struct SndfileCloser {
  void operator()(SNDFILE* f) const { sf_close(f); }
};
using SndfilePtr = std::unique_ptr<SNDFILE, SndfileCloser>;

// Reads all frames; interleaved.
std::vector<float> read_frames(SNDFILE* file, const SF_INFO& info, const fs::path& path) {
  std::vector<float> interleaved(static_cast<std::size_t>(info.frames) * info.channels);
  const sf_count_t got = sf_readf_float(file, interleaved.data(), info.frames);
  if (got <= 0)
    throw AudioFileError(path, AudioProblem::unreadable,
                         std::string("cannot decode audio: ") + sf_strerror(file));
  // Some formats (ogg, truncated files) report more frames than they deliver.
  interleaved.resize(static_cast<std::size_t>(got) * info.channels);
  return interleaved;
}

std::vector<float> mix_down(const std::vector<float>& interleaved, int channels) {
  if (channels == 1) return interleaved;
  const std::size_t frames = interleaved.size() / channels;
  std::vector<float> mono(frames);
  for (std::size_t i = 0; i < frames; ++i) {
    double sum = 0;
    for (int c = 0; c < channels; ++c) sum += interleaved[i * channels + c];
    mono[i] = static_cast<float>(sum / channels);
  }
  return mono;
}

void check_finite(const std::vector<float>& interleaved, int channels, const fs::path& path) {
  auto bad = std::find_if(interleaved.begin(), interleaved.end(),
                          [](float v) { return !std::isfinite(v); });
  if (bad != interleaved.end()) {
    const auto frame = (bad - interleaved.begin()) / channels;
    throw AudioFileError(path, AudioProblem::non_finite,
                         "holds a NaN or infinite sample at frame " + std::to_string(frame));
  }
}


// The checks and the decoding of an opened file, read from disk or from memory.
Audio decode_opened(SNDFILE* file, const SF_INFO& info, const fs::path& path) {
  if (info.channels < 1 || info.samplerate < 1)
    throw AudioFileError(path, AudioProblem::unreadable, "invalid channel count or rate");
  if (info.frames <= 0)
    throw AudioFileError(path, AudioProblem::empty, "holds no audio samples");
  const std::vector<float> interleaved = read_frames(file, info, path);
  check_finite(interleaved, info.channels, path);
  return Audio{mix_down(interleaved, info.channels), info.samplerate, info.channels};
}

}  // namespace

Audio read_audio(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw AudioFileError(path, AudioProblem::missing, "no such file");
  if (fs::is_directory(path, ec))
    throw AudioFileError(path, AudioProblem::unreadable, "is a folder, expected a sound file");
  if (fs::file_size(path, ec) == 0 && !ec)
    throw AudioFileError(path, AudioProblem::empty, "empty file (0 bytes)");

  SF_INFO info{};
  SndfilePtr file(sf_open(path.c_str(), SFM_READ, &info));
  if (!file)
    throw AudioFileError(path, AudioProblem::unreadable,
                         std::string("cannot read audio: ") + sf_strerror(nullptr));
  return decode_opened(file.get(), info, path);
}

// ---- writing ------------------------------------------------------------------------

namespace {

// A growable in-memory file for sf_open_virtual.
struct MemoryFile {
  std::string bytes;
  sf_count_t pos = 0;
};

sf_count_t mem_length(void* user) { return static_cast<MemoryFile*>(user)->bytes.size(); }

sf_count_t mem_seek(sf_count_t offset, int whence, void* user) {
  auto* m = static_cast<MemoryFile*>(user);
  const sf_count_t base = whence == SEEK_CUR ? m->pos
                          : whence == SEEK_END ? static_cast<sf_count_t>(m->bytes.size())
                                               : 0;
  m->pos = std::max<sf_count_t>(0, base + offset);
  return m->pos;
}

sf_count_t mem_read(void* ptr, sf_count_t count, void* user) {
  auto* m = static_cast<MemoryFile*>(user);
  const sf_count_t size = static_cast<sf_count_t>(m->bytes.size());
  const sf_count_t n = std::clamp<sf_count_t>(size - m->pos, 0, count);
  std::memcpy(ptr, m->bytes.data() + m->pos, static_cast<std::size_t>(n));
  m->pos += n;
  return n;
}

sf_count_t mem_write(const void* ptr, sf_count_t count, void* user) {
  auto* m = static_cast<MemoryFile*>(user);
  const auto end = static_cast<std::size_t>(m->pos + count);
  if (end > m->bytes.size()) m->bytes.resize(end);
  std::memcpy(m->bytes.data() + m->pos, ptr, static_cast<std::size_t>(count));
  m->pos += count;
  return count;
}

sf_count_t mem_tell(void* user) { return static_cast<MemoryFile*>(user)->pos; }

int sndfile_subtype(const fs::path& path, std::string_view format) {
  if (format == "pcm16") return SF_FORMAT_PCM_16;
  if (format == "pcm24") return SF_FORMAT_PCM_24;
  if (format == "float") return SF_FORMAT_FLOAT;
  fail_file(path, "unknown WAV format '" + std::string(format) + "' (valid: pcm16, pcm24, float)");
}

std::string encode_wav(const fs::path& path, std::span<const float> samples, int sample_rate,
                       int subtype) {
  SF_VIRTUAL_IO io{mem_length, mem_seek, mem_read, mem_write, mem_tell};
  MemoryFile memory;
  SF_INFO info{};
  info.samplerate = sample_rate;
  info.channels = 1;
  info.format = SF_FORMAT_WAV | subtype;
  SndfilePtr file(sf_open_virtual(&io, SFM_WRITE, &info, &memory));
  if (!file) fail_file(path, std::string("cannot encode WAV: ") + sf_strerror(nullptr));
  // Without clipping, libsndfile wraps out-of-range floats around in integer formats.
  sf_command(file.get(), SFC_SET_CLIPPING, nullptr, SF_TRUE);
  const auto n = static_cast<sf_count_t>(samples.size());
  if (sf_write_float(file.get(), samples.data(), n) != n)
    fail_file(path, std::string("cannot encode WAV: ") + sf_strerror(file.get()));
  file.reset();  // sf_close writes the final header sizes
  return std::move(memory.bytes);
}

}  // namespace

const std::vector<std::string>& wav_formats() {
  static const std::vector<std::string> formats = {"pcm16", "pcm24", "float"};
  return formats;
}

namespace {
// The checks of write_wav, then the encoding; errors name `path`.
std::string checked_wav(const fs::path& path, std::span<const float> samples, int sample_rate,
                        std::string_view format) {
  const int subtype = sndfile_subtype(path, format);
  if (sample_rate < 1) fail_file(path, "invalid sample rate " + std::to_string(sample_rate));
  auto bad = std::find_if(samples.begin(), samples.end(),
                          [](float v) { return !std::isfinite(v); });
  if (bad != samples.end())
    fail_file(path, "refusing to write a NaN or infinite sample (index " +
                        std::to_string(bad - samples.begin()) + ")");
  return encode_wav(path, samples, sample_rate, subtype);
}
}  // namespace

void write_wav(const fs::path& path, std::span<const float> samples, int sample_rate,
               std::string_view format) {
  write_file_atomically(path, checked_wav(path, samples, sample_rate, format));
}

std::string wav_bytes(std::span<const float> samples, int sample_rate, std::string_view format) {
  return checked_wav("(WAV in memory)", samples, sample_rate, format);
}

Audio decode_audio(std::string_view bytes, const std::string& name, int64_t max_frames) {
  if (bytes.empty()) throw AudioFileError(name, AudioProblem::empty, "empty file (0 bytes)");
  SF_VIRTUAL_IO io{mem_length, mem_seek, mem_read, mem_write, mem_tell};
  MemoryFile memory{std::string(bytes), 0};
  SF_INFO info{};
  SndfilePtr file(sf_open_virtual(&io, SFM_READ, &info, &memory));
  if (!file)
    throw AudioFileError(name, AudioProblem::unreadable,
                         std::string("not a sound file libsndfile can read: ") + sf_strerror(nullptr));
  if (info.channels > 64)
    throw AudioFileError(name, AudioProblem::unreadable,
                         std::to_string(info.channels) + " channels (at most 64)");
  if (info.frames > max_frames)
    throw AudioFileError(name, AudioProblem::unreadable,
                         std::to_string(info.frames) + " frames, more than the " +
                             std::to_string(max_frames) + " allowed");
  return decode_opened(file.get(), info, name);
}

}  // namespace ngsynth
