// The AVX-512 micro-kernel. AVX-512 has 32 vector registers, so a block keeps 24 accumulators:
// 12 rows × 32 columns (two zmm per row) across the matrix, and 24 rows × 16 columns (one zmm per
// row) for the last 16 columns — the whole product when N ≤ 16, as in convolutions of 16 filters.
// Fewer accumulators (the 8 × 32 of an earlier version) leave the two FMA pipes waiting on each
// other's results, and with one column vector every FMA needs its own broadcast of A anyway, so
// more rows per loaded B vector is what raises the work per load. Fewer rows are a block of
// exactly their count (a template per count); masked loads and stores at the edges. Compiled
// with -mavx512f.
#include "gemm.h"

#include <array>
#include <utility>

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

using Block = void (*)(const float*, int64_t, int64_t, int, int64_t, const float*, int64_t, int64_t, float* const*, int64_t, bool);

// block<R, NV, Adjacent> for R = 1, 2, …: a block of exactly its rows' count.
template <int NV, bool Adjacent, int... R>
static constexpr std::array<Block, sizeof...(R)> blocks_of(std::integer_sequence<int, R...>) {
  return {&block<R + 1, NV, Adjacent>...};
}

// The rows of the column block at j, in as few blocks of at most RMAX rows as hold them, split
// evenly (28 rows as 14 + 14), each block compiled for exactly its rows: a template for a fixed
// few sizes (24, 16, 8, 4) computed 16 rows for an output row of 10 pixels (LeNet-5's C3), a
// third of its multiply-adds on rows never stored.
template <int NV, int RMAX>
static void rows_of(const float* a, int64_t lda, int64_t ldk, int rows, int64_t K, const float* b, int64_t ldb,
                    int64_t n, float* const* c, int64_t j, bool accumulate) {
  static constexpr auto plain = blocks_of<NV, false>(std::make_integer_sequence<int, RMAX>{});
  static constexpr auto adjacent = blocks_of<NV, true>(std::make_integer_sequence<int, RMAX>{});
  const int parts = (rows + RMAX - 1) / RMAX;
  for (int p = 0, r = 0; p < parts; p++) {
    const int size = rows * (p + 1) / parts - rows * p / parts;
    (lda == 1 ? adjacent : plain)[size - 1](a + r * lda, lda, ldk, size, K, b, ldb, n, c + r, j, accumulate);
    r += size;
  }
}

static void kernel(const float* a, int64_t lda, int64_t ldk, int rows, int64_t K, const float* b, int64_t ldb,
                   int64_t N, float* const* c, bool accumulate) {
  int64_t j = 0;
  for (; j + 16 < N; j += 32) rows_of<2, 12>(a, lda, ldk, rows, K, b, ldb, N - j, c, j, accumulate);
  if (j < N) rows_of<1, 24>(a, lda, ldk, rows, K, b, ldb, N - j, c, j, accumulate);
}

bool supported() { return __builtin_cpu_supports("avx512f"); }

const Gemm gemm = {"avx512", 16, MR, kernel};

}  // namespace avx512
}  // namespace netc

#else  // not x86: this build is never chosen

namespace netc {
namespace avx512 {
bool supported() { return false; }
const Gemm gemm = {"avx512", 16, 24, nullptr};
}  // namespace avx512
}  // namespace netc

#endif
