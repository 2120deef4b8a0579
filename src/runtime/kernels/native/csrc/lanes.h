// Between pixels in vector lanes and pixels in rows, for the single-channel convolution path
// (conv-single.cc): there 16 adjacent output pixels share a vector, one vector per filter, while
// tensors are NHWC, a pixel's filters adjacent. Copying the lanes out one float at a time cost a
// third of that path's time; these transpose 8 vectors of 16 lanes in 24 two-vector shuffles
// (three butterfly stages of GCC's __builtin_shuffle, which each build lowers to its own
// instructions: one vpermt2ps with AVX-512), then move whole runs of a pixel's filters.
#pragma once
#include <cstdint>
#include <cstring>
#include <utility>

#include "conv-shape.h"

namespace netc {

typedef float v16 __attribute__((vector_size(64)));
typedef int32_t i16 __attribute__((vector_size(64)));

namespace lanes_detail {

// The shuffle masks. Filter f of pixel l is a[f][l] in the lanes form and o[l / 2][(l % 2)·8 + f]
// in the pixel form (two pixels of 8 filters per vector). Stage by stage, from the lanes form:
//  1. c[i][h] from (a[2i], a[2i+1]): filters 2i, 2i+1 of pixels 8h..8h+7, position (l − 8h)·2 + f − 2i;
//  2. d[g][h][q] from (c[2g][h], c[2g+1][h]): filters 4g..4g+3 of pixels 8h+4q.., position (l − 8h − 4q)·4 + f − 4g;
//  3. o[4h+2q+r] from (d[0][h][q], d[1][h][q]): filters 0..7 of pixels 2(4h+2q+r) and the next.
// Index i < 16 takes lane i of the first vector, 16 + i lane i of the second.
constexpr int lane(int stage, bool inverse, int which, int p) {
  if (!inverse) {
    if (stage == 1) return 8 * which + p / 2 + 16 * (p % 2);                        // which = h
    if (stage == 2) return (4 * which + p / 4) * 2 + p % 4 % 2 + 16 * (p % 4 / 2);  // which = q
    return (2 * which + p / 8) * 4 + p % 8 % 4 + 16 * (p % 8 / 4);                  // which = r
  }
  // the same moves backwards, `which` naming the output of the pair
  if (stage == 3) return 16 * (p / 4 / 2) + (p / 4 % 2) * 8 + 4 * which + p % 4;  // d[0 or 1] from a pair of o
  if (stage == 2) return 16 * (p / 2 / 4) + (p / 2 % 4) * 4 + 2 * which + p % 2;  // c[2g or 2g+1] from d[g]
  return 16 * (p / 8) + (p % 8) * 2 + which;                                      // a[2i or 2i+1] from c[i]
}

template <int... P>
constexpr i16 mask_of(int stage, bool inverse, int which, std::integer_sequence<int, P...>) {
  return i16{lane(stage, inverse, which, P)...};
}
constexpr i16 mask(int stage, bool inverse, int which) {
  return mask_of(stage, inverse, which, std::make_integer_sequence<int, 16>{});
}

}  // namespace lanes_detail

// o[k] = (a[0][2k], …, a[7][2k], a[0][2k+1], …, a[7][2k+1]) for k = 0..7.
inline __attribute__((always_inline)) void lanes_to_pixels(const v16 a[8], v16 o[8]) {
  using lanes_detail::mask;
  constexpr i16 s1[2] = {mask(1, false, 0), mask(1, false, 1)};
  constexpr i16 s2[2] = {mask(2, false, 0), mask(2, false, 1)};
  constexpr i16 s3[2] = {mask(3, false, 0), mask(3, false, 1)};
  v16 c[4][2], d[2][2][2];
  for (int i = 0; i < 4; i++)
    for (int h = 0; h < 2; h++) c[i][h] = __builtin_shuffle(a[2 * i], a[2 * i + 1], s1[h]);
  for (int g = 0; g < 2; g++)
    for (int h = 0; h < 2; h++)
      for (int q = 0; q < 2; q++) d[g][h][q] = __builtin_shuffle(c[2 * g][h], c[2 * g + 1][h], s2[q]);
  for (int h = 0; h < 2; h++)
    for (int q = 0; q < 2; q++)
      for (int r = 0; r < 2; r++) o[4 * h + 2 * q + r] = __builtin_shuffle(d[0][h][q], d[1][h][q], s3[r]);
}

// The inverse: a[f][l] = o[l / 2][(l % 2)·8 + f].
inline __attribute__((always_inline)) void pixels_to_lanes(const v16 o[8], v16 a[8]) {
  using lanes_detail::mask;
  constexpr i16 s3[2] = {mask(3, true, 0), mask(3, true, 1)};
  constexpr i16 s2[2] = {mask(2, true, 0), mask(2, true, 1)};
  constexpr i16 s1[2] = {mask(1, true, 0), mask(1, true, 1)};
  v16 c[4][2], d[2][2][2];
  for (int h = 0; h < 2; h++)
    for (int q = 0; q < 2; q++)
      for (int g = 0; g < 2; g++) d[g][h][q] = __builtin_shuffle(o[4 * h + 2 * q], o[4 * h + 2 * q + 1], s3[g]);
  for (int g = 0; g < 2; g++)
    for (int h = 0; h < 2; h++)
      for (int e = 0; e < 2; e++) c[2 * g + e][h] = __builtin_shuffle(d[g][h][0], d[g][h][1], s2[e]);
  for (int i = 0; i < 4; i++)
    for (int e = 0; e < 2; e++) a[2 * i + e] = __builtin_shuffle(c[i][0], c[i][1], s1[e]);
}

// The same between lanes and a run of 16 pixels whose NF floats each are adjacent (16·NF floats,
// as NF ≤ 8 filters of a tensor with NF channels lie): lane l of filter f is float l·NF + f of
// the run. Each filter's vector (or each vector of the run) is gathered from the run's vectors two
// at a time, one shuffle per pair, and the pairs' results merged by a blend: about 5 operations a
// vector for 6 filters, where the 8×16 transpose through a tile took about 18.
namespace lanes_detail {

enum Kind { kPick, kKeep, kGather, kTake };

// Lane j of the shuffle of `kind` for filter (or run vector) `a` and pair `p` (vectors 2p, 2p + 1).
constexpr int packed_lane(int kind, int NF, int a, int p, int j) {
  if (kind == kPick || kind == kKeep) {  // lanes from the run: lane j of filter a is float j·NF + a
    const int at = j * NF + a - 32 * p;
    const bool here = at >= 0 && at < 32;
    return kind == kPick ? (here ? at : 0) : (here ? 16 + j : j);
  }
  const int e = 16 * a + j, f = e % NF, l = e / NF;  // run vector a from lanes: float j is filter f of pixel l
  return kind == kGather ? (f / 2 == p ? (f % 2) * 16 + l : 0) : (f / 2 == p ? 16 + j : j);
}

template <int Kind, int NF, int A, int P, int... J>
constexpr i16 packed_mask(std::integer_sequence<int, J...>) {
  return i16{packed_lane(Kind, NF, A, P, J)...};
}
template <int Kind, int NF, int A, int P>
constexpr i16 packed_mask() {
  return packed_mask<Kind, NF, A, P>(std::make_integer_sequence<int, 16>{});
}

// Output a (a filter, or a vector of the run) from pairs P… of the inputs v: shuffle, then blend.
template <int First, int Second, int NF, int A, int P>
inline __attribute__((always_inline)) v16 packed_merge(const v16* v, v16 r) {
  if constexpr (P < (NF + 1) / 2) {
    constexpr i16 pick = packed_mask<First, NF, A, P>(), keep = packed_mask<Second, NF, A, P>();
    const v16 t = __builtin_shuffle(v[2 * P], v[2 * P + 1], pick);
    return packed_merge<First, Second, NF, A, P + 1>(v, P == 0 ? t : __builtin_shuffle(r, t, keep));
  } else {
    return r;
  }
}

template <int First, int Second, int NF, int A>
inline __attribute__((always_inline)) void packed_all(const v16* v, v16* out) {
  if constexpr (A < NF) {
    out[A] = packed_merge<First, Second, NF, A, 0>(v, v16{});
    packed_all<First, Second, NF, A + 1>(v, out);
  }
}

}  // namespace lanes_detail

// a[f][l] = run[l·NF + f] for the 16 pixels of a run of 16·NF adjacent floats.
template <int NF>
inline __attribute__((always_inline)) void unpack_run(const float* run, v16 a[NF]) {
  v16 v[NF + 1];
  std::memcpy(v, run, NF * sizeof(v16));
  v[NF] = v16{};  // the missing partner of an odd NF's last vector
  lanes_detail::packed_all<lanes_detail::kPick, lanes_detail::kKeep, NF, 0>(v, a);
}

// run[l·NF + f] = a[f][l]: the inverse of unpack_run.
template <int NF>
inline __attribute__((always_inline)) void pack_run(const v16 a[NF], float* run) {
  v16 in[NF + 1], out[NF];
  for (int f = 0; f < NF; f++) in[f] = a[f];
  in[NF] = v16{};
  lanes_detail::packed_all<lanes_detail::kGather, lanes_detail::kTake, NF, 0>(in, out);
  std::memcpy(run, out, NF * sizeof(v16));
}

// y[l·stride + f] = a[f][l] for pixels l < count (at most 16) and filters f < NF (at most 8). Where
// the pixels' runs are adjacent (stride NF) each pixel is written as a whole run of 8 floats, the
// floats past its NF overwritten by the pixels after it, but for the last ones, whose 8 would
// reach past the run.
template <int NF>
inline __attribute__((always_inline)) void store_pixels(const v16 a[NF], float* y, int64_t stride, int64_t count) {
  if (stride == NF) {
    if (count == 16) return pack_run<NF>(a, y);
    float run[16 * NF];
    pack_run<NF>(a, run);
    return move_short_run<Move::kCopy>(run, y, count * NF);
  }
  v16 in[8], o[8];
  for (int f = 0; f < 8; f++) in[f] = f < NF ? a[f < NF ? f : 0] : v16{};
  lanes_to_pixels(in, o);
  float tile[16 * 8];
  std::memcpy(tile, o, sizeof tile);
  int64_t l = 0;
  if (stride == NF)
    for (; l < count && l * NF + 8 <= count * NF; l++) std::memcpy(y + l * NF, tile + l * 8, 8 * sizeof(float));
  for (; l < count; l++) std::memcpy(y + l * stride, tile + l * 8, NF * sizeof(float));
}

// a[f][l] = y[l·stride + f] for pixels l < count (at most 16; zero lanes past it) and filters f < NF.
// `room`: 16·NF floats may be read from y even when fewer pixels are wanted.
template <int NF>
inline __attribute__((always_inline)) void load_pixels(const float* y, int64_t stride, int64_t count, v16 a[NF], bool room = false) {
  if (stride == NF && (count == 16 || room)) {
    unpack_run<NF>(y, a);
    if (count < 16) {
      const i16 lane = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
      const i16 keep = lane < static_cast<int32_t>(count);
      for (int f = 0; f < NF; f++) a[f] = keep ? a[f] : v16{};
    }
    return;
  }
  float tile[16 * 8] = {};
  for (int64_t l = 0; l < count; l++) std::memcpy(tile + l * 8, y + l * stride, NF * sizeof(float));
  v16 o[8], out[8];
  std::memcpy(o, tile, sizeof tile);
  pixels_to_lanes(o, out);
  for (int f = 0; f < NF; f++) a[f] = out[f];
}

}  // namespace netc
