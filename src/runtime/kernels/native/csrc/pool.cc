// Pooling, max and average, windowed and global, and their gradients, on the rows of pool.h:
//  - forward: each thread takes a run of output rows;
//  - gradients: each thread takes a run of images (windows may overlap, so each image's input
//    gradient is one thread's, accumulated in window order); the average spreads each output row
//    over one input row and adds it to its window's rows; the maximum keeps the first maximum of
//    each channel's window, scanning the window in the reference's order.
#include <algorithm>
#include <cmath>

#include "activation.h"
#include "clones.h"
#include "kernel.h"
#include "pool.h"

namespace netc {

static PoolShape pool_shape(const double* a) {
  return {I(a[0]), I(a[1]), I(a[2]), I(a[3]), I(a[4]), I(a[5]), I(a[6]), I(a[7]), I(a[8]), I(a[9]), I(a[10]), I(a[11])};
}

// The multiply-adds (or comparisons) of a windowed call, for the pool's split.
static int64_t window_work(const PoolShape& s) { return s.n * s.OH * s.OW * s.C * s.PH * s.PW; }

// A forward pooling (x, y, n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL): output rows split over threads.
static void pool_forward(Ctx& c, const double* a, Fold fold) {
  const float* x = c.m + I(a[0]);
  float* y = c.m + I(a[1]);
  const PoolShape s = pool_shape(a + 2);
  const Columns cols(s);
  c.pool.run(window_work(s), [&](int t, int T) {
    int64_t lo, hi;
    share(s.n * s.OH, t, T, lo, hi);
    float* folded = c.scratch[t].reserve(s.row());
    for (int64_t r = lo; r < hi; r++) window_row(x + r / s.OH * s.image(), s, cols, r % s.OH, fold, folded, y + r * s.OW * s.C);
  });
}

// avgpool(x, y, n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL): the average over real (unpadded) pixels
static double avgpool(Ctx& c, const double* a) {
  pool_forward(c, a, Fold::kAverage);
  return 0;
}

// maxpool(x, y, n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL)
static double maxpool(Ctx& c, const double* a) {
  pool_forward(c, a, Fold::kMax);
  return 0;
}

static void avgpool_grad(Ctx& c, const float* dy, float* dx, const PoolShape& s, const float* saved, int act, float alpha) {
  const int64_t image = s.image(), row = s.row();
  const Columns cols(s);
  // Windows whose rows do not overlap (a stride at least the window's height): each input row
  // gets one spread row, written (through the activation's gradient) rather than added to zeros.
  const bool exclusive = s.SH >= s.PH;
  c.pool.run(window_work(s), [&](int t, int T) {
    int64_t lo, hi;
    share(s.n, t, T, lo, hi);
    if (lo == hi) return;
    float* spread = c.scratch[t].reserve(row);
    if (!exclusive) std::fill(dx + lo * image, dx + hi * image, 0.0f);
    for (int64_t i = lo; i < hi; i++) {
      int64_t done = 0;  // with exclusive rows: the image's rows [0, done) are written
      for (int64_t oh = 0; oh < s.OH; oh++) {
        int64_t h0, h1;
        s.rows(oh, h0, h1);
        if (h0 >= h1) continue;
        spread_row(dy + (i * s.OH + oh) * s.OW * s.C, s, cols, h1 - h0, true, spread);
        if (!exclusive) {
          for (int64_t h = h0; h < h1; h++) add_run(spread, dx + (i * s.H + h) * row, row);
          continue;
        }
        std::fill(dx + (i * s.H + done) * row, dx + (i * s.H + h0) * row, 0.0f);  // rows no window covers
        for (int64_t h = h0; h < h1; h++) {
          float* to = dx + (i * s.H + h) * row;
          if (saved) activate_grad(saved + (i * s.H + h) * row, spread, to, row, act, alpha);
          else std::copy(spread, spread + row, to);
        }
        done = h1;
      }
      if (exclusive) {
        std::fill(dx + (i * s.H + done) * row, dx + (i + 1) * image, 0.0f);
        continue;
      }
      // while the image is in cache
      if (saved) activate_grad(saved + i * image, dx + i * image, dx + i * image, image, act, alpha);
    }
  });
}

// avgpoolGrad(dy, dx, n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL)
static double avgpoolGrad(Ctx& c, const double* a) {
  avgpool_grad(c, c.m + I(a[0]), c.m + I(a[1]), pool_shape(a + 2), nullptr, 0, 0);
  return 0;
}

// avgpoolGradActivation(dy, y, dx, n, …, PL, act, alpha)
static double avgpoolGradActivation(Ctx& c, const double* a) {
  avgpool_grad(c, c.m + I(a[0]), c.m + I(a[2]), pool_shape(a + 3), c.m + I(a[1]), I(a[15]), F(a[16]));
  return 0;
}

// One output row of maxpoolGrad: dx[the first maximum of each window, per channel] += dy, the
// window scanned row by row, column by column, as the reference does. x and dx are the image's;
// best and at hold a row's outputs (OW·C floats and ints). Windows that do not overlap (exclusive)
// write their pixels' dx outright, dy or 0, instead of adding to a zeroed dx: one pass, no scatter.
NETC_CLONES
static void route_max_row(const float* x, const float* dy, float* dx, const PoolShape& s, const Columns& cols, int64_t h0,
                          int64_t h1, bool exclusive, float* best, int32_t* at) {
  const int64_t C = s.C;
  if (cols.b > cols.a) {
    const int64_t len = (cols.b - cols.a) * C;
    const int32_t* base = cols.base.data();
    for (int64_t q = 0; q < len; q++) best[q] = -INFINITY, at[q] = -1;
    for (int64_t h = h0; h < h1; h++)
      for (int64_t kw = 0; kw < s.PW; kw++) {
        const int32_t shift = static_cast<int32_t>((h * s.W + kw) * C);
        const float* in = x + shift;
        for (int64_t q = 0; q < len; q++) {
          // no branch: random data would mispredict half the time, and this vectorizes
          const float v = in[base[q]];
          const bool more = v > best[q];
          best[q] = more ? v : best[q];
          at[q] = more ? base[q] + shift : at[q];
        }
      }
    const float* g = dy + cols.a * C;
    if (exclusive) {
      for (int64_t h = h0; h < h1; h++)
        for (int64_t kw = 0; kw < s.PW; kw++) {
          const int32_t shift = static_cast<int32_t>((h * s.W + kw) * C);
          for (int64_t q = 0; q < len; q++) dx[base[q] + shift] = at[q] == base[q] + shift ? g[q] : 0.0f;
        }
    } else {
      for (int64_t q = 0; q < len; q++)
        if (at[q] >= 0) dx[at[q]] += g[q];
    }
  }
  for (int64_t ow = 0; ow < s.OW; ow++) {
    if (!cols.single(ow)) continue;
    int64_t w0, w1;
    s.cols(ow, w0, w1);
    for (int64_t ch = 0; ch < C; ch++) best[ch] = -INFINITY, at[ch] = -1;
    for (int64_t h = h0; h < h1; h++)
      for (int64_t w = w0; w < w1; w++) {
        const int32_t o = static_cast<int32_t>((h * s.W + w) * C);
        const float* in = x + o;
        for (int64_t ch = 0; ch < C; ch++) {
          const bool more = in[ch] > best[ch];
          best[ch] = more ? in[ch] : best[ch];
          at[ch] = more ? o + static_cast<int32_t>(ch) : at[ch];
        }
      }
    const float* g = dy + ow * C;
    if (exclusive) {
      for (int64_t h = h0; h < h1; h++)
        for (int64_t w = w0; w < w1; w++) {
          const int32_t o = static_cast<int32_t>((h * s.W + w) * C);
          for (int64_t ch = 0; ch < C; ch++) dx[o + ch] = at[ch] == o + static_cast<int32_t>(ch) ? g[ch] : 0.0f;
        }
    } else {
      for (int64_t ch = 0; ch < C; ch++)
        if (at[ch] >= 0) dx[at[ch]] += g[ch];
    }
  }
}

// maxpoolGrad(x, dy, dx, n, …): each dy to the first maximum of its window
static double maxpoolGrad(Ctx& c, const double* a) {
  float* m = c.m;
  const float *x = m + I(a[0]), *dy = m + I(a[1]);
  float* dx = m + I(a[2]);
  const PoolShape s = pool_shape(a + 3);
  const Columns cols(s);
  const int64_t image = s.image();
  const bool exclusive = s.SH >= s.PH && s.SW >= s.PW;
  // exclusive windows that tile the image leave no pixel of dx unwritten
  const bool covered = exclusive && s.SH == s.PH && s.SW == s.PW && s.PT == 0 && s.PL == 0 && s.OH * s.SH == s.H && s.OW * s.SW == s.W;
  c.pool.run(window_work(s), [&](int t, int T) {
    int64_t lo, hi;
    share(s.n, t, T, lo, hi);
    if (lo == hi) return;
    float* best = c.scratch[t].reserve(2 * s.OW * s.C);
    int32_t* at = reinterpret_cast<int32_t*>(best + s.OW * s.C);
    if (!covered) std::fill(dx + lo * image, dx + hi * image, 0.0f);
    for (int64_t i = lo; i < hi; i++)
      for (int64_t oh = 0; oh < s.OH; oh++) {
        int64_t h0, h1;
        s.rows(oh, h0, h1);
        route_max_row(x + i * image, dy + (i * s.OH + oh) * s.OW * s.C, dx + i * image, s, cols, h0, h1, exclusive, best, at);
      }
  });
  return 0;
}

// A global pooling call's tensors and shape: (in, out, n, HW, C), or (x, in, out, n, HW, C) for
// globalMaxpoolGrad, whose x comes first; `each(i)` runs for every image, images split over threads.
struct Global {
  const float *x, *in;
  float* out;
  int64_t n, HW, C;
  template <typename Each>
  void images(Ctx& c, Each each) const {
    split(c, n, n * HW * C, [&](int64_t lo, int64_t hi) {
      for (int64_t i = lo; i < hi; i++) each(i);
    });
  }
  // the offset of the first maximum of channel ch of image i in x
  int64_t first_max(int64_t i, int64_t ch) const {
    int64_t at = i * HW * C + ch;
    for (int64_t p = 1; p < HW; p++)
      if (x[(i * HW + p) * C + ch] > x[at]) at = (i * HW + p) * C + ch;
    return at;
  }
};

static Global global_args(Ctx& c, const double* a, bool with_x) {
  const double* b = with_x ? a + 1 : a;
  return {c.m + I(a[0]), c.m + I(b[0]), c.m + I(b[1]), I(b[2]), I(b[3]), I(b[4])};
}

// globalAvgpool(x, y, n, HW, C)
static double globalAvgpool(Ctx& c, const double* a) {
  Global g = global_args(c, a, false);
  g.images(c, [&](int64_t i) {
    float* out = g.out + i * g.C;
    std::fill(out, out + g.C, 0.0f);
    for (int64_t p = 0; p < g.HW; p++)
      for (int64_t ch = 0; ch < g.C; ch++) out[ch] += g.in[(i * g.HW + p) * g.C + ch];
    for (int64_t ch = 0; ch < g.C; ch++) out[ch] /= static_cast<float>(g.HW);
  });
  return 0;
}

// globalAvgpoolGrad(dy, dx, n, HW, C)
static double globalAvgpoolGrad(Ctx& c, const double* a) {
  Global g = global_args(c, a, false);
  g.images(c, [&](int64_t i) {
    for (int64_t p = 0; p < g.HW; p++)
      for (int64_t ch = 0; ch < g.C; ch++) g.out[(i * g.HW + p) * g.C + ch] = g.in[i * g.C + ch] / static_cast<float>(g.HW);
  });
  return 0;
}

// globalMaxpool(x, y, n, HW, C)
static double globalMaxpool(Ctx& c, const double* a) {
  Global g = global_args(c, a, false);
  g.images(c, [&](int64_t i) {
    for (int64_t ch = 0; ch < g.C; ch++) g.out[i * g.C + ch] = g.x[g.first_max(i, ch)];
  });
  return 0;
}

// globalMaxpoolGrad(x, dy, dx, n, HW, C): each dy to the first maximum of its channel
static double globalMaxpoolGrad(Ctx& c, const double* a) {
  Global g = global_args(c, a, true);
  g.images(c, [&](int64_t i) {
    std::fill(g.out + i * g.HW * g.C, g.out + (i + 1) * g.HW * g.C, 0.0f);
    for (int64_t ch = 0; ch < g.C; ch++) g.out[g.first_max(i, ch)] = g.in[i * g.C + ch];
  });
  return 0;
}

NETC_KERNELS(pool, {"avgpool", avgpool, 14}, {"avgpoolGrad", avgpoolGrad, 14}, {"avgpoolGradActivation", avgpoolGradActivation, 17},
             {"maxpool", maxpool, 14}, {"maxpoolGrad", maxpoolGrad, 15}, {"globalAvgpool", globalAvgpool, 5},
             {"globalAvgpoolGrad", globalAvgpoolGrad, 5}, {"globalMaxpool", globalMaxpool, 5},
             {"globalMaxpoolGrad", globalMaxpoolGrad, 6})

}  // namespace netc
