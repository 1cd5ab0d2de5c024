// Reading opens the file itself (regular files only), decodes with sf_readf_float
// (libsndfile scales integer formats to [-1, 1)) in chunks and averages the channels.
// Writing goes through libsndfile's virtual I/O into a memory buffer, which is then
// written atomically: libsndfile seeks back to patch the WAV header, so the buffer
// supports seek and tell as well as write.
#include "ngsynth/audio/audio_file.h"

#include <fcntl.h>
#include <sndfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
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
    case AudioProblem::too_long: return "too long";
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

// A file descriptor closed on scope exit.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

const char* file_type_name(mode_t mode) {
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISDIR(mode)) return "a folder";
  return "not a regular file";
}

// Opens `path` for reading only if it is a regular file. O_NONBLOCK keeps open() from
// waiting for a writer on a FIFO; the type is checked on the open descriptor, so the file
// cannot be swapped between the check and the read.
Fd open_regular(const fs::path& path) {
  Fd f{::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC)};
  if (f.fd < 0) {
    const int err = errno;
    if (err == ENOENT) throw AudioFileError(path, AudioProblem::missing, "no such file");
    throw AudioFileError(path, AudioProblem::unreadable,
                         std::string("cannot open: ") + std::strerror(err));
  }
  struct stat st{};
  if (::fstat(f.fd, &st) != 0)
    throw AudioFileError(path, AudioProblem::unreadable,
                         std::string("cannot open: ") + std::strerror(errno));
  if (S_ISDIR(st.st_mode))
    throw AudioFileError(path, AudioProblem::unreadable, "is a folder, expected a sound file");
  if (!S_ISREG(st.st_mode))
    throw AudioFileError(path, AudioProblem::unreadable,
                         std::string("is ") + file_type_name(st.st_mode) +
                             ", not a regular file; only sound files are read");
  if (st.st_size == 0) throw AudioFileError(path, AudioProblem::empty, "empty file (0 bytes)");
  ::fcntl(f.fd, F_SETFL, ::fcntl(f.fd, F_GETFL) & ~O_NONBLOCK);
  return f;
}

std::string seconds_text(double s) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1f s", s);
  return buf;
}

// Reads every frame, mixing down to mono (mean of the channels) chunk by chunk, so memory
// holds one channel and the header's frame count is never trusted for an allocation.
// Some formats (ogg, truncated files) deliver fewer frames than they report.
std::vector<float> read_mono(SNDFILE* file, const SF_INFO& info, const fs::path& path,
                             sf_count_t max_frames, double max_seconds) {
  const int channels = info.channels;
  const sf_count_t chunk = std::max<sf_count_t>(1, 65536 / channels);
  std::vector<float> interleaved(static_cast<std::size_t>(chunk) * channels);
  std::vector<float> mono;  // reserved for what the header claims, up to 4 M frames
  mono.reserve(static_cast<std::size_t>(std::min<sf_count_t>({info.frames, max_frames, 1 << 22})));
  for (;;) {
    const sf_count_t got = sf_readf_float(file, interleaved.data(), chunk);
    if (got <= 0) break;
    if (static_cast<sf_count_t>(mono.size()) + got > max_frames)
      throw AudioFileError(path, AudioProblem::too_long,
                           "longer than the limit of " + seconds_text(max_seconds));
    for (sf_count_t i = 0; i < got; ++i) {
      double sum = 0;
      for (int c = 0; c < channels; ++c) {
        const float v = interleaved[static_cast<std::size_t>(i * channels + c)];
        if (!std::isfinite(v))
          throw AudioFileError(path, AudioProblem::non_finite,
                               "holds a NaN or infinite sample at frame " +
                                   std::to_string(mono.size()));
        sum += v;
      }
      mono.push_back(channels == 1 ? static_cast<float>(sum) : static_cast<float>(sum / channels));
    }
  }
  if (mono.empty())
    throw AudioFileError(path, AudioProblem::unreadable,
                         std::string("cannot decode audio: ") + sf_strerror(file));
  return mono;
}

