// The input gradient of a convolution by scattering whole windows (conv-grad-scatter.cc).
#pragma once
#include <cstdint>

#include "conv-shape.h"

namespace netc {

struct Ctx;

// Whether the input gradient of shape s goes by scattering windows. Each image is one part, so
// the batch must give the threads images to do (at least 16: the choice may not depend on the
// thread count, or the bits would); an image's pixels are the product's rows, so
// they must fill the micro-kernel's blocks (LeNet-5's C5, one pixel an image, stays by rows, which
// groups images). Measured on one thread (scripts/bench/conv-kernels.ts, alternating with the
// by-rows and gather forms): 1.03–1.5× faster from 1 to 32 input channels at kernels 3–7 and
// strides 1–2, and 0.9–0.96× at 128 and 256 channels, which stay with the gather form.
inline bool grad_input_by_scatter(const ConvShape& s) {
  return s.taps() > 1 && s.C <= 64 && s.n >= 16 && s.OH * s.OW >= 24;
}

// dx = the input gradient of dz through the weights w (offsets in the arena).
void conv_grad_input_scatter(Ctx& c, const ConvShape& s, int64_t dz, int64_t w, int64_t dx);

}  // namespace netc
