#include "ngsynth/model/batcher.h"

#include <algorithm>
#include <cstring>
#include <random>

#include "ngsynth/util/error.h"
#include "ngsynth/util/hash.h"

namespace ngsynth {

torch::Tensor map_labels(const torch::Tensor& labels, const std::vector<int64_t>& map) {
  return torch::tensor(map, torch::kLong).index_select(0, labels);
}

torch::Tensor model_labels(const Dataset& data, const std::vector<std::size_t>& indices,
                           const std::vector<int64_t>& map) {
  torch::Tensor labels = torch::empty({static_cast<int64_t>(indices.size())}, torch::kLong);
  int64_t* l = labels.data_ptr<int64_t>();
  for (std::size_t i = 0; i < indices.size(); ++i) l[i] = map[data.entries[indices[i]].class_index];
  return labels;
}

Batcher::Batcher(const Dataset& data, std::vector<std::size_t> indices, int batch_size,
                 uint64_t seed)
    : data_(data), indices_(std::move(indices)), batch_size_(batch_size), seed_(seed) {
  if (indices_.empty()) throw Error("no events to draw batches from");
}

const std::vector<std::size_t>& Batcher::permutation(int64_t epoch) {
  if (epoch != cached_epoch_) {
    cached_perm_ = indices_;
    std::mt19937_64 rng(mix_seed(seed_, static_cast<uint64_t>(epoch)));
    // Fisher-Yates with our own index draw: std::shuffle's algorithm is not portable.
    for (std::size_t i = cached_perm_.size(); i > 1; --i)
      std::swap(cached_perm_[i - 1], cached_perm_[rng() % i]);
    cached_epoch_ = epoch;
  }
  return cached_perm_;
}

Batch Batcher::at_step(int64_t step) {
  std::vector<std::size_t> picks;
  const auto n = static_cast<int64_t>(indices_.size());
  for (int64_t j = 0; j < batch_size_; ++j) {
    const int64_t k = step * batch_size_ + j;
    picks.push_back(permutation(k / n)[k % n]);
  }
  return gather(picks);
}

std::size_t Batcher::chunk_count() const {
  return (indices_.size() + batch_size_ - 1) / batch_size_;
}

Batch Batcher::chunk(std::size_t k) const {
  const std::size_t begin = k * batch_size_;
  const std::size_t end = std::min(indices_.size(), begin + batch_size_);
  return gather(std::vector<std::size_t>(indices_.begin() + begin, indices_.begin() + end));
}

Batch Batcher::gather(const std::vector<std::size_t>& picks) const {
  const auto b = static_cast<int64_t>(picks.size());
  Batch batch{torch::empty({b, data_.event_length}), torch::empty({b}, torch::kLong),
              torch::empty({b}, torch::kLong)};
  float* audio = batch.audio.data_ptr<float>();
  int64_t* labels = batch.labels.data_ptr<int64_t>();
  int64_t* index = batch.index.data_ptr<int64_t>();
  for (int64_t i = 0; i < b; ++i) {
    std::memcpy(audio + i * data_.event_length, data_.event(picks[i]),
                sizeof(float) * data_.event_length);
    labels[i] = data_.entries[picks[i]].class_index;
    index[i] = static_cast<int64_t>(picks[i]);
  }
  return batch;
}

}  // namespace ngsynth
