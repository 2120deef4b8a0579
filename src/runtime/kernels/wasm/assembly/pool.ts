// Pooling over NHWC data, split over images. Padded positions are skipped: average pooling
// divides by the real pixels of each window.
import { at, lo, storeLanes } from './common';
import { activationGrad } from './activation';
import { ACT_LINEAR, ACT_SIGMOID, activateGradLater } from './math';
import { poolTiled, poolTiledGrad, tiles } from './pool-tiled';

export function avgpool(x: i32, y: i32, n: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, PH: i32, PW: i32, SH: i32, SW: i32, PT: i32, PL: i32, t: i32, T: i32): void {
  if (tiles(PH, PW, SH, SW, PT, PL)) return poolTiled(x, y, n, H, W, C, OH, OW, PH, PW, false, t, T);
  const i1 = lo(n, t + 1, T);
  for (let i = lo(n, t, T); i < i1; i++) {
    for (let oh = 0; oh < OH; oh++) {
      const h0 = max(0, oh * SH - PT), h1 = min(H, oh * SH - PT + PH);
      for (let ow = 0; ow < OW; ow++) {
        const w0 = max(0, ow * SW - PL), w1 = min(W, ow * SW - PL + PW);
        const inv: f32 = 1.0 / <f32>((h1 - h0) * (w1 - w0));
        const yo = y + ((i * OH + oh) * OW + ow) * C;
        for (let c = 0; c < C; c++) {
          let s: f32 = 0;
          for (let h = h0; h < h1; h++) for (let w = w0; w < w1; w++) s += load<f32>(at(x + ((i * H + h) * W + w) * C + c));
          store<f32>(at(yo + c), s * inv);
        }
      }
    }
  }
}

export function avgpoolGrad(dy: i32, dx: i32, n: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, PH: i32, PW: i32, SH: i32, SW: i32, PT: i32, PL: i32, t: i32, T: i32): void {
  avgpoolGradActivation(dy, 0, dx, n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL, ACT_LINEAR, 0, t, T);
}

/**
 * The gradient of average pooling fused with that of the activation before it (y: the
 * activation's output, which the pool read, or its input for gelu and swish): dx is the
 * gradient before the activation, in one pass over memory instead of two.
 */
export function avgpoolGradActivation(dy: i32, y: i32, dx: i32, n: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, PH: i32, PW: i32, SH: i32, SW: i32, PT: i32, PL: i32, act: i32, alpha: f32, t: i32, T: i32): void {
  if (tiles(PH, PW, SH, SW, PT, PL)) {
    // the tiled loops inline the first five functions; a later one goes over this thread's images after
    poolTiledGrad(0, dy, dx, n, H, W, C, OH, OW, PH, PW, false, t, T, y, act > ACT_SIGMOID ? ACT_LINEAR : act);
    const i0 = lo(n, t, T);
    if (act > ACT_SIGMOID) activateGradLater(y + i0 * H * W * C, dx + i0 * H * W * C, dx + i0 * H * W * C, (lo(n, t + 1, T) - i0) * H * W * C, act, alpha);
    return;
  }
  const i1 = lo(n, t + 1, T);
  for (let i = lo(n, t, T); i < i1; i++) {
    memory.fill(at(dx + i * H * W * C), 0, <usize>(H * W * C) << 2);
    for (let oh = 0; oh < OH; oh++) {
      const h0 = max(0, oh * SH - PT), h1 = min(H, oh * SH - PT + PH);
      for (let ow = 0; ow < OW; ow++) {
        const w0 = max(0, ow * SW - PL), w1 = min(W, ow * SW - PL + PW);
        const inv: f32 = 1.0 / <f32>((h1 - h0) * (w1 - w0));
        const yo = dy + ((i * OH + oh) * OW + ow) * C;
        for (let c = 0; c < C; c++) {
          const g = load<f32>(at(yo + c)) * inv;
          for (let h = h0; h < h1; h++) {
            for (let w = w0; w < w1; w++) {
              const p = at(dx + ((i * H + h) * W + w) * C + c);
              store<f32>(p, load<f32>(p) + g);
            }
          }
        }
      }
    }
    // windows overlap: the image's sums are complete only now
    if (act != ACT_LINEAR) activationGrad(y + i * H * W * C, dx + i * H * W * C, dx + i * H * W * C, H * W * C, act, alpha, 0, 1);
  }
}

