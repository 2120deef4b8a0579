// The AVX-512 micro-kernel: 8 rows × 32 columns (two zmm registers per row, 16 accumulators),
// or 8 × 16 for the last columns; masked loads and stores at the edges. Compiled with -mavx512f.
#include "gemm.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

namespace netc {
namespace avx512 {

static constexpr int MR = 8;

static inline __mmask16 mask_of(int64_t n) { return n >= 16 ? 0xFFFF : static_cast<__mmask16>((1u << n) - 1); }

template <int NV>
static void block(const float* a, int64_t lda, int64_t ldk, int rows, int64_t K, const float* b, int64_t ldb,
                  int64_t n, float* const* c, int64_t j, bool accumulate) {
  __m512 acc[MR][NV];
#pragma GCC unroll 16
  for (int r = 0; r < MR; r++)
#pragma GCC unroll 2
    for (int v = 0; v < NV; v++) acc[r][v] = _mm512_setzero_ps();
  __mmask16 m[NV];
  for (int v = 0; v < NV; v++) m[v] = mask_of(n - 16 * v);
  const float* ar[MR];
  for (int r = 0; r < MR; r++) ar[r] = a + (r < rows ? r : 0) * lda;
  const float* bk = b + j;
  for (int64_t k = 0; k < K; k++, bk += ldb) {
    __m512 bv[NV];
    for (int v = 0; v < NV; v++) bv[v] = _mm512_maskz_loadu_ps(m[v], bk + 16 * v);
#pragma GCC unroll 8
    for (int r = 0; r < MR; r++) {
      __m512 av = _mm512_set1_ps(ar[r][k * ldk]);
#pragma GCC unroll 2
      for (int v = 0; v < NV; v++) acc[r][v] = _mm512_fmadd_ps(av, bv[v], acc[r][v]);
    }
  }
  // every index a constant after unrolling, so the accumulators stay in registers
#pragma GCC unroll 16
  for (int r = 0; r < MR; r++) {
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

static void kernel(const float* a, int64_t lda, int64_t ldk, int rows, int64_t K, const float* b, int64_t ldb,
                   int64_t N, float* const* c, bool accumulate) {
  int64_t j = 0;
  for (; j + 16 < N; j += 32) block<2>(a, lda, ldk, rows, K, b, ldb, N - j, c, j, accumulate);
  if (j < N) block<1>(a, lda, ldk, rows, K, b, ldb, N - j, c, j, accumulate);
}

bool supported() { return __builtin_cpu_supports("avx512f"); }

const Gemm gemm = {"avx512", MR, kernel};

}  // namespace avx512
}  // namespace netc

#else  // not x86: this build is never chosen

namespace netc {
namespace avx512 {
bool supported() { return false; }
const Gemm gemm = {"avx512", 8, nullptr};
}  // namespace avx512
}  // namespace netc

#endif
