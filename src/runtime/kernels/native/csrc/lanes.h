// Between pixels in vector lanes and pixels in rows, for the single-channel convolution path
// (conv-single.cc): there L adjacent output pixels share a vector, one vector per filter, while
// tensors are NHWC, a pixel's filters adjacent. Copying the lanes out one float at a time cost a
// third of that path's time; these move whole vectors with GCC's __builtin_shuffle, which each
// build lowers to its own instructions (one vpermt2ps a shuffle with AVX-512).
//
// L is the lane count of the build's vectors: 16 with AVX-512, 8 with AVX2, 4 else. A function
// that uses these must be compiled for a machine whose registers hold L floats (conv-single.cc
// builds one per instruction set): GCC lowers a vector wider than the registers through the stack.
#pragma once
#include <cstdint>
#include <cstring>
#include <utility>

#include "conv-shape.h"

namespace netc {

// Vectors of L floats and of L 32-bit lane indices.
template <int L>
struct Lanes;
template <>
struct Lanes<16> {
  typedef float F __attribute__((vector_size(64)));
  typedef int32_t I __attribute__((vector_size(64)));
};
template <>
struct Lanes<8> {
  typedef float F __attribute__((vector_size(32)));
  typedef int32_t I __attribute__((vector_size(32)));
};
template <>
struct Lanes<4> {
  typedef float F __attribute__((vector_size(16)));
  typedef int32_t I __attribute__((vector_size(16)));
};
template <int L>
using vf = typename Lanes<L>::F;
template <int L>
using vi = typename Lanes<L>::I;

namespace lanes_detail {

// A constant vector of lane indices, lane j = f(j).
template <int L, typename Fn, int... J>
constexpr vi<L> index_of(Fn f, std::integer_sequence<int, J...>) {
  return vi<L>{f(J)...};
}
template <int L, typename Fn>
constexpr vi<L> index(Fn f) {
  return index_of<L>(f, std::make_integer_sequence<int, L>{});
}

// The halves of the interleave of a and b (index i < L names lane i of a, L + i lane i of b):
// zip(false) = a0 b0 a1 b1 …, zip(true) the same from lane L/2; unzip(k) takes lanes k, k + 2, …
// of a then b.
template <int L>
constexpr vi<L> zip(bool high) {
  return index<L>([high](int j) { return j / 2 + (high ? L / 2 : 0) + (j % 2) * L; });
}
template <int L>
constexpr vi<L> unzip(int k) {
  return index<L>([k](int j) { return 2 * j + k; });
}

}  // namespace lanes_detail

// The 8 × L transpose: lanes a[f][l] (f < 8, l < L) to the pixel-major run o, float l·8 + f of
// the 8 vectors o[0..8) side by side. Interleaving vector i with vector i + 4, for i < 4, moves
// float (f, l) of the 8·L to the position whose bits are its own rotated left by one; three
// rounds take f from the top three bits to the bottom three, for any L. 24 two-vector shuffles.
template <int L>
inline __attribute__((always_inline)) void lanes_to_pixels(const vf<L> a[8], vf<L> o[8]) {
  constexpr vi<L> lo = lanes_detail::zip<L>(false), hi = lanes_detail::zip<L>(true);
  vf<L> x[8], y[8];
  for (int i = 0; i < 8; i++) x[i] = a[i];
  for (int round = 0; round < 3; round++) {
    for (int i = 0; i < 4; i++) {
      y[2 * i] = __builtin_shuffle(x[i], x[i + 4], lo);
      y[2 * i + 1] = __builtin_shuffle(x[i], x[i + 4], hi);
    }
    for (int i = 0; i < 8; i++) x[i] = y[i];
  }
  for (int i = 0; i < 8; i++) o[i] = x[i];
}

// The inverse, a[f][l] = float l·8 + f of o: three rounds of the opposite move (rotating right).
template <int L>
inline __attribute__((always_inline)) void pixels_to_lanes(const vf<L> o[8], vf<L> a[8]) {
  constexpr vi<L> even = lanes_detail::unzip<L>(0), odd = lanes_detail::unzip<L>(1);
  vf<L> x[8], y[8];
  for (int i = 0; i < 8; i++) x[i] = o[i];
  for (int round = 0; round < 3; round++) {
    for (int i = 0; i < 4; i++) {
      y[i] = __builtin_shuffle(x[2 * i], x[2 * i + 1], even);
      y[i + 4] = __builtin_shuffle(x[2 * i], x[2 * i + 1], odd);
    }
    for (int i = 0; i < 8; i++) x[i] = y[i];
  }
  for (int i = 0; i < 8; i++) a[i] = x[i];
}

// The same between lanes and a run of L pixels whose NF floats each are adjacent (L·NF floats,
// as NF ≤ 8 filters of a tensor with NF channels lie): lane l of filter f is float l·NF + f of
// the run. Each filter's vector (or each vector of the run) is gathered from the run's vectors two
// at a time, one shuffle per pair, and the pairs' results merged by a blend: about 5 operations a
// vector for 6 filters, where the 8 × 16 transpose through a tile took about 18.
namespace lanes_detail {

enum Kind { kPick, kKeep, kGather, kTake };

// Lane j of the shuffle of `kind` for filter (or run vector) `a` and pair `p` (vectors 2p, 2p + 1).
template <int L>
constexpr int packed_lane(int kind, int NF, int a, int p, int j) {
  if (kind == kPick || kind == kKeep) {  // lanes from the run: lane j of filter a is float j·NF + a
    const int at = j * NF + a - 2 * L * p;
    const bool here = at >= 0 && at < 2 * L;
    return kind == kPick ? (here ? at : 0) : (here ? L + j : j);
  }
  const int e = L * a + j, f = e % NF, l = e / NF;  // run vector a from lanes: float j is filter f of pixel l
  return kind == kGather ? (f / 2 == p ? (f % 2) * L + l : 0) : (f / 2 == p ? L + j : j);
}

template <int L, int Kind, int NF, int A, int P>
constexpr vi<L> packed_mask() {
  return index<L>([](int j) { return packed_lane<L>(Kind, NF, A, P, j); });
}

// Output a (a filter, or a vector of the run) from pairs P… of the inputs v: shuffle, then blend.
template <int L, int First, int Second, int NF, int A, int P>
inline __attribute__((always_inline)) vf<L> packed_merge(const vf<L>* v, vf<L> r) {
  if constexpr (P < (NF + 1) / 2) {
    constexpr vi<L> pick = packed_mask<L, First, NF, A, P>(), keep = packed_mask<L, Second, NF, A, P>();
    const vf<L> t = __builtin_shuffle(v[2 * P], v[2 * P + 1], pick);
    return packed_merge<L, First, Second, NF, A, P + 1>(v, P == 0 ? t : __builtin_shuffle(r, t, keep));
  } else {
    return r;
  }
}

template <int L, int First, int Second, int NF, int A>
inline __attribute__((always_inline)) void packed_all(const vf<L>* v, vf<L>* out) {
  if constexpr (A < NF) {
    out[A] = packed_merge<L, First, Second, NF, A, 0>(v, vf<L>{});
    packed_all<L, First, Second, NF, A + 1>(v, out);
  }
}

}  // namespace lanes_detail

// a[f][l] = run[l·NF + f] for the L pixels of a run of L·NF adjacent floats.
template <int L, int NF>
inline __attribute__((always_inline)) void unpack_run(const float* run, vf<L> a[NF]) {
  vf<L> v[NF + 1];
  std::memcpy(v, run, NF * sizeof(vf<L>));
  v[NF] = vf<L>{};  // the missing partner of an odd NF's last vector
  lanes_detail::packed_all<L, lanes_detail::kPick, lanes_detail::kKeep, NF, 0>(v, a);
}

// run[l·NF + f] = a[f][l]: the inverse of unpack_run.
template <int L, int NF>
inline __attribute__((always_inline)) void pack_run(const vf<L> a[NF], float* run) {
  vf<L> in[NF + 1], out[NF];
  for (int f = 0; f < NF; f++) in[f] = a[f];
  in[NF] = vf<L>{};
  lanes_detail::packed_all<L, lanes_detail::kGather, lanes_detail::kTake, NF, 0>(in, out);
  std::memcpy(run, out, NF * sizeof(vf<L>));
}

// y[l·stride + f] = a[f][l] for pixels l < count (at most L) and filters f < NF (at most 8).
template <int L, int NF>
inline __attribute__((always_inline)) void store_pixels(const vf<L> a[NF], float* y, int64_t stride, int64_t count) {
  if (stride == NF) {  // the pixels' runs adjacent: one run of count·NF floats
    if (count == L) return pack_run<L, NF>(a, y);
    float run[L * NF];
    pack_run<L, NF>(a, run);
    return move_short_run<Move::kCopy>(run, y, count * NF);
  }
  vf<L> in[8], o[8];
  for (int f = 0; f < 8; f++) in[f] = f < NF ? a[f < NF ? f : 0] : vf<L>{};
  lanes_to_pixels<L>(in, o);
  float tile[L * 8];
  std::memcpy(tile, o, sizeof tile);
  for (int64_t l = 0; l < count; l++) std::memcpy(y + l * stride, tile + l * 8, NF * sizeof(float));
}

// a[f][l] = y[l·stride + f] for pixels l < count (at most L; zero lanes past it) and filters f < NF.
// `room`: L·NF floats may be read from y even when fewer pixels are wanted.
template <int L, int NF>
inline __attribute__((always_inline)) void load_pixels(const float* y, int64_t stride, int64_t count, vf<L> a[NF], bool room = false) {
  if (stride == NF && (count == L || room)) {
    unpack_run<L, NF>(y, a);
    if (count < L) {
      constexpr vi<L> lane = lanes_detail::index<L>([](int j) { return j; });
      const vi<L> keep = lane < static_cast<int32_t>(count);
      for (int f = 0; f < NF; f++) a[f] = keep ? a[f] : vf<L>{};
    }
    return;
  }
  float tile[L * 8] = {};
  for (int64_t l = 0; l < count; l++) std::memcpy(tile + l * 8, y + l * stride, NF * sizeof(float));
  vf<L> o[8], out[8];
  std::memcpy(o, tile, sizeof tile);
  pixels_to_lanes<L>(o, out);
  for (int f = 0; f < NF; f++) a[f] = out[f];
}

}  // namespace netc
