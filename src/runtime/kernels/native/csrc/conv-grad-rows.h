// The input gradient of a convolution by input rows, for few input channels (conv-grad-rows.cc).
#pragma once
#include <cstdint>

#include "conv-shape.h"

namespace netc {

struct Ctx;

// Whether the input gradient of shape s goes by input rows: with fewer input channels than a
// vector holds, the gather form's one column per channel leaves most lanes idle. 1×1 windows
// gather nothing, so they stay with the gather form.
inline bool grad_input_by_rows(const ConvShape& s) { return s.C < 16 && s.taps() > 1; }

// dx = the input gradient of dz through the weights w (offsets in the arena).
void conv_grad_input_rows(Ctx& c, const ConvShape& s, int64_t dz, int64_t w, int64_t dx);

}  // namespace netc
