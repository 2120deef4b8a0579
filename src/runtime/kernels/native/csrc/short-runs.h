// Runs of a few to a few dozen floats (a pixel's channels, a window row's KW·C) moved, added or
// folded in vectors of 8, then one of 4, 2 and 1 for the rest, where the compiler's own loop
// would finish a run of 30 with 14 scalar steps. Each float is combined once, in the plain loop's
// arithmetic, so the bits are those of the plain loop. For functions compiled per instruction set
// (clones.h): everything here is inlined into them, and so compiled for their instruction set (a
// lambda would not be: it is a function of its own, compiled for the baseline).
#pragma once
#include <cstdint>

namespace netc {

// step.template at<V>(j) for GCC vector types V of 8, 4, 2 and 1 floats covering [0, n) in order.
template <typename Step>
inline __attribute__((always_inline)) void over_short_run(Step& step, int64_t n) {
  typedef float f8 __attribute__((vector_size(32)));
  typedef float f4 __attribute__((vector_size(16)));
  typedef float f2 __attribute__((vector_size(8)));
  typedef float f1 __attribute__((vector_size(4)));
  int64_t j = 0;
  // Two steps of 8, not one of 16: GCC lowers a 64-byte vector badly in a function built for AVX2
  // (through the stack, 16 bytes at a time), and its AVX-512 clone runs two of 8 about as fast (a
  // run here is short, and Zen 4 splits a 64-byte operation in two anyway).
  for (; j + 16 <= n; j += 16) step.template at<f8>(j), step.template at<f8>(j + 8);
  if (j + 8 <= n) step.template at<f8>(j), j += 8;
  if (j + 4 <= n) step.template at<f4>(j), j += 4;
  if (j + 2 <= n) step.template at<f2>(j), j += 2;
  if (j < n) step.template at<f1>(j);
}

template <typename V>
inline __attribute__((always_inline)) V load_vector(const float* p) {
  V v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}
template <typename V>
inline __attribute__((always_inline)) void store_vector(float* p, V v) {
  __builtin_memcpy(p, &v, sizeof v);
}

// How move_short_run combines a run into its target.
enum class Move { kCopy, kAdd, kAddScaled };

template <Move M>
struct MoveStep {
  const float* from;
  float* to;
  float scale;
  template <typename V>
  inline __attribute__((always_inline)) void at(int64_t j) {
    V a = load_vector<V>(from + j);
    if (M == Move::kAdd) a = load_vector<V>(to + j) + a;
    if (M == Move::kAddScaled) a = load_vector<V>(to + j) + a * scale;
    store_vector(to + j, a);
  }
};

// to[j] = from[j] (kCopy), to[j] + from[j] (kAdd) or to[j] + from[j]·scale (kAddScaled), j < n.
template <Move M>
inline __attribute__((always_inline)) void move_short_run(const float* from, float* to, int64_t n, float scale = 1.0f) {
  MoveStep<M> step{from, to, scale};
  over_short_run(step, n);
}
inline __attribute__((always_inline)) void add_short_run(const float* from, float* to, int64_t n) { move_short_run<Move::kAdd>(from, to, n); }
inline __attribute__((always_inline)) void copy_short_run(const float* from, float* to, int64_t n) { move_short_run<Move::kCopy>(from, to, n); }

template <bool Max>
struct FoldStep {
  const float* in;
  int64_t stride, count;
  float* out;
  template <typename V>
  inline __attribute__((always_inline)) void at(int64_t j) {
    V a = load_vector<V>(in + j);
    for (int64_t k = 1; k < count; k++) {
      const V b = load_vector<V>(in + k * stride + j);
      if (Max) a = b > a ? b : a;
      else a = a + b;
    }
    store_vector(out + j, a);
  }
};

// out[j] = the sum (or maximum) of in[k·stride + j] over k < count, j < n: each vector's terms
// combined in registers, in order of k, and stored once.
template <bool Max>
inline __attribute__((always_inline)) void fold_short_runs(const float* in, int64_t stride, int64_t count, float* out, int64_t n) {
  FoldStep<Max> step{in, stride, count, out};
  over_short_run(step, n);
}

// to[j] += from[j], j < len, for long runs (a row): the compiler's own loop, compiled per
// instruction set (pool-rows.cc).
void add_run(const float* from, float* to, int64_t len);

}  // namespace netc
