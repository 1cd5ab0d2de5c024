// Mini-batches as a pure function of (seed, step): the training events are visited in a
// fresh permutation each epoch, drawn from a generator seeded by (seed, epoch). Resuming
// at step s therefore sees exactly the batches an uninterrupted run would have seen, with
// no sampler state to save.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "ngsynth/data/dataset.h"

namespace ngsynth {

struct Batch {
  torch::Tensor audio;   // (B, event_length)
  torch::Tensor labels;  // (B) int64 class indices
  torch::Tensor index;   // (B) int64 indices of the events in the dataset
};

// Dataset class indices -> model class indices (map[i] is the model index of class i).
torch::Tensor map_labels(const torch::Tensor& labels, const std::vector<int64_t>& map);
// The model class indices of the given events of a dataset: (indices.size()) int64.
torch::Tensor model_labels(const Dataset& data, const std::vector<std::size_t>& indices,
                           const std::vector<int64_t>& map);

class Batcher {
 public:
  Batcher(const Dataset& data, std::vector<std::size_t> indices, int batch_size, uint64_t seed);

  std::size_t size() const { return indices_.size(); }
  // The batch of training step `step`.
  Batch at_step(int64_t step);
  // Consecutive chunks of the indices in order (evaluation): batch k of ceil(size/B).
  Batch chunk(std::size_t k) const;
  std::size_t chunk_count() const;

 private:
  Batch gather(const std::vector<std::size_t>& picks) const;
  const std::vector<std::size_t>& permutation(int64_t epoch);

  const Dataset& data_;
  std::vector<std::size_t> indices_;
  int batch_size_;
  uint64_t seed_;
  int64_t cached_epoch_ = -1;
  std::vector<std::size_t> cached_perm_;
};

}  // namespace ngsynth
