// The 1998 paper's own layers: trainable subsampling (no padding), Euclidean RBF output units,
// and the MAP loss on their penalties.
#include <algorithm>
#include <cmath>
#include <vector>

#include "activation.h"
#include "kernel.h"

namespace netc {

struct Window {
  int64_t n, H, W, C, OH, OW, PH, PW, SH, SW;
  int64_t corner(int64_t p) const {  // input offset of output pixel p's window's first pixel
    int64_t ow = p % OW, oh = p / OW % OH, i = p / (OW * OH);
    return ((i * H + oh * SH) * W + ow * SW) * C;
  }
  double sum(const float* x, int64_t corner, int64_t ch) const {
    double s = 0;
    for (int64_t h = 0; h < PH; h++)
      for (int64_t w = 0; w < PW; w++) s += x[corner + (h * W + w) * C + ch];
    return s;
  }
};

static Window window_of(const double* a) {
  return {I(a[0]), I(a[1]), I(a[2]), I(a[3]), I(a[4]), I(a[5]), I(a[6]), I(a[7]), I(a[8]), I(a[9])};
}

// subsample(x, coef, bias, y, n, H, W, C, OH, OW, PH, PW, SH, SW, act, alpha)
static double subsample(Ctx& c, const double* a) {
  const float *x = c.m + I(a[0]), *coef = c.m + I(a[1]), *bias = c.m + I(a[2]);
  float* y = c.m + I(a[3]);
  Window s = window_of(a + 4);
  const int64_t P = s.n * s.OH * s.OW;
  split(c, P, P * s.C * s.PH * s.PW * 4, [&](int64_t lo, int64_t hi) {
    for (int64_t p = lo; p < hi; p++)
      for (int64_t ch = 0; ch < s.C; ch++) y[p * s.C + ch] = static_cast<float>(coef[ch] * s.sum(x, s.corner(p), ch) + bias[ch]);
    activate(y + lo * s.C, y + lo * s.C, (hi - lo) * s.C, I(a[14]), F(a[15]));
  });
  return 0;
}

// subsampleGradInput(dz, coef, dx, n, H, W, C, OH, OW, PH, PW, SH, SW): images split over threads
static double subsampleGradInput(Ctx& c, const double* a) {
  const float *dz = c.m + I(a[0]), *coef = c.m + I(a[1]);
  float* dx = c.m + I(a[2]);
  Window s = window_of(a + 3);
  const int64_t image = s.H * s.W * s.C, outs = s.OH * s.OW;
  split(c, s.n, s.n * outs * s.C * s.PH * s.PW, [&](int64_t lo, int64_t hi) {
    std::fill(dx + lo * image, dx + hi * image, 0.0f);
    for (int64_t p = lo * outs; p < hi * outs; p++) {
      int64_t corner = s.corner(p);
      for (int64_t ch = 0; ch < s.C; ch++) {
        float v = coef[ch] * dz[p * s.C + ch];
        for (int64_t h = 0; h < s.PH; h++)
          for (int64_t w = 0; w < s.PW; w++) dx[corner + (h * s.W + w) * s.C + ch] += v;
      }
    }
  });
  return 0;
}

// subsampleGradCoef(x, dz, dcoef, n, H, W, C, OH, OW, PH, PW, SH, SW): a sum over the whole batch
static double subsampleGradCoef(Ctx& c, const double* a) {
  const float *x = c.m + I(a[0]), *dz = c.m + I(a[1]);
  float* dcoef = c.m + I(a[2]);
  Window s = window_of(a + 3);
  std::vector<double> sums(s.C, 0.0);
  for (int64_t p = 0, P = s.n * s.OH * s.OW; p < P; p++) {
    int64_t corner = s.corner(p);
    for (int64_t ch = 0; ch < s.C; ch++) sums[ch] += dz[p * s.C + ch] * s.sum(x, corner, ch);
  }
  for (int64_t ch = 0; ch < s.C; ch++) dcoef[ch] = static_cast<float>(sums[ch]);
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
