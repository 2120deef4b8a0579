// Pooling windows row by row, shared by pooling (pool.cc) and the 1998 subsampling (lenet98.cc):
// the long loops run over contiguous floats, or over a whole row's outputs, whatever the channel
// count. Below 16 channels a pixel's channels are too few for vectors, so the output pixels whose
// window lies inside the image ("interior" columns) are done as one flat loop over the row's
// outputs, each reading its window through an offset table (Columns); pixels whose windows the
// padding clips, and every pixel at 16 channels or more, go pixel by pixel with channels inner.
#pragma once
#include <algorithm>
#include <cstdint>
#include <vector>

#include "short-runs.h"

namespace netc {

struct PoolShape {
  int64_t n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL;
  // the window of output row oh, clipped to the image: input rows [h0, h1)
  void rows(int64_t oh, int64_t& h0, int64_t& h1) const {
    h0 = std::max<int64_t>(0, oh * SH - PT), h1 = std::min(H, oh * SH - PT + PH);
  }
  // the window of output column ow, clipped: input columns [w0, w1)
  void cols(int64_t ow, int64_t& w0, int64_t& w1) const {
    w0 = std::max<int64_t>(0, ow * SW - PL), w1 = std::min(W, ow * SW - PL + PW);
  }
  int64_t image() const { return H * W * C; }
  int64_t row() const { return W * C; }
};

// How a window's pixels combine: summed, averaged over its real (unpadded) pixels, or the maximum.
enum class Fold { kSum, kAverage, kMax };

// The interior output columns [a, b) (whole windows inside the row) and, for their outputs q
// (from a·C), base[q − a·C] = the offset in an input row of the window's first column, channel
// included. Empty (a = b) at 16 channels or more: then every pixel goes the per-pixel way.
struct Columns {
  int64_t a = 0, b = 0;
  std::vector<int32_t> base;
  explicit Columns(const PoolShape& s);
  // whether output column ow goes pixel by pixel
  bool single(int64_t ow) const { return ow < a || ow >= b; }
};

// Output row oh of one image (`image` its first float) into out (OW·C): the window's input rows
// folded into `folded` (W·C floats of scratch) when there are several, then each pixel's columns.
// A window of padding only gives the reference's empty maximum (−∞) or 0/0 (NaN).
void window_row(const float* image, const PoolShape& s, const Columns& cols, int64_t oh, Fold fold, float* folded, float* out);

// Output row g (OW·C) spread over one input row (W·C, zeroed here): each pixel of each window gets
// g, divided by the window's pixel count (window_rows · its columns) when `average`; overlapping
// windows add up in column order.
void spread_row(const float* g, const PoolShape& s, const Columns& cols, int64_t window_rows, bool average, float* row);


}  // namespace netc
