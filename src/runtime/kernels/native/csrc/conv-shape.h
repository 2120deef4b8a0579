// The geometry of a 2-D convolution as the kernels receive it, and the gather that lays a run of
// output pixels' windows out as rows of a matrix (im2col), shared by the forward pass and the
// filter gradient.
#pragma once
#include <algorithm>
#include <cstdint>

namespace netc {

struct ConvShape {
  int64_t n, H, W, C, OH, OW, F, KH, KW, SH, SW, PT, PL, DH, DW;
  int64_t pixels() const { return n * OH * OW; }
  int64_t taps() const { return KH * KW; }
  // the multiply-adds of the forward pass (and of each gradient)
  int64_t work() const { return pixels() * taps() * C * F; }
  // 1×1, stride 1, no padding: the input's rows are already the matrix's rows
  bool pointwise() const { return KH == 1 && KW == 1 && SH == 1 && SW == 1 && PT == 0 && PL == 0; }
};

struct Ctx;
// The forward pass (conv-forward.cc), and its path for one input channel at stride 1 (conv.cc).
void conv_forward(Ctx& c, const ConvShape& s, int64_t x, int64_t w, int64_t b, int64_t y, int act, float alpha);
void single_forward(Ctx& c, const ConvShape& s, int64_t x, int64_t w, int64_t b, int64_t y, int act, float alpha);

// Short runs (a pixel's channels) copied by a loop the compiler inlines and vectorizes: a call to
// memcpy per run would cost more than the copy when a run is one to a few dozen floats.
inline void copy_run(const float* from, float* to, int64_t n) {
  for (int64_t j = 0; j < n; j++) to[j] = from[j];
}
inline void fill_run(float* to, int64_t n, float v) {
  for (int64_t j = 0; j < n; j++) to[j] = v;
}
// How move_short_run combines a run into its target.
enum class Move { kCopy, kAdd, kMax, kAddScaled };

// to[j] = from[j] (or to[j] + from[j], max(to[j], from[j]), to[j] + from[j]·scale) for the V-wide
// vector at j (V a GCC vector type), j advanced past it.
template <typename V, Move M>
inline __attribute__((always_inline)) void move_vector_at(const float* from, float* to, int64_t& j, float scale) {
  V a;
  __builtin_memcpy(&a, from + j, sizeof a);
  if (M != Move::kCopy) {
    V b;
    __builtin_memcpy(&b, to + j, sizeof b);
    if (M == Move::kAdd) a = b + a;
    if (M == Move::kMax) a = a > b ? a : b;
    if (M == Move::kAddScaled) a = b + a * scale;
  }
  __builtin_memcpy(to + j, &a, sizeof a);
  j += sizeof(V) / sizeof(float);
}
// move_vector_at for j < n, over runs of a few dozen floats (a window row of KW·C, a pixel's
// channels): vectors of 16, then one of 8, 4 and 2 for the rest, where the compiler's own loop
// would finish a run of 30 with 14 scalar steps. Each float is combined once, in the plain loop's
// arithmetic. (No lambda: inside a function compiled per instruction set, a lambda is compiled for
// the baseline.)
template <Move M>
inline __attribute__((always_inline)) void move_short_run(const float* from, float* to, int64_t n, float scale = 1.0f) {
  typedef float f16 __attribute__((vector_size(64)));
  typedef float f8 __attribute__((vector_size(32)));
  typedef float f4 __attribute__((vector_size(16)));
  typedef float f2 __attribute__((vector_size(8)));
  typedef float f1 __attribute__((vector_size(4)));
  int64_t j = 0;
  while (j + 16 <= n) move_vector_at<f16, M>(from, to, j, scale);
  if (j + 8 <= n) move_vector_at<f8, M>(from, to, j, scale);
  if (j + 4 <= n) move_vector_at<f4, M>(from, to, j, scale);
  if (j + 2 <= n) move_vector_at<f2, M>(from, to, j, scale);
  if (j < n) move_vector_at<f1, M>(from, to, j, scale);
}
inline __attribute__((always_inline)) void add_short_run(const float* from, float* to, int64_t n) { move_short_run<Move::kAdd>(from, to, n); }
inline __attribute__((always_inline)) void copy_short_run(const float* from, float* to, int64_t n) { move_short_run<Move::kCopy>(from, to, n); }

// out[j] = the sum (or maximum) of in[k·step + j] over k < count, for the V-wide vector at j, j
// advanced past it: the terms combined in registers, in order of k, and stored once.
template <typename V, bool Max>
inline __attribute__((always_inline)) void fold_vector_at(const float* in, int64_t step, int64_t count, float* out, int64_t& j) {
  V a;
  __builtin_memcpy(&a, in + j, sizeof a);
  for (int64_t k = 1; k < count; k++) {
    V b;
    __builtin_memcpy(&b, in + k * step + j, sizeof b);
    if (Max) a = b > a ? b : a;
    else a = a + b;
  }
  __builtin_memcpy(out + j, &a, sizeof a);
  j += sizeof(V) / sizeof(float);
}
// fold_vector_at for j < n (a pixel's channels), in vectors of 16, 8, 4, 2 and 1.
template <bool Max>
inline __attribute__((always_inline)) void fold_short_runs(const float* in, int64_t step, int64_t count, float* out, int64_t n) {
  typedef float f16 __attribute__((vector_size(64)));
  typedef float f8 __attribute__((vector_size(32)));
  typedef float f4 __attribute__((vector_size(16)));
  typedef float f2 __attribute__((vector_size(8)));
  typedef float f1 __attribute__((vector_size(4)));
  int64_t j = 0;
  while (j + 16 <= n) fold_vector_at<f16, Max>(in, step, count, out, j);
  if (j + 8 <= n) fold_vector_at<f8, Max>(in, step, count, out, j);
  if (j + 4 <= n) fold_vector_at<f4, Max>(in, step, count, out, j);
  if (j + 2 <= n) fold_vector_at<f2, Max>(in, step, count, out, j);
  if (j < n) fold_vector_at<f1, Max>(in, step, count, out, j);
}

// Columns [r0, r1) of the windows of output pixels [p0, p1): row q (pixel p0 + q) gets, at column
// j − r0, window element j = (kh·KW + kw)·C + c of that pixel (zero in the padding); rows `stride`
// apart. Where the taps of a window row are adjacent (DW = 1), a window row is one run of KW·C floats
// in the input, copied at once — for one input channel, a tap alone is a single float.
void gather_windows(const float* x, const ConvShape& s, int64_t p0, int64_t p1, int64_t r0, int64_t r1, float* out, int64_t stride);

}  // namespace netc
