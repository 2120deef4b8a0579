// The gather of conv-shape.h (im2col), compiled for AVX-512, AVX2 and the baseline (clones.h):
// its runs are a window row's KW·C floats, which the wider builds copy 8 or 16 at a time. On 3×3
// windows of 16 channels the gather costs about as much as the multiply-adds it feeds.
#include <algorithm>

#include "clones.h"
#include "conv-shape.h"

namespace netc {

NETC_CLONES
void gather_windows(const float* x, const ConvShape& s, int64_t p0, int64_t p1, int64_t r0, int64_t r1, float* out,
                    int64_t stride) {
  const int64_t span = s.KW * s.C, kh0 = r0 / span, kh1 = (r1 + span - 1) / span;
  int64_t ow = p0 % s.OW, oh = (p0 / s.OW) % s.OH, i = p0 / (s.OW * s.OH);
  for (int64_t p = p0; p < p1; p++) {
    float* row = out + (p - p0) * stride - r0;
    const float* image = x + i * s.H * s.W * s.C;
    const int64_t iw0 = ow * s.SW - s.PL;
    for (int64_t kh = kh0; kh < kh1; kh++) {
      const int64_t ih = oh * s.SH - s.PT + kh * s.DH, base = kh * span;
      const int64_t lo = std::max(r0, base), hi = std::min(r1, base + span);
      if (ih < 0 || ih >= s.H) {
        fill_run(row + lo, hi - lo, 0.0f);
        continue;
      }
      const float* in_row = image + ih * s.W * s.C;
      if (s.DW == 1) {
        // the window row's columns inside the image: [base + kwa·C, base + kwb·C)
        const int64_t kwa = std::max<int64_t>(0, -iw0), kwb = std::min(s.KW, s.W - iw0);
        const int64_t va = std::min(hi, std::max(lo, base + kwa * s.C)), vb = std::max(va, std::min(hi, base + kwb * s.C));
        fill_run(row + lo, va - lo, 0.0f);
        copy_short_run(in_row + iw0 * s.C + (va - base), row + va, vb - va);
        fill_run(row + vb, hi - vb, 0.0f);
        continue;
      }
      for (int64_t j = lo; j < hi;) {
        const int64_t kw = (j - base) / s.C, c0 = (j - base) % s.C, n = std::min(hi - j, s.C - c0), iw = iw0 + kw * s.DW;
        if (iw < 0 || iw >= s.W) fill_run(row + j, n, 0.0f);
        else copy_run(in_row + iw * s.C + c0, row + j, n);
        j += n;
      }
    }
    if (++ow == s.OW) {
      ow = 0;
      if (++oh == s.OH) oh = 0, i++;
    }
  }
}

}  // namespace netc
