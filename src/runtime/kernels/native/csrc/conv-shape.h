// The geometry of a 2-D convolution as the kernels receive it, and the gather that lays a run of
// output pixels' windows out as rows of a matrix (im2col), shared by the forward pass and the
// filter gradient.
#pragma once
#include <algorithm>
#include <cstdint>

#include "short-runs.h"

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
// Columns [r0, r1) of the windows of output pixels [p0, p1): row q (pixel p0 + q) gets, at column
// j − r0, window element j = (kh·KW + kw)·C + c of that pixel (zero in the padding); rows `stride`
// apart. Where the taps of a window row are adjacent (DW = 1), a window row is one run of KW·C floats
// in the input, copied at once — for one input channel, a tap alone is a single float.
void gather_windows(const float* x, const ConvShape& s, int64_t p0, int64_t p1, int64_t r0, int64_t r1, float* out, int64_t stride);

}  // namespace netc
