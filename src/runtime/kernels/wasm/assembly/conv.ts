// 2-D convolution on NHWC data as an implicit matrix product: each output pixel is a row, the
// (kh, kw, c) window its reduction, the filters its columns. Weights come padded to F4 columns
// (a multiple of 4) so that every column group is whole vectors; only F columns are stored.
//
// The hot loop computes a tile of 4 neighbouring output pixels × 8 filters in 8 vector
// accumulators: per window element, 4 broadcast loads of x and 2 vector loads of weights feed
// 16 multiply-adds. Pixels whose window touches the padding take a checked path. Dilated
// convolutions (taps DH rows and DW columns apart; 1 and 1 for an ordinary one) run the same
// loops, through the per-tap path when DW > 1.
import { at, floorDiv, lo, madd, storeLanes } from './common';
import { ACT_SIGMOID, activateLater, vactCore } from './math';

// @ts-ignore: decorator
@inline function fin(acc: v128, bias: usize, act: i32): v128 {
  return vactCore(f32x4.add(acc, v128.load(bias)), act);
}

export function conv2d(
  x: i32, wp: i32, F4: i32, b: i32, y: i32,
  n: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, F: i32,
  KH: i32, KW: i32, SH: i32, SW: i32, PT: i32, PL: i32, DH: i32, DW: i32, act: i32, alpha: f32, zeros: i32, t: i32, T: i32,
): void {
  const rows = n * OH;
  const r1 = lo(rows, t + 1, T);
  const xstep = <usize>(SW * C) << 2; // bytes between neighbouring pixels' windows
  const ystep = <usize>F << 2;
  const zp = at(zeros);
  for (let r = lo(rows, t, T); r < r1; r++) {
    const i = r / OH;
    const oh = r - i * OH;
    // the kernel rows that fall inside the image, for this output row
    const kh0 = max(0, -floorDiv(oh * SH - PT, DH));
    const kh1 = min(KH, -floorDiv(oh * SH - PT - H, DH));
    let ow = 0;
    if (C == 1 && SW == 1 && DW == 1 && (F & 3) != 0) {
      // a first layer (one input channel, a filter count that wastes vector lanes): see rowTiles12
      ow = rowTiles12(x, wp, F4, b, y, i, oh, H, W, OH, OW, F, KW, SH, PT, PL, DH, kh0, kh1, act);
    }
    for (; ow + 4 <= OW; ow += 4) {
      const yo = at(y + ((i * OH + oh) * OW + ow) * F);
      const inside = DW == 1 && ow * SW - PL >= 0 && (ow + 3) * SW - PL + KW <= W;
      for (let fo = 0; fo < F; fo += 8) {
        let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
        let b0 = f32x4.splat(0), b1 = f32x4.splat(0), b2 = f32x4.splat(0), b3 = f32x4.splat(0);
        for (let kh = kh0; kh < kh1; kh++) {
          const ih = oh * SH - PT + kh * DH;
          const row = x + (i * H + ih) * W * C;
          if (inside) {
            // the window's row is KW·C contiguous floats, and so are its weights' rows
            let xp = at(row + (ow * SW - PL) * C);
            let wq = at(wp + kh * KW * C * F4 + fo);
            const end = xp + (<usize>(KW * C) << 2);
            const wstep = <usize>F4 << 2;
            while (xp < end) {
              const w0 = v128.load(wq);
              const w1 = v128.load(wq, 16);
              const x0 = v128.load32_splat(xp);
              const x1 = v128.load32_splat(xp + xstep);
              const x2 = v128.load32_splat(xp + 2 * xstep);
              const x3 = v128.load32_splat(xp + 3 * xstep);
              a0 = madd(x0, w0, a0);
              a1 = madd(x1, w0, a1);
              a2 = madd(x2, w0, a2);
              a3 = madd(x3, w0, a3);
              b0 = madd(x0, w1, b0);
              b1 = madd(x1, w1, b1);
              b2 = madd(x2, w1, b2);
              b3 = madd(x3, w1, b3);
              xp += 4;
              wq += wstep;
            }
          } else {
            // at a left or right border: taps outside the image read from a row of zeros
            for (let kw = 0; kw < KW; kw++) {
              const iw = ow * SW - PL + kw * DW;
              let p0 = iw >= 0 && iw < W ? at(row + iw * C) : zp;
              let p1 = iw + SW >= 0 && iw + SW < W ? at(row + (iw + SW) * C) : zp;
              let p2 = iw + 2 * SW >= 0 && iw + 2 * SW < W ? at(row + (iw + 2 * SW) * C) : zp;
              let p3 = iw + 3 * SW >= 0 && iw + 3 * SW < W ? at(row + (iw + 3 * SW) * C) : zp;
              let wq = at(wp + (kh * KW + kw) * C * F4 + fo);
              for (let c = 0; c < C; c++) {
                const w0 = v128.load(wq);
                const w1 = v128.load(wq, 16);
                const x0 = v128.load32_splat(p0);
                const x1 = v128.load32_splat(p1);
                const x2 = v128.load32_splat(p2);
                const x3 = v128.load32_splat(p3);
                a0 = madd(x0, w0, a0);
                a1 = madd(x1, w0, a1);
                a2 = madd(x2, w0, a2);
                a3 = madd(x3, w0, a3);
                b0 = madd(x0, w1, b0);
                b1 = madd(x1, w1, b1);
                b2 = madd(x2, w1, b2);
                b3 = madd(x3, w1, b3);
                p0 += 4;
                p1 += 4;
                p2 += 4;
                p3 += 4;
                wq += <usize>F4 << 2;
              }
            }
          }
        }
        const bias = at(b + fo);
        const n0 = min(4, F - fo);
        const o0 = yo + (<usize>fo << 2);
        storeLanes(o0, fin(a0, bias, act), n0);
        storeLanes(o0 + ystep, fin(a1, bias, act), n0);
        storeLanes(o0 + 2 * ystep, fin(a2, bias, act), n0);
        storeLanes(o0 + 3 * ystep, fin(a3, bias, act), n0);
        if (fo + 4 < F) {
          const n1 = min(4, F - fo - 4);
          const bias1 = bias + 16;
          storeLanes(o0 + 16, fin(b0, bias1, act), n1);
          storeLanes(o0 + ystep + 16, fin(b1, bias1, act), n1);
          storeLanes(o0 + 2 * ystep + 16, fin(b2, bias1, act), n1);
          storeLanes(o0 + 3 * ystep + 16, fin(b3, bias1, act), n1);
        }
      }
    }
    for (; ow < OW; ow++) {
      pixelCheckedAt(x, wp, F4, b, y + ((i * OH + oh) * OW + ow) * F, i, oh, ow, H, W, C, F, KH, KW, SH, SW, PT, PL, DH, DW, act);
    }
    // a later activation (vactCore left the row linear), while the row is in cache
    if (act > ACT_SIGMOID) activateLater(y + r * OW * F, y + r * OW * F, OW * F, act, alpha);
  }
}

