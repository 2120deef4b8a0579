// Batch normalization over the last axis of x [rows, C]: batch statistics, the normalization,
// its gradients, and folding it into the layer before. Statistics and γ's gradient split the
// channels over threads (each channel's sum in row order, in double as the reference's); the
// elementwise passes split the rows, after per-channel coefficients are worked out once.
#include <cmath>
#include <vector>

#include "activation.h"
#include "kernel.h"

namespace netc {

// Σ over rows of term(row, channel) for channels [lo, hi), into out[lo, hi) as float(sum·scale(ch)).
template <typename Term, typename Scale>
static void column_sums(const float* x, int64_t rows, int64_t C, int64_t lo, int64_t hi, float* out, Term term, Scale scale) {
  std::vector<double> s(hi - lo, 0.0);
  for (int64_t r = 0; r < rows; r++)
    for (int64_t ch = lo; ch < hi; ch++) s[ch - lo] += term(x[r * C + ch], r * C + ch, ch);
  for (int64_t ch = lo; ch < hi; ch++) out[ch] = static_cast<float>(s[ch - lo] * scale(ch));
}

// channelMean(x, mean, rows, C)
static double channelMean(Ctx& c, const double* a) {
  const float* x = c.m + I(a[0]);
  int64_t rows = I(a[2]), C = I(a[3]);
  split(c, C, rows * C, [&](int64_t lo, int64_t hi) {
    column_sums(x, rows, C, lo, hi, c.m + I(a[1]), [](float v, int64_t, int64_t) { return static_cast<double>(v); },
                [&](int64_t) { return 1.0 / rows; });
  });
  return 0;
}

// channelVariance(x, mean, variance, rows, C): biased, as Keras
static double channelVariance(Ctx& c, const double* a) {
  const float *x = c.m + I(a[0]), *mean = c.m + I(a[1]);
  int64_t rows = I(a[3]), C = I(a[4]);
  split(c, C, rows * C * 2, [&](int64_t lo, int64_t hi) {
    column_sums(x, rows, C, lo, hi, c.m + I(a[2]), [&](float v, int64_t, int64_t ch) {
      double d = static_cast<double>(v) - mean[ch];
      return d * d;
    }, [&](int64_t) { return 1.0 / rows; });
  });
  return 0;
}

// γ/√(variance + ε) of channel ch (γ at −1: 1)
static inline double scale_of(const float* m, int64_t variance, int64_t gamma, int64_t ch, double eps) {
  return (gamma < 0 ? 1.0 : m[gamma + ch]) / std::sqrt(m[variance + ch] + eps);
}

// y = k·x + d per channel, rows split over threads, then the activation
static void scale_rows(Ctx& c, const float* x, float* y, const float* k, const float* d, int64_t rows, int64_t C, int act) {
  split(c, rows, rows * C * 2, [&](int64_t lo, int64_t hi) {
    for (int64_t r = lo; r < hi; r++)
      for (int64_t ch = 0; ch < C; ch++) y[r * C + ch] = x[r * C + ch] * k[ch] + d[ch];
    activate(y + lo * C, y + lo * C, (hi - lo) * C, act, 0);
  });
}

// batchnorm(x, mean, variance, gamma, beta, y, rows, C, epsilon, act)
static double batchnorm(Ctx& c, const double* a) {
  const float* m = c.m;
  int64_t mean = I(a[1]), variance = I(a[2]), gamma = I(a[3]), beta = I(a[4]), rows = I(a[6]), C = I(a[7]);
  float* k = c.shared.reserve(2 * C);
  for (int64_t ch = 0; ch < C; ch++) {
    double s = scale_of(m, variance, gamma, ch, a[8]);
    k[ch] = static_cast<float>(s);
    k[C + ch] = static_cast<float>((beta < 0 ? 0.0 : m[beta + ch]) - m[mean + ch] * s);
  }
  scale_rows(c, c.m + I(a[0]), c.m + I(a[5]), k, k + C, rows, C, I(a[9]));
  return 0;
}

// batchnormGradScale(x, mean, variance, dz, dscale, rows, C, epsilon)
static double batchnormGradScale(Ctx& c, const double* a) {
  const float *x = c.m + I(a[0]), *mean = c.m + I(a[1]), *variance = c.m + I(a[2]), *dz = c.m + I(a[3]);
  int64_t rows = I(a[5]), C = I(a[6]);
  split(c, C, rows * C * 2, [&](int64_t lo, int64_t hi) {
    column_sums(x, rows, C, lo, hi, c.m + I(a[4]), [&](float v, int64_t at, int64_t ch) {
      return static_cast<double>(dz[at]) * (static_cast<double>(v) - mean[ch]);
    }, [&](int64_t ch) { return 1 / std::sqrt(variance[ch] + a[7]); });
  });
  return 0;
}

// batchnormGradInput(x, mean, variance, gamma, dz, dscale, dshift, dx, rows, C, epsilon):
// dx = k·(dz − dshift/rows − (x − mean)·r·dscale/rows), k = γ·r, r = 1/√(variance + ε)
static double batchnormGradInput(Ctx& c, const double* a) {
  const float* m = c.m;
  int64_t mean = I(a[1]), variance = I(a[2]), gamma = I(a[3]), dscale = I(a[5]), dshift = I(a[6]), rows = I(a[8]), C = I(a[9]);
  // dx = kz·dz + kx·x + k0 per channel
  float* k = c.shared.reserve(3 * C);
  for (int64_t ch = 0; ch < C; ch++) {
    double r = 1 / std::sqrt(m[variance + ch] + a[10]), g = (gamma < 0 ? 1.0 : m[gamma + ch]) * r;
    double u = r * m[dscale + ch] / rows;
    k[ch] = static_cast<float>(g);
    k[C + ch] = static_cast<float>(-g * u);
    k[2 * C + ch] = static_cast<float>(g * (m[mean + ch] * u - m[dshift + ch] / rows));
  }
  const float *x = c.m + I(a[0]), *dz = c.m + I(a[4]);
  float* dx = c.m + I(a[7]);
  split(c, rows, rows * C * 2, [&](int64_t lo, int64_t hi) {
    for (int64_t r = lo; r < hi; r++)
      for (int64_t ch = 0; ch < C; ch++) dx[r * C + ch] = k[ch] * dz[r * C + ch] + k[C + ch] * x[r * C + ch] + k[2 * C + ch];
  });
  return 0;
}

// batchnormFoldWeights(w, variance, gamma, out, rows, C, epsilon)
static double batchnormFoldWeights(Ctx& c, const double* a) {
  int64_t variance = I(a[1]), gamma = I(a[2]), rows = I(a[4]), C = I(a[5]);
  float* k = c.shared.reserve(C);
  for (int64_t ch = 0; ch < C; ch++) k[ch] = static_cast<float>(scale_of(c.m, variance, gamma, ch, a[6]));
  const float* w = c.m + I(a[0]);
  float* out = c.m + I(a[3]);
  split(c, rows, rows * C, [&](int64_t lo, int64_t hi) {
    for (int64_t r = lo; r < hi; r++)
      for (int64_t ch = 0; ch < C; ch++) out[r * C + ch] = w[r * C + ch] * k[ch];
  });
  return 0;
}

// batchnormFoldBias(b, mean, variance, gamma, beta, out, C, epsilon)
static double batchnormFoldBias(Ctx& c, const double* a) {
  const float* m = c.m;
  int64_t b = I(a[0]), mean = I(a[1]), variance = I(a[2]), gamma = I(a[3]), beta = I(a[4]), out = I(a[5]), C = I(a[6]);
  for (int64_t ch = 0; ch < C; ch++)
    // b at −1: a layer without bias (use_bias: false), whose folded bias starts from 0
    c.m[out + ch] = static_cast<float>(((b < 0 ? 0.0 : static_cast<double>(m[b + ch])) - m[mean + ch]) * scale_of(m, variance, gamma, ch, a[7]) +
                                       (beta < 0 ? 0.0 : m[beta + ch]));
  return 0;
}

NETC_KERNELS(normalization, {"channelMean", channelMean, 4}, {"channelVariance", channelVariance, 5}, {"batchnorm", batchnorm, 10},
             {"batchnormGradScale", batchnormGradScale, 8}, {"batchnormGradInput", batchnormGradInput, 11},
             {"batchnormFoldWeights", batchnormFoldWeights, 7}, {"batchnormFoldBias", batchnormFoldBias, 8})

}  // namespace netc
