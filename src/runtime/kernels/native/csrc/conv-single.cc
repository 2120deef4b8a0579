// Convolutions of a single input channel at stride 1 (a network's first layer on grey images):
// with one channel a window row is a handful of floats, so gathering windows into matrix rows
// costs more than the multiply-adds. Here 16 adjacent output pixels share the vector lanes
// instead: each tap is one load of 16 input pixels from a zero-padded copy of the image.
// Compiled for AVX-512, AVX2 and the baseline, chosen at load time (GCC's target_clones).
#include <algorithm>
#include <cstring>

#include "clones.h"
#include "conv-single.h"
#include "lanes.h"

namespace netc {

static constexpr int L = 16;  // output pixels per step (the lanes)
static constexpr int FB = 8;  // filters per step


PaddedImage::PaddedImage(const ConvShape& s)
    : rows(s.OH + s.KH - 1), width(((s.OW + L - 1) / L) * L + s.KW - 1) {}

// Zeros where the padding is, the image's rows copied in vectors in between.
NETC_CLONES
void PaddedImage::fill(const float* image, const ConvShape& s, float* out) const {
  const int64_t w0 = std::max<int64_t>(0, s.PL), skip = std::max<int64_t>(0, -s.PL);
  const int64_t cols = std::max<int64_t>(0, std::min(s.W - skip, width - w0));
  for (int64_t r = 0; r < rows; r++) {
    float* row = out + r * width;
    const int64_t h = r - s.PT;
    if (h < 0 || h >= s.H || cols == 0) {
      std::fill(row, row + width, 0.0f);
      continue;
    }
    std::fill(row, row + w0, 0.0f);
    copy_short_run(image + h * s.W + skip, row + w0, cols);
    std::fill(row + w0 + cols, row + width, 0.0f);
  }
}

// v16 (lanes.h), 16 floats as one value: a zmm register in the AVX-512 clone, two ymm in the AVX2
// one, four xmm else.
static inline v16 load16(const float* p) {
  v16 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// Filters [f0, f0 + NF) of output row oh, 16 pixels at a time: NF accumulators, NF exact (6 for
// LeNet's 6 filters, where a fixed 8 spent a quarter of the multiply-adds on lanes never stored).
template <int NF>
static inline __attribute__((always_inline)) void forward_filters(const float* xp, const PaddedImage& pad, const ConvShape& s, int64_t oh,
                                                                  const float* w, const float* b, int64_t f0, float* y) {
  for (int64_t ow0 = 0; ow0 < s.OW; ow0 += L) {
    const int64_t lanes = std::min<int64_t>(L, s.OW - ow0);
    v16 acc[NF];
    for (int f = 0; f < NF; f++) acc[f] = v16{} + (b ? b[f0 + f] : 0.0f);
    for (int64_t kh = 0; kh < s.KH; kh++)
      for (int64_t kw = 0; kw < s.KW; kw++) {
        const v16 xv = load16(xp + (oh + kh) * pad.width + ow0 + kw);
        const float* wk = w + (kh * s.KW + kw) * s.F + f0;
        for (int f = 0; f < NF; f++) acc[f] += xv * wk[f];
      }
    store_pixels<NF>(acc, y + ow0 * s.F + f0, s.F, lanes);
  }
}

NETC_CLONES
void single_forward_row(const float* xp, const PaddedImage& pad, const ConvShape& s, int64_t oh, const float* w, const float* b,
                        float* y) {
  for (int64_t f0 = 0; f0 < s.F; f0 += FB) {
    switch (std::min<int64_t>(FB, s.F - f0)) {
      case 1: forward_filters<1>(xp, pad, s, oh, w, b, f0, y); break;
      case 2: forward_filters<2>(xp, pad, s, oh, w, b, f0, y); break;
      case 3: forward_filters<3>(xp, pad, s, oh, w, b, f0, y); break;
      case 4: forward_filters<4>(xp, pad, s, oh, w, b, f0, y); break;
      case 5: forward_filters<5>(xp, pad, s, oh, w, b, f0, y); break;
      case 6: forward_filters<6>(xp, pad, s, oh, w, b, f0, y); break;
      case 7: forward_filters<7>(xp, pad, s, oh, w, b, f0, y); break;
      default: forward_filters<8>(xp, pad, s, oh, w, b, f0, y); break;
    }
  }
}

// Width of a row of the transposed output gradient: whole steps of 16 lanes, zeros past OW.
int64_t single_grad_width(const ConvShape& s) { return ((s.OW + L - 1) / L) * L; }

// Filters [f0, f0 + NF) of every row, 16 pixels at a time, lanes past OW zero.
template <int NF>
static inline __attribute__((always_inline)) void transpose_filters(const float* dz, const ConvShape& s, int64_t f0, float* dzt) {
  const int64_t width = single_grad_width(s);
  for (int64_t oh = 0; oh < s.OH; oh++)
    for (int64_t ow0 = 0; ow0 < width; ow0 += L) {
      v16 a[NF];
      // a short step at a row's end may read on into the image's next rows, where it has them
      const int64_t count = std::min<int64_t>(L, s.OW - ow0);
      load_pixels<NF>(dz + (oh * s.OW + ow0) * s.F + f0, s.F, count, a, (s.OH - oh - 1) * s.OW >= L - count);
      for (int f = 0; f < NF; f++) std::memcpy(dzt + ((f0 + f) * s.OH + oh) * width + ow0, &a[f], sizeof(v16));
    }
}

NETC_CLONES
void single_grad_transpose(const float* dz, const ConvShape& s, float* dzt) {
  for (int64_t f0 = 0; f0 < s.F; f0 += FB) {
    switch (std::min<int64_t>(FB, s.F - f0)) {
      case 1: transpose_filters<1>(dz, s, f0, dzt); break;
      case 2: transpose_filters<2>(dz, s, f0, dzt); break;
      case 3: transpose_filters<3>(dz, s, f0, dzt); break;
      case 4: transpose_filters<4>(dz, s, f0, dzt); break;
      case 5: transpose_filters<5>(dz, s, f0, dzt); break;
      case 6: transpose_filters<6>(dz, s, f0, dzt); break;
      case 7: transpose_filters<7>(dz, s, f0, dzt); break;
      default: transpose_filters<8>(dz, s, f0, dzt); break;
    }
  }
}

// TB taps × NF filters of one image: TB·NF accumulators stay in registers over the whole image
// (24 zmm registers for 3 × 8 in the AVX-512 clone), loaded from and stored to acc once; per step
// TB loads of input pixels and NF of gradients feed TB·NF multiply-adds. Each lane's sum runs over
// the image's steps in order, continuing the sum of the images before.
template <int TB, int NF>
static inline __attribute__((always_inline)) void grad_filter_block(const float* xp, const PaddedImage& pad, const ConvShape& s,
                                                                    const float* dzt, int64_t tap, int64_t f0, float* acc) {
  const int64_t width = single_grad_width(s);
  int64_t at[TB];
  for (int t = 0; t < TB; t++) at[t] = (tap + t) / s.KW * pad.width + (tap + t) % s.KW;
  v16 sum[TB][NF];
  for (int t = 0; t < TB; t++)
    for (int f = 0; f < NF; f++) sum[t][f] = load16(acc + (t * s.F + f0 + f) * L);
  for (int64_t oh = 0; oh < s.OH; oh++) {
    const float* x = xp + oh * pad.width;
    const float* g = dzt + (f0 * s.OH + oh) * width;
    for (int64_t ow0 = 0; ow0 < width; ow0 += L) {
      v16 xv[TB], gv[NF];
      for (int t = 0; t < TB; t++) xv[t] = load16(x + at[t] + ow0);
      for (int f = 0; f < NF; f++) gv[f] = load16(g + f * s.OH * width + ow0);
      for (int t = 0; t < TB; t++)
        for (int f = 0; f < NF; f++) sum[t][f] += xv[t] * gv[f];
    }
  }
  for (int t = 0; t < TB; t++)
    for (int f = 0; f < NF; f++) std::memcpy(acc + (t * s.F + f0 + f) * L, &sum[t][f], sizeof(v16));
}

template <int TB>
static inline __attribute__((always_inline)) void grad_filter_taps(const float* xp, const PaddedImage& pad, const ConvShape& s,
                                                                   const float* dzt, int64_t tap, float* acc) {
  for (int64_t f0 = 0; f0 < s.F; f0 += FB) {
    switch (std::min<int64_t>(FB, s.F - f0)) {
      case 1: grad_filter_block<TB, 1>(xp, pad, s, dzt, tap, f0, acc); break;
      case 2: grad_filter_block<TB, 2>(xp, pad, s, dzt, tap, f0, acc); break;
      case 3: grad_filter_block<TB, 3>(xp, pad, s, dzt, tap, f0, acc); break;
      case 4: grad_filter_block<TB, 4>(xp, pad, s, dzt, tap, f0, acc); break;
      case 5: grad_filter_block<TB, 5>(xp, pad, s, dzt, tap, f0, acc); break;
      case 6: grad_filter_block<TB, 6>(xp, pad, s, dzt, tap, f0, acc); break;
      case 7: grad_filter_block<TB, 7>(xp, pad, s, dzt, tap, f0, acc); break;
      default: grad_filter_block<TB, 8>(xp, pad, s, dzt, tap, f0, acc); break;
    }
  }
}

NETC_CLONES
void single_grad_filter_image(const float* xp, const PaddedImage& pad, const ConvShape& s, const float* dzt, float* acc) {
  const int64_t taps = s.taps();
  int64_t tap = 0;
  for (; tap + 3 <= taps; tap += 3) grad_filter_taps<3>(xp, pad, s, dzt, tap, acc + tap * s.F * L);
  if (taps - tap == 2) grad_filter_taps<2>(xp, pad, s, dzt, tap, acc + tap * s.F * L);
  if (taps - tap == 1) grad_filter_taps<1>(xp, pad, s, dzt, tap, acc + tap * s.F * L);
}

}  // namespace netc
