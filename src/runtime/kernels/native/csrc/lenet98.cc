// The 1998 paper's own layers: trainable subsampling (no padding), Euclidean RBF output units,
// and the MAP loss on their penalties. The subsampling's windows are summed on the rows of pool.h;
// its per-channel coefficients are laid along a whole output row (OW·C lanes, lane q channel
// q mod C), so that every loop over a row is one flat loop whatever the channel count.
#include <algorithm>
#include <cmath>
#include <vector>

#include "activation.h"
#include "clones.h"
#include "kernel.h"
#include "pool.h"

namespace netc {

// (n, H, W, C, OH, OW, PH, PW, SH, SW): a pooling shape without padding
static PoolShape window_of(const double* a) {
  return {I(a[0]), I(a[1]), I(a[2]), I(a[3]), I(a[4]), I(a[5]), I(a[6]), I(a[7]), I(a[8]), I(a[9]), 0, 0};
}

// v[ch] repeated along an output row: OW·C lanes
static std::vector<float> along_row(const float* v, const PoolShape& s) {
  std::vector<float> lanes(s.OW * s.C);
  for (int64_t ow = 0; ow < s.OW; ow++) std::copy(v, v + s.C, lanes.begin() + ow * s.C);
  return lanes;
}

// y[q] = a[q]·y[q] + b[q]
NETC_CLONES
static void scale_shift(float* y, const float* a, const float* b, int64_t len) {
  for (int64_t q = 0; q < len; q++) y[q] = a[q] * y[q] + b[q];
}

// out[q] = a[q]·b[q]
NETC_CLONES
static void product(const float* a, const float* b, float* out, int64_t len) {
  for (int64_t q = 0; q < len; q++) out[q] = a[q] * b[q];
}

// acc[q] += a[q]·b[q]
NETC_CLONES
static void multiply_add(const float* a, const float* b, float* acc, int64_t len) {
  for (int64_t q = 0; q < len; q++) acc[q] += a[q] * b[q];
}

// subsample(x, coef, bias, y, n, H, W, C, OH, OW, PH, PW, SH, SW, act, alpha): output rows split over threads
static double subsample(Ctx& c, const double* a) {
  const float* x = c.m + I(a[0]);
  float* y = c.m + I(a[3]);
  const PoolShape s = window_of(a + 4);
  const Columns cols(s);
  const std::vector<float> coef = along_row(c.m + I(a[1]), s), bias = along_row(c.m + I(a[2]), s);
  const int64_t out_row = s.OW * s.C;
  c.pool.run(s.n * out_row * s.OH * s.PH * s.PW * 4, [&](int t, int T) {
    int64_t lo, hi;
    share(s.n * s.OH, t, T, lo, hi);
    float* folded = c.scratch[t].reserve(s.row());
    for (int64_t r = lo; r < hi; r++) {
      float* out = y + r * out_row;
      window_row(x + r / s.OH * s.image(), s, cols, r % s.OH, Fold::kSum, folded, out);
      scale_shift(out, coef.data(), bias.data(), out_row);
    }
    activate(y + lo * out_row, y + lo * out_row, (hi - lo) * out_row, I(a[14]), F(a[15]));
  });
  return 0;
}

// subsampleGradInput(dz, coef, dx, n, H, W, C, OH, OW, PH, PW, SH, SW): images split over threads
// (windows may overlap: each image's dx is one thread's, added in window order)
static double subsampleGradInput(Ctx& c, const double* a) {
  const float* dz = c.m + I(a[0]);
  float* dx = c.m + I(a[2]);
  const PoolShape s = window_of(a + 3);
  const Columns cols(s);
  const std::vector<float> coef = along_row(c.m + I(a[1]), s);
  const int64_t out_row = s.OW * s.C;
  c.pool.run(s.n * out_row * s.OH * s.PH * s.PW, [&](int t, int T) {
    int64_t lo, hi;
    share(s.n, t, T, lo, hi);
    if (lo == hi) return;
    float* spread = c.scratch[t].reserve(s.row() + out_row);
    float* g = spread + s.row();
    std::fill(dx + lo * s.image(), dx + hi * s.image(), 0.0f);
    for (int64_t i = lo; i < hi; i++)
      for (int64_t oh = 0; oh < s.OH; oh++) {
        product(coef.data(), dz + (i * s.OH + oh) * out_row, g, out_row);
        spread_row(g, s, cols, s.PH, false, spread);
        for (int64_t h = oh * s.SH; h < oh * s.SH + s.PH; h++) add_run(spread, dx + (i * s.H + h) * s.row(), s.row());
      }
  });
  return 0;
}

// About this many floats of dz per chunk of subsampleGradCoef's sum (whole output rows, at least
// one): chunk boundaries depend only on the shape, each chunk's sum is its own, and the chunks add
// up in order: the same bits on any thread count.
static constexpr int64_t kChunkFloats = 16384;

// subsampleGradCoef(x, dz, dcoef, n, H, W, C, OH, OW, PH, PW, SH, SW): dcoef[ch] = Σ dz · window sum,
// over the whole batch, in lanes along the output row
static double subsampleGradCoef(Ctx& c, const double* a) {
  const float *x = c.m + I(a[0]), *dz = c.m + I(a[1]);
  float* dcoef = c.m + I(a[2]);
  const PoolShape s = window_of(a + 3);
  const Columns cols(s);
  const int64_t out_row = s.OW * s.C, rows = s.n * s.OH;
  const int64_t chunk = std::max<int64_t>(1, kChunkFloats / std::max<int64_t>(1, out_row));
  const int64_t chunks = std::max<int64_t>(1, (rows + chunk - 1) / chunk);
  float* partials = c.shared.reserve(chunks * s.C);
  c.pool.run(rows * out_row * s.PH * s.PW, [&](int t, int T) {
    int64_t lo, hi;
    share(chunks, t, T, lo, hi);
    float* folded = c.scratch[t].reserve(s.row() + 2 * out_row);
    float *sums = folded + s.row(), *acc = sums + out_row;
    for (int64_t k = lo; k < hi; k++) {
      std::fill(acc, acc + out_row, 0.0f);
      for (int64_t r = k * chunk; r < std::min(rows, (k + 1) * chunk); r++) {
        window_row(x + r / s.OH * s.image(), s, cols, r % s.OH, Fold::kSum, folded, sums);
        multiply_add(sums, dz + r * out_row, acc, out_row);
      }
      float* partial = partials + k * s.C;
      std::fill(partial, partial + s.C, 0.0f);
      for (int64_t ow = 0; ow < s.OW; ow++)
        for (int64_t ch = 0; ch < s.C; ch++) partial[ch] += acc[ow * s.C + ch];
    }
  });
  std::fill(dcoef, dcoef + s.C, 0.0f);
  for (int64_t k = 0; k < chunks; k++)
    for (int64_t ch = 0; ch < s.C; ch++) dcoef[ch] += partials[k * s.C + ch];
  return 0;
}

// rbf(x, w, y, n, K, U): y[i, u] = Σ_k (x[i, k] − w[u, k])²
static double rbf(Ctx& c, const double* a) {
  const float *x = c.m + I(a[0]), *w = c.m + I(a[1]);
  float* y = c.m + I(a[2]);
  int64_t n = I(a[3]), K = I(a[4]), U = I(a[5]);
  split(c, n, n * K * U, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; i++)
      for (int64_t u = 0; u < U; u++) {
        float s = 0;
        for (int64_t k = 0; k < K; k++) {
          float d = x[i * K + k] - w[u * K + k];
          s += d * d;
        }
        y[i * U + u] = s;
      }
  });
  return 0;
}

