// The input gradient of a 2-D convolution by scattering (conv.cc chooses it by shape,
// conv-grad-scatter.h): each output pixel's contributions to its whole window, KH·KW·C values, are
// one row of a product dz [pixels, F] · wᵀ [F, KH·KW·C], made for a chunk of an image's pixels at
// once, and then added into the window's place in dx (col2im). The product's rows are as many as
// the chunk's pixels and its columns the window's KH·KW·C, so the micro-kernel's blocks are full
// where the by-rows form (conv-grad-rows.cc) multiplies one output row (OW pixels) by one kernel
// row (KW·C columns) at a time. Each image is one part's, its pixels added in order (oh, ow, kh,
// kw), so the bits do not depend on the thread count, and no two threads write the same values.
#include <algorithm>
#include <vector>

#include "clones.h"
#include "conv-grad-scatter.h"
#include "gemm.h"
#include "kernel.h"

namespace netc {

// Output pixels per product: enough rows for the micro-kernel's blocks, few enough that the
// chunk's windows (pixels × KH·KW·C floats) stay in the L2 cache until they are added.
static int64_t chunk_pixels(const ConvShape& s) {
  const int64_t window = s.taps() * s.C;
  return std::clamp<int64_t>((64 << 10) / std::max<int64_t>(window, 1) / 24 * 24, 24, 240);
}

// dx (one image) += the windows of output pixels [p0, p1): row p − p0 of dcol holds pixel p's
// window, element (kh·KW + kw)·C + c. With adjacent taps (DW = 1) a window row is KW·C adjacent
// floats of dx, added as one run clipped to the image.
NETC_CLONES
static void add_windows(const float* dcol, const ConvShape& s, int64_t p0, int64_t p1, float* dx) {
  const int64_t C = s.C, span = s.KW * C, window = s.KH * span;
  for (int64_t p = p0; p < p1; p++) {
    const int64_t oh = p / s.OW, ow = p % s.OW, ih0 = oh * s.SH - s.PT, iw0 = ow * s.SW - s.PL;
    const float* d = dcol + (p - p0) * window;
    for (int64_t kh = 0; kh < s.KH; kh++) {
      const int64_t ih = ih0 + kh * s.DH;
      if (ih < 0 || ih >= s.H) continue;
      float* row = dx + ih * s.W * C;
      const float* in = d + kh * span;
      if (s.DW == 1) {
        const int64_t kwa = std::max<int64_t>(0, -iw0), kwb = std::min(s.KW, s.W - iw0);
        float* out = row + (iw0 + kwa) * C;
        const float* from = in + kwa * C;
        add_short_run(from, out, (kwb - kwa) * C);
        continue;
      }
      for (int64_t kw = 0; kw < s.KW; kw++) {
        const int64_t iw = iw0 + kw * s.DW;
        if (iw < 0 || iw >= s.W) continue;
        for (int64_t c = 0; c < C; c++) row[iw * C + c] += in[kw * C + c];
      }
    }
  }
}

void conv_grad_input_scatter(Ctx& c, const ConvShape& s, int64_t dz, int64_t w, int64_t dx) {
  float* m = c.m;
  const int64_t F = s.F, window = s.taps() * s.C, image = s.H * s.W * s.C, pixels = s.OH * s.OW;
  // wt [f][j] = w [j][f]: the weights transposed, one row per filter
  float* wt = c.shared.reserve(F * window);
  for (int64_t j = 0; j < window; j++)
    for (int64_t f = 0; f < F; f++) wt[f * window + j] = m[w + j * F + f];
  const int64_t chunk = std::min(chunk_pixels(s), pixels);
  c.pool.run(s.work(), [&](int t, int T) {
    int64_t lo, hi;
    share(s.n, t, T, lo, hi);
    if (lo == hi) return;
    float* dcol = c.scratch[t].reserve(chunk * window);
    std::vector<float*> rows(chunk);
    for (int64_t q = 0; q < chunk; q++) rows[q] = dcol + q * window;
    for (int64_t i = lo; i < hi; i++) {
      float* out = m + dx + i * image;
      std::fill(out, out + image, 0.0f);
      for (int64_t p0 = 0; p0 < pixels; p0 += chunk) {
        const int64_t p1 = std::min(p0 + chunk, pixels);
        multiply(m + dz + (i * pixels + p0) * F, F, 1, p1 - p0, F, wt, window, window, rows.data(), false);
        add_windows(dcol, s, p0, p1, out);
      }
    }
  });
}

}  // namespace netc
