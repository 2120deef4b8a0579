/**
 * Reference 2-D convolution, forward and both gradients, plain and dilated (taps DH rows and DW
 * columns apart), and depthwise convolution: direct loops over NHWC data, the correctness
 * baseline that faster kernels are tested against.
 */
import type { Arena } from '../types.js';
import { activateInPlace } from './activation.js';

/** b is −1 for a convolution without a bias. */
export function conv2d(
  m: Arena, x: number, w: number, b: number, y: number,
  n: number, H: number, W: number, C: number, OH: number, OW: number, F: number,
  KH: number, KW: number, SH: number, SW: number, PT: number, PL: number, act: number, alpha?: number,
): void {
  conv2dDilated(m, x, w, b, y, n, H, W, C, OH, OW, F, KH, KW, SH, SW, PT, PL, 1, 1, act, alpha);
}

export function conv2dDilated(
  m: Arena, x: number, w: number, b: number, y: number,
  n: number, H: number, W: number, C: number, OH: number, OW: number, F: number,
  KH: number, KW: number, SH: number, SW: number, PT: number, PL: number, DH: number, DW: number, act: number, alpha?: number,
): void {
  for (let i = 0; i < n; i++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const yo = y + ((i * OH + oh) * OW + ow) * F;
        for (let f = 0; f < F; f++) m[yo + f] = b < 0 ? 0 : m[b + f]!;
        for (let kh = 0; kh < KH; kh++) {
          const ih = oh * SH - PT + kh * DH;
          if (ih < 0 || ih >= H) continue;
          for (let kw = 0; kw < KW; kw++) {
            const iw = ow * SW - PL + kw * DW;
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
        activateInPlace(m, yo, F, act, alpha);
      }
    }
  }
}

export function conv2dGradInput(
  m: Arena, dz: number, w: number, dx: number,
  n: number, H: number, W: number, C: number, OH: number, OW: number, F: number,
  KH: number, KW: number, SH: number, SW: number, PT: number, PL: number,
): void {
  conv2dDilatedGradInput(m, dz, w, dx, n, H, W, C, OH, OW, F, KH, KW, SH, SW, PT, PL, 1, 1);
}

