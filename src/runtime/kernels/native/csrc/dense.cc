// Fully connected layers on the micro-kernel of gemm.h. The forward pass and the input gradient
// split the batch's rows over threads; the weight gradient splits the weights' rows (each a sum over
// the batch in batch order).
#include <algorithm>
#include <vector>

#include "activation.h"
#include "gemm.h"
#include "kernel.h"

namespace netc {

static std::vector<float*> row_pointers(float* base, int64_t first, int64_t count, int64_t stride) {
  std::vector<float*> rows(count);
  for (int64_t r = 0; r < count; r++) rows[r] = base + (first + r) * stride;
  return rows;
}

// dense(x, w, b, y, n, K, U, act, alpha)
static double dense(Ctx& c, const double* a) {
  float* m = c.m;
  int64_t x = I(a[0]), w = I(a[1]), b = I(a[2]), y = I(a[3]), n = I(a[4]), K = I(a[5]), U = I(a[6]);
  c.pool.run(n * K * U, [&](int t, int T) {
    int64_t lo, hi;
    share(n, t, T, lo, hi);
    if (lo == hi) return;
    auto rows = row_pointers(m + y, lo, hi - lo, U);
    for (float* row : rows) std::copy(m + b, m + b + U, row);
    multiply(m + x + lo * K, K, 1, hi - lo, K, m + w, U, U, rows.data(), true);
    activate(m + y + lo * U, m + y + lo * U, (hi - lo) * U, I(a[7]), F(a[8]));
  });
  return 0;
}

// denseGradInput(dz, w, dx, n, K, U): dx = dz · wᵀ, with wᵀ written out once: in tiles of 8 × 8
// (a row of w's tile and one of wᵀ's are each one cache line, where a plain loop wrote every float
// to another line), its rows shared among the threads
static double denseGradInput(Ctx& c, const double* a) {
  float* m = c.m;
  int64_t dz = I(a[0]), w = I(a[1]), dx = I(a[2]), n = I(a[3]), K = I(a[4]), U = I(a[5]);
  float* wt = c.shared.reserve(K * U);
  constexpr int64_t kTile = 8;
  c.pool.run(K * U * kTile, [&](int t, int T) {
    int64_t lo, hi;
    share((U + kTile - 1) / kTile, t, T, lo, hi);
    for (int64_t u0 = lo * kTile; u0 < std::min(U, hi * kTile); u0 += kTile)
      for (int64_t k0 = 0; k0 < K; k0 += kTile)
        for (int64_t u = u0; u < std::min(U, u0 + kTile); u++)
          for (int64_t k = k0; k < std::min(K, k0 + kTile); k++) wt[u * K + k] = m[w + k * U + u];
  });
  c.pool.run(n * K * U, [&](int t, int T) {
    int64_t lo, hi;
    share(n, t, T, lo, hi);
    if (lo == hi) return;
    auto rows = row_pointers(m + dx, lo, hi - lo, K);
    multiply(m + dz + lo * U, U, 1, hi - lo, U, wt, K, K, rows.data(), false);
  });
  return 0;
}

// denseGradWeight(x, dz, dw, n, K, U): dw = xᵀ · dz
static double denseGradWeight(Ctx& c, const double* a) {
  float* m = c.m;
  int64_t x = I(a[0]), dz = I(a[1]), dw = I(a[2]), n = I(a[3]), K = I(a[4]), U = I(a[5]);
  c.pool.run(n * K * U, [&](int t, int T) {
    int64_t lo, hi;
    share(K, t, T, lo, hi);
    if (lo == hi) return;
    auto rows = row_pointers(m + dw, lo, hi - lo, U);
    // A = xᵀ: element (k, i) at x[i·K + k]
    multiply(m + x + lo, 1, K, hi - lo, n, m + dz, U, U, rows.data(), false);
  });
  return 0;
}

NETC_KERNELS(dense, {"dense", dense, 9}, {"denseGradInput", denseGradInput, 6}, {"denseGradWeight", denseGradWeight, 6})

}  // namespace netc
