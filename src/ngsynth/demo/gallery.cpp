// The page is built as one string after every file name is fixed, so the HTML and the
// files cannot disagree; the files are written into the staging folder first and the
// page last. Validation runs before anything is computed, so a bad sound at the end of a
// long description fails in milliseconds rather than after every picture is drawn.
#include "ngsynth/demo/gallery.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <ctime>
#include <sstream>
#include <system_error>
#include <tuple>

#include "ngsynth/audio/audio_file.h"
#include "ngsynth/kit/kit_writer.h"
#include "ngsynth/util/atomic_file.h"
#include "ngsynth/util/error.h"
#include "ngsynth/util/staged_folder.h"

namespace ngsynth::demo {
namespace fs = std::filesystem;

GallerySection& GallerySection::add(std::string caption, std::span<const float> samples,
                                    int sample_rate, std::string note) {
  sounds.push_back({std::move(caption), std::move(note), {},
                    std::vector<float>(samples.begin(), samples.end()), sample_rate});
  return *this;
}

GallerySection& GallerySection::add_pair(const std::string& group, std::string first_caption,
                                         std::span<const float> first, int first_rate,
                                         std::string second_caption,
                                         std::span<const float> second, int second_rate) {
  sounds.push_back({std::move(first_caption), {}, group,
                    std::vector<float>(first.begin(), first.end()), first_rate});
  sounds.push_back({std::move(second_caption), {}, group,
                    std::vector<float>(second.begin(), second.end()), second_rate});
  return *this;
}

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string utc_date_time() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
  return buf;
}

