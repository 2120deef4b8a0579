// Convolutions of a single input channel at stride 1 (a network's first layer on grey images):
// with one channel a window row is a handful of floats, so gathering windows into matrix rows
// costs more than the multiply-adds. Here L adjacent output pixels share the vector lanes
// instead: each tap is one load of L input pixels from a zero-padded copy of the image.
//
// One build per instruction set, each with vectors as wide as its registers (L = 16 floats with
// AVX-512, 8 with AVX2, 4 else): the templates below are instantiated inside functions compiled
// for each (GCC's target attribute), and single_conv() returns the one the matrix kernels use.
// (GCC's target_clones cannot do this: every clone gets the same types, and a 16-float vector in
// the AVX2 clone went through the stack 4 floats at a time, at a quarter of the speed.)
#include <algorithm>
#include <cstring>

#include "clones.h"
#include "conv-single.h"
#include "gemm.h"
#include "lanes.h"

namespace netc {

PaddedImage::PaddedImage(const ConvShape& s, int lanes)
    : rows(s.OH + s.KH - 1), width(((s.OW + lanes - 1) / lanes) * lanes + s.KW - 1) {}

// Zeros where the padding is, the image's rows copied in vectors in between.
NETC_CLONES
void PaddedImage::fill(const float* image, const ConvShape& s, float* out) const {
  const int64_t w0 = std::max<int64_t>(0, s.PL), skip = std::max<int64_t>(0, -s.PL);
  const int64_t cols = std::max<int64_t>(0, std::min(s.W - skip, width - w0));
  for (int64_t r = 0; r < rows; r++) {
    float* row = out + r * width;
    const int64_t h = r - s.PT;
    if (h < 0 || h >= s.H || cols == 0) {
      std::fill(row, row + width, 0.0f);
      continue;
    }
    std::fill(row, row + w0, 0.0f);
    copy_short_run(image + h * s.W + skip, row + w0, cols);
    std::fill(row + w0 + cols, row + width, 0.0f);
  }
}

namespace {

#define NETC_INLINE inline __attribute__((always_inline))

constexpr int FB = 8;  // filters per step

template <int L>
NETC_INLINE vf<L> load(const float* p) {
  vf<L> v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// Whether the forward pass reads its weights broadcast in advance (see forward_filters).
template <int L>
constexpr bool kBroadcastAhead = L < 16;

// Where tap `tap`'s input pixel for output pixel (0, 0) lies in the padded image.
NETC_INLINE int64_t tap_offset(int64_t tap, const ConvShape& s, const PaddedImage& pad) {
  return tap / s.KW * pad.width + tap % s.KW;
}

// Width of a row of the transposed output gradient: whole steps of L lanes, zeros past OW.
template <int L>
NETC_INLINE int64_t grad_width(const ConvShape& s) {
  return ((s.OW + L - 1) / L) * L;
}

// Filters [f0, f0 + NF) of output row oh, L pixels at a time: NF accumulators, NF exact (6 for
// LeNet's 6 filters, where a fixed 8 spent a quarter of the multiply-adds on lanes never stored).
// Below AVX-512 the weights come broadcast (each a vector of L copies, forward_weights), so that a
// multiply takes its weight straight from memory, no broadcast instruction per tap; AVX-512's
// multiplies broadcast a float from memory themselves, so there they are the plain weights.
template <int L, int NF>
NETC_INLINE void forward_filters(const float* xp, const PaddedImage& pad, const ConvShape& s, int64_t oh, const float* wb,
                                 const float* b, int64_t f0, float* y) {
  for (int64_t ow0 = 0; ow0 < s.OW; ow0 += L) {
    const int64_t lanes = std::min<int64_t>(L, s.OW - ow0);
    vf<L> acc[NF];
    for (int f = 0; f < NF; f++) acc[f] = vf<L>{} + (b ? b[f0 + f] : 0.0f);
    for (int64_t kh = 0; kh < s.KH; kh++)
      for (int64_t kw = 0; kw < s.KW; kw++) {
        const vf<L> xv = load<L>(xp + (oh + kh) * pad.width + ow0 + kw);
        if constexpr (kBroadcastAhead<L>) {
          const float* wk = wb + ((kh * s.KW + kw) * s.F + f0) * L;
          for (int f = 0; f < NF; f++) acc[f] += xv * load<L>(wk + f * L);
        } else {
          const float* wk = wb + (kh * s.KW + kw) * s.F + f0;
          for (int f = 0; f < NF; f++) acc[f] += xv * wk[f];
        }
      }
    store_pixels<L, NF>(acc, y + ow0 * s.F + f0, s.F, lanes);
  }
}

template <int L>
NETC_INLINE void forward_row(const float* xp, const PaddedImage& pad, const ConvShape& s, int64_t oh, const float* wb,
                             const float* b, float* y) {
  for (int64_t f0 = 0; f0 < s.F; f0 += FB) {
    switch (std::min<int64_t>(FB, s.F - f0)) {
      case 1: forward_filters<L, 1>(xp, pad, s, oh, wb, b, f0, y); break;
      case 2: forward_filters<L, 2>(xp, pad, s, oh, wb, b, f0, y); break;
      case 3: forward_filters<L, 3>(xp, pad, s, oh, wb, b, f0, y); break;
      case 4: forward_filters<L, 4>(xp, pad, s, oh, wb, b, f0, y); break;
      case 5: forward_filters<L, 5>(xp, pad, s, oh, wb, b, f0, y); break;
      case 6: forward_filters<L, 6>(xp, pad, s, oh, wb, b, f0, y); break;
      case 7: forward_filters<L, 7>(xp, pad, s, oh, wb, b, f0, y); break;
      default: forward_filters<L, 8>(xp, pad, s, oh, wb, b, f0, y); break;
    }
  }
}

template <int L>
NETC_INLINE const float* forward_weights(const float* w, const ConvShape& s, float* scratch) {
  if constexpr (!kBroadcastAhead<L>) return w;
  for (int64_t j = 0; j < s.taps() * s.F; j++) {
    const vf<L> v = vf<L>{} + w[j];
    std::memcpy(scratch + j * L, &v, sizeof v);
  }
  return scratch;
}

// Filters [f0, f0 + NF) of every row, L pixels at a time, lanes past OW zero.
template <int L, int NF>
NETC_INLINE void transpose_filters(const float* dz, const ConvShape& s, int64_t f0, float* dzt) {
  const int64_t width = grad_width<L>(s);
  for (int64_t oh = 0; oh < s.OH; oh++)
    for (int64_t ow0 = 0; ow0 < width; ow0 += L) {
      vf<L> a[NF];
      // a short step at a row's end may read on into the image's next rows, where it has them
      const int64_t count = std::min<int64_t>(L, s.OW - ow0);
      load_pixels<L, NF>(dz + (oh * s.OW + ow0) * s.F + f0, s.F, count, a, (s.OH - oh - 1) * s.OW >= L - count);
      for (int f = 0; f < NF; f++) std::memcpy(dzt + ((f0 + f) * s.OH + oh) * width + ow0, &a[f], sizeof(vf<L>));
    }
}

template <int L>
NETC_INLINE void grad_transpose(const float* dz, const ConvShape& s, float* dzt) {
  for (int64_t f0 = 0; f0 < s.F; f0 += FB) {
    switch (std::min<int64_t>(FB, s.F - f0)) {
      case 1: transpose_filters<L, 1>(dz, s, f0, dzt); break;
      case 2: transpose_filters<L, 2>(dz, s, f0, dzt); break;
      case 3: transpose_filters<L, 3>(dz, s, f0, dzt); break;
      case 4: transpose_filters<L, 4>(dz, s, f0, dzt); break;
      case 5: transpose_filters<L, 5>(dz, s, f0, dzt); break;
      case 6: transpose_filters<L, 6>(dz, s, f0, dzt); break;
      case 7: transpose_filters<L, 7>(dz, s, f0, dzt); break;
      default: transpose_filters<L, 8>(dz, s, f0, dzt); break;
    }
  }
}

// Taps per block of the filter gradient for NF filters: the block's TB·NF sums, its TB input
// vectors and one gradient vector fit the build's registers (32 with AVX-512, 16 with AVX2 and
// SSE): 3 taps of 8 filters with AVX-512, 2 of LeNet's 6 with AVX2.
template <int L>
constexpr int taps_per_block(int NF) {
  return std::min(3, std::max(1, ((L == 16 ? 32 : 16) - 1) / (NF + 1)));
}

// TB taps × NF filters of one image: TB·NF accumulators stay in registers over the whole image,
// loaded from and stored to acc once; per step TB loads of input pixels and NF of gradients feed
// TB·NF multiply-adds. Each lane's sum runs over the image's steps in order, continuing the sum
// of the images before.
template <int L, int TB, int NF>
NETC_INLINE void grad_filter_block(const float* xp, const PaddedImage& pad, const ConvShape& s, const float* dzt, int64_t tap,
                                   int64_t f0, float* acc) {
  const int64_t width = grad_width<L>(s);
  int64_t at[TB];
  for (int t = 0; t < TB; t++) at[t] = tap_offset(tap + t, s, pad);
  vf<L> sum[TB][NF];
  for (int t = 0; t < TB; t++)
    for (int f = 0; f < NF; f++) sum[t][f] = load<L>(acc + (t * s.F + f0 + f) * L);
  for (int64_t oh = 0; oh < s.OH; oh++) {
    const float* x = xp + oh * pad.width;
    const float* g = dzt + (f0 * s.OH + oh) * width;
    for (int64_t ow0 = 0; ow0 < width; ow0 += L) {
      vf<L> xv[TB];
      for (int t = 0; t < TB; t++) xv[t] = load<L>(x + at[t] + ow0);
      for (int f = 0; f < NF; f++) {
        const vf<L> gv = load<L>(g + f * s.OH * width + ow0);
        for (int t = 0; t < TB; t++) sum[t][f] += xv[t] * gv;
      }
    }
  }
  for (int t = 0; t < TB; t++)
    for (int f = 0; f < NF; f++) std::memcpy(acc + (t * s.F + f0 + f) * L, &sum[t][f], sizeof(vf<L>));
}

// Every tap of filters [f0, f0 + NF), in blocks of taps_per_block taps.
template <int L, int NF>
NETC_INLINE void grad_filter_filters(const float* xp, const PaddedImage& pad, const ConvShape& s, const float* dzt, int64_t f0,
                                     float* acc) {
  constexpr int TB = taps_per_block<L>(NF);
  const int64_t taps = s.taps();
  int64_t tap = 0;
  for (; tap + TB <= taps; tap += TB) grad_filter_block<L, TB, NF>(xp, pad, s, dzt, tap, f0, acc + tap * s.F * L);
  if constexpr (TB > 2)
    if (taps - tap == 2) grad_filter_block<L, 2, NF>(xp, pad, s, dzt, tap, f0, acc + tap * s.F * L);
  if constexpr (TB > 1)
    if (taps - tap == 1) grad_filter_block<L, 1, NF>(xp, pad, s, dzt, tap, f0, acc + tap * s.F * L);
}

// Filters per block of the filter gradient: 8 with AVX-512 (3 taps each); with 16 registers all
// of up to 6 filters (2 taps of 6), else 4 (3 taps of 4): 8 filters would leave room for one tap,
// 9 loads for 8 multiply-adds, where 3 × 4 needs 7 for 12.
template <int L>
NETC_INLINE int64_t grad_filters_per_block(const ConvShape& s) {
  return L == 16 ? FB : s.F <= 6 ? s.F : 4;
}

template <int L>
NETC_INLINE void grad_filter_image(const float* xp, const PaddedImage& pad, const ConvShape& s, const float* dzt, float* acc) {
  const int64_t fb = grad_filters_per_block<L>(s);
  for (int64_t f0 = 0; f0 < s.F; f0 += fb) {
    switch (std::min<int64_t>(fb, s.F - f0)) {
      case 1: grad_filter_filters<L, 1>(xp, pad, s, dzt, f0, acc); break;
      case 2: grad_filter_filters<L, 2>(xp, pad, s, dzt, f0, acc); break;
      case 3: grad_filter_filters<L, 3>(xp, pad, s, dzt, f0, acc); break;
      case 4: grad_filter_filters<L, 4>(xp, pad, s, dzt, f0, acc); break;
      case 5: grad_filter_filters<L, 5>(xp, pad, s, dzt, f0, acc); break;
      case 6: grad_filter_filters<L, 6>(xp, pad, s, dzt, f0, acc); break;
      case 7: grad_filter_filters<L, 7>(xp, pad, s, dzt, f0, acc); break;
      default: grad_filter_filters<L, 8>(xp, pad, s, dzt, f0, acc); break;
    }
  }
}

// The filter gradient with filters in the lanes instead, where the filters fill whole vectors, or
// three quarters of one (filters_in_lanes): no transposes and no padded rows of gradients. For each
// output pixel in order, its gradient is NV vectors of filters, and each of TB taps adds them times
// the input pixel under that tap (a broadcast load) to the tap's sums. The sums stay in registers
// over the image: TB·NV of them, NV gradient vectors, a broadcast and a product fill 16.
template <int L>
NETC_INLINE bool filters_in_lanes(const ConvShape& s) {
  return L < 16 && (s.F % L == 0 || 4 * (s.F % L) >= 3 * L);
}

template <int L>
NETC_INLINE int64_t padded_filters(const ConvShape& s) {
  return (s.F + L - 1) / L * L;
}

template <int L, int TB, int NV>
NETC_INLINE void direct_grad_block(const float* xp, const PaddedImage& pad, const ConvShape& s, const float* dzp, int64_t tap,
                                   int64_t f0, float* acc) {
  const int64_t Fp = padded_filters<L>(s);
  int64_t at[TB];
  for (int t = 0; t < TB; t++) at[t] = tap_offset(tap + t, s, pad);
  vf<L> sum[TB][NV];
  for (int t = 0; t < TB; t++)
    for (int v = 0; v < NV; v++) sum[t][v] = load<L>(acc + (tap + t) * Fp + f0 + v * L);
  for (int64_t oh = 0; oh < s.OH; oh++) {
    const float* x = xp + oh * pad.width;
    const float* g = dzp + oh * s.OW * s.F + f0;
    for (int64_t ow = 0; ow < s.OW; ow++) {
      vf<L> gv[NV];
      for (int v = 0; v < NV; v++) gv[v] = load<L>(g + ow * s.F + v * L);
      for (int t = 0; t < TB; t++) {
        const float xv = x[ow + at[t]];
        for (int v = 0; v < NV; v++) sum[t][v] += gv[v] * xv;
      }
    }
  }
  for (int t = 0; t < TB; t++)
    for (int v = 0; v < NV; v++) std::memcpy(acc + (tap + t) * Fp + f0 + v * L, &sum[t][v], sizeof(vf<L>));
}

// Taps [tap, tap + count) for count ≤ TB, as a block of exactly count taps.
template <int L, int NV, int TB>
NETC_INLINE void direct_grad_taps(const float* xp, const PaddedImage& pad, const ConvShape& s, const float* dzp, int64_t tap,
                                  int64_t count, int64_t f0, float* acc) {
  if constexpr (TB > 1)
    if (count < TB) return direct_grad_taps<L, NV, TB - 1>(xp, pad, s, dzp, tap, count, f0, acc);
  direct_grad_block<L, TB, NV>(xp, pad, s, dzp, tap, f0, acc);
}

template <int L, int NV>
NETC_INLINE void direct_grad_filters(const float* xp, const PaddedImage& pad, const ConvShape& s, const float* dzp, int64_t f0,
                                     float* acc) {
  constexpr int TB = (16 - 2 - NV) / NV;  // 13 taps of one vector, 6 of two
  const int64_t taps = s.taps(), blocks = (taps + TB - 1) / TB;
  // blocks as even as possible (25 taps: 13 and 12, not 13 and a remainder)
  for (int64_t b = 0, tap = 0; b < blocks; b++) {
    const int64_t count = (taps - tap) / (blocks - b);
    direct_grad_taps<L, NV, TB>(xp, pad, s, dzp, tap, count, f0, acc);
    tap += count;
  }
}

// acc [taps][padded F] += one image's products; dzp: the image's output gradient [OH·OW, F] and
// then `L` floats to read past its last pixel's filters.
template <int L>
NETC_INLINE void direct_grad_image(const float* xp, const PaddedImage& pad, const ConvShape& s, const float* dzp, float* acc) {
  const int64_t Fp = padded_filters<L>(s);
  int64_t f0 = 0;
  for (; f0 + 2 * L <= Fp; f0 += 2 * L) direct_grad_filters<L, 2>(xp, pad, s, dzp, f0, acc);
  if (f0 < Fp) direct_grad_filters<L, 1>(xp, pad, s, dzp, f0, acc);
}

// The builds: each instantiates the templates inside functions compiled for its instruction set.
#define NETC_SINGLE_BUILD(NAME, L, TARGET)                                                                              \
  TARGET void NAME##_forward_row(const float* xp, const PaddedImage& pad, const ConvShape& s, int64_t oh, const float* wb, \
                                 const float* b, float* y) {                                                           \
    forward_row<L>(xp, pad, s, oh, wb, b, y);                                                                          \
  }                                                                                                                   \
  TARGET const float* NAME##_forward_weights(const float* w, const ConvShape& s, float* scratch) {                    \
    return forward_weights<L>(w, s, scratch);                                                                         \
  }                                                                                                                   \
  TARGET void NAME##_grad_transpose(const float* dz, const ConvShape& s, float* dzt) { grad_transpose<L>(dz, s, dzt); } \
  TARGET void NAME##_grad_filter_image(const float* xp, const PaddedImage& pad, const ConvShape& s, const float* dzt,     \
                                       float* acc) {                                                                  \
    grad_filter_image<L>(xp, pad, s, dzt, acc);                                                                       \
  }                                                                                                                   \
  TARGET void NAME##_direct_grad_image(const float* xp, const PaddedImage& pad, const ConvShape& s, const float* dzp,       \
                                       float* acc) {                                                                  \
    direct_grad_image<L>(xp, pad, s, dzp, acc);                                                                       \
  }                                                                                                                   \
  bool NAME##_filters_in_lanes(const ConvShape& s) { return filters_in_lanes<L>(s); }                                  \
  const SingleConv NAME = {L,                                                                                         \
                           NAME##_forward_weights,                                                                    \
                           NAME##_forward_row,                                                                        \
                           NAME##_grad_transpose,                                                                     \
                           NAME##_grad_filter_image,                                                                  \
                           NAME##_filters_in_lanes,                                                                   \
                           NAME##_direct_grad_image};

NETC_SINGLE_BUILD(portable_build, 4, )
#if defined(__x86_64__) && defined(__GNUC__)
NETC_SINGLE_BUILD(avx2_build, 8, __attribute__((target("avx2,fma"))))
NETC_SINGLE_BUILD(avx512_build, 16, __attribute__((target("avx512f,avx512vl,avx2,fma"))))
#endif

}  // namespace

const SingleConv& single_conv() {
  static const SingleConv& chosen = [&]() -> const SingleConv& {
#if defined(__x86_64__) && defined(__GNUC__)
    if (std::strcmp(gemm().isa, "avx512") == 0) return avx512_build;
    if (std::strcmp(gemm().isa, "avx2") == 0) return avx2_build;
#endif
    return portable_build;
  }();
  return chosen;
}

}  // namespace netc
