// Activations and their gradients, and softmax. tanh (a rational function) and sigmoid (through a
// float exp, fast_exp below) are loops the compiler vectorizes, in a build per instruction set
// (clones.h); the rarer functions use the C library in double.
#include "activation.h"

#include <cmath>
#include <cstring>

#include "clones.h"
#include "kernel.h"

namespace netc {

static constexpr float kScaledA = 1.7159f;
static constexpr float kScaledS = 2.0f / 3.0f;

// e^x in float for x in [−88, 88] (clamped outside): 2^(x·log2 e) as 2^round · a degree-6
// polynomial of the remainder; relative error below 2e-7, and no branches, so loops vectorize.
static inline float fast_exp(float x) {
  x = x < -87.0f ? -87.0f : (x > 88.0f ? 88.0f : x);
  float t = x * 1.44269504088896341f;
  // round to nearest by adding and subtracting 1.5·2^23 (exact for |t| < 2^22): SSE2 has no
  // rounding instruction, and a call to nearbyint would keep the loop from vectorizing
  float r = (t + 12582912.0f) - 12582912.0f;
  float f = (t - r) * 0.693147180559945309f;
  float p = 1.0f + f * (1.0f + f * (0.5f + f * (1.0f / 6 + f * (1.0f / 24 + f * (1.0f / 120 + f * (1.0f / 720))))));
  int32_t bits = (static_cast<int32_t>(r) + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

// tanh(x) = x·P(x²)/Q(x²), x clamped to [−9, 9]: the WebAssembly kernels' rational fit
// (kernels/wasm/assembly/math.ts, scripts/fit-tanh.py), below 3.4e-7 absolute in float32. Nine
// multiplies, eight adds and a division: half the instructions of the e^x form it replaced, whose
// exponential and small-|x| series each took about as many (LeNet-5's C1 spent more time in tanh
// than in its convolution's transpose).
static constexpr float kP0 = 0.9999999064354862f, kP1 = 0.13373240153531518f, kP2 = 0.0034866319052341325f,
                       kP3 = 2.0472636179153306e-5f, kP4 = 1.318530667981932e-8f;
static constexpr float kQ1 = 0.46706537047050734f, kQ2 = 0.025842170531596393f, kQ3 = 0.00032714664378697105f,
                       kQ4 = 7.703113768763037e-7f;

static inline float fast_tanh(float x) {
  x = x < -9.0f ? -9.0f : (x > 9.0f ? 9.0f : x);
  const float s = x * x;
  const float p = (((kP4 * s + kP3) * s + kP2) * s + kP1) * s + kP0;
  const float q = (((kQ4 * s + kQ3) * s + kQ2) * s + kQ1) * s + 1.0f;
  return x * p / q;
}

static inline float fast_sigmoid(float x) { return 1.0f / (1.0f + fast_exp(-x)); }

static inline double normal_cdf(double x) { return 0.5 * std::erfc(-x * M_SQRT1_2); }
static inline double normal_pdf(double x) { return std::exp(-0.5 * x * x) / std::sqrt(2 * M_PI); }

NETC_CLONES
void activate(const float* x, float* y, int64_t n, int act, float alpha) {
  switch (act) {
    case kLinear:
      if (x != y) std::memmove(y, x, n * sizeof(float));
      return;
    case kTanh:
      for (int64_t i = 0; i < n; i++) y[i] = fast_tanh(x[i]);
      return;
    case kScaledTanh:
      for (int64_t i = 0; i < n; i++) y[i] = kScaledA * fast_tanh(kScaledS * x[i]);
      return;
    case kRelu:
      for (int64_t i = 0; i < n; i++) y[i] = x[i] > 0 ? x[i] : 0.0f;
      return;
    case kSigmoid:
      for (int64_t i = 0; i < n; i++) y[i] = fast_sigmoid(x[i]);
      return;
    case kLeakyRelu:
      for (int64_t i = 0; i < n; i++) y[i] = x[i] > 0 ? x[i] : alpha * x[i];
      return;
    case kElu:
      for (int64_t i = 0; i < n; i++) y[i] = x[i] > 0 ? x[i] : static_cast<float>(alpha * std::expm1(static_cast<double>(x[i])));
      return;
    case kGelu:
      for (int64_t i = 0; i < n; i++) y[i] = static_cast<float>(x[i] * normal_cdf(x[i]));
      return;
    case kSwish:
      for (int64_t i = 0; i < n; i++) y[i] = static_cast<float>(x[i] / (1 + std::exp(-static_cast<double>(x[i]))));
      return;
    case kSoftplus:
      for (int64_t i = 0; i < n; i++) {
        double v = x[i];
        y[i] = static_cast<float>(std::fmax(v, 0.0) + std::log1p(std::exp(-std::fabs(v))));
      }
      return;
  }
}

NETC_CLONES
void activate_grad(const float* y, const float* dy, float* dx, int64_t n, int act, float alpha) {
  switch (act) {
    case kLinear:
      if (dy != dx) std::memmove(dx, dy, n * sizeof(float));
      return;
    case kTanh:
      for (int64_t i = 0; i < n; i++) dx[i] = dy[i] * (1 - y[i] * y[i]);
      return;
    case kScaledTanh:
      for (int64_t i = 0; i < n; i++) {
        float t = y[i] / kScaledA;
        dx[i] = dy[i] * (kScaledA * kScaledS) * (1 - t * t);
      }
      return;
    case kRelu:
      for (int64_t i = 0; i < n; i++) dx[i] = y[i] > 0 ? dy[i] : 0.0f;
      return;
    case kSigmoid:
      for (int64_t i = 0; i < n; i++) dx[i] = dy[i] * y[i] * (1 - y[i]);
      return;
    case kLeakyRelu:
      for (int64_t i = 0; i < n; i++) dx[i] = y[i] > 0 ? dy[i] : alpha * dy[i];
      return;
    case kElu:
      for (int64_t i = 0; i < n; i++) dx[i] = y[i] > 0 ? dy[i] : dy[i] * (y[i] + alpha);
      return;
    case kGelu:
      for (int64_t i = 0; i < n; i++) {
        double v = y[i];
        dx[i] = static_cast<float>(dy[i] * (normal_cdf(v) + v * normal_pdf(v)));
      }
      return;
    case kSwish:
      for (int64_t i = 0; i < n; i++) {
        double v = y[i], s = 1 / (1 + std::exp(-v));
        dx[i] = static_cast<float>(dy[i] * s * (1 + v * (1 - s)));
      }
      return;
    case kSoftplus:
      for (int64_t i = 0; i < n; i++) dx[i] = static_cast<float>(dy[i] * -std::expm1(-static_cast<double>(y[i])));
      return;
  }
}

// activation(x, y, size, act, alpha)
static double activation(Ctx& c, const double* a) {
  float* m = c.m;
  int64_t x = I(a[0]), y = I(a[1]), size = I(a[2]);
  c.pool.run(size * 8, [&](int t, int T) {
    int64_t lo, hi;
    share(size, t, T, lo, hi);
    activate(m + x + lo, m + y + lo, hi - lo, I(a[3]), F(a[4]));
  });
  return 0;
}

// activationGrad(saved, dy, dx, size, act, alpha)
static double activationGrad(Ctx& c, const double* a) {
  float* m = c.m;
  int64_t s = I(a[0]), dy = I(a[1]), dx = I(a[2]), size = I(a[3]);
  c.pool.run(size, [&](int t, int T) {
    int64_t lo, hi;
    share(size, t, T, lo, hi);
    activate_grad(m + s + lo, m + dy + lo, m + dx + lo, hi - lo, I(a[4]), F(a[5]));
  });
  return 0;
}

// softmax(x, y, rows, cols): per row, shifted by its maximum
static double softmax(Ctx& c, const double* a) {
  float* m = c.m;
  int64_t x = I(a[0]), y = I(a[1]), rows = I(a[2]), cols = I(a[3]);
  for (int64_t r = 0; r < rows; r++) {
    const float* xr = m + x + r * cols;
    float* yr = m + y + r * cols;
    float max = -INFINITY;
    for (int64_t j = 0; j < cols; j++) max = std::fmax(max, xr[j]);
    float sum = 0;
    for (int64_t j = 0; j < cols; j++) sum += (yr[j] = std::exp(xr[j] - max));
    for (int64_t j = 0; j < cols; j++) yr[j] /= sum;
  }
  return 0;
}

// softmaxGrad(y, dy, dx, rows, cols)
static double softmaxGrad(Ctx& c, const double* a) {
  float* m = c.m;
  int64_t y = I(a[0]), dy = I(a[1]), dx = I(a[2]), rows = I(a[3]), cols = I(a[4]);
  for (int64_t r = 0; r < rows; r++) {
    int64_t o = r * cols;
    float dot = 0;
    for (int64_t j = 0; j < cols; j++) dot += m[dy + o + j] * m[y + o + j];
    for (int64_t j = 0; j < cols; j++) m[dx + o + j] = m[y + o + j] * (m[dy + o + j] - dot);
  }
  return 0;
}

NETC_KERNELS(activation, {"activation", activation, 5}, {"activationGrad", activationGrad, 6}, {"softmax", softmax, 4},
             {"softmaxGrad", softmaxGrad, 5})

}  // namespace netc
