// Pooling when the windows tile the image exactly (stride = window, no padding: LeNet's 2×2
// pools): every input pixel is in at most one window, so the gradient is written, not
// accumulated, and channels go four at a time.
import { at, lo, storeLanes } from './common';
import { ACT_LINEAR, vactGradCore } from './math';

/** Whether these pooling parameters tile the input. */
// @ts-ignore: decorator
@inline export function tiles(PH: i32, PW: i32, SH: i32, SW: i32, PT: i32, PL: i32): bool {
  return PT == 0 && PL == 0 && SH == PH && SW == PW;
}

export function poolTiled(x: i32, y: i32, n: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, PH: i32, PW: i32, isMax: bool, t: i32, T: i32): void {
  if (PH == 2 && PW == 2) return pool2x2(x, y, n, H, W, C, OH, OW, isMax, t, T);
  const i1 = lo(n, t + 1, T);
  const inv = f32x4.splat(1.0 / <f32>(PH * PW));
  for (let i = lo(n, t, T); i < i1; i++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const corner = x + ((i * H + oh * PH) * W + ow * PW) * C;
        const out = at(y + ((i * OH + oh) * OW + ow) * C);
        for (let c = 0; c < C; c += 4) {
          let acc = isMax ? f32x4.splat(-Infinity) : f32x4.splat(0);
          for (let h = 0; h < PH; h++) {
            for (let w = 0; w < PW; w++) {
              const v = v128.load(at(corner + (h * W + w) * C + c));
              acc = isMax ? f32x4.pmax(acc, v) : f32x4.add(acc, v);
            }
          }
          storeLanes(out + (<usize>c << 2), isMax ? acc : f32x4.mul(acc, inv), min(4, C - c));
        }
      }
    }
  }
}

/**
 * poolTiled for 2×2 windows (LeNet's), with pointers stepped along each row: the general loop's
 * address arithmetic per window and tap cost more than its four loads.
 */
function pool2x2(x: i32, y: i32, n: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, isMax: bool, t: i32, T: i32): void {
  const i1 = lo(n, t + 1, T);
  const pixel = <usize>C << 2;
  const row = <usize>(W * C) << 2;
  const quarter = f32x4.splat(0.25);
  for (let i = lo(n, t, T); i < i1; i++) {
    for (let oh = 0; oh < OH; oh++) {
      let p = at(x + (i * H + 2 * oh) * W * C);
      let out = at(y + (i * OH + oh) * OW * C);
      for (let ow = 0; ow < OW; ow++, p += 2 * pixel, out += pixel) {
        for (let c = 0; c < C; c += 4) {
          const q = p + (<usize>c << 2);
          const a = v128.load(q), b = v128.load(q + pixel), d = v128.load(q + row), e = v128.load(q + row + pixel);
          const v = isMax ? f32x4.pmax(f32x4.pmax(a, b), f32x4.pmax(d, e)) : f32x4.mul(f32x4.add(f32x4.add(a, b), f32x4.add(d, e)), quarter);
          storeLanes(out + (<usize>c << 2), v, min(4, C - c));
        }
      }
    }
  }
}

/** The average-pooling part of poolTiledGrad for 2×2 windows, pointers stepped as in pool2x2. */
function avgpool2x2Grad(dy: i32, dx: i32, n: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, t: i32, T: i32, y: i32, act: i32): void {
  const i1 = lo(n, t + 1, T);
  const pixel = <usize>C << 2;
  const row = <usize>(W * C) << 2;
  const quarter = f32x4.splat(0.25);
  for (let i = lo(n, t, T); i < i1; i++) {
    if (OH * 2 < H || OW * 2 < W) memory.fill(at(dx + i * H * W * C), 0, <usize>(H * W * C) << 2);
    for (let oh = 0; oh < OH; oh++) {
      let p = at(dx + (i * H + 2 * oh) * W * C);
      let py = at(y + (i * H + 2 * oh) * W * C); // the activation's output, beside p
      let g = at(dy + (i * OH + oh) * OW * C);
      for (let ow = 0; ow < OW; ow++, p += 2 * pixel, py += 2 * pixel, g += pixel) {
        for (let c = 0; c < C; c += 4) {
          const lanes = min(4, C - c);
          const v = f32x4.mul(v128.load(g + (<usize>c << 2)), quarter);
          const q = p + (<usize>c << 2);
          const qy = py + (<usize>c << 2);
          if (act == ACT_LINEAR) {
            storeLanes(q, v, lanes);
            storeLanes(q + pixel, v, lanes);
            storeLanes(q + row, v, lanes);
            storeLanes(q + row + pixel, v, lanes);
          } else {
            storeLanes(q, vactGradCore(v128.load(qy), v, act), lanes);
            storeLanes(q + pixel, vactGradCore(v128.load(qy + pixel), v, act), lanes);
            storeLanes(q + row, vactGradCore(v128.load(qy + row), v, act), lanes);
            storeLanes(q + row + pixel, vactGradCore(v128.load(qy + row + pixel), v, act), lanes);
          }
        }
      }
    }
  }
}

/**
 * dx of a tiling pool; for max, each window's gradient goes to its first maximum. For average
 * pooling with an activation (act, not ACT_LINEAR), dx is the gradient before the activation
 * whose output y the pool read: each pixel's share times the activation's derivative at y
 * (the first five functions; avgpoolGradActivation applies a later one after).
 */
export function poolTiledGrad(x: i32, dy: i32, dx: i32, n: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, PH: i32, PW: i32, isMax: bool, t: i32, T: i32, y: i32 = 0, act: i32 = ACT_LINEAR): void {
  if (PH == 2 && PW == 2 && !isMax) return avgpool2x2Grad(dy, dx, n, H, W, C, OH, OW, t, T, y, act);
  const i1 = lo(n, t + 1, T);
  const inv = f32x4.splat(1.0 / <f32>(PH * PW));
  for (let i = lo(n, t, T); i < i1; i++) {
    // rows and columns no window covers get no gradient
    if (OH * PH < H || OW * PW < W) memory.fill(at(dx + i * H * W * C), 0, <usize>(H * W * C) << 2);
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const corner = ((i * H + oh * PH) * W + ow * PW) * C;
        const g = at(dy + ((i * OH + oh) * OW + ow) * C);
        for (let c = 0; c < C; c += 4) {
          const lanes = min(4, C - c);
          const d = v128.load(g + (<usize>c << 2));
          if (!isMax) {
            const v = f32x4.mul(d, inv);
            for (let h = 0; h < PH; h++) {
              for (let w = 0; w < PW; w++) {
                const o = corner + (h * W + w) * C + c;
                storeLanes(at(dx + o), act == ACT_LINEAR ? v : vactGradCore(v128.load(at(y + o)), v, act), lanes);
              }
            }
            continue;
          }
          let best = f32x4.splat(-Infinity);
          for (let h = 0; h < PH; h++) for (let w = 0; w < PW; w++) best = f32x4.pmax(best, v128.load(at(x + corner + (h * W + w) * C + c)));
          let taken = i32x4.splat(0);
          for (let h = 0; h < PH; h++) {
            for (let w = 0; w < PW; w++) {
              const o = corner + (h * W + w) * C + c;
              const hit = v128.andnot(f32x4.eq(v128.load(at(x + o)), best), taken);
              taken = v128.or(taken, hit);
              storeLanes(at(dx + o), v128.and(d, hit), lanes);
            }
          }
        }
      }
    }
  }
}
