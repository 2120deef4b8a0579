// The AVX2 + FMA micro-kernel: 6 rows × 16 columns (two ymm registers per row, 12 accumulators),
// or 6 × 8 for the last columns; masked loads and stores at the edges. Compiled with -mavx2 -mfma.
#include "gemm.h"

#include <array>
#include <utility>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

namespace netc {
namespace avx2 {

static constexpr int MR = 6;

static inline __m256i mask_of(int64_t n) {
  const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  int count = static_cast<int>(n > 8 ? 8 : n < 0 ? 0 : n);
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(count), lanes);
}

template <int R, int NV>
static void block(const float* a, int64_t lda, int64_t ldk, int rows, int64_t K, const float* b, int64_t ldb,
                  int64_t n, float* const* c, int64_t j, bool accumulate) {
  __m256 acc[R][NV];
#pragma GCC unroll 16
  for (int r = 0; r < R; r++)
#pragma GCC unroll 2
    for (int v = 0; v < NV; v++) acc[r][v] = _mm256_setzero_ps();
  __m256i m[NV];
  for (int v = 0; v < NV; v++) m[v] = mask_of(n - 8 * v);
  const float* ar[R];
  for (int r = 0; r < R; r++) ar[r] = a + r * lda;
  const float* bk = b + j;
  for (int64_t k = 0; k < K; k++, bk += ldb) {
    __m256 bv[NV];
    for (int v = 0; v < NV; v++) bv[v] = _mm256_maskload_ps(bk + 8 * v, m[v]);
#pragma GCC unroll 6
    for (int r = 0; r < R; r++) {
      __m256 av = _mm256_broadcast_ss(ar[r] + k * ldk);
#pragma GCC unroll 2
      for (int v = 0; v < NV; v++) acc[r][v] = _mm256_fmadd_ps(av, bv[v], acc[r][v]);
    }
  }
  // every index a constant after unrolling, so the accumulators stay in registers
#pragma GCC unroll 16
  for (int r = 0; r < R; r++) {
#pragma GCC unroll 2
    for (int v = 0; v < NV; v++) {
      float* out = c[r] + j + 8 * v;
      __m256 value = acc[r][v];
      if (accumulate) value = _mm256_add_ps(_mm256_maskload_ps(out, m[v]), value);
      _mm256_maskstore_ps(out, m[v], value);
    }
  }
}

using Block = void (*)(const float*, int64_t, int64_t, int, int64_t, const float*, int64_t, int64_t, float* const*, int64_t, bool);

// A block of exactly the call's rows (1 to MR): a block of MR rows would compute the missing ones too.
template <int NV, int... R>
static constexpr std::array<Block, sizeof...(R)> blocks_of(std::integer_sequence<int, R...>) {
  return {&block<R + 1, NV>...};
}

static void kernel(const float* a, int64_t lda, int64_t ldk, int rows, int64_t K, const float* b, int64_t ldb,
                   int64_t N, float* const* c, bool accumulate) {
  static constexpr auto two = blocks_of<2>(std::make_integer_sequence<int, MR>{});
  static constexpr auto one = blocks_of<1>(std::make_integer_sequence<int, MR>{});
  if (rows <= 0) return;
  int64_t j = 0;
  for (; j + 8 < N; j += 16) two[rows - 1](a, lda, ldk, rows, K, b, ldb, N - j, c, j, accumulate);
  if (j < N) one[rows - 1](a, lda, ldk, rows, K, b, ldb, N - j, c, j, accumulate);
}

bool supported() { return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"); }

const Gemm gemm = {"avx2", MR, kernel};

}  // namespace avx2
}  // namespace netc

#else  // not x86: this build is never chosen

namespace netc {
namespace avx2 {
bool supported() { return false; }
const Gemm gemm = {"avx2", 6, nullptr};
}  // namespace avx2
}  // namespace netc

#endif
