// Depthwise convolution on NHWC data (conv family; its own file beside conv.ts, as pool-tiled.ts
// is beside pool.ts). Output channel o = c·M + m reads input channel c = o / M, and weights
// [KH, KW, C, M] are [KH·KW, C·M]: so every kernel puts 4 neighbouring output channels in a
// vector, whose weights, biases and gradients are contiguous; the input channels they read are
// one load when M is 1, 2 or a multiple of 4, four otherwise (xlanes).
//
// forward: a tile of 4 output pixels × 4 channels in 4 accumulators, per tap 1 weight vector and
// 4 input vectors; pixels whose window crosses the left or right border take a checked path. The
// activation runs over each finished row (in the tile's stores, its code, inlined four times,
// made the whole loop several times slower).
// input gradient: gathered per input pixel (4 neighbouring ones at stride 1), so each dx is one
// sum written once. filter gradient: threads take (16 channels, kernel row) pairs and sum over
// every pixel row by row, in one order whatever the thread count.
import { activation } from './activation';
import { at, floorDiv, lo, madd, storeLanes } from './common';
import { ACT_LINEAR } from './math';

// How the output channels o … o + 3 (o a multiple of 4) read their input channels o / M …:
const ONE = 0; // M = 1: four neighbouring channels
const SPLAT = 1; // M a multiple of 4: one channel in every lane
const PAIR = 2; // M = 2: two channels, each in two lanes
const LANES = 3; // otherwise: each lane on its own

// @ts-ignore: decorator
@inline function modeOf(M: i32): i32 {
  return M == 1 ? ONE : (M & 3) == 0 ? SPLAT : M == 2 ? PAIR : LANES;
}

/** The byte offset of lane k's input channel, for output channels from o (no division when M is 1 or 2: it would cost as much as a tap). */
// @ts-ignore: decorator
@inline function laneAt(o: i32, k: i32, M: i32): usize {
  return <usize>(M == 1 ? o + k : M == 2 ? (o + k) >> 1 : (o + k) / M) << 2;
}

/** The input channels of output channels o … o + 3, from the pixel at byte address p (l0 … l3: laneAt). */
// @ts-ignore: decorator
@inline function xlanes(p: usize, mode: i32, l0: usize, l1: usize, l2: usize, l3: usize): v128 {
  if (mode == ONE) return v128.load(p + l0);
  if (mode == SPLAT) return v128.load32_splat(p + l0);
  if (mode == PAIR) {
    const v = v128.load64_splat(p + l0);
    return f32x4.shuffle(v, v, 0, 0, 1, 1);
  }
  let v = f32x4.splat(load<f32>(p + l0));
  v = f32x4.replace_lane(v, 1, load<f32>(p + l1));
  v = f32x4.replace_lane(v, 2, load<f32>(p + l2));
  return f32x4.replace_lane(v, 3, load<f32>(p + l3));
}


