// The demo gallery (`ngsynth demo -o DIR`): one self-contained HTML page of sounds in the
// spirit of the paper's companion page, written from a description the caller fills in
// (the demo command, from a model). Every sound gets a WAV file, a spectrogram picture
// (plot/spectrogram.h) and an <audio> player beside it; sounds that share a group label
// (an input and its resynthesis, the ends and middle of a morph) are shown side by side
// in one row. Pictures the caller made (the latent map) are copied in and tables (the
// class fidelity table) written as HTML tables.
//
// The page has inline CSS, no script and no external reference, so it works offline from
// the folder (file://) or from any static web server. Every string from the caller is
// HTML-escaped. The folder is written all or nothing (util/staged_folder.h).
//
//   DIR/index.html
//   DIR/sounds/NNN-STEM.wav           NNN numbers the sounds in page order
//   DIR/spectrograms/NNN-STEM.png     same name as the sound; scale.png: the colour bar
//   DIR/images/MM-STEM.png|.svg       the caller's pictures
#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "ngsynth/plot/spectrogram.h"

namespace ngsynth::demo {

struct GallerySound {
  std::string caption;  // under the player, and the spectrogram's alt text
  std::string note;     // optional second line (e.g. "heard as: snare")
  // Consecutive sounds of a section with the same non-empty group form one row, titled
  // with the group ("snare 2": input, reconstruction).
  std::string group;
  std::vector<float> samples;  // mono
  int sample_rate = 0;
};

struct GalleryImage {
  std::filesystem::path file;  // a .png or .svg file, copied into DIR/images/
  std::string caption;         // below the picture, and its alt text
};

struct GalleryTable {
  std::string caption;
  std::vector<std::string> header;             // may be empty
  std::vector<std::vector<std::string>> rows;  // no row longer than the header
};

struct GallerySection {
  std::string title;
  std::string text;  // explanation; a blank line starts a new paragraph
  std::vector<GallerySound> sounds;
  std::vector<GalleryImage> images;
  std::vector<GalleryTable> tables;

  // Conveniences for the common shapes.
  GallerySection& add(std::string caption, std::span<const float> samples, int sample_rate,
                      std::string note = {});
  // Two sounds in one row: "input beside output".
  GallerySection& add_pair(const std::string& group, std::string first_caption,
                           std::span<const float> first, int first_rate,
                           std::string second_caption, std::span<const float> second,
                           int second_rate);
};

struct Gallery {
  std::string title;
  std::string intro;  // paragraphs, as GallerySection::text
  // Name/value lines under the intro: model, classes, command line, date ...
  std::vector<std::pair<std::string, std::string>> facts;
  std::vector<GallerySection> sections;
  SpectrogramOptions spectrogram;     // for every sound's picture
  std::string sample_format = "pcm16";  // of the WAV files (write_wav's formats)
};

// What write_gallery wrote, relative to the folder.
struct GalleryFiles {
  std::filesystem::path folder;  // absolute
  std::vector<std::string> sounds, spectrograms, images;
};

// Checks the description (a title; every sound non-empty, finite, at a positive rate;
// every picture an existing .png or .svg file, a PNG one with a PNG header; no table row
// longer than its header), then writes the page and its files into `folder`. Refuses, with
// an Error naming the path, a folder that exists and is not empty; parent folders are
// created. On any error nothing is left behind. Errors name the section and item.
GalleryFiles write_gallery(const std::filesystem::path& folder, const Gallery& gallery);

// Text for HTML element content and quoted attribute values: & < > " ' escaped.
std::string html_escape(std::string_view s);

// The current time as "YYYY-MM-DD HH:MM UTC", for the page's facts.
std::string utc_date_time();

}  // namespace ngsynth::demo
