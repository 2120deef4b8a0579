// The single-input-channel, stride-1 convolution path of conv.cc (see conv-single.cc).
#pragma once
#include <cstdint>

#include "conv-shape.h"

namespace netc {

inline bool single_channel_path(const ConvShape& s) { return s.C == 1 && s.SH == 1 && s.SW == 1 && s.DH == 1 && s.DW == 1; }

// An image with its padding written out as zeros: rows × width floats, wide enough that every
// step of 16 output pixels reads inside it.
struct PaddedImage {
  explicit PaddedImage(const ConvShape& s);
  int64_t rows, width;
  void fill(const float* image, const ConvShape& s, float* out) const;
};

// Output row oh of one image: y [OW, F] = bias + the convolution (no activation).
void single_forward_row(const float* xp, const PaddedImage& pad, const ConvShape& s, int64_t oh, const float* w, const float* b,
                        float* y);
// The output gradient of one image [OH, OW, F] transposed to dzt [F][OH][single_grad_width(s)]:
// each filter's rows of pixels, zeros past OW, so that 16 pixels are one load.
int64_t single_grad_width(const ConvShape& s);
void single_grad_transpose(const float* dz, const ConvShape& s, float* dzt);
// acc [taps][F][16] += the products of one image for every tap, lane l holding the pixels
// ow ≡ l (mod 16) of every row in order; dzt is the image's transposed gradient.
void single_grad_filter_image(const float* xp, const PaddedImage& pad, const ConvShape& s, const float* dzt, float* acc);

}  // namespace netc