export function maxpool(x: i32, y: i32, n: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, PH: i32, PW: i32, SH: i32, SW: i32, PT: i32, PL: i32, t: i32, T: i32): void {
  if (tiles(PH, PW, SH, SW, PT, PL)) return poolTiled(x, y, n, H, W, C, OH, OW, PH, PW, true, t, T);
  const i1 = lo(n, t + 1, T);
  for (let i = lo(n, t, T); i < i1; i++) {
    for (let oh = 0; oh < OH; oh++) {
      const h0 = max(0, oh * SH - PT), h1 = min(H, oh * SH - PT + PH);
      for (let ow = 0; ow < OW; ow++) {
        const w0 = max(0, ow * SW - PL), w1 = min(W, ow * SW - PL + PW);
        const yo = y + ((i * OH + oh) * OW + ow) * C;
        for (let c = 0; c < C; c++) {
          let best: f32 = -Infinity;
          for (let h = h0; h < h1; h++) for (let w = w0; w < w1; w++) best = max(best, load<f32>(at(x + ((i * H + h) * W + w) * C + c)));
          store<f32>(at(yo + c), best);
        }
      }
    }
  }
}

export function maxpoolGrad(x: i32, dy: i32, dx: i32, n: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, PH: i32, PW: i32, SH: i32, SW: i32, PT: i32, PL: i32, t: i32, T: i32): void {
  if (tiles(PH, PW, SH, SW, PT, PL)) return poolTiledGrad(x, dy, dx, n, H, W, C, OH, OW, PH, PW, true, t, T);
  const i1 = lo(n, t + 1, T);
  for (let i = lo(n, t, T); i < i1; i++) {
    memory.fill(at(dx + i * H * W * C), 0, <usize>(H * W * C) << 2);
    for (let oh = 0; oh < OH; oh++) {
      const h0 = max(0, oh * SH - PT), h1 = min(H, oh * SH - PT + PH);
      for (let ow = 0; ow < OW; ow++) {
        const w0 = max(0, ow * SW - PL), w1 = min(W, ow * SW - PL + PW);
        const yo = dy + ((i * OH + oh) * OW + ow) * C;
        for (let c = 0; c < C; c++) {
          let best: f32 = -Infinity;
          let bestAt = -1;
          for (let h = h0; h < h1; h++) {
            for (let w = w0; w < w1; w++) {
              const o = ((i * H + h) * W + w) * C + c;
              const v = load<f32>(at(x + o));
              if (v > best) {
                best = v;
                bestAt = o;
              }
            }
          }
          if (bestAt >= 0) {
            const p = at(dx + bestAt);
            store<f32>(p, load<f32>(p) + load<f32>(at(yo + c)));
          }
        }
      }
    }
  }
}

// Global pooling, x [n, HW, C] → y [n, C]. Threads take (image, 16 channels) pairs: a pair's
// channels are one cache line of each pixel, summed or compared in 4 vectors over the pixels in
// order. Lanes past C compute on neighbouring values and are never stored.

export function globalAvgpool(x: i32, y: i32, n: i32, HW: i32, C: i32, t: i32, T: i32): void {
  globalPool(x, y, n, HW, C, false, t, T);
}

export function globalMaxpool(x: i32, y: i32, n: i32, HW: i32, C: i32, t: i32, T: i32): void {
  globalPool(x, y, n, HW, C, true, t, T);
}

// @ts-ignore: decorator
@inline function globalPool(x: i32, y: i32, n: i32, HW: i32, C: i32, isMax: bool, t: i32, T: i32): void {
  const chunks = (C + 15) >> 4;
  const step = <usize>C << 2;
  const j1 = lo(n * chunks, t + 1, T);
  for (let j = lo(n * chunks, t, T); j < j1; j++) {
    const i = j / chunks;
    const c0 = (j - i * chunks) << 4;
    let p = at(x + i * HW * C + c0);
    let a0 = v128.load(p), a1 = v128.load(p, 16), a2 = v128.load(p, 32), a3 = v128.load(p, 48);
    for (let k = 1; k < HW; k++) {
      p += step;
      if (isMax) {
        a0 = f32x4.pmax(a0, v128.load(p));
        a1 = f32x4.pmax(a1, v128.load(p, 16));
        a2 = f32x4.pmax(a2, v128.load(p, 32));
        a3 = f32x4.pmax(a3, v128.load(p, 48));
      } else {
        a0 = f32x4.add(a0, v128.load(p));
        a1 = f32x4.add(a1, v128.load(p, 16));
        a2 = f32x4.add(a2, v128.load(p, 32));
        a3 = f32x4.add(a3, v128.load(p, 48));
      }
    }
    if (!isMax) {
      const count = f32x4.splat(<f32>HW);
      a0 = f32x4.div(a0, count);
      a1 = f32x4.div(a1, count);
      a2 = f32x4.div(a2, count);
      a3 = f32x4.div(a3, count);
    }
    storeChunk(y + i * C, c0, C, a0, a1, a2, a3);
  }
}

