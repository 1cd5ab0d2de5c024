// Operations on series of grain latents, the "score" a grain VAE plays: resampling in time
// (stretch a sound without changing its pitch, as NSynth users do by resizing embeddings),
// and mixing two series (blend, crossfade). Series are (1, n, z_dim) tensors, one latent
// per grain hop.
#pragma once

#include <torch/torch.h>

#include <vector>

#include "ngsynth/model/grain_vae.h"

namespace ngsynth {

// The series read at fractional grain positions (linear interpolation between the two
// neighbouring grains; positions are clamped to the series): (1, positions.size(), z_dim).
torch::Tensor interpolate_series(const torch::Tensor& z, const std::vector<double>& positions);
// The series resampled to m grains spanning it end to end (first to first, last to last).
torch::Tensor fit_series(const torch::Tensor& z, int64_t m);

// Time-stretch by `factor` (2 = twice as long) without changing pitch: the latent series is
// read at 1/factor grains per hop and rendered with class `label`. The result has exactly
// round(audio.size() * factor) samples; factor 1 is plain resynthesis. Like a resynthesis,
// it keeps the input's loudness (RMS, with the input's peak as a limit).
std::vector<float> stretch(GrainVae& vae, const std::vector<float>& audio, double factor,
                           int label, uint64_t seed);

// Mix of two series: b is fitted to a's length, then (1 - w) a + w b, where w = mix, or,
// with crossfade, w rises linearly from 0 at the first grain to 1 at the last.
torch::Tensor blend_series(const torch::Tensor& a, const torch::Tensor& b, double mix,
                           bool crossfade);
// Blends the latent series of two sounds and renders as many samples as a has.
std::vector<float> blend(GrainVae& vae, const std::vector<float>& a, const std::vector<float>& b,
                         double mix, bool crossfade, int label, uint64_t seed);

}  // namespace ngsynth