namespace {

constexpr const char* kScaleFile = "scale.png";

// The page's style: light page, dark spectrograms, cards that wrap on narrow screens. The
// sounds of a group stay on one line (input beside output), shrinking in proportion to
// their pictures' widths, so their time axes remain comparable; below 700 px they wrap.
constexpr const char* kCss = R"(
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d1f24;background:#f4f4f6}
header,main,footer{max-width:1320px;margin:0 auto;padding:0 24px}
header{padding-top:24px}
h1{font-size:1.9em;margin:.3em 0}
h2{font-size:1.4em;margin:1.6em 0 .4em;border-bottom:1px solid #d4d4da;padding-bottom:.2em}
h3{font-size:1em;margin:0 0 .4em;color:#4a4d57}
p{max-width:60em}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.15em 1em;margin:1em 0}
dl.facts dt{font-weight:600}
dl.facts dd{margin:0;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em;overflow-wrap:anywhere}
nav ol{columns:2;max-width:40em}
.scale{display:flex;align-items:center;gap:1em;font-size:.9em;color:#4a4d57}
.sounds{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}
.pair{background:#e9e9ee;border-radius:8px;padding:10px;max-width:100%}
.pair .row{display:flex;flex-wrap:nowrap;gap:12px}
.pair figure.sound{flex:0 1 auto;min-width:0}
@media (max-width:700px){.pair .row{flex-wrap:wrap}}
figure{margin:0;max-width:100%}
figure.sound{width:fit-content;background:#fff;border:1px solid #d4d4da;border-radius:6px;padding:8px}
figure.sound img,figure.image img{display:block;max-width:100%;height:auto;border-radius:3px}
figure.sound audio{display:block;width:100%;margin-top:6px}
figcaption{font-size:.9em;margin-top:4px}
figcaption .note{display:block;color:#5d606b}
figcaption .length{color:#7a7d88;margin-left:.5em}
figure.image{margin:1em 0}
table{border-collapse:collapse;margin:1em 0;background:#fff;font-size:.92em}
caption{text-align:left;font-weight:600;padding:.3em 0}
th,td{border:1px solid #d4d4da;padding:.3em .7em;text-align:left}
th{background:#e9e9ee}
td.num{text-align:right;font-variant-numeric:tabular-nums}
footer{color:#5d606b;font-size:.9em;padding-top:2em;padding-bottom:3em}
)";

std::string paragraphs(const std::string& text) {
  std::string out, para;
  std::istringstream in(text);
  std::string line;
  auto flush = [&] {
    if (!para.empty()) out += "<p>" + html_escape(para) + "</p>\n";
    para.clear();
  };
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) {
      flush();
    } else {
      if (!para.empty()) para += '\n';
      para += line;
    }
  }
  flush();
  return out;
}

// A cell that reads as a number ("0.83", "-12.5 dB", "91%") is right-aligned.
bool numeric(const std::string& s) {
  const char* p = s.c_str();
  char* end = nullptr;
  std::strtod(p, &end);
  if (end == p) return false;
  while (*end == ' ') ++end;
  return *end == '\0' || *end == '%' || std::string_view(end).size() <= 3;  // a short unit
}

std::string stem_for(const GallerySound& s) {
  std::string stem = kit::safe_file_stem(s.group.empty() ? s.caption : s.group + " " + s.caption);
  if (stem.size() > 40) stem.resize(40);
  while (!stem.empty() && stem.back() == '_') stem.pop_back();
  return stem.empty() ? "sound" : stem;
}

std::string numbered(int n, int digits, const std::string& stem) {
  std::string number = std::to_string(n);
  if (static_cast<int>(number.size()) < digits) number.insert(0, digits - number.size(), '0');
  return number + "-" + stem;
}

std::string lower_extension(const fs::path& p) {
  std::string e = p.extension().string();
  for (char& c : e) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return e;
}

// Width and height from a PNG's IHDR chunk; Error unless the bytes start like a PNG.
std::pair<int, int> png_size(const std::string& bytes, const fs::path& path) {
  static const std::string kSignature("\x89PNG\r\n\x1a\n", 8);
  if (bytes.size() < 24 || bytes.compare(0, 8, kSignature) != 0 || bytes.compare(12, 4, "IHDR") != 0)
    fail_file(path, "not a PNG file");
  auto be32 = [&](std::size_t at) {
    uint32_t v = 0;
    for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(bytes[at + i]);
    return v;
  };
  const uint32_t w = be32(16), h = be32(20);
  if (w == 0 || h == 0 || w > 1u << 20 || h > 1u << 20) fail_file(path, "PNG header holds a bad size");
  return {static_cast<int>(w), static_cast<int>(h)};
}

void make_folder(const fs::path& p) {
  std::error_code ec;
  if (!fs::create_directory(p, ec) || ec) fail_file(p, "cannot create folder: " + ec.message());
}

struct PlannedSound {
  const GallerySound* sound;
  std::string name;  // NNN-STEM, for sounds/NAME.wav and spectrograms/NAME.png
  int width, height;  // of its spectrogram
};

struct PlannedImage {
  const GalleryImage* image;
  std::string name;   // file name in images/
  std::string bytes;  // the file, read once
  int width = 0, height = 0;  // 0: unknown (SVG)
};

std::string where(const GallerySection& s, std::size_t section) {
  return "gallery: section " + std::to_string(section + 1) + " '" + s.title + "'";
}

void check(const Gallery& g) {
  if (g.title.empty()) throw Error("gallery: the page has no title");
  const auto& formats = wav_formats();
  if (std::find(formats.begin(), formats.end(), g.sample_format) == formats.end())
    throw Error("gallery: unknown sample format '" + g.sample_format + "'");
  for (std::size_t i = 0; i < g.sections.size(); ++i) {
    const GallerySection& s = g.sections[i];
    if (s.title.empty()) throw Error(where(s, i) + ": no title");
    for (const GallerySound& snd : s.sounds) {
      const std::string w = where(s, i) + ", sound '" + snd.caption + "': ";
      if (snd.caption.empty()) throw Error(where(s, i) + ": a sound has no caption");
      if (snd.samples.empty()) throw Error(w + "no samples");
      if (snd.sample_rate <= 0) throw Error(w + "sample rate must be positive");
      for (float x : snd.samples)
        if (!std::isfinite(x)) throw Error(w + "holds a NaN or infinite sample");
    }
    for (const GalleryImage& im : s.images) {
      const std::string e = lower_extension(im.file);
      if (e != ".png" && e != ".svg")
        throw Error(where(s, i) + ", picture " + im.file.string() + ": must be a .png or .svg file");
    }
    for (const GalleryTable& t : s.tables)
      for (const auto& row : t.rows)
        if (!t.header.empty() && row.size() > t.header.size())
          throw Error(where(s, i) + ", table '" + t.caption + "': a row has " +
                      std::to_string(row.size()) + " cells, the header " +
                      std::to_string(t.header.size()));
  }
}

std::string figure_html(const PlannedSound& p) {
  const GallerySound& s = *p.sound;
  char length[32];
  std::snprintf(length, sizeof length, "%.2f s",
                static_cast<double>(s.samples.size()) / s.sample_rate);
  std::string h = "<figure class=\"sound\">";
  h += "<img src=\"spectrograms/" + p.name + ".png\" width=\"" + std::to_string(p.width) +
       "\" height=\"" + std::to_string(p.height) + "\" alt=\"Spectrogram: " +
       html_escape(s.caption) + "\">";
  h += "<audio controls preload=\"none\" src=\"sounds/" + p.name + ".wav\"></audio>";
  h += "<figcaption>" + html_escape(s.caption) + "<span class=\"length\">" + length + "</span>";
  if (!s.note.empty()) h += "<span class=\"note\">" + html_escape(s.note) + "</span>";
  h += "</figcaption></figure>\n";
  return h;
}

std::string table_html(const GalleryTable& t) {
  std::string h = "<table>";
  if (!t.caption.empty()) h += "<caption>" + html_escape(t.caption) + "</caption>";
  if (!t.header.empty()) {
    h += "<thead><tr>";
    for (const auto& c : t.header) h += "<th>" + html_escape(c) + "</th>";
    h += "</tr></thead>";
  }
  h += "<tbody>\n";
  const std::size_t columns = t.header.size();
  for (const auto& row : t.rows) {
    h += "<tr>";
    for (std::size_t c = 0; c < std::max(columns, row.size()); ++c) {
      const std::string cell = c < row.size() ? row[c] : "";
      // The first column names the row (a class); numbers elsewhere are right-aligned.
      h += (c > 0 && numeric(cell) ? "<td class=\"num\">" : "<td>") + html_escape(cell) + "</td>";
    }
    h += "</tr>\n";
  }
  h += "</tbody></table>\n";
  return h;
}

Canvas scale_bar(const SpectrogramOptions& o) {
  Canvas im(300, 30, {244, 244, 246});
  const int x0 = 8, x1 = 292;
  for (int x = x0; x < x1; ++x)
    im.fill_rect(x, 2, 1, 14, spectrogram_colour(static_cast<double>(x - x0) / (x1 - x0 - 1)));
  auto db = [](double v) { return std::to_string(static_cast<int>(std::lround(v))) + " dB"; };
  const Rgb ink{29, 31, 36};
  im.text(x0, 20, db(o.floor_db), ink);
  im.text((x0 + x1) / 2.0, 20, db((o.floor_db + o.ceiling_db) / 2), ink, {}, Align::centre);
  im.text(x1, 20, db(o.ceiling_db), ink, {}, Align::right);
  return im;
}

std::string page_html(const Gallery& g, const std::vector<std::vector<PlannedSound>>& sounds,
                      const std::vector<std::vector<PlannedImage>>& images) {
  std::string h =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>" + html_escape(g.title) + "</title>\n<style>" + kCss + "</style>\n</head>\n<body>\n";
  h += "<header>\n<h1>" + html_escape(g.title) + "</h1>\n" + paragraphs(g.intro);
  if (!g.facts.empty()) {
    h += "<dl class=\"facts\">\n";
    for (const auto& [name, value] : g.facts)
      h += "<dt>" + html_escape(name) + "</dt><dd>" + html_escape(value) + "</dd>\n";
    h += "</dl>\n";
  }
  const SpectrogramOptions& o = g.spectrogram;
  h += std::string("<div class=\"scale\"><img src=\"spectrograms/") + kScaleFile +
       "\" width=\"300\" height=\"30\" alt=\"Colour scale\"><span>Spectrograms: time left to "
       "right, " + (o.scale == FrequencyScale::mel ? "mel" : "linear") +
       " frequency axis from 0 Hz to half the sample rate, level in dB relative to full scale "
       "(the same scale in every picture).</span></div>\n";
  if (!g.sections.empty()) {
    h += "<nav><ol>\n";
    for (std::size_t i = 0; i < g.sections.size(); ++i)
      h += "<li><a href=\"#s" + std::to_string(i + 1) + "\">" + html_escape(g.sections[i].title) +
           "</a></li>\n";
    h += "</ol></nav>\n";
  }
  h += "</header>\n<main>\n";
  for (std::size_t i = 0; i < g.sections.size(); ++i) {
    const GallerySection& s = g.sections[i];
    h += "<section id=\"s" + std::to_string(i + 1) + "\">\n<h2>" + html_escape(s.title) + "</h2>\n" +
         paragraphs(s.text);
    if (!sounds[i].empty()) {
      h += "<div class=\"sounds\">\n";
      const auto& ps = sounds[i];
      for (std::size_t k = 0; k < ps.size();) {
        const std::string& group = ps[k].sound->group;
        if (group.empty()) {
          h += figure_html(ps[k++]);
          continue;
        }
        h += "<div class=\"pair\"><h3>" + html_escape(group) + "</h3><div class=\"row\">\n";
        for (; k < ps.size() && ps[k].sound->group == group; ++k) h += figure_html(ps[k]);
        h += "</div></div>\n";
      }
      h += "</div>\n";
    }
    for (const PlannedImage& p : images[i]) {
      h += "<figure class=\"image\"><img src=\"images/" + p.name + "\"";
      if (p.width > 0)
        h += " width=\"" + std::to_string(p.width) + "\" height=\"" + std::to_string(p.height) + "\"";
      h += " alt=\"" + html_escape(p.image->caption.empty() ? p.name : p.image->caption) + "\">";
      if (!p.image->caption.empty()) h += "<figcaption>" + html_escape(p.image->caption) + "</figcaption>";
      h += "</figure>\n";
    }
    for (const GalleryTable& t : s.tables) h += table_html(t);
    h += "</section>\n";
  }
  h += "</main>\n<footer>Every sound is a WAV file in sounds/ and every spectrogram a PNG file in "
       "spectrograms/ beside this page; the page needs no network.</footer>\n</body>\n</html>\n";
  return h;
}

}  // namespace

GalleryFiles write_gallery(const fs::path& folder, const Gallery& g) {
  check(g);
  // Name everything, read the pictures and size the spectrograms before writing.
  std::size_t total = 0;
  for (const auto& s : g.sections) total += s.sounds.size();
  const int digits = std::max(3, static_cast<int>(std::to_string(total).size()));
  std::vector<std::vector<PlannedSound>> sounds(g.sections.size());
  std::vector<std::vector<PlannedImage>> images(g.sections.size());
  int n_sound = 0, n_image = 0;
  for (std::size_t i = 0; i < g.sections.size(); ++i) {
    for (const GallerySound& snd : g.sections[i].sounds)
      sounds[i].push_back({&snd, numbered(++n_sound, digits, stem_for(snd)),
                           spectrogram_width(snd.samples.size(), snd.sample_rate, g.spectrogram),
                           g.spectrogram.height});
    for (const GalleryImage& im : g.sections[i].images) {
      PlannedImage p{&im, {}, read_file(im.file)};
      const std::string ext = lower_extension(im.file);
      std::string stem = kit::safe_file_stem(im.caption.empty() ? im.file.stem().string() : im.caption);
      if (stem.size() > 40) stem.resize(40);
      p.name = numbered(++n_image, 2, stem) + ext;
      if (ext == ".png") std::tie(p.width, p.height) = png_size(p.bytes, im.file);
      images[i].push_back(std::move(p));
    }
  }

  StagedFolder out(folder, "gallery");
  GalleryFiles files;
  files.folder = out.destination();
  out.fill([&](const fs::path& tmp) {
    make_folder(tmp / "sounds");
    make_folder(tmp / "spectrograms");
    scale_bar(g.spectrogram).save(tmp / "spectrograms" / kScaleFile);
    files.spectrograms.push_back(std::string("spectrograms/") + kScaleFile);
    for (std::size_t i = 0; i < g.sections.size(); ++i) {
      for (const PlannedSound& p : sounds[i]) {
        try {
          write_wav(tmp / "sounds" / (p.name + ".wav"), p.sound->samples, p.sound->sample_rate,
                    g.sample_format);
          draw_spectrogram(p.sound->samples, p.sound->sample_rate, g.spectrogram)
              .save(tmp / "spectrograms" / (p.name + ".png"));
        } catch (const Error& e) {
          throw Error(where(g.sections[i], i) + ", sound '" + p.sound->caption + "': " + e.what());
        }
        files.sounds.push_back("sounds/" + p.name + ".wav");
        files.spectrograms.push_back("spectrograms/" + p.name + ".png");
      }
      for (const PlannedImage& p : images[i]) {
        if (files.images.empty()) make_folder(tmp / "images");
        write_file_atomically(tmp / "images" / p.name, p.bytes);
        files.images.push_back("images/" + p.name);
      }
    }
    write_file_atomically(tmp / "index.html", page_html(g, sounds, images));
  });
  out.commit();
  return files;
}

}  // namespace ngsynth::demo
