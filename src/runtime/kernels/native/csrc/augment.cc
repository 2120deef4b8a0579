// Data augmentation: each image sampled bilinearly at an affine map of its pixel grid, zero
// outside (the reference is src/runtime/kernels/reference/augment.ts). Threads split the batch
// by image, so any thread count gives the same bits.
#include <cmath>
#include <cstdint>
#include <cstring>

#include "kernel.h"

namespace netc {

// A pixel at the border: the neighbours outside the image count as 0.
static void edge(const float* src, float* out, int64_t H, int64_t W, int64_t C, float sx, float sy) {
  float fx0 = std::floor(sx), fy0 = std::floor(sy);
  int64_t x0 = static_cast<int64_t>(fx0), y0 = static_cast<int64_t>(fy0);
  float fx = sx - fx0, fy = sy - fy0;
  bool left = x0 >= 0, right = x0 + 1 < W, up = y0 >= 0, down = y0 + 1 < H;
  auto at = [&](int64_t y, int64_t x, int64_t k) { return src[(y * W + x) * C + k]; };
  for (int64_t k = 0; k < C; k++) {
    float a = left && up ? at(y0, x0, k) : 0.0f;
    float b = right && up ? at(y0, x0 + 1, k) : 0.0f;
    float d = left && down ? at(y0 + 1, x0, k) : 0.0f;
    float e = right && down ? at(y0 + 1, x0 + 1, k) : 0.0f;
    float top = a + fx * (b - a);
    out[k] = top + fy * (d + fx * (e - d) - top);
  }
}

static void warp_image(const float* src, float* dst, int64_t H, int64_t W, int64_t C, const float* m) {
  const float ax = m[0], bx = m[1], cx = m[2], ay = m[3], by = m[4], cy = m[5];
  const int64_t row = W * C;
  const float right = static_cast<float>(W - 1), bottom = static_cast<float>(H - 1);
  float* out = dst;
  for (int64_t y = 0; y < H; y++) {
    const float fyi = static_cast<float>(y);
    for (int64_t x = 0; x < W; x++, out += C) {
      const float fxi = static_cast<float>(x);
      const float sx = ax * fxi + bx * fyi + cx;
      const float sy = ay * fxi + by * fyi + cy;
      if (sx >= 0 && sy >= 0 && sx < right && sy < bottom) {
        // inside: all four neighbours are pixels (truncation is the floor: sx, sy ≥ 0)
        const int64_t x0 = static_cast<int64_t>(sx), y0 = static_cast<int64_t>(sy);
        const float fx = sx - static_cast<float>(x0), fy = sy - static_cast<float>(y0);
        const float* p = src + y0 * row + x0 * C;
        for (int64_t k = 0; k < C; k++) {
          const float top = p[k] + fx * (p[C + k] - p[k]);
          const float bot = p[row + k] + fx * (p[row + C + k] - p[row + k]);
          out[k] = top + fy * (bot - top);
        }
      } else if (sx > -1 && sy > -1 && sx < static_cast<float>(W) && sy < static_cast<float>(H)) {
        edge(src, out, H, W, C, sx, sy);
      } else {
        std::memset(out, 0, C * sizeof(float));  // every neighbour outside: background
      }
    }
  }
}

// affineWarp(x, y, warps, n, H, W, C): image i of y is image i of x warped by warps[6i .. 6i+6)
static double affineWarp(Ctx& c, const double* a) {
  const float* x = c.m + I(a[0]);
  float* y = c.m + I(a[1]);
  const float* warps = c.m + I(a[2]);
  const int64_t n = I(a[3]), H = I(a[4]), W = I(a[5]), C = I(a[6]), size = H * W * C;
  split(c, n, n * size * 8, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; i++) warp_image(x + i * size, y + i * size, H, W, C, warps + 6 * i);
  });
  return 0;
}

NETC_KERNELS(augment, {"affineWarp", affineWarp, 7})

}  // namespace netc
