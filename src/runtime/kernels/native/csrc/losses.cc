// Losses, averaged over the batch as Keras averages, their gradients, and the count of correct
// rows. Small (the batch times the classes), so one thread; sums in double as the reference's.
#include <algorithm>
#include <cmath>

#include "kernel.h"

namespace netc {

// Keras clips probabilities to [ε, 1 − ε] before the logarithm.
static constexpr double kClip = 1e-7;

// crossEntropy(p, t, loss, n, C)
static double crossEntropy(Ctx& c, const double* a) {
  const float *p = c.m + I(a[0]), *t = c.m + I(a[1]);
  int64_t n = I(a[3]), size = n * I(a[4]);
  double s = 0;
  for (int64_t i = 0; i < size; i++)
    if (t[i] != 0) s -= t[i] * std::log(std::min(std::max(static_cast<double>(p[i]), kClip), 1 - kClip));
  c.m[I(a[2])] = static_cast<float>(s / n);
  return 0;
}

// crossEntropyGrad(p, t, dp, n, C)
static double crossEntropyGrad(Ctx& c, const double* a) {
  const float *p = c.m + I(a[0]), *t = c.m + I(a[1]);
  float* dp = c.m + I(a[2]);
  int64_t n = I(a[3]), size = n * I(a[4]);
  for (int64_t i = 0; i < size; i++) {
    double pv = p[i];
    dp[i] = pv > kClip && pv < 1 - kClip ? static_cast<float>(-t[i] / pv / n) : 0.0f;
  }
  return 0;
}

// mse(p, t, loss, n, C)
static double mse(Ctx& c, const double* a) {
  const float *p = c.m + I(a[0]), *t = c.m + I(a[1]);
  int64_t size = I(a[3]) * I(a[4]);
  double s = 0;
  for (int64_t i = 0; i < size; i++) {
    double d = static_cast<double>(p[i]) - t[i];
    s += d * d;
  }
  c.m[I(a[2])] = static_cast<float>(s / size);
  return 0;
}

// mseGrad(p, t, dp, n, C)
static double mseGrad(Ctx& c, const double* a) {
  const float *p = c.m + I(a[0]), *t = c.m + I(a[1]);
  float* dp = c.m + I(a[2]);
  int64_t size = I(a[3]) * I(a[4]);
  double k = 2.0 / size;
  for (int64_t i = 0; i < size; i++) dp[i] = static_cast<float>(k * (static_cast<double>(p[i]) - t[i]));
  return 0;
}

// log Σ e^z of one row, shifted by its maximum
static double log_sum_exp(const float* z, int64_t C) {
  double max = -INFINITY, s = 0;
  for (int64_t j = 0; j < C; j++) max = std::max(max, static_cast<double>(z[j]));
  for (int64_t j = 0; j < C; j++) s += std::exp(z[j] - max);
  return max + std::log(s);
}

// softmaxCrossEntropy(z, t, loss, n, C)
static double softmaxCrossEntropy(Ctx& c, const double* a) {
  const float *z = c.m + I(a[0]), *t = c.m + I(a[1]);
  int64_t n = I(a[3]), C = I(a[4]);
  double s = 0;
  for (int64_t i = 0; i < n; i++) {
    double lse = log_sum_exp(z + i * C, C);
    for (int64_t j = 0; j < C; j++) s += t[i * C + j] * (lse - z[i * C + j]);
  }
  c.m[I(a[2])] = static_cast<float>(s / n);
  return 0;
}

// softmaxCrossEntropyGrad(z, t, dz, n, C)
static double softmaxCrossEntropyGrad(Ctx& c, const double* a) {
  const float *z = c.m + I(a[0]), *t = c.m + I(a[1]);
  float* dz = c.m + I(a[2]);
  int64_t n = I(a[3]), C = I(a[4]);
  for (int64_t i = 0; i < n; i++) {
    const int64_t o = i * C;
    double lse = log_sum_exp(z + o, C), tsum = 0;
    for (int64_t j = 0; j < C; j++) tsum += t[o + j];
    for (int64_t j = 0; j < C; j++) dz[o + j] = static_cast<float>((std::exp(z[o + j] - lse) * tsum - t[o + j]) / n);
  }
  return 0;
}

// l2Penalty(w, loss, size, l2)
static double l2Penalty(Ctx& c, const double* a) {
  const float* w = c.m + I(a[0]);
  double s = 0;
  for (int64_t i = 0, size = I(a[2]); i < size; i++) s += static_cast<double>(w[i]) * w[i];
  c.m[I(a[1])] = static_cast<float>(a[3] * s);
  return 0;
}

// countCorrect(scores, t, n, C): rows whose largest score (the first, in a tie) is the label's
static double countCorrect(Ctx& c, const double* a) {
  const float *s = c.m + I(a[0]), *t = c.m + I(a[1]);
  int64_t n = I(a[2]), C = I(a[3]), correct = 0;
  for (int64_t i = 0; i < n; i++) {
    int64_t best = 0, label = 0;
    for (int64_t j = 1; j < C; j++) {
      if (s[i * C + j] > s[i * C + best]) best = j;
      if (t[i * C + j] > t[i * C + label]) label = j;
    }
    correct += best == label;
  }
  return static_cast<double>(correct);
}

NETC_KERNELS(losses, {"crossEntropy", crossEntropy, 5}, {"crossEntropyGrad", crossEntropyGrad, 5}, {"mse", mse, 5},
             {"mseGrad", mseGrad, 5}, {"softmaxCrossEntropy", softmaxCrossEntropy, 5},
             {"softmaxCrossEntropyGrad", softmaxCrossEntropyGrad, 5}, {"l2Penalty", l2Penalty, 4},
             {"countCorrect", countCorrect, 4, true})

}  // namespace netc
