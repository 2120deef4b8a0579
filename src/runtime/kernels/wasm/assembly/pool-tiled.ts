// Pooling when the windows tile the image exactly (stride = window, no padding: LeNet's 2×2
// pools): every input pixel is in at most one window, so the gradient is written, not
// accumulated, and channels go four at a time.
import { at, lo, storeLanes } from './common';
import { ACT_LINEAR, vactGrad } from './math';

/** Whether these pooling parameters tile the input. */
// @ts-ignore: decorator
@inline export function tiles(PH: i32, PW: i32, SH: i32, SW: i32, PT: i32, PL: i32): bool {
  return PT == 0 && PL == 0 && SH == PH && SW == PW;
}

export function poolTiled(x: i32, y: i32, n: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, PH: i32, PW: i32, isMax: bool, t: i32, T: i32): void {
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
 * dx of a tiling pool; for max, each window's gradient goes to its first maximum. For average
 * pooling with an activation (act, not ACT_LINEAR), dx is the gradient before the activation
 * whose output y the pool read: each pixel's share times the activation's derivative at y.
 */
export function poolTiledGrad(x: i32, dy: i32, dx: i32, n: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, PH: i32, PW: i32, isMax: bool, t: i32, T: i32, y: i32 = 0, act: i32 = ACT_LINEAR): void {
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
                storeLanes(at(dx + o), act == ACT_LINEAR ? v : vactGrad(v128.load(at(y + o)), v, act), lanes);
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
