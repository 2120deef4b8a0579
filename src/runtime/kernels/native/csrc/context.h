// What every native kernel runs with: the arena, the thread pool, and scratch memory (per part of
// a call, and one shared block for transformed weights). A kernel is `double k(Ctx&, const double* a)`:
// `a` holds its arguments in the order of src/runtime/kernels/types.ts, offsets in floats.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "threads.h"

namespace netc {

// Memory aligned for the widest vectors, grown on demand and never shrunk.
class Buffer {
 public:
  float* reserve(size_t floats);

 private:
  struct Free {
    void operator()(float* p) const;
  };
  std::unique_ptr<float, Free> data_;
  size_t size_ = 0;
};

struct Ctx {
  Ctx(float* arena, int threads) : m(arena), pool(threads), scratch(pool.max_parts()) {}
  float* m;
  Pool pool;
  // scratch[t]: part t's own (im2col rows, gathered gradients); a part runs on one thread at a time
  std::vector<Buffer> scratch;
  // one block all threads read: transposed weights, per-channel coefficients
  Buffer shared;
};

using Kernel = double (*)(Ctx&, const double*);

// An argument that is an offset or a size.
inline int64_t I(double v) { return static_cast<int64_t>(v); }
inline float F(double v) { return static_cast<float>(v); }

}  // namespace netc
