// The geometry of a 2-D convolution as the kernels receive it, and the gather that lays a run of
// output pixels' windows out as rows of a matrix (im2col), shared by the forward pass and the
// filter gradient.
#pragma once
#include <cstdint>
#include <cstring>

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

// Rows [r0, r1) of the windows of output pixels [p0, p1): row q (pixel p0 + q) gets, at column j − r0,
// window element j = (kh·KW + kw)·C + c of that pixel (zero in the padding); rows `stride` apart.
inline void gather_windows(const float* x, const ConvShape& s, int64_t p0, int64_t p1, int64_t r0, int64_t r1,
                           float* out, int64_t stride) {
  int64_t ow = p0 % s.OW, oh = (p0 / s.OW) % s.OH, i = p0 / (s.OW * s.OH);
  for (int64_t p = p0; p < p1; p++) {
    float* row = out + (p - p0) * stride - r0;
    for (int64_t tap = r0 / s.C; tap * s.C < r1; tap++) {
      int64_t kh = tap / s.KW, kw = tap % s.KW;
      int64_t c0 = tap * s.C < r0 ? r0 - tap * s.C : 0;
      int64_t c1 = (tap + 1) * s.C > r1 ? r1 - tap * s.C : s.C;
      int64_t ih = oh * s.SH - s.PT + kh * s.DH, iw = ow * s.SW - s.PL + kw * s.DW;
      float* dst = row + tap * s.C + c0;
      if (ih < 0 || ih >= s.H || iw < 0 || iw >= s.W) std::memset(dst, 0, (c1 - c0) * sizeof(float));
      else std::memcpy(dst, x + ((i * s.H + ih) * s.W + iw) * s.C + c0, (c1 - c0) * sizeof(float));
    }
    if (++ow == s.OW) {
      ow = 0;
      if (++oh == s.OH) oh = 0, i++;
    }
  }
}

}  // namespace netc
