// biasGrad(dz, db, rows, F): db[f] = Σ_r dz[r, f], a reduction over rows that runs at memory speed
// on any channel count and gives the same bits on any number of threads.
//  - Lanes: the flat row-major data is read as rows of W floats, W a multiple of F (and of 16, so
//    that every lane is a full vector, when that stays small): lane j always holds channel j % F, so
//    F = 6 sums 144 lanes of whole vectors instead of six scalar chains.
//  - Chunks: the rows are cut into chunks whose boundaries depend only on the shape; each chunk sums
//    its lanes in one fixed order into its own partial, and the partials are added in chunk order at
//    the end. Threads take runs of chunks, so the thread count changes who sums a chunk, never how.
#include <algorithm>
#include <numeric>

#include "clones.h"
#include "kernel.h"

namespace netc {

static constexpr int64_t kMaxLanes = 1024;   // widest lane row kept in a chunk's accumulator
static constexpr int64_t kMinLanes = 128;    // at least eight AVX-512 vectors: independent add chains
static constexpr int64_t kChunkFloats = 16384;  // about 64 KiB of dz per chunk

// The lane width for F channels: a multiple of F, of 16 floats when lcm(F, 16) stays in kMaxLanes.
static int64_t lanes_for(int64_t F) {
  int64_t base = std::lcm<int64_t>(F, 16);
  if (base > kMaxLanes) return F;
  return base * ((kMinLanes + base - 1) / base);
}

// partial[f] = the sum of `count` floats of dz from a row start, in lanes of W, folded into F channels.
NETC_CLONES
static void sum_lanes(const float* dz, int64_t count, int64_t W, int64_t F, float* partial) {
  alignas(64) float acc[kMaxLanes];
  std::fill(acc, acc + W, 0.0f);
  int64_t k = 0;
  for (; k + W <= count; k += W)
    for (int64_t j = 0; j < W; j++) acc[j] += dz[k + j];
  for (int64_t j = 0; k + j < count; j++) acc[j] += dz[k + j];
  std::fill(partial, partial + F, 0.0f);
  for (int64_t j0 = 0; j0 < W; j0 += F)
    for (int64_t f = 0; f < F; f++) partial[f] += acc[j0 + f];
}

// partial[f] = Σ over `rows` rows of F channels: wide rows are vectors enough by themselves.
NETC_CLONES
static void sum_rows(const float* dz, int64_t rows, int64_t F, float* partial) {
  std::fill(partial, partial + F, 0.0f);
  for (int64_t r = 0; r < rows; r++)
    for (int64_t f = 0; f < F; f++) partial[f] += dz[r * F + f];
}

static double biasGrad(Ctx& c, const double* a) {
  const float* dz = c.m + I(a[0]);
  float* db = c.m + I(a[1]);
  const int64_t rows = I(a[2]), F = I(a[3]);
  if (F <= 0) return 0;
  const int64_t W = lanes_for(F);
  // a chunk is whole lane rows, so that every chunk starts on lane 0
  const int64_t chunk = std::max<int64_t>(1, kChunkFloats / W) * W;
  const int64_t total = rows * F, chunks = std::max<int64_t>(1, (total + chunk - 1) / chunk);
  float* partials = c.shared.reserve(chunks * F);
  split(c, chunks, total, [&](int64_t lo, int64_t hi) {
    for (int64_t k = lo; k < hi; k++) {
      const int64_t from = k * chunk, count = std::min(chunk, total - from);
      if (W == F) sum_rows(dz + from, count / F, F, partials + k * F);
      else sum_lanes(dz + from, count, W, F, partials + k * F);
    }
  });
  std::fill(db, db + F, 0.0f);
  for (int64_t k = 0; k < chunks; k++)
    for (int64_t f = 0; f < F; f++) db[f] += partials[k * F + f];
  return 0;
}

NETC_KERNELS(bias_grad, {"biasGrad", biasGrad, 4})

}  // namespace netc
