// The single-input-channel, stride-1 convolution path of conv.cc (see conv-single.cc).
#pragma once
#include <cstdint>

#include "conv-shape.h"

namespace netc {

inline bool single_channel_path(const ConvShape& s) { return s.C == 1 && s.SH == 1 && s.SW == 1 && s.DH == 1 && s.DW == 1; }

// An image with its padding written out as zeros: rows × width floats, wide enough that every
// step of `lanes` output pixels reads inside it.
struct PaddedImage {
  PaddedImage(const ConvShape& s, int lanes);
  int64_t rows, width;
  void fill(const float* image, const ConvShape& s, float* out) const;
};

// The path's kernels, in one build per instruction set: `lanes` adjacent output pixels (16 with
// AVX-512, 8 with AVX2, 4 else) share a vector. The build is the one the matrix kernels run on
// (gemm.h: the widest this CPU has, NETC_NATIVE_ISA caps it).
struct SingleConv {
  int lanes;
  // The weights w [taps, F] in the form forward_row reads: below AVX-512 each weight as a vector of
  // `lanes` copies, written to scratch (taps·F·lanes floats); with AVX-512 w itself.
  const float* (*forward_weights)(const float* w, const ConvShape& s, float* scratch);
  // Output row oh of one image: y [OW, F] = bias + the convolution (no activation); wb from
  // forward_weights.
  void (*forward_row)(const float* xp, const PaddedImage& pad, const ConvShape& s, int64_t oh, const float* wb, const float* b,
                      float* y);
  // The output gradient of one image [OH, OW, F] transposed to dzt [F][OH][grad_width(s)]: each
  // filter's rows of pixels, zeros past OW, so that `lanes` pixels are one load.
  void (*grad_transpose)(const float* dz, const ConvShape& s, float* dzt);
  // acc [taps][F][lanes] += the products of one image for every tap, lane l holding the pixels
  // ow ≡ l (mod lanes) of every row in order; dzt is the image's transposed gradient.
  void (*grad_filter_image)(const float* xp, const PaddedImage& pad, const ConvShape& s, const float* dzt, float* acc);
  // Whether the filter gradient goes with filters in the lanes instead (direct_grad_image): below
  // AVX-512, where the filters fill whole vectors or three quarters of one.
  bool (*filters_in_lanes)(const ConvShape& s);
  // acc [taps][padded_filters(s)] += the products of one image, each tap's sums in order of the
  // pixels; dzp is the image's output gradient [OH·OW, F] followed by `lanes` readable floats.
  void (*direct_grad_image)(const float* xp, const PaddedImage& pad, const ConvShape& s, const float* dzp, float* acc);

  int64_t grad_width(const ConvShape& s) const { return ((s.OW + lanes - 1) / lanes) * lanes; }
  int64_t padded_filters(const ConvShape& s) const { return ((s.F + lanes - 1) / lanes) * lanes; }
};

const SingleConv& single_conv();

}  // namespace netc