export function depthwiseConv2d(
  x: i32, w: i32, b: i32, y: i32, n: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, M: i32,
  KH: i32, KW: i32, SH: i32, SW: i32, PT: i32, PL: i32, act: i32, alpha: f32, t: i32, T: i32,
): void {
  const CM = C * M;
  // the output columns whose windows lie inside the image's width
  const owA = min(OW, (PL + SW - 1) / SW);
  const owB = max(owA, min(OW, floorDiv(W - KW + PL, SW) + 1));
  const pstep = <usize>(SW * C) << 2; // bytes between neighbouring output pixels' windows
  const mode = modeOf(M);
  const r1 = lo(n * OH, t + 1, T);
  for (let r = lo(n * OH, t, T); r < r1; r++) {
    const i = r / OH;
    const oh = r - i * OH;
    const kh0 = max(0, PT - oh * SH);
    const kh1 = min(KH, H + PT - oh * SH);
    let ow = 0;
    for (; ow < owA; ow++) pixel(x, w, b, y, i, oh, ow, H, W, C, OH, OW, M, KH, KW, SH, SW, PT, PL);
    for (; ow < owB; ow += 4) {
      // the last tile ends at owB, overlapping the one before: its pixels come out the same twice
      if (ow + 4 > owB) {
        if (owB - owA < 4) break;
        ow = owB - 4;
      }
      const yo = at(y + ((i * OH + oh) * OW + ow) * CM);
      const xo = at(x + ((i * H + oh * SH - PT) * W + ow * SW - PL) * C);
      // the same loop twice: with M = 1 a constant, its input loads are plain vector loads
      if (mode == ONE) for (let o = 0; o < CM; o += 4) tile(xo, w, b, yo, o, C, W, CM, 1, ONE, KW, kh0, kh1, pstep);
      else for (let o = 0; o < CM; o += 4) tile(xo, w, b, yo, o, C, W, CM, M, mode, KW, kh0, kh1, pstep);
    }
    for (; ow < OW; ow++) pixel(x, w, b, y, i, oh, ow, H, W, C, OH, OW, M, KH, KW, SH, SW, PT, PL);
    if (act != ACT_LINEAR) activation(y + r * OW * CM, y + r * OW * CM, OW * CM, act, alpha, 0, 1);
  }
}

/**
 * Output channels o … o + 3 of 4 output pixels (at byte address yo, before the activation) from
 * their windows (the first one's top left corner at byte address xo) over kernel rows kh0 … kh1 − 1.
 */
// @ts-ignore: decorator
@inline function tile(
  xo: usize, w: i32, b: i32, yo: usize, o: i32, C: i32, W: i32, CM: i32, M: i32, mode: i32,
  KW: i32, kh0: i32, kh1: i32, pstep: usize,
): void {
  const ystep = <usize>CM << 2;
  const l0 = laneAt(o, 0, M), l1 = laneAt(o, 1, M), l2 = laneAt(o, 2, M), l3 = laneAt(o, 3, M);
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
  for (let kh = kh0; kh < kh1; kh++) {
    let xp = xo + (<usize>(kh * W * C) << 2);
    let wq = at(w + kh * KW * CM + o);
    for (let kw = 0; kw < KW; kw++) {
      const wv = v128.load(wq);
      a0 = madd(xlanes(xp, mode, l0, l1, l2, l3), wv, a0);
      a1 = madd(xlanes(xp + pstep, mode, l0, l1, l2, l3), wv, a1);
      a2 = madd(xlanes(xp + 2 * pstep, mode, l0, l1, l2, l3), wv, a2);
      a3 = madd(xlanes(xp + 3 * pstep, mode, l0, l1, l2, l3), wv, a3);
      xp += <usize>C << 2;
      wq += ystep;
    }
  }
  const bias = v128.load(at(b + o));
  const count = min(4, CM - o);
  const p = yo + (<usize>o << 2);
  storeLanes(p, f32x4.add(a0, bias), count);
  storeLanes(p + ystep, f32x4.add(a1, bias), count);
  storeLanes(p + 2 * ystep, f32x4.add(a2, bias), count);
  storeLanes(p + 3 * ystep, f32x4.add(a3, bias), count);
}

/** One output pixel before its activation, every tap bounds-checked. */
function pixel(
  x: i32, w: i32, b: i32, y: i32, i: i32, oh: i32, ow: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, M: i32,
  KH: i32, KW: i32, SH: i32, SW: i32, PT: i32, PL: i32,
): void {
  const CM = C * M;
  const mode = modeOf(M);
  const yo = at(y + ((i * OH + oh) * OW + ow) * CM);
  // the taps inside the image
  const kh0 = max(0, PT - oh * SH), kh1 = min(KH, H + PT - oh * SH);
  const kw0 = max(0, PL - ow * SW), kw1 = min(KW, W + PL - ow * SW);
  for (let o = 0; o < CM; o += 4) {
    const l0 = laneAt(o, 0, M), l1 = laneAt(o, 1, M), l2 = laneAt(o, 2, M), l3 = laneAt(o, 3, M);
    let acc = f32x4.splat(0);
    for (let kh = kh0; kh < kh1; kh++) {
      let xp = at(x + ((i * H + oh * SH - PT + kh) * W + ow * SW - PL + kw0) * C);
      let wq = at(w + (kh * KW + kw0) * CM + o);
      for (let kw = kw0; kw < kw1; kw++, xp += <usize>C << 2, wq += <usize>CM << 2) acc = madd(xlanes(xp, mode, l0, l1, l2, l3), v128.load(wq), acc);
    }
    storeLanes(yo + (<usize>o << 2), f32x4.add(acc, v128.load(at(b + o))), min(4, CM - o));
  }
}

