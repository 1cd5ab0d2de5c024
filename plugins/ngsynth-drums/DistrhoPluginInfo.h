// DPF's description of ngsynth-drums: a stereo instrument with MIDI in, no audio in, a
// model path and a note map as state, latency reported, and a Cairo UI (drums_ui.cpp;
// hosts may show their generic parameter UI instead).
#pragma once

#define DISTRHO_PLUGIN_BRAND "ngsynth"
#define DISTRHO_PLUGIN_NAME  "ngsynth-drums"
#define DISTRHO_PLUGIN_URI   "urn:ngsynth:drums"
#define DISTRHO_PLUGIN_CLAP_ID "org.ngsynth.drums"
#define DISTRHO_PLUGIN_BRAND_ID Ngsy
#define DISTRHO_PLUGIN_UNIQUE_ID NgDr

#define DISTRHO_PLUGIN_HAS_UI          1
#define DISTRHO_UI_USE_CAIRO           1
#define DISTRHO_PLUGIN_IS_RT_SAFE      1
#define DISTRHO_PLUGIN_IS_SYNTH        1
#define DISTRHO_PLUGIN_NUM_INPUTS      0
#define DISTRHO_PLUGIN_NUM_OUTPUTS     2
#define DISTRHO_PLUGIN_WANT_MIDI_INPUT 1
#define DISTRHO_PLUGIN_WANT_LATENCY    1
#define DISTRHO_PLUGIN_WANT_STATE      1
#define DISTRHO_PLUGIN_WANT_FULL_STATE 1

#define DISTRHO_PLUGIN_LV2_CATEGORY    "lv2:InstrumentPlugin"
#define DISTRHO_PLUGIN_VST3_CATEGORIES "Instrument|Drum|Stereo"
#define DISTRHO_PLUGIN_CLAP_FEATURES   "instrument", "drum-machine", "stereo"
