#pragma once
// FNV-1a, 64 bits, over bytes: checksums of checkpoint contents and of input data.
#include <cstddef>
#include <cstdint>

namespace msflow {

class Checksum {
 public:
  void add(const void* data, std::size_t bytes) {
    const auto* byte = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < bytes; ++i) {
      hash_ ^= byte[i];
      hash_ *= 1099511628211ull;
    }
  }
  template <class T>
  void add_value(const T& value) {
    add(&value, sizeof value);
  }
  std::uint64_t value() const { return hash_; }

 private:
  std::uint64_t hash_ = 14695981039346656037ull;
};

}  // namespace msflow