/**
 * dx[.., c] = Σ over the output pixels whose window reads this pixel at tap k, and over m, of
 * dz[.., c·M + m] · w[k, c·M + m]: sums over output channels in vectors, then (M > 1) over each
 * channel's M lanes. Only taps kh ≡ ih + PT (mod SH) and kw ≡ iw + PL (mod SW) read pixel
 * (ih, iw); four pixels SW apart read the same taps, from four neighbouring output pixels.
 */
export function depthwiseConv2dGradInput(
  dz: i32, w: i32, dx: i32, n: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, M: i32,
  KH: i32, KW: i32, SH: i32, SW: i32, PT: i32, PL: i32, t: i32, T: i32,
): void {
  const CM = C * M;
  const zstep = <usize>CM << 2;
  const wstep = <usize>(SW * CM) << 2;
  const r1 = lo(n * H, t + 1, T);
  for (let r = lo(n * H, t, T); r < r1; r++) {
    const i = r / H;
    const ih = r - i * H;
    if (M > 1) memory.fill(at(dx + r * W * C), 0, <usize>(W * C) << 2);
    // the first kernel row that reads this row, and the output row it reads it for
    const kh0 = (ih + PT) % SH;
    const oh0 = (ih + PT - kh0) / SH;
    for (let first = 0; first < min(SW, W); first++) {
      const kw0 = (first + PL) % SW;
      const taps = kw0 < KW ? (KW - 1 - kw0) / SW + 1 : 0;
      let iw = first;
      for (; iw + 3 * SW < W; iw += 4 * SW) {
        // the output column of tap kw0 for the first pixel; the last tap's is taps − 1 to its left
        const ow = (iw + PL - kw0) / SW;
        if (taps > 0 && (ow - taps + 1 < 0 || ow + 3 >= OW)) {
          for (let j = 0; j < 4; j++) gradPixel(dz, w, dx, i, r, iw + j * SW, kh0, oh0, W, C, OH, OW, M, KH, KW, SH, SW, PL);
          continue;
        }
        const xo = dx + (r * W + iw) * C;
        for (let o = 0; o < CM; o += 4) {
          let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
          for (let kh = kh0, oh = oh0; kh < KH && oh >= 0; kh += SH, oh--) {
            if (oh >= OH) continue;
            let zp = at(dz + ((i * OH + oh) * OW + ow) * CM + o);
            let wq = at(w + (kh * KW + kw0) * CM + o);
            for (let k = 0; k < taps; k++) {
              const wv = v128.load(wq);
              a0 = madd(v128.load(zp), wv, a0);
              a1 = madd(v128.load(zp + zstep), wv, a1);
              a2 = madd(v128.load(zp + 2 * zstep), wv, a2);
              a3 = madd(v128.load(zp + 3 * zstep), wv, a3);
              zp -= zstep;
              wq += wstep;
            }
          }
          emit(a0, xo, o, C, M);
          emit(a1, xo + SW * C, o, C, M);
          emit(a2, xo + 2 * SW * C, o, C, M);
          emit(a3, xo + 3 * SW * C, o, C, M);
        }
      }
      for (; iw < W; iw += SW) gradPixel(dz, w, dx, i, r, iw, kh0, oh0, W, C, OH, OW, M, KH, KW, SH, SW, PL);
    }
  }
}

