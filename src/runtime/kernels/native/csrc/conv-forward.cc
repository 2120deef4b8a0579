// The forward pass of a 2-D convolution (conv.cc registers it): each thread takes a run of output
// pixels. Where a pixel's window lies inside the image, the micro-kernel reads the window straight
// from the input: along an output row the windows are SW·C floats apart, and a window row (kh) is
// KW·C adjacent floats. Windows that reach into the padding are gathered into rows first, zeros
// included. Either way a pixel's sum is split the same way — bias, then the groups of window rows
// that multiply_segments makes from the shape alone — so which path a pixel took, and so how pixels
// are shared among threads, does not change its bits. One input channel at stride 1 has a path of
// its own (conv-single.cc).
#include <algorithm>

#include "activation.h"
#include "conv-shape.h"
#include "conv-single.h"
#include "gemm.h"
#include "kernel.h"

namespace netc {

static constexpr int64_t kGathered = 64;  // gathered windows multiplied at once
// Fewest pixels of an output row read in place: a shorter run (an output row of a pixel or two, as
// in a 5×5 convolution of a 5×5 input) would make a product of that few rows, which leaves most of
// the micro-kernel's rows idle; gathered, such pixels join others in products of up to kGathered rows.
static constexpr int64_t kInPlaceRun = 8;

namespace {

// One thread's share of a forward pass.
struct Forward {
  const ConvShape& s;
  const float *x, *w;
  float* y;
  float* col;  // kGathered gathered windows, K floats each
  int64_t K, pending = 0;
  float* rows[kGathered];

  // y rows c[0..count) += windows a (window r at a + r·lda; window row kh at + kh·row_stride) · w:
  // the window rows are the product's segments (multiply_segments)
  void multiply_rows(const float* a, int64_t lda, int64_t row_stride, int64_t count, float* const* c) const {
    multiply_segments(a, lda, count, s.KW * s.C, s.KH, row_stride, w, s.F, s.F, c, true);
  }

  void flush() {
    if (pending) multiply_rows(col, K, s.KW * s.C, pending, rows);
    pending = 0;
  }

  void gathered(int64_t p0, int64_t p1) {
    while (p0 < p1) {
      const int64_t n = std::min(p1 - p0, kGathered - pending);
      gather_windows(x, s, p0, p0 + n, 0, K, col + pending * K, K);
      for (int64_t j = 0; j < n; j++) rows[pending + j] = y + (p0 + j) * s.F;
      pending += n, p0 += n;
      if (pending == kGathered) flush();
    }
  }

  // pixels [p0, p1) of one output row, image i, whose windows all lie inside it, the first at column ow
  void in_place(int64_t p0, int64_t p1, int64_t i, int64_t oh, int64_t ow) {
    float* c[kGathered];
    for (int64_t a = p0; a < p1; a += kGathered) {
      const int64_t n = std::min(kGathered, p1 - a);
      for (int64_t j = 0; j < n; j++) c[j] = y + (a + j) * s.F;
      const int64_t ih = oh * s.SH - s.PT, iw = (ow + a - p0) * s.SW - s.PL;
      multiply_rows(x + ((i * s.H + ih) * s.W + iw) * s.C, s.SW * s.C, s.DH * s.W * s.C, n, c);
    }
  }

  void run(int64_t lo, int64_t hi) {
    // output columns whose windows lie inside the image's columns: [first, last)
    const int64_t first = (s.PL + s.SW - 1) / s.SW;
    const int64_t last = s.W - s.KW + s.PL >= 0 ? std::min(s.OW, (s.W - s.KW + s.PL) / s.SW + 1) : 0;
    for (int64_t p = lo; p < hi;) {
      const int64_t ow = p % s.OW, oh = p / s.OW % s.OH, i = p / (s.OW * s.OH);
      const int64_t end = std::min(hi, p + s.OW - ow);
      const int64_t top = oh * s.SH - s.PT;
      const bool rows_inside = s.DW == 1 && top >= 0 && top + (s.KH - 1) * s.DH < s.H;
      int64_t a = rows_inside ? std::clamp(p + first - ow, p, end) : end;
      int64_t b = rows_inside ? std::clamp(p + last - ow, a, end) : end;
      if (b - a < kInPlaceRun) a = b = end;
      gathered(p, a);
      if (a < b) in_place(a, b, i, oh, ow + (a - p));
      gathered(b, end);
      p = end;
    }
    flush();
  }
};

}  // namespace

void conv_forward(Ctx& c, const ConvShape& s, int64_t x, int64_t w, int64_t b, int64_t y, int act, float alpha) {
  if (single_channel_path(s)) return single_forward(c, s, x, w, b, y, act, alpha);
  float* m = c.m;
  const int64_t K = s.taps() * s.C, F = s.F;
  c.pool.run(s.work(), [&](int t, int T) {
    int64_t lo, hi;
    share(s.pixels(), t, T, lo, hi);
    if (lo == hi) return;
    for (int64_t p = lo; p < hi; p++) {
      if (b < 0) fill_run(m + y + p * F, F, 0.0f);
      else copy_run(m + b, m + y + p * F, F);
    }
    Forward{s, m + x, m + w, m + y, c.scratch[t].reserve(kGathered * K), K, 0, {}}.run(lo, hi);
    activate(m + y + lo * F, m + y + lo * F, (hi - lo) * F, act, alpha);
  });
}

}  // namespace netc
