// The AVX2 + FMA micro-kernel: 6 rows × 16 columns (two ymm registers per row, 12 accumulators),
// or 6 × 8 for the last columns; masked loads and stores only at the right edge. Compiled with
// -mavx2 -mfma.
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

// Full: every column of the block is inside C (n ≥ 8·NV), so B's rows are plain loads; a masked
// load (two micro-ops on AMD, and its mask register) only at the right edge.
template <bool Full, int NV>
static inline __attribute__((always_inline)) void load_b(const float* bk, const __m256i* m, __m256* bv) {
  for (int v = 0; v < NV; v++) bv[v] = Full ? _mm256_loadu_ps(bk + 8 * v) : _mm256_maskload_ps(bk + 8 * v, m[v]);
}

// Where A's elements lie: a[r·lda + k·ldk] in general; kRows: ldk = 1 (a row of A is adjacent floats,
// one pointer per row stepping by one); kColumns: lda = 1 (a column of A is adjacent floats, one
// pointer for all rows). The two special cases save the loop a pointer increment per row.
enum Layout { kGeneral, kRows, kColumns };

// K runs over `segs` segments of K each (SegmentedKernel in gemm.h), A's segment s from a + s·seg_stride.
template <int R, int NV, bool Full, Layout A>
static void block(const float* a, int64_t lda, int64_t ldk, int rows, int64_t K, int64_t segs, int64_t seg_stride,
                  const float* b, int64_t ldb, int64_t n, float* const* c, int64_t j, bool accumulate) {
  __m256 acc[R][NV];
#pragma GCC unroll 16
  for (int r = 0; r < R; r++)
#pragma GCC unroll 2
    for (int v = 0; v < NV; v++) acc[r][v] = _mm256_setzero_ps();
  __m256i m[NV];
  for (int v = 0; v < NV; v++) m[v] = mask_of(n - 8 * v);
  const float* bk = b + j;
  for (int64_t sg = 0; sg < segs; sg++) {
    const float* as = a + sg * seg_stride;
    const float* ar[R];
    for (int r = 0; r < R; r++) ar[r] = as + r * lda;
    for (int64_t k = 0; k < K; k++, bk += ldb) {
      __m256 bv[NV];
      load_b<Full, NV>(bk, m, bv);
#pragma GCC unroll 6
      for (int r = 0; r < R; r++) {
        __m256 av = _mm256_broadcast_ss(A == kRows ? ar[r] + k : A == kColumns ? as + k * ldk + r : ar[r] + k * ldk);
#pragma GCC unroll 2
        for (int v = 0; v < NV; v++) acc[r][v] = _mm256_fmadd_ps(av, bv[v], acc[r][v]);
      }
    }
  }
  // every index a constant after unrolling, so the accumulators stay in registers
#pragma GCC unroll 16
  for (int r = 0; r < R; r++) {
#pragma GCC unroll 2
    for (int v = 0; v < NV; v++) {
      float* out = c[r] + j + 8 * v;
      __m256 value = acc[r][v];
      if (Full) {
        if (accumulate) value = _mm256_add_ps(_mm256_loadu_ps(out), value);
        _mm256_storeu_ps(out, value);
      } else {
        if (accumulate) value = _mm256_add_ps(_mm256_maskload_ps(out, m[v]), value);
        _mm256_maskstore_ps(out, m[v], value);
      }
    }
  }
}

using Block = void (*)(const float*, int64_t, int64_t, int, int64_t, int64_t, int64_t, const float*, int64_t, int64_t, float* const*,
                       int64_t, bool);

// A block of exactly the call's rows (1 to MR): a block of MR rows would compute the missing ones too.
template <int NV, bool Full, Layout A, int... R>
static constexpr std::array<Block, sizeof...(R)> blocks_of(std::integer_sequence<int, R...>) {
  return {&block<R + 1, NV, Full, A>...};
}

static void segmented(const float* a, int64_t lda, int64_t ldk, int rows, int64_t K, int64_t segs, int64_t seg_stride,
                      const float* b, int64_t ldb, int64_t N, float* const* c, bool accumulate) {
  static constexpr auto two = blocks_of<2, true, kGeneral>(std::make_integer_sequence<int, MR>{});
  static constexpr auto two_rows = blocks_of<2, true, kRows>(std::make_integer_sequence<int, MR>{});
  static constexpr auto two_columns = blocks_of<2, true, kColumns>(std::make_integer_sequence<int, MR>{});
  static constexpr auto two_edge = blocks_of<2, false, kGeneral>(std::make_integer_sequence<int, MR>{});
  static constexpr auto one = blocks_of<1, true, kGeneral>(std::make_integer_sequence<int, MR>{});
  static constexpr auto one_edge = blocks_of<1, false, kGeneral>(std::make_integer_sequence<int, MR>{});
  const auto& full = ldk == 1 ? two_rows : lda == 1 ? two_columns : two;
  if (rows <= 0) return;
  int64_t j = 0;
  for (; j + 16 <= N; j += 16) full[rows - 1](a, lda, ldk, rows, K, segs, seg_stride, b, ldb, N - j, c, j, accumulate);
  if (j + 8 < N) two_edge[rows - 1](a, lda, ldk, rows, K, segs, seg_stride, b, ldb, N - j, c, j, accumulate);
  else if (j + 8 == N) one[rows - 1](a, lda, ldk, rows, K, segs, seg_stride, b, ldb, N - j, c, j, accumulate);
  else if (j < N) one_edge[rows - 1](a, lda, ldk, rows, K, segs, seg_stride, b, ldb, N - j, c, j, accumulate);
}

static void kernel(const float* a, int64_t lda, int64_t ldk, int rows, int64_t K, const float* b, int64_t ldb,
                   int64_t N, float* const* c, bool accumulate) {
  segmented(a, lda, ldk, rows, K, 1, 0, b, ldb, N, c, accumulate);
}

bool supported() { return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"); }

const Gemm gemm = {"avx2", 8, MR, kernel, segmented};

}  // namespace avx2
}  // namespace netc

#else  // not x86: this build is never chosen

namespace netc {
namespace avx2 {
bool supported() { return false; }
const Gemm gemm = {"avx2", 8, 6, nullptr};
}  // namespace avx2
}  // namespace netc

#endif
