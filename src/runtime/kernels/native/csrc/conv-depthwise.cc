// Depthwise convolution: output channel c·M + m is input channel c's m-th kernel, w [KH, KW, C, M].
// Direct loops with the C·M channels innermost. The forward pass and the input gradient split
// pixels over threads (the input gradient gathers, for each input pixel, the outputs its taps
// reach); the filter gradient splits the channels, each summed over every pixel in order.
#include <algorithm>

#include "activation.h"
#include "conv-shape.h"
#include "kernel.h"

namespace netc {

// depthwiseConv2d(x, w, b, y, n, H, W, C, OH, OW, M, KH, KW, SH, SW, PT, PL, act, alpha)
static ConvShape depthwise_shape(const double* a) {
  return {I(a[0]), I(a[1]), I(a[2]), I(a[3]), I(a[4]), I(a[5]), I(a[6]), I(a[7]), I(a[8]), I(a[9]), I(a[10]), I(a[11]), I(a[12]), 1, 1};
}

// Calls tap(input pixel offset, tap index) for each tap of output pixel p's window inside the image.
template <typename Tap>
static void window_taps(const ConvShape& s, int64_t p, Tap tap) {
  int64_t ow = p % s.OW, oh = p / s.OW % s.OH, i = p / (s.OW * s.OH);
  for (int64_t kh = 0; kh < s.KH; kh++) {
    int64_t ih = oh * s.SH - s.PT + kh;
    if (ih < 0 || ih >= s.H) continue;
    for (int64_t kw = 0; kw < s.KW; kw++) {
      int64_t iw = ow * s.SW - s.PL + kw;
      if (iw >= 0 && iw < s.W) tap(((i * s.H + ih) * s.W + iw) * s.C, kh * s.KW + kw);
    }
  }
}

static double depthwiseConv2d(Ctx& c, const double* a) {
  const float *x = c.m + I(a[0]), *w = c.m + I(a[1]);
  const float* b = a[2] < 0 ? nullptr : c.m + I(a[2]);
  float* y = c.m + I(a[3]);
  ConvShape s = depthwise_shape(a + 4);  // F stands for M
  const int64_t M = s.F, CM = s.C * M, P = s.pixels();
  split(c, P, P * CM * s.taps(), [&](int64_t lo, int64_t hi) {
    for (int64_t p = lo; p < hi; p++) {
      float* out = y + p * CM;
      if (b) std::copy(b, b + CM, out);
      else std::fill(out, out + CM, 0.0f);
      window_taps(s, p, [&](int64_t xo, int64_t tap) {
        const float *in = x + xo, *wk = w + tap * CM;
        for (int64_t ch = 0; ch < s.C; ch++)
          for (int64_t j = ch * M; j < ch * M + M; j++) out[j] += in[ch] * wk[j];
      });
    }
    activate(y + lo * CM, y + lo * CM, (hi - lo) * CM, I(a[17]), F(a[18]));
  });
  return 0;
}

// depthwiseConv2dGradInput(dz, w, dx, n, H, W, C, OH, OW, M, KH, KW, SH, SW, PT, PL)
static double depthwiseConv2dGradInput(Ctx& c, const double* a) {
  const float *dz = c.m + I(a[0]), *w = c.m + I(a[1]);
  float* dx = c.m + I(a[2]);
  ConvShape s = depthwise_shape(a + 3);
  const int64_t M = s.F, CM = s.C * M, pixels = s.n * s.H * s.W;
  split(c, pixels, s.pixels() * CM * s.taps(), [&](int64_t lo, int64_t hi) {
    for (int64_t q = lo; q < hi; q++) {
      int64_t iw = q % s.W, ih = q / s.W % s.H, i = q / (s.W * s.H);
      float* out = dx + q * s.C;
      std::fill(out, out + s.C, 0.0f);
      for (int64_t kh = 0; kh < s.KH; kh++) {
        int64_t oh = ih + s.PT - kh;
        if (oh < 0 || oh % s.SH || oh / s.SH >= s.OH) continue;
        for (int64_t kw = 0; kw < s.KW; kw++) {
          int64_t ow = iw + s.PL - kw;
          if (ow < 0 || ow % s.SW || ow / s.SW >= s.OW) continue;
          const float* g = dz + ((i * s.OH + oh / s.SH) * s.OW + ow / s.SW) * CM;
          const float* wk = w + (kh * s.KW + kw) * CM;
          for (int64_t ch = 0; ch < s.C; ch++) {
            float sum = 0;
            for (int64_t j = ch * M; j < ch * M + M; j++) sum += g[j] * wk[j];
            out[ch] += sum;
          }
        }
      }
    }
  });
  return 0;
}

// depthwiseConv2dGradFilter(x, dz, dw, n, H, W, C, OH, OW, M, KH, KW, SH, SW, PT, PL)
static double depthwiseConv2dGradFilter(Ctx& c, const double* a) {
  const float *x = c.m + I(a[0]), *dz = c.m + I(a[1]);
  float* dw = c.m + I(a[2]);
  ConvShape s = depthwise_shape(a + 3);
  const int64_t M = s.F, CM = s.C * M, P = s.pixels();
  split(c, s.C, P * CM * s.taps(), [&](int64_t c0, int64_t c1) {
    for (int64_t tap = 0; tap < s.taps(); tap++) std::fill(dw + tap * CM + c0 * M, dw + tap * CM + c1 * M, 0.0f);
    for (int64_t p = 0; p < P; p++) {
      const float* g = dz + p * CM;
      window_taps(s, p, [&](int64_t xo, int64_t tap) {
        const float* in = x + xo;
        float* wk = dw + tap * CM;
        for (int64_t ch = c0; ch < c1; ch++)
          for (int64_t j = ch * M; j < ch * M + M; j++) wk[j] += in[ch] * g[j];
      });
    }
  });
  return 0;
}

NETC_KERNELS(depthwise, {"depthwiseConv2d", depthwiseConv2d, 19}, {"depthwiseConv2dGradInput", depthwiseConv2dGradInput, 16},
             {"depthwiseConv2dGradFilter", depthwiseConv2dGradFilter, 16})

}  // namespace netc
