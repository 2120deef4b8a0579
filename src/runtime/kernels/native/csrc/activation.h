// Activations, by the codes of Act in src/runtime/kernels/types.ts, over runs of floats: the
// epilogue of conv2d, dense and batchnorm, and the elementwise kernels of activation.cc.
#pragma once
#include <cstdint>

namespace netc {

enum ActCode { kLinear = 0, kTanh, kScaledTanh, kRelu, kSigmoid, kLeakyRelu, kElu, kGelu, kSwish, kSoftplus };

// y[i] = act(x[i]) for i < n (y may be x).
void activate(const float* x, float* y, int64_t n, int act, float alpha);
// dx[i] = dy[i]·act'(…) from `saved`: the output y, or the input x for gelu and swish.
void activate_grad(const float* saved, const float* dy, float* dx, int64_t n, int act, float alpha);

}  // namespace netc
