// 2-D convolution, forward and both gradients, plain and dilated, as matrix products on the
// micro-kernel of gemm.h. By shape, not by network:
//  - forward: each thread takes a run of output pixels, whose windows are read in place or gathered
//    into rows and multiplied by w [KH·KW·C, F] (conv-forward.cc);
//  - input gradient: the input pixels fall into SH·SW phases by their position modulo the stride;
//    the pixels of a phase meet the same taps, so a phase is one product of gathered dz rows with
//    the weights of its taps, transposed — no multiply-adds on the zeros a strided convolution
//    would otherwise insert; each thread takes a run of a phase's pixels. With up to 64 input
//    channels, by input rows instead (conv-grad-rows.cc);
//  - filter gradient: each thread takes a run of the rows of dw [KH·KW·C, F] and sums over chunks
//    of pixels in order, so each weight's sum has one order whatever the thread count; below 32
//    filters transposed (conv-grad-filter.cc).
#include <algorithm>
#include <vector>

#include "activation.h"
#include "conv-grad-filter.h"
#include "conv-grad-rows.h"
#include "conv-grad-scatter.h"
#include "conv-shape.h"
#include "conv-single.h"
#include "gemm.h"
#include "kernel.h"

namespace netc {

static constexpr int64_t kPixelChunk = 64;  // input pixels per chunk of the input gradient

// One input channel at stride 1: output rows split over threads, 16 pixels in the lanes (conv-single.cc).
void single_forward(Ctx& c, const ConvShape& s, int64_t x, int64_t w, int64_t b, int64_t y, int act, float alpha) {
  const PaddedImage pad(s);
  float* m = c.m;
  c.pool.run(s.work(), [&](int t, int T) {
    int64_t lo, hi;
    share(s.n * s.OH, t, T, lo, hi);
    float* xp = c.scratch[t].reserve(pad.rows * pad.width);
    for (int64_t r = lo, image = -1; r < hi; r++) {
      const int64_t i = r / s.OH;
      if (i != image) pad.fill(m + x + i * s.H * s.W, s, xp), image = i;
      single_forward_row(xp, pad, s, r % s.OH, m + w, b < 0 ? nullptr : m + b, m + y + r * s.OW * s.F);
    }
    activate(m + y + lo * s.OW * s.F, m + y + lo * s.OW * s.F, (hi - lo) * s.OW * s.F, act, alpha);
  });
}

// Images per chunk of the filter gradient of one input channel: their padded copies and transposed
// gradients are made once, shared by every part, in a scratch block that stays small at any batch.
static constexpr int64_t kSingleImages = 16;

// One input channel at stride 1: the chunk's images are padded and their gradients transposed
// (split over images), then each part sums a run of the taps over every pixel, lane by lane, and
// at the end adds its 16 lanes in order. Every chunk's run is given the same work, so it is cut
// into the same parts and part t keeps its taps and its lanes (scratch[t]) from chunk to chunk.
static void single_grad_filter(Ctx& c, const ConvShape& s, int64_t x, int64_t dz, int64_t dw) {
  const PaddedImage pad(s);
  const int64_t padded = pad.rows * pad.width, per_image = padded + s.F * s.OH * single_grad_width(s);
  float* m = c.m;
  float* images = c.shared.reserve(std::min(s.n, kSingleImages) * per_image);
  for (int64_t i0 = 0; i0 < s.n; i0 += kSingleImages) {
    const int64_t count = std::min(kSingleImages, s.n - i0);
    c.pool.run(count * per_image, [&](int t, int T) {
      int64_t lo, hi;
      share(count, t, T, lo, hi);
      for (int64_t i = lo; i < hi; i++) {
        pad.fill(m + x + (i0 + i) * s.H * s.W, s, images + i * per_image);
        single_grad_transpose(m + dz + (i0 + i) * s.OH * s.OW * s.F, s, images + i * per_image + padded);
      }
    });
    c.pool.run(s.work(), [&](int t, int T) {
      int64_t tap0, tap1;
      share(s.taps(), t, T, tap0, tap1);
      if (tap0 == tap1) return;
      const int64_t lanes = (tap1 - tap0) * s.F * 16;
      float* acc = c.scratch[t].reserve(lanes);
      if (i0 == 0) fill_run(acc, lanes, 0.0f);
      for (int64_t i = 0; i < count; i++)
        single_grad_filter_image(images + i * per_image, pad, s, images + i * per_image + padded, tap0, tap1, acc);
      if (i0 + count < s.n) return;
      for (int64_t j = 0; j < (tap1 - tap0) * s.F; j++) {
        float sum = 0;
        for (int l = 0; l < 16; l++) sum += acc[j * 16 + l];
        m[dw + tap0 * s.F + j] = sum;
      }
    });
  }
}

// The taps (kh or kw) that reach input positions ≡ phase (mod stride): those with
// (phase + pad − k·dilation) divisible by the stride.
static std::vector<int64_t> phase_taps(int64_t phase, int64_t K, int64_t S, int64_t P, int64_t D) {
  std::vector<int64_t> taps;
  for (int64_t k = 0; k < K; k++)
    if (((phase + P - k * D) % S + S) % S == 0) taps.push_back(k);
  return taps;
}

static void conv_grad_input(Ctx& c, const ConvShape& s, int64_t dz, int64_t w, int64_t dx) {
  if (grad_input_by_scatter(s)) return conv_grad_input_scatter(c, s, dz, w, dx);
  if (grad_input_by_rows(s)) return conv_grad_input_rows(c, s, dz, w, dx);
  float* m = c.m;
  const int64_t C = s.C, F = s.F;
  // wt [phase][tap of the phase][f][c]: each phase's taps' weights, transposed, one after another
  float* wt = c.shared.reserve(s.taps() * C * F);
  float* at = wt;
  for (int64_t ph = 0; ph < s.SH; ph++) {
    for (int64_t pw = 0; pw < s.SW; pw++) {
      auto khs = phase_taps(ph, s.KH, s.SH, s.PT, s.DH), kws = phase_taps(pw, s.KW, s.SW, s.PL, s.DW);
      const float* phase_w = at;
      for (int64_t kh : khs)
        for (int64_t kw : kws) {
          const float* src = m + w + (kh * s.KW + kw) * C * F;
          for (int64_t f = 0; f < F; f++)
            for (int64_t ci = 0; ci < C; ci++) *at++ = src[ci * F + f];
        }
      const int64_t NH = ph < s.H ? (s.H - ph + s.SH - 1) / s.SH : 0, NW = pw < s.W ? (s.W - pw + s.SW - 1) / s.SW : 0;
      const int64_t Q = s.n * NH * NW, K = static_cast<int64_t>(khs.size() * kws.size()) * F;
      c.pool.run(Q * K * C, [&](int t, int T) {
        int64_t lo, hi;
        share(Q, t, T, lo, hi);
        float* col = c.scratch[t].reserve(kPixelChunk * std::max<int64_t>(K, 1));
        float* rows[kPixelChunk];
        for (int64_t q0 = lo; q0 < hi; q0 += kPixelChunk) {
          int64_t q1 = std::min(q0 + kPixelChunk, hi);
          for (int64_t q = q0; q < q1; q++) {
            int64_t i = q / (NH * NW), ih = ph + (q / NW % NH) * s.SH, iw = pw + (q % NW) * s.SW;
            rows[q - q0] = m + dx + ((i * s.H + ih) * s.W + iw) * C;
            float* row = col + (q - q0) * K;
            for (int64_t kh : khs) {
              int64_t oh = (ih + s.PT - kh * s.DH) / s.SH;
              bool row_in = ih + s.PT - kh * s.DH >= 0 && oh < s.OH;
              for (int64_t kw : kws) {
                int64_t ow = (iw + s.PL - kw * s.DW) / s.SW;
                if (row_in && iw + s.PL - kw * s.DW >= 0 && ow < s.OW) copy_run(m + dz + ((i * s.OH + oh) * s.OW + ow) * F, row, F);
                else fill_run(row, F, 0.0f);
                row += F;
              }
            }
          }
          multiply(col, K, 1, q1 - q0, K, phase_w, C, C, rows, false);
        }
      });
    }
  }
}

static void conv_grad_filter(Ctx& c, const ConvShape& s, int64_t x, int64_t dz, int64_t dw) {
  if (single_channel_path(s)) return single_grad_filter(c, s, x, dz, dw);
  conv_grad_filter_gathered(c, s, x, dz, dw);
}

static ConvShape shape_of(const double* a, bool dilated) {
  return {I(a[4]), I(a[5]), I(a[6]), I(a[7]), I(a[8]), I(a[9]), I(a[10]), I(a[11]), I(a[12]), I(a[13]), I(a[14]), I(a[15]),
          I(a[16]), dilated ? I(a[17]) : 1, dilated ? I(a[18]) : 1};
}

// conv2d(x, w, b, y, n, H, W, C, OH, OW, F, KH, KW, SH, SW, PT, PL, act, alpha); conv2dDilated has DH, DW before act
static double conv2d(Ctx& c, const double* a) {
  conv_forward(c, shape_of(a, false), I(a[0]), I(a[1]), I(a[2]), I(a[3]), I(a[17]), F(a[18]));
  return 0;
}
static double conv2dDilated(Ctx& c, const double* a) {
  conv_forward(c, shape_of(a, true), I(a[0]), I(a[1]), I(a[2]), I(a[3]), I(a[19]), F(a[20]));
  return 0;
}

// conv2dGradInput(dz, w, dx, n, …): the shape starts one argument earlier than the forward's
static ConvShape grad_shape_of(const double* a, bool dilated) { return shape_of(a - 1, dilated); }

static double conv2dGradInput(Ctx& c, const double* a) {
  conv_grad_input(c, grad_shape_of(a, false), I(a[0]), I(a[1]), I(a[2]));
  return 0;
}
static double conv2dDilatedGradInput(Ctx& c, const double* a) {
  conv_grad_input(c, grad_shape_of(a, true), I(a[0]), I(a[1]), I(a[2]));
  return 0;
}
static double conv2dGradFilter(Ctx& c, const double* a) {
  conv_grad_filter(c, grad_shape_of(a, false), I(a[0]), I(a[1]), I(a[2]));
  return 0;
}
static double conv2dDilatedGradFilter(Ctx& c, const double* a) {
  conv_grad_filter(c, grad_shape_of(a, true), I(a[0]), I(a[1]), I(a[2]));
  return 0;
}

NETC_KERNELS(conv, {"conv2d", conv2d, 19}, {"conv2dDilated", conv2dDilated, 21}, {"conv2dGradInput", conv2dGradInput, 16},
             {"conv2dDilatedGradInput", conv2dDilatedGradInput, 18}, {"conv2dGradFilter", conv2dGradFilter, 16},
             {"conv2dDilatedGradFilter", conv2dDilatedGradFilter, 18})

}  // namespace netc