/**
 * The input gradient of pixel iw of row r (image i's row r − i·H), each tap's output pixel
 * checked; kh0 is the row's first kernel row and oh0 the output row it reads the row for.
 */
function gradPixel(
  dz: i32, w: i32, dx: i32, i: i32, r: i32, iw: i32, kh0: i32, oh0: i32, W: i32, C: i32, OH: i32, OW: i32, M: i32,
  KH: i32, KW: i32, SH: i32, SW: i32, PL: i32,
): void {
  const CM = C * M;
  const kw0 = (iw + PL) % SW;
  const ow0 = (iw + PL - kw0) / SW;
  for (let o = 0; o < CM; o += 4) {
    let acc = f32x4.splat(0);
    for (let kh = kh0, oh = oh0; kh < KH && oh >= 0; kh += SH, oh--) {
      if (oh >= OH) continue;
      for (let kw = kw0, ow = ow0; kw < KW && ow >= 0; kw += SW, ow--) {
        if (ow >= OW) continue;
        acc = madd(v128.load(at(dz + ((i * OH + oh) * OW + ow) * CM + o)), v128.load(at(w + (kh * KW + kw) * CM + o)), acc);
      }
    }
    emit(acc, dx + (r * W + iw) * C, o, C, M);
  }
}

/** Output channels o … o + 3 of an input pixel's gradient (at float offset xo) into its channels. */
// @ts-ignore: decorator
@inline function emit(acc: v128, xo: i32, o: i32, C: i32, M: i32): void {
  const CM = C * M;
  if (M == 1) {
    storeLanes(at(xo + o), acc, min(4, CM - o));
    return;
  }
  // the row was zeroed; each channel collects its M lanes
  addLane(xo + o / M, f32x4.extract_lane(acc, 0));
  if (o + 1 < CM) addLane(xo + (o + 1) / M, f32x4.extract_lane(acc, 1));
  if (o + 2 < CM) addLane(xo + (o + 2) / M, f32x4.extract_lane(acc, 2));
  if (o + 3 < CM) addLane(xo + (o + 3) / M, f32x4.extract_lane(acc, 3));
}

// @ts-ignore: decorator
@inline function addLane(off: i32, v: f32): void {
  const p = at(off);
  store<f32>(p, load<f32>(p) + v);
}

/**
 * dw[kh, kw, o] = Σ over output pixels of x[tap's pixel, o / M] · dz[pixel, o]. A thread's share is
 * (16 output channels, kernel row) pairs; for each it adds every row of pixels' sums into dw.
 */