// rbfGradInput(x, w, dy, dx, n, K, U): dx[i, k] = Σ_u 2·dy[i, u]·(x[i, k] − w[u, k])
static double rbfGradInput(Ctx& c, const double* a) {
  const float *x = c.m + I(a[0]), *w = c.m + I(a[1]), *dy = c.m + I(a[2]);
  float* dx = c.m + I(a[3]);
  int64_t n = I(a[4]), K = I(a[5]), U = I(a[6]);
  split(c, n, n * K * U, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; i++) {
      float* out = dx + i * K;
      std::fill(out, out + K, 0.0f);
      for (int64_t u = 0; u < U; u++) {
        float g = 2 * dy[i * U + u];
        for (int64_t k = 0; k < K; k++) out[k] += g * (x[i * K + k] - w[u * K + k]);
      }
    }
  });
  return 0;
}

// log(e^−j + Σ e^−y) around the smallest of j and the penalties, so nothing overflows
static double log_sum_exp_neg(const float* y, int64_t C, double j) {
  double low = j;
  for (int64_t k = 0; k < C; k++) low = std::min(low, static_cast<double>(y[k]));
  double s = std::exp(low - j);
  for (int64_t k = 0; k < C; k++) s += std::exp(low - y[k]);
  return -low + std::log(s);
}

// rbfMap(y, t, loss, n, C, j)
static double rbfMap(Ctx& c, const double* a) {
  const float *y = c.m + I(a[0]), *t = c.m + I(a[1]);
  int64_t n = I(a[3]), C = I(a[4]);
  double s = 0;
  for (int64_t i = 0; i < n; i++) {
    for (int64_t k = 0; k < C; k++) s += static_cast<double>(t[i * C + k]) * y[i * C + k];
    s += log_sum_exp_neg(y + i * C, C, a[5]);
  }
  c.m[I(a[2])] = static_cast<float>(s / n);
  return 0;
}

// rbfMapGrad(y, t, dy, n, C, j)
static double rbfMapGrad(Ctx& c, const double* a) {
  const float *y = c.m + I(a[0]), *t = c.m + I(a[1]);
  float* dy = c.m + I(a[2]);
  int64_t n = I(a[3]), C = I(a[4]);
  for (int64_t i = 0; i < n; i++) {
    double lse = log_sum_exp_neg(y + i * C, C, a[5]);
    for (int64_t k = 0; k < C; k++) dy[i * C + k] = static_cast<float>((t[i * C + k] - std::exp(-y[i * C + k] - lse)) / n);
  }
  return 0;
}

NETC_KERNELS(lenet98, {"subsample", subsample, 16}, {"subsampleGradInput", subsampleGradInput, 13},
             {"subsampleGradCoef", subsampleGradCoef, 13}, {"rbf", rbf, 6}, {"rbfGradInput", rbfGradInput, 7},
             {"rbfMap", rbfMap, 6}, {"rbfMapGrad", rbfMapGrad, 6})

}  // namespace netc
