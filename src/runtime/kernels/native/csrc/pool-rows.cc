// The row machinery of pool.h.
#include <cmath>
#include <cstring>

#include "clones.h"
#include "pool.h"

namespace netc {

static constexpr int64_t kFlatBelow = 16;  // channels below which interior pixels run as one flat loop

Columns::Columns(const PoolShape& s) {
  if (s.C >= kFlatBelow) return;
  a = std::min(s.OW, (s.PL + s.SW - 1) / s.SW);
  b = s.W + s.PL < s.PW ? a : std::max(a, std::min(s.OW, (s.W + s.PL - s.PW) / s.SW + 1));
  base.resize((b - a) * s.C);
  for (int64_t ow = a; ow < b; ow++)
    for (int64_t ch = 0; ch < s.C; ch++) base[(ow - a) * s.C + ch] = static_cast<int32_t>((ow * s.SW - s.PL) * s.C + ch);
}

// out[j] = the sum (or maximum) over `rows` rows `stride` apart of x[r·stride + j], j < len, in row order.
NETC_CLONES
static void fold_rows(const float* x, int64_t rows, int64_t stride, int64_t len, float* out, bool is_max) {
  std::memcpy(out, x, len * sizeof(float));
  for (int64_t r = 1; r < rows; r++) {
    const float* in = x + r * stride;
    if (is_max)
      for (int64_t j = 0; j < len; j++) out[j] = in[j] > out[j] ? in[j] : out[j];
    else
      for (int64_t j = 0; j < len; j++) out[j] += in[j];
  }
}

// One output row from a folded input row: each output pixel's columns folded in order, averages
// scaled by 1/(window rows · window columns).
NETC_CLONES
static void fold_columns(const float* row, const PoolShape& s, const Columns& cols, int64_t window_rows, Fold fold, float* y) {
  const int64_t C = s.C;
  const bool is_max = fold == Fold::kMax;
  if (cols.b > cols.a) {
    const int64_t len = (cols.b - cols.a) * C;
    const int32_t* base = cols.base.data();
    float* out = y + cols.a * C;
    for (int64_t q = 0; q < len; q++) out[q] = row[base[q]];
    for (int64_t kw = 1; kw < s.PW; kw++) {
      const float* in = row + kw * C;
      if (is_max)
        for (int64_t q = 0; q < len; q++) out[q] = in[base[q]] > out[q] ? in[base[q]] : out[q];
      else
        for (int64_t q = 0; q < len; q++) out[q] += in[base[q]];
    }
    if (fold == Fold::kAverage) {
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

NETC_CLONES
void spread_row(const float* g, const PoolShape& s, const Columns& cols, int64_t window_rows, bool average, float* row) {
  const int64_t C = s.C;
  std::fill(row, row + s.row(), 0.0f);
  if (cols.b > cols.a) {
    const int64_t len = (cols.b - cols.a) * C;
    const int32_t* base = cols.base.data();
    const float* in = g + cols.a * C;
    const float scale = average ? 1.0f / static_cast<float>(window_rows * s.PW) : 1.0f;
    // for one kw, the outputs' targets are distinct (windows start SW ≥ 1 columns apart)
    for (int64_t kw = 0; kw < s.PW; kw++) {
      float* out = row + kw * C;
      for (int64_t q = 0; q < len; q++) out[base[q]] += in[q] * scale;
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
