// Data movement and elementwise arithmetic: add, copies, channel slices, padding, dropout, affine, mul.
#include <algorithm>
#include <cstdint>
#include <cstring>

#include "clones.h"
#include "kernel.h"

namespace netc {

// add(a, b, y, size)
static double add(Ctx& c, const double* a) {
  const float *p = c.m + I(a[0]), *q = c.m + I(a[1]);
  float* y = c.m + I(a[2]);
  split(c, I(a[3]), I(a[3]), [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; i++) y[i] = p[i] + q[i];
  });
  return 0;
}

// mul(a, b, y, size)
static double mul(Ctx& c, const double* a) {
  const float *p = c.m + I(a[0]), *q = c.m + I(a[1]);
  float* y = c.m + I(a[2]);
  split(c, I(a[3]), I(a[3]), [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; i++) y[i] = p[i] * q[i];
  });
  return 0;
}

// affine(x, y, size, scale, shift), in double as the reference computes it
static double affine(Ctx& c, const double* a) {
  const float* x = c.m + I(a[0]);
  float* y = c.m + I(a[1]);
  double scale = a[3], shift = a[4];
  split(c, I(a[2]), I(a[2]), [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; i++) y[i] = static_cast<float>(scale * x[i] + shift);
  });
  return 0;
}

// copy(x, y, size)
static double copy(Ctx& c, const double* a) {
  std::memmove(c.m + I(a[1]), c.m + I(a[0]), I(a[2]) * sizeof(float));
  return 0;
}

// `rows` rows of `width` floats from rows `from_stride` apart to rows `to_stride` apart: a loop
// per row rather than a memmove call, which costs more than the copy at concat's 8 or 16 channels
NETC_CLONES
static void copy_rows(const float* from, int64_t from_stride, float* to, int64_t to_stride, int64_t rows, int64_t width) {
  for (int64_t r = 0; r < rows; r++)
    for (int64_t j = 0; j < width; j++) to[r * to_stride + j] = from[r * from_stride + j];
}

// copyChannels(x, y, rows, cIn, cOut, offset): y[:, offset:offset+cIn] = x; sliceChannels(dy, dx, …)
// the other way: dx = dy[:, offset:offset+cIn]
static void channel_rows(Ctx& c, const double* a, bool slice) {
  float* m = c.m;
  int64_t narrow = I(a[slice ? 1 : 0]), wide = I(a[slice ? 0 : 1]), cin = I(a[3]), cout = I(a[4]), offset = I(a[5]);
  split(c, I(a[2]), I(a[2]) * cin, [&](int64_t lo, int64_t hi) {
    float *n = m + narrow + lo * cin, *w = m + wide + lo * cout + offset;
    if (slice) copy_rows(w, cout, n, cin, hi - lo, cin);
    else copy_rows(n, cin, w, cout, hi - lo, cin);
  });
}
static double copyChannels(Ctx& c, const double* a) {
  channel_rows(c, a, false);
  return 0;
}
static double sliceChannels(Ctx& c, const double* a) {
  channel_rows(c, a, true);
  return 0;
}

// pad(x, y, n, H, W, C, PT, PB, PL, PR) and padGrad(dy, dx, …): per image, the rows between the padding
static void pad_rows(Ctx& c, const double* a, bool grad) {
  float *from = c.m + I(a[0]), *to = c.m + I(a[1]);
  int64_t n = I(a[2]), H = I(a[3]), W = I(a[4]), C = I(a[5]), PT = I(a[6]), PB = I(a[7]), PL = I(a[8]), PR = I(a[9]);
  int64_t OH = H + PT + PB, OW = W + PL + PR;
  split(c, n, n * H * W * C, [&](int64_t lo, int64_t hi) {
    if (!grad) std::fill(to + lo * OH * OW * C, to + hi * OH * OW * C, 0.0f);
    for (int64_t i = lo; i < hi; i++)
      for (int64_t h = 0; h < H; h++) {
        int64_t inner = (i * H + h) * W * C, outer = ((i * OH + h + PT) * OW + PL) * C;
        if (grad) std::memmove(to + inner, from + outer, W * C * sizeof(float));
        else std::memmove(to + outer, from + inner, W * C * sizeof(float));
      }
  });
}
static double pad(Ctx& c, const double* a) {
  pad_rows(c, a, false);
  return 0;
}
static double padGrad(Ctx& c, const double* a) {
  pad_rows(c, a, true);
  return 0;
}

// The reference's dropoutUniform: lowbias32 of (seed, salt, index), a uniform number in [0, 1).
static inline double dropout_uniform(uint32_t seed, uint32_t salt, uint32_t index) {
  uint32_t h = seed ^ (salt * 0x9e3779b9u) ^ (index * 0x85ebca6bu);
  h ^= h >> 16;
  h *= 0x7feb352du;
  h ^= h >> 15;
  h *= 0x846ca68bu;
  h ^= h >> 16;
  return (h >> 8) / 16777216.0;
}

// dropout(x, y, size, rate, seed, salt); dropoutGrad(dy, dx, …) redraws the same mask
static double dropout(Ctx& c, const double* a) {
  const float* x = c.m + I(a[0]);
  float* y = c.m + I(a[1]);
  double rate = a[3], scale = 1 / (1 - rate);
  // JavaScript's ^ takes its operands modulo 2^32
  uint32_t seed = static_cast<uint32_t>(static_cast<int64_t>(a[4])), salt = static_cast<uint32_t>(static_cast<int64_t>(a[5]));
  split(c, I(a[2]), I(a[2]) * 4, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; i++)
      y[i] = dropout_uniform(seed, salt, static_cast<uint32_t>(i)) < rate ? 0.0f : static_cast<float>(x[i] * scale);
  });
  return 0;
}

NETC_KERNELS(tensor, {"add", add, 4}, {"mul", mul, 4}, {"affine", affine, 5}, {"copy", copy, 3}, {"copyChannels", copyChannels, 6},
             {"sliceChannels", sliceChannels, 6}, {"pad", pad, 10}, {"padGrad", padGrad, 10}, {"dropout", dropout, 6},
             {"dropoutGrad", dropout, 6})

}  // namespace netc