/** The lanes below C of 16 channels from c0, at row offset `row`. */
// @ts-ignore: decorator
@inline function storeChunk(row: i32, c0: i32, C: i32, a0: v128, a1: v128, a2: v128, a3: v128): void {
  const p = at(row + c0);
  storeLanes(p, a0, min(4, C - c0));
  if (c0 + 4 < C) storeLanes(p + 16, a1, min(4, C - c0 - 4));
  if (c0 + 8 < C) storeLanes(p + 32, a2, min(4, C - c0 - 8));
  if (c0 + 12 < C) storeLanes(p + 48, a3, min(4, C - c0 - 12));
}

/** dx = dy / HW at every pixel; threads take images, and each 4 channels' quotient is stored at every pixel. */
export function globalAvgpoolGrad(dy: i32, dx: i32, n: i32, HW: i32, C: i32, t: i32, T: i32): void {
  const count = f32x4.splat(<f32>HW);
  const step = <usize>C << 2;
  const i1 = lo(n, t + 1, T);
  for (let i = lo(n, t, T); i < i1; i++) {
    for (let c = 0; c < C; c += 4) {
      const g = f32x4.div(v128.load(at(dy + i * C + c)), count);
      const lanes = min(4, C - c);
      let p = at(dx + i * HW * C + c);
      for (let k = 0; k < HW; k++, p += step) storeLanes(p, g, lanes);
    }
  }
}

/**
 * dx = dy at the first maximum of each channel, 0 elsewhere. Threads take images: each is zeroed
 * whole, then 16 channels at a time find their first maximum's pixel (per lane) and take dy there.
 */
export function globalMaxpoolGrad(x: i32, dy: i32, dx: i32, n: i32, HW: i32, C: i32, t: i32, T: i32): void {
  const step = <usize>C << 2;
  const i1 = lo(n, t + 1, T);
  for (let i = lo(n, t, T); i < i1; i++) {
    memory.fill(at(dx + i * HW * C), 0, <usize>(HW * C) << 2);
    for (let c0 = 0; c0 < C; c0 += 16) {
      let p = at(x + i * HW * C + c0);
      let b0 = v128.load(p), b1 = v128.load(p, 16), b2 = v128.load(p, 32), b3 = v128.load(p, 48);
      let w0 = i32x4.splat(0), w1 = i32x4.splat(0), w2 = i32x4.splat(0), w3 = i32x4.splat(0);
      for (let k = 1; k < HW; k++) {
        p += step;
        const here = i32x4.splat(k);
        let v = v128.load(p);
        let more = f32x4.gt(v, b0);
        b0 = v128.bitselect(v, b0, more);
        w0 = v128.bitselect(here, w0, more);
        v = v128.load(p, 16);
        more = f32x4.gt(v, b1);
        b1 = v128.bitselect(v, b1, more);
        w1 = v128.bitselect(here, w1, more);
        v = v128.load(p, 32);
        more = f32x4.gt(v, b2);
        b2 = v128.bitselect(v, b2, more);
        w2 = v128.bitselect(here, w2, more);
        v = v128.load(p, 48);
        more = f32x4.gt(v, b3);
        b3 = v128.bitselect(v, b3, more);
        w3 = v128.bitselect(here, w3, more);
      }
      const o = dx + i * HW * C;
      const g = dy + i * C;
      routeLanes(o, g, c0, C, w0);
      routeLanes(o, g, c0 + 4, C, w1);
      routeLanes(o, g, c0 + 8, C, w2);
      routeLanes(o, g, c0 + 12, C, w3);
    }
  }
}

/** dx[where[l], c + l] = dy[c + l] for the lanes l below C (dx at float offset o, an image; dy at g). */
// @ts-ignore: decorator
@inline function routeLanes(o: i32, g: i32, c: i32, C: i32, where: v128): void {
  if (c < C) store<f32>(at(o + i32x4.extract_lane(where, 0) * C + c), load<f32>(at(g + c)));
  if (c + 1 < C) store<f32>(at(o + i32x4.extract_lane(where, 1) * C + c + 1), load<f32>(at(g + c + 1)));
  if (c + 2 < C) store<f32>(at(o + i32x4.extract_lane(where, 2) * C + c + 2), load<f32>(at(g + c + 2)));
  if (c + 3 < C) store<f32>(at(o + i32x4.extract_lane(where, 3) * C + c + 3), load<f32>(at(g + c + 3)));
}
