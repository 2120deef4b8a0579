// The one matrix-multiply core every convolution and dense kernel runs on: a register-blocked
// micro-kernel that computes up to `mr` rows of C = A·B, in one build per instruction set
// (gemm-avx512.cc, gemm-avx2.cc, gemm-portable.cc), chosen once at run time (gemm.cc).
//
// Every element of C is summed in the same order however the rows are grouped into panels and
// however the panels are shared among threads: acc = 0; acc += A[r,k]·B[k,j] for k = 0..K−1 (fused
// multiply-adds); C = acc or C + acc. That is what makes the results independent of the thread count.
#pragma once
#include <cstdint>

namespace netc {

// C rows c[0..rows) over N columns = (accumulate ? C : 0) + A·B, where A (rows × K) has element
// (r, k) at a[r·lda + k·ldk] and B (K × N) is row-major with row stride ldb.
using MicroKernel = void (*)(const float* a, int64_t lda, int64_t ldk, int rows, int64_t K,
                             const float* b, int64_t ldb, int64_t N, float* const* c, bool accumulate);

// The same with K running over `segs` segments of K each: A's segment s begins at a + s·seg_stride
// (element (r, k) of it at a[s·seg_stride + r·lda + k·ldk]) while B's rows run on across segments,
// row s·K + k. A convolution's windows read in place are such an A, a segment per window row: one
// pass over all of them keeps the sums in registers, where a call per window row stored C after
// each (3 rows of 9 floats for a 3×3 convolution of 3 channels).
using SegmentedKernel = void (*)(const float* a, int64_t lda, int64_t ldk, int rows, int64_t K, int64_t segs, int64_t seg_stride,
                                 const float* b, int64_t ldb, int64_t N, float* const* c, bool accumulate);

struct Gemm {
  const char* isa;
  int lanes;  // floats per vector register
  int mr;     // rows per call (at most 24)
  MicroKernel kernel;
  SegmentedKernel segmented = nullptr;  // where the build has one (multiply_segments calls kernel per segment else)
};

// The build for this CPU: AVX-512, AVX2 with FMA, or portable (NETC_NATIVE_ISA=avx2 or portable caps it, for tests).
const Gemm& gemm();

namespace avx512 { extern const Gemm gemm; bool supported(); }
namespace avx2 { extern const Gemm gemm; bool supported(); }
namespace portable { extern const Gemm gemm; }

}  // namespace netc

namespace netc {

// Rows c[0..rows) over N columns = (accumulate ? C : 0) + A·B, in panels of the micro-kernel's
// rows and chunks of K that keep a block of B in cache; A and B as for MicroKernel.
void multiply(const float* a, int64_t lda, int64_t ldk, int64_t rows, int64_t K, const float* b, int64_t ldb,
              int64_t N, float* const* c, bool accumulate);

// The same over segments (SegmentedKernel) with ldk = 1: rows c = (accumulate ? C : 0) + the sum over
// segments s of A_s·B_s, where A_s is a + s·seg_stride and B_s rows s·K.. of b. Segments are taken
// in groups of up to KC floats of K, each group one pass of the micro-kernel; a segment of more
// than KC goes alone, in chunks, as multiply does. The grouping depends on the shape only.
void multiply_segments(const float* a, int64_t lda, int64_t rows, int64_t K, int64_t segs, int64_t seg_stride, const float* b,
                       int64_t ldb, int64_t N, float* const* c, bool accumulate);

}  // namespace netc
