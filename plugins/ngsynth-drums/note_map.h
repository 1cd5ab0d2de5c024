// Which drum class a MIDI note plays. The default is the General MIDI percussion map
// folded onto ngsynth's class names (35/36 kick, 38/40 snare, 37/39 clap, 42/44/46 hihat,
// 41/43/45/47/48/50 tom, 49/52/55/57 crash, 51/53/59 ride, every other note perc; note
// 84, above the GM drum notes, is the pad); the
// map is part of the plugin state as text, one "note=class" pair per word:
//   "35=kick 36=kick 38=snare ... default=perc pad=84"
// "default" names the class of every unlisted note ("" or "none": unlisted notes are
// silent) and "pad" the note that plays the continuous grain stream (-1: none).
#pragma once

#include <array>
#include <string>
#include <vector>

namespace ngsynth::drums {

struct NoteMap {
  std::array<std::string, 128> classes;  // class name per note, "" = silent
  int pad_note = -1;

  static NoteMap general_midi();
  // Error naming the word ("note map: '12=': ...") when the text is malformed.
  static NoteMap parse(const std::string& text);
  // The text parse() reads back; unlisted notes take the most frequent name as "default".
  std::string to_string() const;

  // Note -> index into `model_classes`: the mapped name if the model has it, else the
  // model's "perc" class, else -1 (the note is silent). The pad note maps to -1.
  std::array<int, 128> resolve(const std::vector<std::string>& model_classes) const;
};

}  // namespace ngsynth::drums
