// Pooling over NHWC data, split over images. Padded positions are skipped: average pooling
// divides by the real pixels of each window.
import { at, lo } from './common';
import { activationGrad } from './activation';
import { ACT_LINEAR } from './math';
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
  avgpoolGradActivation(dy, 0, dx, n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL, ACT_LINEAR, t, T);
}

/**
 * The gradient of average pooling fused with that of the activation before it (y: the
 * activation's output, which the pool read): dx is the gradient before the activation, in one
 * pass over memory instead of two.
 */
export function avgpoolGradActivation(dy: i32, y: i32, dx: i32, n: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, PH: i32, PW: i32, SH: i32, SW: i32, PT: i32, PL: i32, act: i32, t: i32, T: i32): void {
  if (tiles(PH, PW, SH, SW, PT, PL)) return poolTiledGrad(0, dy, dx, n, H, W, C, OH, OW, PH, PW, false, t, T, y, act);
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
    if (act != ACT_LINEAR) activationGrad(y + i * H * W * C, dx + i * H * W * C, dx + i * H * W * C, H * W * C, act, 0, 1);
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
