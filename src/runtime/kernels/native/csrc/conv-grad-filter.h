// The filter gradient of a convolution over gathered windows, plain or transposed (conv-grad-filter.cc).
#pragma once
#include <cstdint>

#include "conv-shape.h"
#include "gemm.h"

namespace netc {

struct Ctx;

// Whether the filter gradient of shape s is computed transposed: below two vectors of filters
// (32 with AVX-512, 16 with AVX2) the plain form's F columns fill at most one vector per row, while
// the windows' KH·KW·C columns fill more (1×1 windows of few channels excepted). With AVX2, 16
// filters go plain: LeNet-5's C3 1.11× (scripts/bench/conv-kernels.ts, one core, CPU time).
inline bool grad_filter_by_columns(const ConvShape& s) { return s.F < 2 * gemm().lanes && s.taps() * s.C > s.F; }

// dw = the filter gradient from the input x and the output gradient dz (offsets in the arena).
void conv_grad_filter_gathered(Ctx& c, const ConvShape& s, int64_t x, int64_t dz, int64_t dw);

}  // namespace netc
