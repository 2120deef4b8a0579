/** Reference pooling. Padded positions are skipped: average pooling divides by real pixels only. */
import type { Arena } from '../types.js';
import { activationGrad } from './activation.js';

type Pool = (
  m: Arena, a: number, b: number, n: number, H: number, W: number, C: number, OH: number, OW: number,
  PH: number, PW: number, SH: number, SW: number, PT: number, PL: number,
) => void;

/** Calls `visit(outIndex, inIndex, count)` for every (window, pixel) pair, count = real pixels in the window. */
function windows(
  n: number, H: number, W: number, C: number, OH: number, OW: number, PH: number, PW: number,
  SH: number, SW: number, PT: number, PL: number,
  each: (yo: number, xo: number, h0: number, h1: number, w0: number, w1: number) => void,
): void {
  for (let i = 0; i < n; i++) {
    for (let oh = 0; oh < OH; oh++) {
      const h0 = Math.max(0, oh * SH - PT);
      const h1 = Math.min(H, oh * SH - PT + PH);
      for (let ow = 0; ow < OW; ow++) {
        const w0 = Math.max(0, ow * SW - PL);
        const w1 = Math.min(W, ow * SW - PL + PW);
        each(((i * OH + oh) * OW + ow) * C, i * H * W * C, h0, h1, w0, w1);
      }
    }
  }
}

export const avgpool: Pool = (m, x, y, n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL) =>
  windows(n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL, (yo, xi, h0, h1, w0, w1) => {
    const count = (h1 - h0) * (w1 - w0);
    for (let c = 0; c < C; c++) {
      let s = 0;
      for (let h = h0; h < h1; h++) for (let w = w0; w < w1; w++) s += m[x + xi + (h * W + w) * C + c]!;
      m[y + yo + c] = s / count;
    }
  });

export const avgpoolGrad: Pool = (m, dy, dx, n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL) => {
  m.fill(0, dx, dx + n * H * W * C);
  windows(n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL, (yo, xi, h0, h1, w0, w1) => {
    const count = (h1 - h0) * (w1 - w0);
    for (let c = 0; c < C; c++) {
      const g = m[dy + yo + c]! / count;
      for (let h = h0; h < h1; h++) for (let w = w0; w < w1; w++) m[dx + xi + (h * W + w) * C + c] += g;
    }
  });
};

/** avgpoolGrad, then the gradient through the activation before the pool, from its saved value (its output, or its input for gelu and swish). */
export function avgpoolGradActivation(
  m: Arena, dy: number, y: number, dx: number, n: number, H: number, W: number, C: number, OH: number, OW: number,
  PH: number, PW: number, SH: number, SW: number, PT: number, PL: number, act: number, alpha?: number,
): void {
  avgpoolGrad(m, dy, dx, n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL);
  activationGrad(m, y, dx, dx, n * H * W * C, act, alpha);
}

export const maxpool: Pool = (m, x, y, n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL) =>
  windows(n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL, (yo, xi, h0, h1, w0, w1) => {
    for (let c = 0; c < C; c++) {
      let best = -Infinity;
      for (let h = h0; h < h1; h++) for (let w = w0; w < w1; w++) best = Math.max(best, m[x + xi + (h * W + w) * C + c]!);
      m[y + yo + c] = best;
    }
  });

export function maxpoolGrad(
  m: Arena, x: number, dy: number, dx: number, n: number, H: number, W: number, C: number, OH: number, OW: number,
  PH: number, PW: number, SH: number, SW: number, PT: number, PL: number,
): void {
  m.fill(0, dx, dx + n * H * W * C);
  windows(n, H, W, C, OH, OW, PH, PW, SH, SW, PT, PL, (yo, xi, h0, h1, w0, w1) => {
    for (let c = 0; c < C; c++) {
      let best = -Infinity;
      let at = -1;
      for (let h = h0; h < h1; h++) {
        for (let w = w0; w < w1; w++) {
          const o = xi + (h * W + w) * C + c;
          if (m[x + o]! > best) {
            best = m[x + o]!;
            at = o;
          }
        }
      }
      if (at >= 0) m[dx + at] += m[dy + yo + c]!;
    }
  });
}

/** y [n, C] = the mean of each channel of x [n, HW, C] over its HW pixels */
export function globalAvgpool(m: Arena, x: number, y: number, n: number, HW: number, C: number): void {
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < C; c++) {
      let s = 0;
      for (let p = 0; p < HW; p++) s += m[x + (i * HW + p) * C + c]!;
      m[y + i * C + c] = s / HW;
    }
  }
}

export function globalAvgpoolGrad(m: Arena, dy: number, dx: number, n: number, HW: number, C: number): void {
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < C; c++) {
      const g = m[dy + i * C + c]! / HW;
      for (let p = 0; p < HW; p++) m[dx + (i * HW + p) * C + c] = g;
    }
  }
}

export function globalMaxpool(m: Arena, x: number, y: number, n: number, HW: number, C: number): void {
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < C; c++) m[y + i * C + c] = m[firstMax(m, x + i * HW * C + c, HW, C)]!;
  }
}

/** routes each dy to the first maximum of its channel in x */
export function globalMaxpoolGrad(m: Arena, x: number, dy: number, dx: number, n: number, HW: number, C: number): void {
  m.fill(0, dx, dx + n * HW * C);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < C; c++) m[dx + firstMax(m, x + i * HW * C + c, HW, C) - x] = m[dy + i * C + c]!;
  }
}

/** The offset of the first largest of `count` values `step` apart from offset `o`. */
function firstMax(m: Arena, o: number, count: number, step: number): number {
  let at = o;
  for (let p = 1; p < count; p++) if (m[o + p * step]! > m[at]!) at = o + p * step;
  return at;
}
