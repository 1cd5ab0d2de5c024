#include "ngsynth/runtime/tensor_set.h"

#include <cmath>
#include <cstring>

#include "ngsynth/runtime/recurrent_kernels.h"
#include "ngsynth/util/error.h"

namespace ngsynth::rt {

namespace {

std::string shape_text(const std::vector<int64_t>& shape) {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + ")";
}

int64_t element_count(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0 || d > (int64_t(1) << 32)) throw Error("runtime weights: invalid tensor size");
    n *= d;
    if (n > (int64_t(1) << 34)) throw Error("runtime weights: tensor too large");
  }
  return n;
}

template <typename T>
void put(std::string& out, T v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

class Reader {
 public:
  explicit Reader(const std::string& b) : b_(b) {}
  template <typename T>
  T get() {
    T v;
    std::memcpy(&v, take(sizeof v), sizeof v);
    return v;
  }
  const char* take(uint64_t n) {
    if (n > b_.size() - pos_) throw Error("runtime weights are truncated");
    const char* p = b_.data() + pos_;
    pos_ += n;
    return p;
  }
  bool done() const { return pos_ == b_.size(); }

 private:
  const std::string& b_;
  std::size_t pos_ = 0;
};

}  // namespace

void TensorSet::add(std::string name, std::vector<int64_t> shape, std::vector<float> data) {
  if (static_cast<int64_t>(data.size()) != element_count(shape))
    throw Error("runtime weights: tensor " + name + " has " + std::to_string(data.size()) +
                " values for shape " + shape_text(shape));
  if (find(name)) throw Error("runtime weights: tensor " + name + " appears twice");
  tensors_.push_back({std::move(name), std::move(shape), std::move(data)});
}

void TensorSet::add_all(TensorSet other) {
  for (auto& t : other.tensors_) add(std::move(t.name), std::move(t.shape), std::move(t.data));
}

const NamedTensor* TensorSet::find(const std::string& name) const {
  for (const auto& t : tensors_)
    if (t.name == name) return &t;
  return nullptr;
}

const NamedTensor& TensorSet::at(const std::string& name, const std::vector<int64_t>& shape) const {
  const NamedTensor& t = at_rank(name, shape.size());
  if (t.shape != shape)
    throw Error("runtime weights: tensor " + name + " is " + shape_text(t.shape) +
                ", expected " + shape_text(shape));
  return t;
}

const NamedTensor& TensorSet::at_rank(const std::string& name, std::size_t rank) const {
  const NamedTensor* t = find(name);
  if (!t) throw Error("runtime weights: tensor " + name + " is missing");
  if (t->shape.size() != rank)
    throw Error("runtime weights: tensor " + name + " has rank " +
                std::to_string(t->shape.size()) + ", expected " + std::to_string(rank));
  return *t;
}

std::string storage_name(Storage s) { return s == Storage::float16 ? "float16" : "float32"; }

Storage parse_storage(const std::string& name) {
  if (name == "float32") return Storage::float32;
  if (name == "float16") return Storage::float16;
  throw Error("runtime weights: unknown storage \"" + name + "\" (float32 or float16)");
}

std::string tensor_set_bytes(const TensorSet& set, Storage storage) {
  std::string out;
  put<uint32_t>(out, static_cast<uint32_t>(set.size()));
  std::vector<uint16_t> half;
  for (const auto& t : set.tensors()) {
    put<uint32_t>(out, static_cast<uint32_t>(t.name.size()));
    out += t.name;
    put<uint32_t>(out, static_cast<uint32_t>(t.shape.size()));
    for (int64_t d : t.shape) put<int64_t>(out, d);
    if (t.data.empty()) continue;
    if (storage == Storage::float32) {
      out.append(reinterpret_cast<const char*>(t.data.data()), t.data.size() * sizeof(float));
      continue;
    }
    for (float v : t.data)
      if (!(std::fabs(v) <= 65504.0f))
        throw Error("tensor " + t.name + " holds " + std::to_string(v) +
                    ", beyond float16's range: store the weights as float32");
    half.resize(t.data.size());
    to_half(t.data.data(), half.data(), static_cast<int64_t>(half.size()));
    out.append(reinterpret_cast<const char*>(half.data()), half.size() * sizeof(uint16_t));
  }
  return out;
}

TensorSet parse_tensor_set(const std::string& bytes, Storage storage) {
  Reader in(bytes);
  TensorSet set;
  const auto count = in.get<uint32_t>();
  const uint64_t value_size = storage == Storage::float16 ? sizeof(uint16_t) : sizeof(float);
  for (uint32_t i = 0; i < count; ++i) {
    const auto name_size = in.get<uint32_t>();
    if (name_size == 0 || name_size > 256) throw Error("runtime weights: invalid tensor name");
    std::string name(in.take(name_size), name_size);
    const auto rank = in.get<uint32_t>();
    if (rank > 4) throw Error("runtime weights: tensor " + name + " has rank " + std::to_string(rank));
    std::vector<int64_t> shape(rank);
    for (auto& d : shape) d = in.get<int64_t>();
    const int64_t n = element_count(shape);
    // The bytes first: a header claiming a huge tensor is "truncated", not an allocation.
    const char* values = in.take(static_cast<uint64_t>(n) * value_size);
    std::vector<float> data(static_cast<std::size_t>(n));
    if (n == 0) {
      // a tensor with a zero dimension: no values (and data() may be null)
    } else if (storage == Storage::float32) {
      std::memcpy(data.data(), values, n * sizeof(float));
    } else {
      for (int64_t k = 0; k < n; ++k) {
        uint16_t h;
        std::memcpy(&h, values + k * sizeof h, sizeof h);
        data[static_cast<std::size_t>(k)] = half_to_float(h);
      }
    }
    for (float v : data)
      if (!std::isfinite(v)) throw Error("runtime weights: tensor " + name + " holds a non-finite value");
    set.add(std::move(name), std::move(shape), std::move(data));
  }
  if (!in.done()) throw Error("runtime weights have trailing bytes");
  return set;
}

}  // namespace ngsynth::rt
