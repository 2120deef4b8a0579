// The input gradient of a convolution by input rows, for up to 64 input channels (conv-grad-rows.cc).
#pragma once
#include <cstdint>

#include "conv-shape.h"

namespace netc {

struct Ctx;

// Whether the input gradient of shape s goes by input rows. The gather form's product has one
// column per input channel: with few channels most vector lanes are idle, and each pixel gathers
// KH·KW·F floats of dz either way. Measured on one thread (same-process alternating calls), rows
// won from 1 to 64 channels with 3×3 and 5×5 windows at strides 1 and 2 (by 5–40%), tied at 64
// channels with 7×7 windows, and lost from 128 channels on, where the gather form's columns fill
// the vectors and its sums run over KH·KW·F terms at once. 1×1 windows gather nothing, so they
// stay with the gather form.
inline bool grad_input_by_rows(const ConvShape& s) { return s.taps() > 1 && s.C <= 64 && s.KW * s.C <= 256; }

// dx = the input gradient of dz through the weights w (offsets in the arena).
void conv_grad_input_rows(Ctx& c, const ConvShape& s, int64_t dz, int64_t w, int64_t dx);

}  // namespace netc
