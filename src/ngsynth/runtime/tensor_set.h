// Named float32 tensors (name, shape, data): a model's weights as they travel in a model
// file, readable without LibTorch. Bytes (little-endian): u32 count, then per tensor u32
// name length, name, u32 rank, i64 dims, values (row-major) stored as float32 or as IEEE
// float16 (half the bytes; the storage is recorded beside the bytes, in the file's header).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ngsynth::rt {

struct NamedTensor {
  std::string name;
  std::vector<int64_t> shape;
  std::vector<float> data;  // product of shape values
};

class TensorSet {
 public:
  void add(std::string name, std::vector<int64_t> shape, std::vector<float> data);
  // Every tensor of `other` (names must not repeat).
  void add_all(TensorSet other);
  bool empty() const { return tensors_.empty(); }
  std::size_t size() const { return tensors_.size(); }
  const std::vector<NamedTensor>& tensors() const { return tensors_; }
  bool contains(const std::string& name) const { return find(name) != nullptr; }
  const NamedTensor* find(const std::string& name) const;
  // The tensor `name` with exactly `shape`; Error naming the tensor otherwise.
  const NamedTensor& at(const std::string& name, const std::vector<int64_t>& shape) const;
  // The tensor `name` of rank `rank` (any sizes); Error naming the tensor otherwise.
  const NamedTensor& at_rank(const std::string& name, std::size_t rank) const;

 private:
  std::vector<NamedTensor> tensors_;
};

enum class Storage { float32, float16 };
// "float32" / "float16"; Error naming the text for anything else.
std::string storage_name(Storage s);
Storage parse_storage(const std::string& name);

// float16: Error naming the tensor when a value lies beyond float16's range (65504).
std::string tensor_set_bytes(const TensorSet& set, Storage storage = Storage::float32);
// Error ("runtime weights: ...") when the bytes are truncated, trailing or malformed.
TensorSet parse_tensor_set(const std::string& bytes, Storage storage = Storage::float32);

}  // namespace ngsynth::rt
