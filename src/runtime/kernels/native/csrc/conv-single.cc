// Convolutions of a single input channel at stride 1 (a network's first layer on grey images):
// with one channel a window row is a handful of floats, so gathering windows into matrix rows
// costs more than the multiply-adds. Here 16 adjacent output pixels share the vector lanes
// instead: each tap is one load of 16 input pixels from a zero-padded copy of the image.
// Compiled for AVX-512, AVX2 and the baseline, chosen at load time (GCC's target_clones).
#include <algorithm>
#include <cstring>

#include "clones.h"
#include "conv-single.h"

namespace netc {

static constexpr int L = 16;  // output pixels per step (the lanes)
static constexpr int FB = 8;  // filters per step


PaddedImage::PaddedImage(const ConvShape& s)
    : rows(s.OH + s.KH - 1), width(((s.OW + L - 1) / L) * L + s.KW - 1) {}

void PaddedImage::fill(const float* image, const ConvShape& s, float* out) const {
  std::fill(out, out + rows * width, 0.0f);
  for (int64_t h = 0; h < s.H; h++) {
    int64_t r = h + s.PT;
    if (r < 0 || r >= rows) continue;
    for (int64_t w = 0; w < s.W; w++) {
      int64_t c = w + s.PL;
      if (c >= 0 && c < width) out[r * width + c] = image[h * s.W + w];
    }
  }
}

// 16 floats as one value: a zmm register in the AVX-512 clone, two ymm in the AVX2 one, four xmm else.
typedef float v16 __attribute__((vector_size(64)));

static inline v16 load16(const float* p) {
  v16 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

NETC_CLONES
void single_forward_row(const float* xp, const PaddedImage& pad, const ConvShape& s, int64_t oh, const float* w, const float* b,
                        float* y) {
  for (int64_t ow0 = 0; ow0 < s.OW; ow0 += L) {
    const int64_t lanes = std::min<int64_t>(L, s.OW - ow0);
    for (int64_t f0 = 0; f0 < s.F; f0 += FB) {
      const int64_t fb = std::min<int64_t>(FB, s.F - f0);
      v16 acc[FB];
      for (int f = 0; f < FB; f++) acc[f] = v16{} + (f < fb && b ? b[f0 + f] : 0.0f);
      for (int64_t kh = 0; kh < s.KH; kh++)
        for (int64_t kw = 0; kw < s.KW; kw++) {
          const v16 xv = load16(xp + (oh + kh) * pad.width + ow0 + kw);
          const float* wk = w + (kh * s.KW + kw) * s.F + f0;
          for (int f = 0; f < FB; f++) acc[f] += xv * (f < fb ? wk[f] : 0.0f);
        }
      for (int64_t l = 0; l < lanes; l++)
        for (int64_t f = 0; f < fb; f++) y[(ow0 + l) * s.F + f0 + f] = acc[f][l];
    }
  }
}

NETC_CLONES
void single_grad_filter_row(const float* xp, const PaddedImage& pad, const ConvShape& s, int64_t oh, const float* dz,
                            int64_t tap0, int64_t tap1, float* acc) {
  for (int64_t ow0 = 0; ow0 < s.OW; ow0 += L) {
    const int64_t lanes = std::min<int64_t>(L, s.OW - ow0);
    for (int64_t f0 = 0; f0 < s.F; f0 += FB) {
      const int64_t fb = std::min<int64_t>(FB, s.F - f0);
      // this step's output gradients, filters by lanes; zero in lanes past the row's end
      v16 g[FB];
      for (int f = 0; f < FB; f++)
        for (int l = 0; l < L; l++) g[f][l] = f < fb && l < lanes ? dz[(ow0 + l) * s.F + f0 + f] : 0.0f;
      for (int64_t tap = tap0, kh = tap0 / s.KW, kw = tap0 % s.KW; tap < tap1; tap++) {
        const v16 xv = load16(xp + (oh + kh) * pad.width + ow0 + kw);
        float* a = acc + ((tap - tap0) * s.F + f0) * L;
        for (int64_t f = 0; f < fb; f++) {
          v16 sum = load16(a + f * L) + xv * g[f];
          std::memcpy(a + f * L, &sum, sizeof sum);
        }
        if (++kw == s.KW) kw = 0, kh++;
      }
    }
  }
}

}  // namespace netc
