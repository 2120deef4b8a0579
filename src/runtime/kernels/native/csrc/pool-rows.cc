// The row machinery of pool.h.
#include <cmath>
#include <cstring>

#include "clones.h"
#include "conv-shape.h"
#include "pool.h"

namespace netc {

static constexpr int64_t kFlatBelow = 16;  // channels below which interior pixels run as one loop over the row (Columns)

Columns::Columns(const PoolShape& s) {
  if (s.C >= kFlatBelow) return;
  a = std::min(s.OW, (s.PL + s.SW - 1) / s.SW);
  b = s.W + s.PL < s.PW ? a : std::max(a, std::min(s.OW, (s.W + s.PL - s.PW) / s.SW + 1));
  base.resize((b - a) * s.C);
  for (int64_t ow = a; ow < b; ow++)
    for (int64_t ch = 0; ch < s.C; ch++) base[(ow - a) * s.C + ch] = static_cast<int32_t>((ow * s.SW - s.PL) * s.C + ch);
}

// out[j] = the sum (or maximum) over `rows` rows `stride` apart of x[r·stride + j], j < len, in row
// order: each vector of out folded in registers and stored once.
NETC_CLONES
static void fold_rows(const float* x, int64_t rows, int64_t stride, int64_t len, float* out, bool is_max) {
  if (is_max) fold_short_runs<true>(x, stride, rows, out, len);
  else fold_short_runs<false>(x, stride, rows, out, len);
}

// The interior pixels of an output row, pixel by pixel: the window's columns folded in vectors of
// the pixel's N channels, N a constant (one instance per channel count below kFlatBelow), so that
// the vector steps a pixel takes are fixed at compile time instead of decided per pixel.
template <bool Max, int N>
static inline __attribute__((always_inline)) void fold_pixels(const float* row, const PoolShape& s, const Columns& cols, float* y) {
  for (int64_t ow = cols.a; ow < cols.b; ow++) fold_short_runs<Max>(row + (ow * s.SW - s.PL) * N, N, s.PW, y + ow * N, N);
}

template <bool Max>
static inline __attribute__((always_inline)) void fold_interior(const float* row, const PoolShape& s, const Columns& cols, float* y) {
  switch (s.C) {
#define NETC_FOLD_CASE(n) \
  case n: return fold_pixels<Max, n>(row, s, cols, y);
    NETC_FOLD_CASE(1) NETC_FOLD_CASE(2) NETC_FOLD_CASE(3) NETC_FOLD_CASE(4) NETC_FOLD_CASE(5) NETC_FOLD_CASE(6) NETC_FOLD_CASE(7)
    NETC_FOLD_CASE(8) NETC_FOLD_CASE(9) NETC_FOLD_CASE(10) NETC_FOLD_CASE(11) NETC_FOLD_CASE(12) NETC_FOLD_CASE(13)
    NETC_FOLD_CASE(14) NETC_FOLD_CASE(15)
#undef NETC_FOLD_CASE
  }
}

// One output row from a folded input row: each output pixel's columns folded in order, averages
// scaled by 1/(window rows · window columns).
NETC_CLONES
static void fold_columns(const float* row, const PoolShape& s, const Columns& cols, int64_t window_rows, Fold fold, float* y) {
  const int64_t C = s.C;
  const bool is_max = fold == Fold::kMax;
  if (cols.b > cols.a) {
    if (is_max) fold_interior<true>(row, s, cols, y);
    else fold_interior<false>(row, s, cols, y);
    if (fold == Fold::kAverage) {
      const int64_t len = (cols.b - cols.a) * C;
      float* out = y + cols.a * C;
      const float scale = 1.0f / static_cast<float>(window_rows * s.PW);
      for (int64_t q = 0; q < len; q++) out[q] *= scale;
    }
  }
  for (int64_t ow = 0; ow < s.OW; ow++) {
    if (!cols.single(ow)) continue;
    int64_t w0, w1;
    s.cols(ow, w0, w1);
    float* out = y + ow * C;
    if (w0 >= w1) {
      std::fill(out, out + C, is_max ? -INFINITY : fold == Fold::kAverage ? NAN : 0.0f);
      continue;
    }
    const float* in = row + w0 * C;
    for (int64_t ch = 0; ch < C; ch++) out[ch] = in[ch];
    for (int64_t w = 1; w < w1 - w0; w++) {
      const float* next = in + w * C;
      if (is_max)
        for (int64_t ch = 0; ch < C; ch++) out[ch] = next[ch] > out[ch] ? next[ch] : out[ch];
      else
        for (int64_t ch = 0; ch < C; ch++) out[ch] += next[ch];
    }
    if (fold == Fold::kAverage) {
      const float scale = 1.0f / static_cast<float>(window_rows * (w1 - w0));
      for (int64_t ch = 0; ch < C; ch++) out[ch] *= scale;
    }
  }
}

void window_row(const float* image, const PoolShape& s, const Columns& cols, int64_t oh, Fold fold, float* folded, float* out) {
  int64_t h0, h1;
  s.rows(oh, h0, h1);
  if (h0 >= h1) {
    std::fill(out, out + s.OW * s.C, fold == Fold::kMax ? -INFINITY : fold == Fold::kAverage ? NAN : 0.0f);
    return;
  }
  const float* first = image + h0 * s.row();
  // one window row is read in place; more are folded into the scratch row first
  if (h1 - h0 > 1) fold_rows(first, h1 - h0, s.row(), s.row(), folded, fold == Fold::kMax);
  fold_columns(h1 - h0 > 1 ? folded : first, s, cols, h1 - h0, fold, out);
}

// The interior pixels of spread_row, pixel by pixel: each window column gets the pixel's N
// channels (a constant, as in fold_pixels) times scale, in vectors; overlapping windows add up in
// column order.
template <int N>
static inline __attribute__((always_inline)) void spread_pixels(const float* g, const PoolShape& s, const Columns& cols, float scale,
                                                                float* row) {
  for (int64_t ow = cols.a; ow < cols.b; ow++) {
    float* out = row + (ow * s.SW - s.PL) * N;
    for (int64_t kw = 0; kw < s.PW; kw++) move_short_run<Move::kAddScaled>(g + ow * N, out + kw * N, N, scale);
  }
}

NETC_CLONES
void spread_row(const float* g, const PoolShape& s, const Columns& cols, int64_t window_rows, bool average, float* row) {
  const int64_t C = s.C;
  std::fill(row, row + s.row(), 0.0f);
  if (cols.b > cols.a) {
    const float scale = average ? 1.0f / static_cast<float>(window_rows * s.PW) : 1.0f;
    switch (C) {
#define NETC_SPREAD_CASE(n) \
  case n: spread_pixels<n>(g, s, cols, scale, row); break;
      NETC_SPREAD_CASE(1) NETC_SPREAD_CASE(2) NETC_SPREAD_CASE(3) NETC_SPREAD_CASE(4) NETC_SPREAD_CASE(5) NETC_SPREAD_CASE(6)
      NETC_SPREAD_CASE(7) NETC_SPREAD_CASE(8) NETC_SPREAD_CASE(9) NETC_SPREAD_CASE(10) NETC_SPREAD_CASE(11) NETC_SPREAD_CASE(12)
      NETC_SPREAD_CASE(13) NETC_SPREAD_CASE(14) NETC_SPREAD_CASE(15)
#undef NETC_SPREAD_CASE
    }
  }
  for (int64_t ow = 0; ow < s.OW; ow++) {
    if (!cols.single(ow)) continue;
    int64_t w0, w1;
    s.cols(ow, w0, w1);
    if (w0 >= w1) continue;
    const float scale = average ? 1.0f / static_cast<float>(window_rows * (w1 - w0)) : 1.0f;
    const float* in = g + ow * C;
    for (int64_t w = w0; w < w1; w++) {
      float* out = row + w * C;
      for (int64_t ch = 0; ch < C; ch++) out[ch] += in[ch] * scale;
    }
  }
}

NETC_CLONES
void add_run(const float* from, float* to, int64_t len) {
  for (int64_t j = 0; j < len; j++) to[j] += from[j];
}

}  // namespace netc
