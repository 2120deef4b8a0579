// 2-D convolution, forward and both gradients, plain and dilated, as matrix products on the
// micro-kernel of gemm.h. By shape, not by network:
//  - forward: each thread takes a run of output pixels, whose windows are read in place or gathered
//    into rows and multiplied by w [KH·KW·C, F] (conv-forward.cc);
//  - input gradient: the input pixels fall into SH·SW phases by their position modulo the stride;
//    the pixels of a phase meet the same taps, so a phase is one product of gathered dz rows with
//    the weights of its taps, transposed — no multiply-adds on the zeros a strided convolution
//    would otherwise insert; each thread takes a run of a phase's pixels. With up to 64 input
//    channels, by scattering whole windows, an image a part, for batches of 16 or more
//    (conv-grad-scatter.cc), else by input rows (conv-grad-rows.cc);
//  - filter gradient: each thread takes a run of the rows of dw [KH·KW·C, F] and sums over chunks
//    of pixels in order; below 32 filters transposed, each thread taking whole chunks of pixels
//    whose sums are added in chunk order (conv-grad-filter.cc). Either way each weight's sum has
//    one order whatever the thread count.
//  - one input channel at stride 1: pixels in the vector lanes (conv-single.cc, below).
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

// One input channel at stride 1: output rows split over threads, pixels in the lanes (conv-single.cc).
void single_forward(Ctx& c, const ConvShape& s, int64_t x, int64_t w, int64_t b, int64_t y, int act, float alpha) {
  const SingleConv& k = single_conv();
  const PaddedImage pad(s, k.lanes);
  float* m = c.m;
  const float* wb = k.forward_weights(m + w, s, c.shared.reserve(s.taps() * s.F * k.lanes));
  c.pool.run(s.work(), [&](int t, int T) {
    int64_t lo, hi;
    share(s.n * s.OH, t, T, lo, hi);
    float* xp = c.scratch[t].reserve(pad.rows * pad.width);
    for (int64_t r = lo, image = -1; r < hi; r++) {
      const int64_t i = r / s.OH;
      if (i != image) pad.fill(m + x + i * s.H * s.W, s, xp), image = i;
      k.forward_row(xp, pad, s, r % s.OH, wb, b < 0 ? nullptr : m + b, m + y + r * s.OW * s.F);
    }
    activate(m + y + lo * s.OW * s.F, m + y + lo * s.OW * s.F, (hi - lo) * s.OW * s.F, act, alpha);
  });
}

// Chunks of images of the filter gradient of one input channel: at most kSingleChunks, fixed by the
// batch, so that the sums and their order do not depend on the threads.
static constexpr int64_t kSingleChunks = 16;

// One input channel at stride 1: each part takes whole chunks of images; per image it pads a copy
// and either transposes the output gradient in its own scratch, then sums every tap over every
// pixel lane by lane into its chunk's lanes, or (filters in the lanes) sums each tap's vectors of
// filters over the pixels in order. The chunks' sums are then added in chunk order, and each
// weight's lanes in order. (Splitting the taps among parts instead made every part wait for the
// images of a chunk to be prepared: two joins per 16 images.)
static void single_grad_filter(Ctx& c, const ConvShape& s, int64_t x, int64_t dz, int64_t dw) {
  const SingleConv& k = single_conv();
  const PaddedImage pad(s, k.lanes);
  const bool direct = k.filters_in_lanes(s);
  const int64_t pixels = s.OH * s.OW, padded = pad.rows * pad.width;
  const int64_t per_image = padded + (direct ? pixels * s.F + k.lanes : s.F * s.OH * k.grad_width(s));
  // each weight's sum: `lanes` partial sums, or one (filters in the lanes, F padded to vectors)
  const int64_t lanes = direct ? s.taps() * k.padded_filters(s) : s.taps() * s.F * k.lanes;
  const int64_t chunk = (s.n + kSingleChunks - 1) / kSingleChunks, chunks = (s.n + chunk - 1) / chunk;
  float* m = c.m;
  float* acc = c.shared.reserve(std::max<int64_t>(chunks, 1) * lanes);
  c.pool.run(s.work(), [&](int t, int T) {
    int64_t lo, hi;
    share(chunks, t, T, lo, hi);
    if (lo == hi) return;
    float* image = c.scratch[t].reserve(per_image);
    for (int64_t q = lo; q < hi; q++) {
      float* sums = acc + q * lanes;
      fill_run(sums, lanes, 0.0f);
      for (int64_t i = q * chunk; i < std::min(s.n, (q + 1) * chunk); i++) {
        pad.fill(m + x + i * s.H * s.W, s, image);
        const float* g = m + dz + i * pixels * s.F;
        if (!direct) {
          k.grad_transpose(g, s, image + padded);
          k.grad_filter_image(image, pad, s, image + padded, sums);
          continue;
        }
        if (i == s.n - 1) {  // the last image: a copy, whose last pixel's vectors may read on into zeros
          copy_run(g, image + padded, pixels * s.F);
          fill_run(image + padded + pixels * s.F, k.lanes, 0.0f);
          g = image + padded;
        }
        k.direct_grad_image(image, pad, s, g, sums);
      }
    }
  });
  for (int64_t q = 1; q < chunks; q++)
    for (int64_t j = 0; j < lanes; j++) acc[j] += acc[q * lanes + j];
  if (direct) {
    const int64_t Fp = k.padded_filters(s);
    for (int64_t tap = 0; tap < s.taps(); tap++)
      for (int64_t f = 0; f < s.F; f++) m[dw + tap * s.F + f] = chunks ? acc[tap * Fp + f] : 0.0f;
    return;
  }
  for (int64_t j = 0; j < s.taps() * s.F; j++) {
    float sum = 0;
    for (int l = 0; l < k.lanes; l++) sum += chunks ? acc[j * k.lanes + l] : 0.0f;
    m[dw + j] = sum;
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
