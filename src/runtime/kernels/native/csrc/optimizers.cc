// Optimizer updates in the forms TensorFlow.js's tf.train uses, split over runs of parameters.
#include <cmath>

#include "clones.h"
#include "kernel.h"

namespace netc {

// sgd(p, g, size, lr)
static double sgd(Ctx& c, const double* a) {
  float *p = c.m + I(a[0]), *g = c.m + I(a[1]);
  float lr = F(a[3]);
  split(c, I(a[2]), I(a[2]), [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; i++) p[i] -= lr * g[i];
  });
  return 0;
}

// momentum(p, g, accum, size, lr, momentum, nesterov)
static double momentum(Ctx& c, const double* a) {
  float *p = c.m + I(a[0]), *g = c.m + I(a[1]), *acc = c.m + I(a[2]);
  float lr = F(a[4]), mu = F(a[5]);
  bool nesterov = a[6] != 0;
  split(c, I(a[3]), I(a[3]), [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; i++) {
      float v = mu * acc[i] + g[i];
      acc[i] = v;
      p[i] -= nesterov ? lr * (g[i] + mu * v) : lr * v;
    }
  });
  return 0;
}

// Kingma and Ba's Algorithm 1 over [lo, hi), in a build per instruction set: square roots and
// divisions are exact in every one, so every build gives the same bits
NETC_CLONES
static void adam_run(float* p, const float* g, float* mm, float* vv, int64_t lo, int64_t hi, float lr, float b1, float b2,
                     float eps, float c1, float c2) {
  for (int64_t i = lo; i < hi; i++) {
    float gi = g[i];
    float mi = b1 * mm[i] + (1 - b1) * gi;
    float vi = b2 * vv[i] + (1 - b2) * gi * gi;
    mm[i] = mi;
    vv[i] = vi;
    p[i] -= lr * (mi / c1) / (std::sqrt(vi / c2) + eps);
  }
}

// adam(p, g, m, v, size, lr, beta1, beta2, epsilon, t)
static double adam(Ctx& c, const double* a) {
  float *p = c.m + I(a[0]), *g = c.m + I(a[1]), *mm = c.m + I(a[2]), *vv = c.m + I(a[3]);
  double t = a[9];
  float lr = F(a[5]), b1 = F(a[6]), b2 = F(a[7]), eps = F(a[8]);
  float c1 = static_cast<float>(1 - std::pow(a[6], t)), c2 = static_cast<float>(1 - std::pow(a[7], t));
  split(c, I(a[4]), I(a[4]) * 4, [&](int64_t lo, int64_t hi) { adam_run(p, g, mm, vv, lo, hi, lr, b1, b2, eps, c1, c2); });
  return 0;
}

// weightDecay(p, size, lr, decay)
static double weightDecay(Ctx& c, const double* a) {
  float* p = c.m + I(a[0]);
  float k = static_cast<float>(a[3] * a[2]);
  split(c, I(a[1]), I(a[1]), [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; i++) p[i] -= p[i] * k;
  });
  return 0;
}

// rmsprop(p, g, ms, mg, mom, size, lr, rho, momentum, epsilon); mg and mom at −1: absent
static double rmsprop(Ctx& c, const double* a) {
  float *p = c.m + I(a[0]), *g = c.m + I(a[1]), *ms = c.m + I(a[2]);
  float* mg = a[3] < 0 ? nullptr : c.m + I(a[3]);
  float* mom = a[4] < 0 ? nullptr : c.m + I(a[4]);
  float lr = F(a[6]), rho = F(a[7]), mu = F(a[8]), eps = F(a[9]);
  split(c, I(a[5]), I(a[5]) * 4, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; i++) {
      float gi = g[i];
      float si = rho * ms[i] + (1 - rho) * gi * gi;
      ms[i] = si;
      float denominator = si + eps;
      if (mg) {
        float ai = rho * mg[i] + (1 - rho) * gi;
        mg[i] = ai;
        denominator = si - ai * ai + eps;
      }
      float increment = lr * gi / std::sqrt(denominator);
      if (mom) {
        mom[i] = mu * mom[i] + increment;
        p[i] -= mom[i];
      } else {
        p[i] -= increment;
      }
    }
  });
  return 0;
}

NETC_KERNELS(optimizers, {"sgd", sgd, 4}, {"momentum", momentum, 7}, {"adam", adam, 10}, {"weightDecay", weightDecay, 4},
             {"rmsprop", rmsprop, 10})

}  // namespace netc