export function conv2dDilatedGradInput(
  m: Arena, dz: number, w: number, dx: number,
  n: number, H: number, W: number, C: number, OH: number, OW: number, F: number,
  KH: number, KW: number, SH: number, SW: number, PT: number, PL: number, DH: number, DW: number,
): void {
  m.fill(0, dx, dx + n * H * W * C);
  for (let i = 0; i < n; i++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const zo = dz + ((i * OH + oh) * OW + ow) * F;
        for (let kh = 0; kh < KH; kh++) {
          const ih = oh * SH - PT + kh * DH;
          if (ih < 0 || ih >= H) continue;
          for (let kw = 0; kw < KW; kw++) {
            const iw = ow * SW - PL + kw * DW;
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
  conv2dDilatedGradFilter(m, x, dz, dw, n, H, W, C, OH, OW, F, KH, KW, SH, SW, PT, PL, 1, 1);
}

export function conv2dDilatedGradFilter(
  m: Arena, x: number, dz: number, dw: number,
  n: number, H: number, W: number, C: number, OH: number, OW: number, F: number,
  KH: number, KW: number, SH: number, SW: number, PT: number, PL: number, DH: number, DW: number,
): void {
  m.fill(0, dw, dw + KH * KW * C * F);
  for (let i = 0; i < n; i++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const zo = dz + ((i * OH + oh) * OW + ow) * F;
        for (let kh = 0; kh < KH; kh++) {
          const ih = oh * SH - PT + kh * DH;
          if (ih < 0 || ih >= H) continue;
          for (let kw = 0; kw < KW; kw++) {
            const iw = ow * SW - PL + kw * DW;
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

/**
 * Depthwise convolution: y[.., c·M + m] = act(Σ over the window of x[.., c] · w[kh, kw, c, m] + b[c·M + m]),
 * w [KH, KW, C, M], y [n, OH, OW, C·M]; b is −1 without a bias.
 */
export function depthwiseConv2d(
  m: Arena, x: number, w: number, b: number, y: number,
  n: number, H: number, W: number, C: number, OH: number, OW: number, M: number,
  KH: number, KW: number, SH: number, SW: number, PT: number, PL: number, act: number, alpha?: number,
): void {
  const CM = C * M;
  depthwiseTaps(n, H, W, C, OH, OW, M, KH, KW, SH, SW, PT, PL, (yo, xo, wo, first) => {
    if (first) for (let o = 0; o < CM; o++) m[y + yo + o] = b < 0 ? 0 : m[b + o]!;
    if (xo < 0) return;
    for (let c = 0; c < C; c++) {
      const xv = m[x + xo + c]!;
      for (let j = c * M; j < c * M + M; j++) m[y + yo + j] += xv * m[w + wo + j]!;
    }
  }, (yo) => activateInPlace(m, y + yo, CM, act, alpha));
}

export function depthwiseConv2dGradInput(
  m: Arena, dz: number, w: number, dx: number,
  n: number, H: number, W: number, C: number, OH: number, OW: number, M: number,
  KH: number, KW: number, SH: number, SW: number, PT: number, PL: number,
): void {
  m.fill(0, dx, dx + n * H * W * C);
  depthwiseTaps(n, H, W, C, OH, OW, M, KH, KW, SH, SW, PT, PL, (zo, xo, wo) => {
    if (xo < 0) return;
    for (let c = 0; c < C; c++) {
      let s = 0;
      for (let j = c * M; j < c * M + M; j++) s += m[dz + zo + j]! * m[w + wo + j]!;
      m[dx + xo + c] += s;
    }
  });
}

export function depthwiseConv2dGradFilter(
  m: Arena, x: number, dz: number, dw: number,
  n: number, H: number, W: number, C: number, OH: number, OW: number, M: number,
  KH: number, KW: number, SH: number, SW: number, PT: number, PL: number,
): void {
  m.fill(0, dw, dw + KH * KW * C * M);
  depthwiseTaps(n, H, W, C, OH, OW, M, KH, KW, SH, SW, PT, PL, (zo, xo, wo) => {
    if (xo < 0) return;
    for (let c = 0; c < C; c++) {
      const xv = m[x + xo + c]!;
      for (let j = c * M; j < c * M + M; j++) m[dw + wo + j] += xv * m[dz + zo + j]!;
    }
  });
}

/**
 * For each output pixel (its offset yo in an [n, OH, OW, C·M] tensor) and each tap of its window,
 * in order: `tap(yo, xo, wo, first)` with the input pixel's offset xo in [n, H, W, C] (−1 where
 * the tap falls in the padding) and the tap's offset wo in [KH, KW, C·M]; then `done(yo)`.
 */
function depthwiseTaps(
  n: number, H: number, W: number, C: number, OH: number, OW: number, M: number,
  KH: number, KW: number, SH: number, SW: number, PT: number, PL: number,
  tap: (yo: number, xo: number, wo: number, first: boolean) => void,
  done?: (yo: number) => void,
): void {
  for (let i = 0; i < n; i++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const yo = ((i * OH + oh) * OW + ow) * C * M;
        for (let kh = 0; kh < KH; kh++) {
          const ih = oh * SH - PT + kh;
          for (let kw = 0; kw < KW; kw++) {
            const iw = ow * SW - PL + kw;
            const inside = ih >= 0 && ih < H && iw >= 0 && iw < W;
            tap(yo, inside ? ((i * H + ih) * W + iw) * C : -1, (kh * KW + kw) * C * M, kh === 0 && kw === 0);
          }
        }
        done?.(yo);
      }
    }
  }
}