export function depthwiseConv2dGradFilter(
  x: i32, dz: i32, dw: i32, n: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, M: i32,
  KH: i32, KW: i32, SH: i32, SW: i32, PT: i32, PL: i32, t: i32, T: i32,
): void {
  const CM = C * M;
  const chunks = (CM + 15) >> 4;
  const xstep = <usize>(SW * C) << 2;
  const zstep = <usize>CM << 2;
  const mode = modeOf(M);
  const j1 = lo(chunks * KH, t + 1, T);
  for (let j = lo(chunks * KH, t, T); j < j1; j++) {
    const o0 = (j / KH) << 4;
    const kh = j % KH;
    const l0 = laneAt(o0, 0, M), l1 = laneAt(o0, 1, M), l2 = laneAt(o0, 2, M), l3 = laneAt(o0, 3, M);
    // the next vectors' channels: 4, 8 and 12 output channels on
    const s1 = laneAt(o0, 4, M) - l0, s2 = laneAt(o0, 8, M) - l0, s3 = laneAt(o0, 12, M) - l0;
    for (let kw = 0; kw < KW; kw++) {
      for (let o = o0; o < min(CM, o0 + 16); o += 4) storeLanes(at(dw + (kh * KW + kw) * CM + o), f32x4.splat(0), min(4, CM - o));
    }
    for (let i = 0; i < n; i++) {
      for (let oh = 0; oh < OH; oh++) {
        const ih = oh * SH - PT + kh;
        if (ih < 0 || ih >= H) continue;
        for (let kw = 0; kw < KW; kw++) {
          // the output columns whose tap kw is inside the image
          const owLo = min(OW, max(0, SW == 1 ? PL - kw : -floorDiv(kw - PL, SW)));
          const owHi = max(owLo, min(OW, SW == 1 ? W + PL - kw : -floorDiv(kw - PL - W, SW)));
          let xp = at(x + ((i * H + ih) * W + owLo * SW - PL + kw) * C);
          let zp = at(dz + ((i * OH + oh) * OW + owLo) * CM + o0);
          const d = dw + (kh * KW + kw) * CM;
          const count = owHi - owLo;
          // with M = 1 a constant, the input loads are plain vector loads
          if (mode == ONE) rowChunk(xp, zp, count, xstep, zstep, ONE, l0, l1, l2, l3, s1, s2, s3, d, o0, CM);
          else if (mode != LANES) rowChunk(xp, zp, count, xstep, zstep, mode, l0, l1, l2, l3, s1, s2, s3, d, o0, CM);
          else for (let o = o0; o < o0 + 16; o += 4) addLanes(d, o, CM, rowLanes(xp, zp + (<usize>(o - o0) << 2), count, xstep, zstep, o, M));
        }
      }
    }
  }
}

/**
 * dw[o0 … o0 + 15] (at float offset d + o0) += Σ over `count` pixels of dz's 16 channels times
 * their input channels (l0 … l3 from xp; s1 … s3: where the next vectors' channels start).
 */
// @ts-ignore: decorator
@inline function rowChunk(
  xp: usize, zp: usize, count: i32, xstep: usize, zstep: usize, mode: i32, l0: usize, l1: usize, l2: usize, l3: usize,
  s1: usize, s2: usize, s3: usize, d: i32, o0: i32, CM: i32,
): void {
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
  // lanes past CM compute on neighbouring values and are not stored
  for (let k = 0; k < count; k++) {
    a0 = madd(xlanes(xp, mode, l0, l1, l2, l3), v128.load(zp), a0);
    a1 = madd(xlanes(xp + s1, mode, l0, l1, l2, l3), v128.load(zp, 16), a1);
    a2 = madd(xlanes(xp + s2, mode, l0, l1, l2, l3), v128.load(zp, 32), a2);
    a3 = madd(xlanes(xp + s3, mode, l0, l1, l2, l3), v128.load(zp, 48), a3);
    xp += xstep;
    zp += zstep;
  }
  addLanes(d, o0, CM, a0);
  addLanes(d, o0 + 4, CM, a1);
  addLanes(d, o0 + 8, CM, a2);
  addLanes(d, o0 + 12, CM, a3);
}

/** Σ over `count` pixels of x's channels of output channels o … o + 3 times dz's (M neither 1, 2 nor a multiple of 4). */
function rowLanes(xp: usize, zp: usize, count: i32, xstep: usize, zstep: usize, o: i32, M: i32): v128 {
  const l0 = laneAt(o, 0, M), l1 = laneAt(o, 1, M), l2 = laneAt(o, 2, M), l3 = laneAt(o, 3, M);
  let acc = f32x4.splat(0);
  for (let k = 0; k < count; k++, xp += xstep, zp += zstep) acc = madd(xlanes(xp, LANES, l0, l1, l2, l3), v128.load(zp), acc);
  return acc;
}

/** dw[o … o + 3] += v, for the lanes below CM. */
// @ts-ignore: decorator
@inline function addLanes(d: i32, o: i32, CM: i32, v: v128): void {
  if (o >= CM) return;
  const p = at(d + o);
  storeLanes(p, f32x4.add(v128.load(p), v), min(4, CM - o));
}
