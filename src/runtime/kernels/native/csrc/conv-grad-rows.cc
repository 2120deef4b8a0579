// The input gradient of a 2-D convolution by input rows, for up to 64 input channels (conv.cc
// chooses it by shape, conv-grad-rows.h). The gather form (conv.cc) multiplies gathered dz windows
// by the weights with one column per input channel: with few channels most lanes are idle, and
// every pixel gathers KH·KW·F floats of dz. Here an input row (image i, row ih) is one thread's: for each
// kernel row kh that reaches it from an output row oh, the product dz[i, oh] [OW, F] · wt_kh
// [F, KW·C] gives each output pixel's contributions to KW·C input values at once — KW·C columns fill
// the lanes — and they are added into the row. Each input value is summed in the order kh, ow, kw
// whichever thread owns its row, so the bits do not depend on the thread count; and a row's
// contributions are never split between threads, so threads never write the same values.
#include <algorithm>
#include <vector>

#include "clones.h"
#include "conv-grad-rows.h"
#include "gemm.h"
#include "kernel.h"

namespace netc {

// row [W·C] += for ow, kw: the C values dcol[ow·KW·C + kw·C …] at input column ow·SW − PL + kw·DW.
// With adjacent taps (DW = 1) an output pixel's KW·C values land on KW·C adjacent floats of the
// row, each at most once, so they are added as one run (clipped to the image): each input value
// still gets its terms in the order ow, kw, and a run of 30 floats (LeNet's C3: 5 taps of 6
// channels) fills vectors where runs of C did not.
NETC_CLONES
static void add_windows(const float* dcol, const ConvShape& s, float* row) {
  const int64_t C = s.C, span = s.KW * C;
  for (int64_t ow = 0; ow < s.OW; ow++) {
    const float* d = dcol + ow * span;
    if (s.DW == 1) {
      const int64_t iw0 = ow * s.SW - s.PL, kwa = std::max<int64_t>(0, -iw0), kwb = std::min(s.KW, s.W - iw0);
      float* out = row + (iw0 + kwa) * C;
      const float* in = d + kwa * C;
      for (int64_t j = 0; j < (kwb - kwa) * C; j++) out[j] += in[j];
      continue;
    }
    for (int64_t kw = 0; kw < s.KW; kw++) {
      const int64_t iw = ow * s.SW - s.PL + kw * s.DW;
      if (iw < 0 || iw >= s.W) continue;
      float* out = row + iw * C;
      const float* in = d + kw * C;
      for (int64_t c = 0; c < C; c++) out[c] += in[c];
    }
  }
}

void conv_grad_input_rows(Ctx& c, const ConvShape& s, int64_t dz, int64_t w, int64_t dx) {
  float* m = c.m;
  const int64_t C = s.C, F = s.F, span = s.KW * C;
  // wt [kh][f][kw·C + c] = w [(kh·KW + kw)·C + c][f]
  float* wt = c.shared.reserve(s.KH * F * span);
  for (int64_t kh = 0; kh < s.KH; kh++)
    for (int64_t kw = 0; kw < s.KW; kw++)
      for (int64_t ci = 0; ci < C; ci++) {
        const float* src = m + w + ((kh * s.KW + kw) * C + ci) * F;
        for (int64_t f = 0; f < F; f++) wt[(kh * F + f) * span + kw * C + ci] = src[f];
      }
  // Output rows narrower than the micro-kernel's blocks (LeNet's C5: one pixel) are grouped over
  // images: a unit is input row ih of G images, whose dz rows are copied side by side, so that a
  // product has G·OW rows instead of OW.
  const int64_t G = s.OW >= 8 ? 1 : std::max<int64_t>(1, 24 / s.OW), groups = (s.n + G - 1) / G;
  c.pool.run(s.work(), [&](int t, int T) {
    int64_t lo, hi;
    share(groups * s.H, t, T, lo, hi);
    if (lo == hi) return;
    float* dcol = c.scratch[t].reserve(G * s.OW * (span + F));
    float* dzs = dcol + G * s.OW * span;
    std::vector<float*> rows(G * s.OW);
    for (int64_t q = 0; q < G * s.OW; q++) rows[q] = dcol + q * span;
    for (int64_t u = lo; u < hi; u++) {
      const int64_t i0 = u / s.H * G, ih = u % s.H, images = std::min(G, s.n - i0);
      for (int64_t i = i0; i < i0 + images; i++) std::fill(m + dx + (i * s.H + ih) * s.W * C, m + dx + (i * s.H + ih + 1) * s.W * C, 0.0f);
      for (int64_t kh = 0; kh < s.KH; kh++) {
        const int64_t from = ih + s.PT - kh * s.DH;
        if (from < 0 || from % s.SH != 0 || from / s.SH >= s.OH) continue;
        const int64_t oh = from / s.SH, cols = s.OW * F;
        const float* g = m + dz + (i0 * s.OH + oh) * cols;
        if (G > 1) {
          for (int64_t i = 0; i < images; i++) copy_run(m + dz + ((i0 + i) * s.OH + oh) * cols, dzs + i * cols, cols);
          g = dzs;
        }
        multiply(g, F, 1, images * s.OW, F, wt + kh * F * span, span, span, rows.data(), false);
        for (int64_t i = 0; i < images; i++) add_windows(dcol + i * s.OW * span, s, m + dx + ((i0 + i) * s.H + ih) * s.W * C);
      }
    }
  });
}

}  // namespace netc