/**
 * conv2d over one input channel at stride 1, for filter counts that are not a multiple of 4
 * (LeNet's first layer: 6). The general tile puts filters in vector lanes, and 6 filters fill
 * 8 lanes; here the lanes hold 4 neighbouring output pixels instead, whose windows are
 * neighbouring floats of one input row. A tile is 12 pixels × 3 filters in 9 accumulators; per
 * tap, 3 loads of x and 3 broadcast weights feed 9 multiply-adds, every lane useful. Covers the
 * row's whole tiles from its start while their windows lie inside the image, and returns the
 * first output column it left to the general path.
 */
function rowTiles12(
  x: i32, wp: i32, F4: i32, b: i32, y: i32, i: i32, oh: i32,
  H: i32, W: i32, OH: i32, OW: i32, F: i32, KW: i32, SH: i32, PT: i32, PL: i32, DH: i32, kh0: i32, kh1: i32, act: i32,
): i32 {
  const wstep = <usize>F4 << 2;
  const pstep = <usize>F << 2; // bytes between neighbouring output pixels
  let ow = 0;
  for (; ow + 12 <= OW && ow - PL >= 0 && ow + 11 - PL + KW <= W; ow += 12) {
    const yo = at(y + ((i * OH + oh) * OW + ow) * F);
    for (let f0 = 0; f0 < F; f0 += 3) {
      // filters past F compute on valid memory (the padded weights, then zeros) and are not stored
      let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0);
      let b0 = f32x4.splat(0), b1 = f32x4.splat(0), b2 = f32x4.splat(0);
      let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0);
      for (let kh = kh0; kh < kh1; kh++) {
        let xp = at(x + (i * H + oh * SH - PT + kh * DH) * W + ow - PL);
        let wq = at(wp + kh * KW * F4 + f0);
        const end = xp + (<usize>KW << 2);
        for (; xp < end; xp += 4, wq += wstep) {
          const x0 = v128.load(xp);
          const x1 = v128.load(xp, 16);
          const x2 = v128.load(xp, 32);
          let w = v128.load32_splat(wq);
          a0 = madd(x0, w, a0);
          a1 = madd(x1, w, a1);
          a2 = madd(x2, w, a2);
          w = v128.load32_splat(wq + 4);
          b0 = madd(x0, w, b0);
          b1 = madd(x1, w, b1);
          b2 = madd(x2, w, b2);
          w = v128.load32_splat(wq + 8);
          c0 = madd(x0, w, c0);
          c1 = madd(x1, w, c1);
          c2 = madd(x2, w, c2);
        }
      }
      const o = yo + (<usize>f0 << 2);
      storeColumn(o, pstep, finSplat(a0, b + f0, act));
      storeColumn(o + 4 * pstep, pstep, finSplat(a1, b + f0, act));
      storeColumn(o + 8 * pstep, pstep, finSplat(a2, b + f0, act));
      if (f0 + 1 < F) {
        storeColumn(o + 4, pstep, finSplat(b0, b + f0 + 1, act));
        storeColumn(o + 4 + 4 * pstep, pstep, finSplat(b1, b + f0 + 1, act));
        storeColumn(o + 4 + 8 * pstep, pstep, finSplat(b2, b + f0 + 1, act));
      }
      if (f0 + 2 < F) {
        storeColumn(o + 8, pstep, finSplat(c0, b + f0 + 2, act));
        storeColumn(o + 8 + 4 * pstep, pstep, finSplat(c1, b + f0 + 2, act));
        storeColumn(o + 8 + 8 * pstep, pstep, finSplat(c2, b + f0 + 2, act));
      }
    }
  }
  return ow;
}

