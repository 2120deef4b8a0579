// The AVX-512 micro-kernel. AVX-512 has 32 vector registers, so a block keeps 24 accumulators:
// 12 rows × 32 columns (two zmm per row) across the matrix, and 24 rows × 16 columns (one zmm per
// row) for the last 16 columns — the whole product when N ≤ 16, as in convolutions of 16 filters.
// Fewer accumulators (the 8 × 32 of an earlier version) leave the two FMA pipes waiting on each
// other's results, and with one column vector every FMA needs its own broadcast of A anyway, so
// more rows per loaded B vector is what raises the work per load. Smaller blocks for the last
// rows; masked loads and stores at the edges. Compiled with -mavx512f.
#include "gemm.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

namespace netc {
namespace avx512 {

static constexpr int MR = 24;

static inline __mmask16 mask_of(int64_t n) { return n >= 16 ? 0xFFFF : static_cast<__mmask16>((1u << n) - 1); }

// Adjacent: the block's rows of A are adjacent floats (lda = 1, every row in the matrix), so one
// pointer reaches them all; otherwise one pointer per row, which at 12 or 24 rows costs the
// general-purpose registers the loop needs (measured 10% slower on the filter gradient's products).
template <int R, int NV, bool Adjacent = false>
static void block(const float* a, int64_t lda, int64_t ldk, int rows, int64_t K, const float* b, int64_t ldb,
                  int64_t n, float* const* c, int64_t j, bool accumulate) {
  __m512 acc[R][NV];
#pragma GCC unroll 24
  for (int r = 0; r < R; r++)
#pragma GCC unroll 2
    for (int v = 0; v < NV; v++) acc[r][v] = _mm512_setzero_ps();
  __mmask16 m[NV];
  for (int v = 0; v < NV; v++) m[v] = mask_of(n - 16 * v);
  const float* ar[R];
  for (int r = 0; r < R; r++) ar[r] = a + (r < rows ? r : 0) * lda;
  const float* bk = b + j;
  for (int64_t k = 0; k < K; k++, bk += ldb) {
    __m512 bv[NV];
    for (int v = 0; v < NV; v++) bv[v] = _mm512_maskz_loadu_ps(m[v], bk + 16 * v);
#pragma GCC unroll 24
    for (int r = 0; r < R; r++) {
      __m512 av = _mm512_set1_ps(Adjacent ? a[k * ldk + r] : ar[r][k * ldk]);
#pragma GCC unroll 2
      for (int v = 0; v < NV; v++) acc[r][v] = _mm512_fmadd_ps(av, bv[v], acc[r][v]);
    }
  }
  // every index a constant after unrolling, so the accumulators stay in registers
#pragma GCC unroll 24
  for (int r = 0; r < R; r++) {
    if (r >= rows) break;
#pragma GCC unroll 2
    for (int v = 0; v < NV; v++) {
      float* out = c[r] + j + 16 * v;
      __m512 value = acc[r][v];
      if (accumulate) value = _mm512_add_ps(_mm512_maskz_loadu_ps(m[v], out), value);
      _mm512_mask_storeu_ps(out, m[v], value);
    }
  }
}

// The rows of the column block at j, in blocks of at most R0 rows, split evenly (16 rows as 8 + 8,
// not 12 + 4, whose 4-row block loads B for few multiply-adds); each block the smallest template
// that holds its rows, so that a short last block computes few idle rows.
template <int NV, int R0, int R1, int R2, int R3>
static void rows_of(const float* a, int64_t lda, int64_t ldk, int rows, int64_t K, const float* b, int64_t ldb,
                    int64_t n, float* const* c, int64_t j, bool accumulate) {
  for (int r = 0; r < rows;) {
    const int left = rows - r, size = left >= 2 * R0 || left <= R0 ? (left < R0 ? left : R0) : (left + 1) / 2;
    const float* ar = a + r * lda;
    if (size == R0 && lda == 1) block<R0, NV, true>(ar, lda, ldk, size, K, b, ldb, n, c + r, j, accumulate);
    else if (size > R1) block<R0, NV>(ar, lda, ldk, size, K, b, ldb, n, c + r, j, accumulate);
    else if (size == R1 && lda == 1) block<R1, NV, true>(ar, lda, ldk, size, K, b, ldb, n, c + r, j, accumulate);
    else if (size > R2) block<R1, NV>(ar, lda, ldk, size, K, b, ldb, n, c + r, j, accumulate);
    else if (size > R3) block<R2, NV>(ar, lda, ldk, size, K, b, ldb, n, c + r, j, accumulate);
    else block<R3, NV>(ar, lda, ldk, size, K, b, ldb, n, c + r, j, accumulate);
    r += size;
  }
}

static void kernel(const float* a, int64_t lda, int64_t ldk, int rows, int64_t K, const float* b, int64_t ldb,
                   int64_t N, float* const* c, bool accumulate) {
  int64_t j = 0;
  for (; j + 16 < N; j += 32) rows_of<2, 12, 8, 4, 2>(a, lda, ldk, rows, K, b, ldb, N - j, c, j, accumulate);
  if (j < N) rows_of<1, 24, 16, 8, 4>(a, lda, ldk, rows, K, b, ldb, N - j, c, j, accumulate);
}

bool supported() { return __builtin_cpu_supports("avx512f"); }

const Gemm gemm = {"avx512", MR, kernel};

}  // namespace avx512
}  // namespace netc

#else  // not x86: this build is never chosen

namespace netc {
namespace avx512 {
bool supported() { return false; }
const Gemm gemm = {"avx512", 24, nullptr};
}  // namespace avx512
}  // namespace netc

#endif
