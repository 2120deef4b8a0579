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
// to[j] += from[j] for the V-wide vector at j (V a GCC vector type), j advanced past it.
template <typename V>
inline __attribute__((always_inline)) void add_vector_at(const float* from, float* to, int64_t& j) {
  V a, b;
  __builtin_memcpy(&a, from + j, sizeof a);
  __builtin_memcpy(&b, to + j, sizeof b);
  b += a;
  __builtin_memcpy(to + j, &b, sizeof b);
  j += sizeof(V) / sizeof(float);
}
// to[j] += from[j], j < n, for runs of a few dozen floats (a window row of KW·C): vectors of 16,
// then one of 8, 4 and 2 for the rest, where the compiler's own loop would finish a run of 30 with
// 14 scalar adds. Each float is added once, so the sums are those of the plain loop. (No lambda:
// inside a function compiled per instruction set, a lambda would be compiled for the baseline.)
inline __attribute__((always_inline)) void add_short_run(const float* from, float* to, int64_t n) {
  typedef float f16 __attribute__((vector_size(64)));
  typedef float f8 __attribute__((vector_size(32)));
  typedef float f4 __attribute__((vector_size(16)));
  typedef float f2 __attribute__((vector_size(8)));
  int64_t j = 0;
  while (j + 16 <= n) add_vector_at<f16>(from, to, j);
  if (j + 8 <= n) add_vector_at<f8>(from, to, j);
  if (j + 4 <= n) add_vector_at<f4>(from, to, j);
  if (j + 2 <= n) add_vector_at<f2>(from, to, j);
  if (j < n) to[j] += from[j];
}

// Columns [r0, r1) of the windows of output pixels [p0, p1): row q (pixel p0 + q) gets, at column
// j − r0, window element j = (kh·KW + kw)·C + c of that pixel (zero in the padding); rows `stride`
// apart. Where the taps of a window row are adjacent (DW = 1), a window row is one run of KW·C floats
// in the input, copied at once — for one input channel, a tap alone is a single float.
void gather_windows(const float* x, const ConvShape& s, int64_t p0, int64_t p1, int64_t r0, int64_t r1, float* out, int64_t stride);

}  // namespace netc