/** Bias (one filter's, at float offset bias) and activation for 4 pixels of that filter. */
// @ts-ignore: decorator
@inline function finSplat(acc: v128, bias: i32, act: i32): v128 {
  return vactCore(f32x4.add(acc, v128.load32_splat(at(bias))), act);
}

/** The 4 lanes of v to p, p + step, p + 2·step, p + 3·step. */
// @ts-ignore: decorator
@inline function storeColumn(p: usize, step: usize, v: v128): void {
  store<f32>(p, f32x4.extract_lane(v, 0));
  store<f32>(p + step, f32x4.extract_lane(v, 1));
  store<f32>(p + 2 * step, f32x4.extract_lane(v, 2));
  store<f32>(p + 3 * step, f32x4.extract_lane(v, 3));
}

/** One output pixel (written at float offset yo), every tap bounds-checked. */
function pixelCheckedAt(
  x: i32, wp: i32, F4: i32, b: i32, yo: i32, i: i32, oh: i32, ow: i32,
  H: i32, W: i32, C: i32, F: i32, KH: i32, KW: i32, SH: i32, SW: i32, PT: i32, PL: i32, DH: i32, DW: i32, act: i32,
): void {
  for (let fo = 0; fo < F; fo += 4) {
    let acc = f32x4.splat(0);
    for (let kh = 0; kh < KH; kh++) {
      const ih = oh * SH - PT + kh * DH;
      if (ih < 0 || ih >= H) continue;
      for (let kw = 0; kw < KW; kw++) {
        const iw = ow * SW - PL + kw * DW;
        if (iw < 0 || iw >= W) continue;
        let xp = at(x + ((i * H + ih) * W + iw) * C);
        let wq = at(wp + (kh * KW + kw) * C * F4 + fo);
        for (let c = 0; c < C; c++) {
          acc = madd(v128.load32_splat(xp), v128.load(wq), acc);
          xp += 4;
          wq += <usize>F4 << 2;
        }
      }
    }
    storeLanes(at(yo + fo), fin(acc, at(b + fo), act), min(4, F - fo));
  }
}

/**
 * dw[k, f] = Σ over output pixels p of x[p's window element k] · dz[p, f]. Window elements
 * k = (kh, kw, c) go 4 at a time × 8 filters, in 8 vector accumulators fed by each load of dz
 * (more accumulators make V8 spill registers in the loop, which costs far more than it saves).
 * Threads split the groups, not the pixels: every dw entry is one thread's sum in one order,
 * whatever the thread count. Taps that fall in the padding read from a row of zeros.
 */
