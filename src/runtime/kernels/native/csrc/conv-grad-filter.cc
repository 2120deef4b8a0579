// The filter gradient of a 2-D convolution over gathered windows (conv.cc sends every shape here
// but one input channel at stride 1). Each weight's sum has one order whatever the thread count.
// By shape:
//  - plain: dw [KH·KW·C, F] = windowsᵀ · dz, F columns per row; each part takes a run of the
//    window elements (the rows of dw) and sums over chunks of pixels in order;
//  - transposed, below two vectors of filters (grad_filter_by_columns): there the plain form's F
//    columns fill at most one vector per row and spend a load of the windows on every
//    multiply-add; dwᵀ [F, KH·KW·C] = dzᵀ · windows has the windows' columns, two vectors per
//    row, and F rows of broadcast gradients. Each part takes whole chunks of pixels (fixed by the shape) and keeps their sums
//    apart; the chunks' sums are added in order into dw.
#include <algorithm>
#include <vector>

#include "conv-grad-filter.h"
#include "gemm.h"
#include "kernel.h"

namespace netc {

static constexpr int64_t kSumChunk = 256;  // pixels summed per step
static constexpr int64_t kMaxChunks = 16;  // most chunks of pixels the transposed form sums apart

// For each part's run [j0, j1) of window elements, for each chunk of pixels [p0, p1) in order:
// step(j0, j1, p0, p1, col) with col the chunk's windows, element j of pixel p at col[(p − p0)·R + j − j0].
template <typename Step>
static void over_window_chunks(Ctx& c, const ConvShape& s, const float* x, Step step) {
  const int64_t P = s.pixels(), K = s.taps() * s.C;
  c.pool.run(s.work(), [&](int t, int T) {
    int64_t j0, j1;
    share(K, t, T, j0, j1);
    if (j0 == j1) return;
    float* col = c.scratch[t].reserve(kSumChunk * (j1 - j0));
    for (int64_t p0 = 0; p0 < P; p0 += kSumChunk) {
      const int64_t p1 = std::min(p0 + kSumChunk, P);
      gather_windows(x, s, p0, p1, j0, j1, col, j1 - j0);
      step(j0, j1, p0, p1, col);
    }
  });
}

void conv_grad_filter_gathered(Ctx& c, const ConvShape& s, int64_t x, int64_t dz, int64_t dw) {
  float* m = c.m;
  const int64_t K = s.taps() * s.C, F = s.F;
  std::vector<float*> rows;
  if (!grad_filter_by_columns(s)) {
    for (int64_t k = 0; k < K; k++) rows.push_back(m + dw + k * F);
    over_window_chunks(c, s, m + x, [&](int64_t j0, int64_t j1, int64_t p0, int64_t p1, const float* col) {
      // A = the windows transposed: element (row j, pixel p) at col[p·R + j]
      const int64_t R = j1 - j0;
      multiply(col, 1, R, R, p1 - p0, m + dz + p0 * F, F, F, rows.data() + j0, p0 > 0);
    });
    return;
  }
  // Transposed: fixed chunks of pixels, each a part's whole, its windows gathered once with every
  // column (a product of F rows and all KH·KW·C columns, full vectors), its sums dwᵀ kept apart;
  // then the chunks' sums added in chunk order. Splitting the columns among parts instead left
  // each a few dozen of them: at 150 (LeNet-5's C3) over 4 parts, 37 columns filled two vectors
  // of 16 to 59%. The chunks are fixed by the shape, so the bits do not depend on the threads.
  const int64_t P = s.pixels();
  if (P == 0) return fill_run(m + dw, K * F, 0.0f);
  const int64_t chunk = std::max(kSumChunk, (P + kMaxChunks - 1) / kMaxChunks), chunks = (P + chunk - 1) / chunk;
  float* partial = c.shared.reserve(chunks * F * K);
  c.pool.run(s.work(), [&](int t, int T) {
    int64_t lo, hi;
    share(chunks, t, T, lo, hi);
    if (lo == hi) return;
    float* col = c.scratch[t].reserve(kSumChunk * K);
    float* out[32];
    for (int64_t q = lo; q < hi; q++) {
      float* sums = partial + q * F * K;
      for (int64_t f = 0; f < F; f++) out[f] = sums + f * K;
      const int64_t p1 = std::min((q + 1) * chunk, P);
      for (int64_t p0 = q * chunk; p0 < p1; p0 += kSumChunk) {
        const int64_t p2 = std::min(p0 + kSumChunk, p1);
        gather_windows(m + x, s, p0, p2, 0, K, col, K);
        // A = dzᵀ: element (f, pixel p) at dz[p·F + f]
        multiply(m + dz + p0 * F, 1, F, F, p2 - p0, col, K, K, out, p0 > q * chunk);
      }
    }
  });
  // dwᵀ [f] = the chunks' sums in order (whole rows, in vectors), split over the filters; then dw
  float* dwt = partial;  // chunk 0's sums, added to in place
  c.pool.run(chunks * F * K, [&](int t, int T) {
    int64_t lo, hi;
    share(F, t, T, lo, hi);
    for (int64_t f = lo; f < hi; f++)
      for (int64_t q = 1; q < chunks; q++) add_run(partial + (q * F + f) * K, dwt + f * K, K);
  });
  for (int64_t k = 0; k < K; k++)
    for (int64_t f = 0; f < F; f++) m[dw + k * F + f] = dwt[f * K + k];
}

}  // namespace netc
