// Pooling, max and average, windowed and global, and their gradients. Forward passes split the
// output pixels over threads; gradients split the images (windows may overlap, so each image's
// input gradient is one thread's, accumulated in window order). Channels are the inner loop.
#include <algorithm>
#include <cmath>

#include "activation.h"
#include "kernel.h"

namespace netc {

struct PoolShape {
  int64_t n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL;
  // the window of output pixel (oh, ow), clipped to the image: rows [h0, h1), columns [w0, w1)
  void window(int64_t oh, int64_t ow, int64_t& h0, int64_t& h1, int64_t& w0, int64_t& w1) const {
    h0 = std::max<int64_t>(0, oh * SH - PT), h1 = std::min(H, oh * SH - PT + PH);
    w0 = std::max<int64_t>(0, ow * SW - PL), w1 = std::min(W, ow * SW - PL + PW);
  }
};

static PoolShape pool_shape(const double* a) {
  return {I(a[0]), I(a[1]), I(a[2]), I(a[3]), I(a[4]), I(a[5]), I(a[6]), I(a[7]), I(a[8]), I(a[9]), I(a[10]), I(a[11])};
}

// Calls each(output pixel index p, image i, h0, h1, w0, w1) for output pixels [lo, hi).
template <typename Each>
static void windows(const PoolShape& s, int64_t lo, int64_t hi, Each each) {
  for (int64_t p = lo; p < hi; p++) {
    int64_t ow = p % s.OW, oh = p / s.OW % s.OH, i = p / (s.OW * s.OH), h0, h1, w0, w1;
    s.window(oh, ow, h0, h1, w0, w1);
    each(p, i, h0, h1, w0, w1);
  }
}

// A forward pooling (x, y, n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL): each output pixel's channels
// start at `start`, fold in every input pixel of the window with fold(out, in), then finish(out, count).
template <typename Fold, typename Finish>
static void pool_forward(Ctx& c, const double* a, float start, Fold fold, Finish finish) {
  const float* x = c.m + I(a[0]);
  float* y = c.m + I(a[1]);
  PoolShape s = pool_shape(a + 2);
  split(c, s.n * s.OH * s.OW, s.n * s.OH * s.OW * s.C * s.PH * s.PW, [&](int64_t lo, int64_t hi) {
    windows(s, lo, hi, [&](int64_t p, int64_t i, int64_t h0, int64_t h1, int64_t w0, int64_t w1) {
      float* out = y + p * s.C;
      std::fill(out, out + s.C, start);
      for (int64_t h = h0; h < h1; h++)
        for (int64_t w = w0; w < w1; w++) fold(out, x + ((i * s.H + h) * s.W + w) * s.C, s.C);
      finish(out, s.C, static_cast<float>((h1 - h0) * (w1 - w0)));
    });
  });
}

// avgpool(x, y, n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL): the average over real (unpadded) pixels
static double avgpool(Ctx& c, const double* a) {
  pool_forward(c, a, 0.0f, [](float* out, const float* in, int64_t C) {
    for (int64_t ch = 0; ch < C; ch++) out[ch] += in[ch];
  }, [](float* out, int64_t C, float count) {
    for (int64_t ch = 0; ch < C; ch++) out[ch] /= count;
  });
  return 0;
}

// maxpool(x, y, n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL)
static double maxpool(Ctx& c, const double* a) {
  pool_forward(c, a, -INFINITY, [](float* out, const float* in, int64_t C) {
    for (int64_t ch = 0; ch < C; ch++) out[ch] = in[ch] > out[ch] ? in[ch] : out[ch];
  }, [](float*, int64_t, float) {});
  return 0;
}

static void avgpool_grad(Ctx& c, const float* dy, float* dx, const PoolShape& s, const float* saved, int act, float alpha) {
  const int64_t image = s.H * s.W * s.C, outs = s.OH * s.OW;
  split(c, s.n, s.n * outs * s.C * s.PH * s.PW, [&](int64_t lo, int64_t hi) {
    std::fill(dx + lo * image, dx + hi * image, 0.0f);
    windows(s, lo * outs, hi * outs, [&](int64_t p, int64_t i, int64_t h0, int64_t h1, int64_t w0, int64_t w1) {
      float count = static_cast<float>((h1 - h0) * (w1 - w0));
      const float* g = dy + p * s.C;
      for (int64_t h = h0; h < h1; h++)
        for (int64_t w = w0; w < w1; w++) {
          float* out = dx + ((i * s.H + h) * s.W + w) * s.C;
          for (int64_t ch = 0; ch < s.C; ch++) out[ch] += g[ch] / count;
        }
    });
    if (saved) activate_grad(saved + lo * image, dx + lo * image, dx + lo * image, (hi - lo) * image, act, alpha);
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

// maxpoolGrad(x, dy, dx, n, …): each dy to the first maximum of its window
static double maxpoolGrad(Ctx& c, const double* a) {
  float* m = c.m;
  const float *x = m + I(a[0]), *dy = m + I(a[1]);
  float* dx = m + I(a[2]);
  PoolShape s = pool_shape(a + 3);
  const int64_t image = s.H * s.W * s.C, outs = s.OH * s.OW;
  split(c, s.n, s.n * outs * s.C * s.PH * s.PW, [&](int64_t lo, int64_t hi) {
    std::fill(dx + lo * image, dx + hi * image, 0.0f);
    windows(s, lo * outs, hi * outs, [&](int64_t p, int64_t i, int64_t h0, int64_t h1, int64_t w0, int64_t w1) {
      for (int64_t ch = 0; ch < s.C; ch++) {
        float best = -INFINITY;
        int64_t at = -1;
        for (int64_t h = h0; h < h1; h++)
          for (int64_t w = w0; w < w1; w++) {
            int64_t o = ((i * s.H + h) * s.W + w) * s.C + ch;
            if (x[o] > best) best = x[o], at = o;
          }
        if (at >= 0) dx[at] += dy[p * s.C + ch];
      }
    });
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