export function conv2dGradFilter(
  x: i32, dz: i32, dw: i32,
  n: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, F: i32,
  KH: i32, KW: i32, SH: i32, SW: i32, PT: i32, PL: i32, DH: i32, DW: i32, t: i32, T: i32,
): void {
  const K = KH * KW * C;
  const groups = (K + 3) >> 2;
  const g0 = lo(groups, t, T);
  const g1 = lo(groups, t + 1, T);
  // the output rows and columns whose windows (spanning (KH − 1)·DH + 1 rows) lie wholly inside the image
  const ohA = min(OH, (PT + SH - 1) / SH);
  const ohB = max(ohA, min(OH, floorDiv(H - (KH - 1) * DH - 1 + PT, SH) + 1));
  const owA = min(OW, (PL + SW - 1) / SW);
  const owB = max(owA, min(OW, floorDiv(W - (KW - 1) * DW - 1 + PL, SW) + 1));
  const xstep = <usize>(SW * C) << 2;
  const zstep = <usize>F << 2;
  for (let g = g0; g < g1; g++) {
    // window elements k0..k3; those past K repeat k0 (valid memory) and are not stored
    const k0 = g << 2;
    const nk = min(4, K - k0);
    const o0 = offsetOf(k0, W, C, KW, DH, DW);
    const o1 = nk > 1 ? offsetOf(k0 + 1, W, C, KW, DH, DW) : o0;
    const o2 = nk > 2 ? offsetOf(k0 + 2, W, C, KW, DH, DW) : o0;
    const o3 = nk > 3 ? offsetOf(k0 + 3, W, C, KW, DH, DW) : o0;
    for (let fo = 0; fo < F; fo += 8) {
      let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
      let b0 = f32x4.splat(0), b1 = f32x4.splat(0), b2 = f32x4.splat(0), b3 = f32x4.splat(0);
      // Keep this loop free of branches: with more control flow in its body, V8 spills the
      // accumulators and the kernel runs several times slower. Border pixels come after.
      for (let i = 0; i < n; i++) {
        for (let oh = ohA; oh < ohB; oh++) {
          // pointers stepped along the row: address arithmetic per pixel costs as much as the loads
          let corner = at(x + ((i * H + oh * SH - PT) * W + owA * SW - PL) * C);
          let zr = at(dz + ((i * OH + oh) * OW + owA) * F + fo);
          const zEnd = zr + (<usize>((owB - owA) * F) << 2);
          for (; zr < zEnd; zr += zstep, corner += xstep) {
            const z0 = v128.load(zr);
            const z1 = v128.load(zr, 16);
            const x0 = v128.load32_splat(corner + o0);
            const x1 = v128.load32_splat(corner + o1);
            const x2 = v128.load32_splat(corner + o2);
            const x3 = v128.load32_splat(corner + o3);
            a0 = madd(x0, z0, a0);
            a1 = madd(x1, z0, a1);
            a2 = madd(x2, z0, a2);
            a3 = madd(x3, z0, a3);
            b0 = madd(x0, z1, b0);
            b1 = madd(x1, z1, b1);
            b2 = madd(x2, z1, b2);
            b3 = madd(x3, z1, b3);
          }
        }
      }
      const nf0 = min(4, F - fo);
      const nf1 = F - fo - 4;
      storeRow(dw, k0, F, fo, nf0, nf1, a0, b0);
      if (nk > 1) storeRow(dw, k0 + 1, F, fo, nf0, nf1, a1, b1);
      if (nk > 2) storeRow(dw, k0 + 2, F, fo, nf0, nf1, a2, b2);
      if (nk > 3) storeRow(dw, k0 + 3, F, fo, nf0, nf1, a3, b3);
    }
  }
  if (ohA > 0 || ohB < OH || owA > 0 || owB < OW) {
    gradFilterBorder(x, dz, dw, min(K, g0 << 2), min(K, g1 << 2), n, H, W, C, OH, OW, F, KW, SH, SW, PT, PL, DH, DW, ohA, ohB, owA, owB);
  }
}

