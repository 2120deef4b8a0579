#include "gemm.h"

#include <cstdlib>
#include <string>

namespace netc {

// The widest build this CPU runs, or at most the one NETC_NATIVE_ISA names (for tests of the others).
static const Gemm& choose() {
  const char* env = std::getenv("NETC_NATIVE_ISA");
  std::string most = env ? env : "";
  if ((most.empty() || most == "avx512") && avx512::supported()) return avx512::gemm;
  if ((most.empty() || most == "avx512" || most == "avx2") && avx2::supported()) return avx2::gemm;
  return portable::gemm;
}

const Gemm& gemm() {
  static const Gemm& chosen = choose();
  return chosen;
}

// Rows of K per chunk: a chunk of B (KC × N floats) stays in the L2 cache while every panel uses it.
static constexpr int64_t KC = 256;

void multiply(const float* a, int64_t lda, int64_t ldk, int64_t rows, int64_t K, const float* b, int64_t ldb,
              int64_t N, float* const* c, bool accumulate) {
  const Gemm& g = gemm();
  for (int64_t k0 = 0; k0 < K || k0 == 0; k0 += KC) {
    int64_t kc = K - k0 < KC ? K - k0 : KC;
    for (int64_t r0 = 0; r0 < rows; r0 += g.mr) {
      int count = static_cast<int>(rows - r0 < g.mr ? rows - r0 : g.mr);
      g.kernel(a + r0 * lda + k0 * ldk, lda, ldk, count, kc, b + k0 * ldb, ldb, N, c + r0, accumulate || k0 > 0);
    }
    if (K == 0) break;
  }
}

void multiply_segments(const float* a, int64_t lda, int64_t rows, int64_t K, int64_t segs, int64_t seg_stride, const float* b,
                       int64_t ldb, int64_t N, float* const* c, bool accumulate) {
  const Gemm& g = gemm();
  if (!g.segmented || K == 0 || K > KC) {
    for (int64_t sg = 0; sg < segs; sg++)
      multiply(a + sg * seg_stride, lda, 1, rows, K, b + sg * K * ldb, ldb, N, c, accumulate || sg > 0);
    return;
  }
  const int64_t group = KC / K;
  for (int64_t s0 = 0; s0 < segs; s0 += group) {
    const int64_t n = segs - s0 < group ? segs - s0 : group;
    for (int64_t r0 = 0; r0 < rows; r0 += g.mr) {
      int count = static_cast<int>(rows - r0 < g.mr ? rows - r0 : g.mr);
      g.segmented(a + s0 * seg_stride + r0 * lda, lda, 1, count, K, n, seg_stride, b + s0 * K * ldb, ldb, N, c + r0,
                  accumulate || s0 > 0);
    }
  }
}

}  // namespace netc
