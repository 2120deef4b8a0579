/**
 * Reference kernels of the 1998 paper's own layers: trainable subsampling, Euclidean RBF output
 * units, and the MAP loss on their penalties.
 */
import type { Arena } from '../types.js';
import { activateInPlace } from './activation.js';

type Window = [n: number, H: number, W: number, C: number, OH: number, OW: number, PH: number, PW: number, SH: number, SW: number];

/** Calls each(outOffset, inOffset of the window's corner) for every output position; no padding. */
function windows([n, H, W, C, OH, OW, , , SH, SW]: Window, each: (yo: number, corner: number) => void): void {
  for (let i = 0; i < n; i++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) each(((i * OH + oh) * OW + ow) * C, ((i * H + oh * SH) * W + ow * SW) * C);
    }
  }
}

function windowSum(m: Arena, x: number, corner: number, c: number, W: number, C: number, PH: number, PW: number): number {
  let s = 0;
  for (let h = 0; h < PH; h++) for (let w = 0; w < PW; w++) s += m[x + corner + (h * W + w) * C + c]!;
  return s;
}

export function subsample(m: Arena, x: number, coef: number, bias: number, y: number, ...rest: [...Window, number, number?]): void {
  const g = rest.slice(0, 10) as Window;
  const [act, alpha] = [rest[10], rest[11]];
  const [, , W, C, , , PH, PW] = g;
  windows(g, (yo, corner) => {
    for (let c = 0; c < C; c++) m[y + yo + c] = m[coef + c]! * windowSum(m, x, corner, c, W, C, PH, PW) + m[bias + c]!;
    activateInPlace(m, y + yo, C, act, alpha);
  });
}

export function subsampleGradInput(m: Arena, dz: number, coef: number, dx: number, ...g: Window): void {
  const [n, H, W, C, , , PH, PW] = g;
  m.fill(0, dx, dx + n * H * W * C);
  windows(g, (yo, corner) => {
    for (let c = 0; c < C; c++) {
      const v = m[coef + c]! * m[dz + yo + c]!;
      for (let h = 0; h < PH; h++) for (let w = 0; w < PW; w++) m[dx + corner + (h * W + w) * C + c] += v;
    }
  });
}

export function subsampleGradCoef(m: Arena, x: number, dz: number, dcoef: number, ...g: Window): void {
  const [, , W, C, , , PH, PW] = g;
  m.fill(0, dcoef, dcoef + C);
  windows(g, (yo, corner) => {
    for (let c = 0; c < C; c++) m[dcoef + c] += m[dz + yo + c]! * windowSum(m, x, corner, c, W, C, PH, PW);
  });
}

export function rbf(m: Arena, x: number, w: number, y: number, n: number, K: number, U: number): void {
  for (let i = 0; i < n; i++) {
    for (let u = 0; u < U; u++) {
      let s = 0;
      for (let k = 0; k < K; k++) {
        const d = m[x + i * K + k]! - m[w + u * K + k]!;
        s += d * d;
      }
      m[y + i * U + u] = s;
    }
  }
}

export function rbfGradInput(m: Arena, x: number, w: number, dy: number, dx: number, n: number, K: number, U: number): void {
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < K; k++) {
      const xv = m[x + i * K + k]!;
      let s = 0;
      for (let u = 0; u < U; u++) s += 2 * m[dy + i * U + u]! * (xv - m[w + u * K + k]!);
      m[dx + i * K + k] = s;
    }
  }
}

/** log(e^−j + Σ_c e^−y_c), computed around the smallest of j and the penalties so nothing overflows. */
function logSumExpNeg(m: Arena, y: number, C: number, j: number): number {
  let low = j;
  for (let c = 0; c < C; c++) low = Math.min(low, m[y + c]!);
  let s = Math.exp(low - j);
  for (let c = 0; c < C; c++) s += Math.exp(low - m[y + c]!);
  return -low + Math.log(s);
}

export function rbfMap(m: Arena, y: number, t: number, loss: number, n: number, C: number, j: number): void {
  let s = 0;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < C; c++) s += m[t + i * C + c]! * m[y + i * C + c]!;
    s += logSumExpNeg(m, y + i * C, C, j);
  }
  m[loss] = s / n;
}

export function rbfMapGrad(m: Arena, y: number, t: number, dy: number, n: number, C: number, j: number): void {
  for (let i = 0; i < n; i++) {
    const lse = logSumExpNeg(m, y + i * C, C, j);
    for (let c = 0; c < C; c++) m[dy + i * C + c] = (m[t + i * C + c]! - Math.exp(-m[y + i * C + c]! - lse)) / n;
  }
}