/** Add the border pixels' terms to dw rows [k0, k1): taps in the padding contribute nothing. */
function gradFilterBorder(
  x: i32, dz: i32, dw: i32, k0: i32, k1: i32, n: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, F: i32,
  KW: i32, SH: i32, SW: i32, PT: i32, PL: i32, DH: i32, DW: i32, ohA: i32, ohB: i32, owA: i32, owB: i32,
): void {
  for (let k = k0; k < k1; k++) {
    const c = k % C;
    const kw = (k / C) % KW;
    const kh = k / (C * KW);
    for (let i = 0; i < n; i++) {
      for (let oh = 0; oh < OH; oh++) {
        const inner = oh >= ohA && oh < ohB;
        const h = oh * SH - PT + kh * DH;
        if (h < 0 || h >= H) continue;
        for (let ow = 0; ow < OW; ow++) {
          if (inner && ow == owA) ow = owB; // [owA, owB) is counted by the main loop
          if (ow >= OW) break;
          const w = ow * SW - PL + kw * DW;
          if (w < 0 || w >= W) continue;
          const xv = load<f32>(at(x + ((i * H + h) * W + w) * C + c));
          const zr = at(dz + ((i * OH + oh) * OW + ow) * F);
          const p = at(dw + k * F);
          // a multiply, then an add, each rounded: the same bits as one filter at a time
          let f = 0;
          for (; f + 4 <= F; f += 4) {
            const q = p + (<usize>f << 2);
            v128.store(q, f32x4.add(v128.load(q), f32x4.mul(f32x4.splat(xv), v128.load(zr + (<usize>f << 2)))));
          }
          for (; f < F; f++) {
            const q = p + (<usize>f << 2);
            store<f32>(q, load<f32>(q) + xv * load<f32>(zr + (<usize>f << 2)));
          }
        }
      }
    }
  }
}

/** The byte offset of window element k = (kh, kw, c) from its window's corner. */
// @ts-ignore: decorator
@inline function offsetOf(k: i32, W: i32, C: i32, KW: i32, DH: i32, DW: i32): usize {
  return <usize>((((k / (C * KW)) * DH * W + ((k / C) % KW) * DW) * C + k % C) << 2);
}

// @ts-ignore: decorator
@inline function storeRow(dw: i32, k: i32, F: i32, fo: i32, nf0: i32, nf1: i32, a: v128, b: v128): void {
  const p = at(dw + k * F + fo);
  storeLanes(p, a, nf0);
  if (nf1 > 0) storeLanes(p + 16, b, min(4, nf1));
}


/** db[f] = Σ over rows of dz[row, f], vectors over f; threads split the groups of 4 columns. */
export function biasGrad(dz: i32, db: i32, rows: i32, F: i32, t: i32, T: i32): void {
  const groups = (F + 3) >> 2;
  const fEnd = lo(groups, t + 1, T) << 2;
  for (let fo = lo(groups, t, T) << 2; fo < fEnd; fo += 4) {
    let acc = f32x4.splat(0);
    let p = at(dz + fo);
    const step = <usize>F << 2;
    for (let r = 0; r < rows; r++) {
      acc = f32x4.add(acc, v128.load(p));
      p += step;
    }
    storeLanes(at(db + fo), acc, min(4, F - fo));
  }
}

/** Copy [K, F] weights into [K, F4] with zero columns beyond F. */
export function padColumns(w: i32, wp: i32, K: i32, F: i32, F4: i32): void {
  for (let k = 0; k < K; k++) {
    for (let f = 0; f < F4; f++) store<f32>(at(wp + k * F4 + f), f < F ? load<f32>(at(w + k * F + f)) : 0);
  }
}


/**
 * dx = the gradient of a convolution with respect to its input, in scatter form: each output
 * pixel p adds, for each tap, wt[tap] · dz[p] into the input pixel the tap reads, where
 * wt[(kh, kw), f, c] = w[(kh, kw), c, f] padded to C4 columns (transposeWeights). Four
 * neighbouring output pixels share each tap's weights; channels go in vectors. Threads split
 * the images, so no two threads write the same dx.
 */