// The checks and the decoding of an opened file, read from disk or from memory.
Audio decode_opened(SNDFILE* file, const SF_INFO& info, const fs::path& path, double max_seconds) {
  if (info.channels < 1 || info.samplerate < 1)
    throw AudioFileError(path, AudioProblem::unreadable, "invalid channel count or rate");
  if (info.frames <= 0)
    throw AudioFileError(path, AudioProblem::empty, "holds no audio samples");
  const double limit_frames = std::floor(max_seconds * info.samplerate);
  const auto max_frames = static_cast<sf_count_t>(std::clamp(limit_frames, 1.0, 9.0e18));
  if (info.frames > max_frames)
    throw AudioFileError(path, AudioProblem::too_long,
                         "header claims " + std::to_string(info.frames) + " frames (" +
                             seconds_text(static_cast<double>(info.frames) / info.samplerate) +
                             " at " + std::to_string(info.samplerate) +
                             " Hz), more than the limit of " + seconds_text(max_seconds));
  return Audio{read_mono(file, info, path, max_frames, max_seconds), info.samplerate,
               info.channels};
}

}  // namespace

Audio read_audio(const fs::path& path, double max_seconds) {
  const Fd fd = open_regular(path);
  SF_INFO info{};
  // libsndfile does not close the descriptor; fd does.
  SndfilePtr file(sf_open_fd(fd.fd, SFM_READ, &info, SF_FALSE));
  if (!file)
    throw AudioFileError(path, AudioProblem::unreadable,
                         std::string("cannot read audio: ") + sf_strerror(nullptr));
  return decode_opened(file.get(), info, path, max_seconds);
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

std::string encode_sound(const fs::path& path, std::span<const float> samples, int sample_rate,
                         int major, int subtype) {
  const char* kind = major == SF_FORMAT_FLAC ? "FLAC" : "WAV";
  SF_VIRTUAL_IO io{mem_length, mem_seek, mem_read, mem_write, mem_tell};
  MemoryFile memory;
  SF_INFO info{};
  info.samplerate = sample_rate;
  info.channels = 1;
  info.format = major | subtype;
  SndfilePtr file(sf_open_virtual(&io, SFM_WRITE, &info, &memory));
  if (!file) fail_file(path, std::string("cannot encode ") + kind + ": " + sf_strerror(nullptr));
  // Without clipping, libsndfile wraps out-of-range floats around in integer formats.
  sf_command(file.get(), SFC_SET_CLIPPING, nullptr, SF_TRUE);
  const auto n = static_cast<sf_count_t>(samples.size());
  if (sf_write_float(file.get(), samples.data(), n) != n)
    fail_file(path, std::string("cannot encode ") + kind + ": " + sf_strerror(file.get()));
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
std::string checked_sound(const fs::path& path, std::span<const float> samples, int sample_rate,
                          std::string_view format, int major) {
  if (major == SF_FORMAT_FLAC && format == "float")
    fail_file(path, "FLAC holds integer samples only (valid: pcm16, pcm24)");
  const int subtype = sndfile_subtype(path, format);
  if (sample_rate < 1) fail_file(path, "invalid sample rate " + std::to_string(sample_rate));
  auto bad = std::find_if(samples.begin(), samples.end(),
                          [](float v) { return !std::isfinite(v); });
  if (bad != samples.end())
    fail_file(path, "refusing to write a NaN or infinite sample (index " +
                        std::to_string(bad - samples.begin()) + ")");
  return encode_sound(path, samples, sample_rate, major, subtype);
}
std::string checked_wav(const fs::path& path, std::span<const float> samples, int sample_rate,
                        std::string_view format) {
  return checked_sound(path, samples, sample_rate, format, SF_FORMAT_WAV);
}
}  // namespace

void write_wav(const fs::path& path, std::span<const float> samples, int sample_rate,
               std::string_view format) {
  write_file_atomically(path, checked_wav(path, samples, sample_rate, format));
}

void write_flac(const fs::path& path, std::span<const float> samples, int sample_rate,
                std::string_view format) {
  write_file_atomically(path, checked_sound(path, samples, sample_rate, format, SF_FORMAT_FLAC));
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
  return decode_opened(file.get(), info, name,
                       static_cast<double>(max_frames) / std::max(1, info.samplerate));
}

}  // namespace ngsynth
