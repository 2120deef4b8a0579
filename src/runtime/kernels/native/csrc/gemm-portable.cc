// The portable micro-kernel: 4 rows × 16 columns of plain loops, which the compiler vectorizes for
// whatever the baseline instruction set is. Compiled with -ffp-contract=off, so that every element
// is a multiply then an add, the same wherever the loop is split.
#include "gemm.h"

namespace netc {
namespace portable {

static constexpr int MR = 4;
static constexpr int NR = 16;

static void segmented(const float* a, int64_t lda, int64_t ldk, int rows, int64_t K, int64_t segs, int64_t seg_stride,
                      const float* b, int64_t ldb, int64_t N, float* const* c, bool accumulate) {
  for (int64_t j = 0; j < N; j += NR) {
    int n = static_cast<int>(N - j < NR ? N - j : NR);
    float acc[MR][NR] = {};
    const float* bk = b + j;
    for (int64_t sg = 0; sg < segs; sg++) {
      const float* as = a + sg * seg_stride;
      for (int64_t k = 0; k < K; k++, bk += ldb) {
        float bv[NR] = {};
        for (int v = 0; v < n; v++) bv[v] = bk[v];
        for (int r = 0; r < MR; r++) {
          float av = r < rows ? as[r * lda + k * ldk] : 0.0f;
          for (int v = 0; v < NR; v++) acc[r][v] += av * bv[v];
        }
      }
    }
    for (int r = 0; r < rows; r++)
      for (int v = 0; v < n; v++) c[r][j + v] = accumulate ? c[r][j + v] + acc[r][v] : acc[r][v];
  }
}

static void kernel(const float* a, int64_t lda, int64_t ldk, int rows, int64_t K, const float* b, int64_t ldb,
                   int64_t N, float* const* c, bool accumulate) {
  segmented(a, lda, ldk, rows, K, 1, 0, b, ldb, N, c, accumulate);
}

const Gemm gemm = {"portable", 4, MR, kernel, segmented};

}  // namespace portable
}  // namespace netc