export function conv2dGradInput(
  dz: i32, wt: i32, C4: i32, dx: i32,
  n: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, F: i32,
  KH: i32, KW: i32, SH: i32, SW: i32, PT: i32, PL: i32, DH: i32, DW: i32, t: i32, T: i32,
): void {
  const i1 = lo(n, t + 1, T);
  const xstep = <usize>(SW * C) << 2;
  const zstep = <usize>F << 2;
  const wstep = <usize>C4 << 2;
  for (let i = lo(n, t, T); i < i1; i++) {
    memory.fill(at(dx + i * H * W * C), 0, <usize>(H * W * C) << 2);
    for (let oh = 0; oh < OH; oh++) {
      for (let kh = 0; kh < KH; kh++) {
        const ih = oh * SH - PT + kh * DH;
        if (ih < 0 || ih >= H) continue;
        const row = dx + (i * H + ih) * W * C;
        for (let kw = 0; kw < KW; kw++) {
          const taps = at(wt + (kh * KW + kw) * F * C4);
          let ow = 0;
          for (; ow + 4 <= OW; ow += 4) {
            const iw = ow * SW - PL + kw * DW;
            if (iw < 0 || iw + 3 * SW >= W) break; // this tap leaves the image: per pixel below
            for (let c = 0; c < C; c += 8) {
              let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
              let b0 = f32x4.splat(0), b1 = f32x4.splat(0), b2 = f32x4.splat(0), b3 = f32x4.splat(0);
              let zp = at(dz + ((i * OH + oh) * OW + ow) * F);
              let wq = taps + (<usize>c << 2);
              for (let f = 0; f < F; f++) {
                const w0 = v128.load(wq);
                const w1 = v128.load(wq, 16);
                const z0 = v128.load32_splat(zp);
                const z1 = v128.load32_splat(zp + zstep);
                const z2 = v128.load32_splat(zp + 2 * zstep);
                const z3 = v128.load32_splat(zp + 3 * zstep);
                a0 = madd(z0, w0, a0);
                a1 = madd(z1, w0, a1);
                a2 = madd(z2, w0, a2);
                a3 = madd(z3, w0, a3);
                b0 = madd(z0, w1, b0);
                b1 = madd(z1, w1, b1);
                b2 = madd(z2, w1, b2);
                b3 = madd(z3, w1, b3);
                zp += 4;
                wq += wstep;
              }
              const xp = at(row + iw * C + c);
              const n0 = min(4, C - c);
              addLanes(xp, a0, n0);
              addLanes(xp + xstep, a1, n0);
              addLanes(xp + 2 * xstep, a2, n0);
              addLanes(xp + 3 * xstep, a3, n0);
              if (c + 4 < C) {
                const n1 = min(4, C - c - 4);
                addLanes(xp + 16, b0, n1);
                addLanes(xp + xstep + 16, b1, n1);
                addLanes(xp + 2 * xstep + 16, b2, n1);
                addLanes(xp + 3 * xstep + 16, b3, n1);
              }
            }
          }
          for (; ow < OW; ow++) {
            const iw = ow * SW - PL + kw * DW;
            if (iw < 0 || iw >= W) continue;
            for (let c = 0; c < C; c += 4) {
              let acc = f32x4.splat(0);
              let zp = at(dz + ((i * OH + oh) * OW + ow) * F);
              let wq = taps + (<usize>c << 2);
              for (let f = 0; f < F; f++) {
                acc = madd(v128.load32_splat(zp), v128.load(wq), acc);
                zp += 4;
                wq += wstep;
              }
              addLanes(at(row + iw * C + c), acc, min(4, C - c));
            }
          }
        }
      }
    }
  }
}

/** Add the first `count` lanes of v to the floats at p. */
// @ts-ignore: decorator
@inline function addLanes(p: usize, v: v128, count: i32): void {
  if (count >= 4) {
    v128.store(p, f32x4.add(v128.load(p), v));
    return;
  }
  store<f32>(p, load<f32>(p) + f32x4.extract_lane(v, 0));
  if (count > 1) store<f32>(p + 4, load<f32>(p + 4) + f32x4.extract_lane(v, 1));
  if (count > 2) store<f32>(p + 8, load<f32>(p + 8) + f32x4.extract_lane(v, 2));
}

/** wt[(kh, kw), f, c] = w[(kh, kw), c, f], with C4 columns (zeros beyond C). */
export function transposeWeights(w: i32, wt: i32, taps: i32, C: i32, F: i32, C4: i32): void {
  for (let k = 0; k < taps; k++) {
    for (let f = 0; f < F; f++) {
      for (let c = 0; c < C4; c++) store<f32>(at(wt + (k * F + f) * C4 + c), c < C ? load<f32>(at(w + (k * C + c) * F + f)) : 0);
    }
  }
}
