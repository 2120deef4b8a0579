#include "context.h"

#include <cstdlib>

namespace netc {

void Buffer::Free::operator()(float* p) const { std::free(p); }

float* Buffer::reserve(size_t floats) {
  if (floats > size_) {
    size_t bytes = ((floats * sizeof(float) + 63) / 64) * 64;
    data_.reset(static_cast<float*>(std::aligned_alloc(64, bytes)));
    size_ = floats;
  }
  return data_.get();
}

}  // namespace netc
