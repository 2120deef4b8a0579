/**
 * Reference 2-D convolution, forward and both gradients: direct loops over NHWC data, the
 * correctness baseline that faster kernels are tested against.
 */
import type { Arena } from '../types.js';
import { activateInPlace } from './activation.js';

export function conv2d(
  m: Arena, x: number, w: number, b: number, y: number,
  n: number, H: number, W: number, C: number, OH: number, OW: number, F: number,
  KH: number, KW: number, SH: number, SW: number, PT: number, PL: number, act: number,
): void {
  for (let i = 0; i < n; i++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const yo = y + ((i * OH + oh) * OW + ow) * F;
        for (let f = 0; f < F; f++) m[yo + f] = m[b + f]!;
        for (let kh = 0; kh < KH; kh++) {
          const ih = oh * SH - PT + kh;
          if (ih < 0 || ih >= H) continue;
          for (let kw = 0; kw < KW; kw++) {
            const iw = ow * SW - PL + kw;
            if (iw < 0 || iw >= W) continue;
            const xo = x + ((i * H + ih) * W + iw) * C;
            const wo = w + (kh * KW + kw) * C * F;
            for (let c = 0; c < C; c++) {
              const xv = m[xo + c]!;
              const wr = wo + c * F;
              for (let f = 0; f < F; f++) m[yo + f] += xv * m[wr + f]!;
            }
          }
        }
        activateInPlace(m, yo, F, act);
      }
    }
  }
}

export function conv2dGradInput(
  m: Arena, dz: number, w: number, dx: number,
  n: number, H: number, W: number, C: number, OH: number, OW: number, F: number,
  KH: number, KW: number, SH: number, SW: number, PT: number, PL: number,
): void {
  m.fill(0, dx, dx + n * H * W * C);
  for (let i = 0; i < n; i++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const zo = dz + ((i * OH + oh) * OW + ow) * F;
        for (let kh = 0; kh < KH; kh++) {
          const ih = oh * SH - PT + kh;
          if (ih < 0 || ih >= H) continue;
          for (let kw = 0; kw < KW; kw++) {
            const iw = ow * SW - PL + kw;
            if (iw < 0 || iw >= W) continue;
            const xo = dx + ((i * H + ih) * W + iw) * C;
            const wo = w + (kh * KW + kw) * C * F;
            for (let c = 0; c < C; c++) {
              const wr = wo + c * F;
              let s = 0;
              for (let f = 0; f < F; f++) s += m[zo + f]! * m[wr + f]!;
              m[xo + c] += s;
            }
          }
        }
      }
    }
  }
}

export function conv2dGradFilter(
  m: Arena, x: number, dz: number, dw: number,
  n: number, H: number, W: number, C: number, OH: number, OW: number, F: number,
  KH: number, KW: number, SH: number, SW: number, PT: number, PL: number,
): void {
  m.fill(0, dw, dw + KH * KW * C * F);
  for (let i = 0; i < n; i++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const zo = dz + ((i * OH + oh) * OW + ow) * F;
        for (let kh = 0; kh < KH; kh++) {
          const ih = oh * SH - PT + kh;
          if (ih < 0 || ih >= H) continue;
          for (let kw = 0; kw < KW; kw++) {
            const iw = ow * SW - PL + kw;
            if (iw < 0 || iw >= W) continue;
            const xo = x + ((i * H + ih) * W + iw) * C;
            const wo = dw + (kh * KW + kw) * C * F;
            for (let c = 0; c < C; c++) {
              const xv = m[xo + c]!;
              const wr = wo + c * F;
              for (let f = 0; f < F; f++) m[wr + f] += xv * m[zo + f]!;
            }
          }
        }
      }
    }
  }
}

export function biasGrad(m: Arena, dz: number, db: number, rows: number, F: number): void {
  m.fill(0, db, db + F);
  for (let r = 0; r < rows; r++) {
    const o = dz + r * F;
    for (let f = 0; f < F; f++) m[db + f] += m[o + f]!;
  }
}
