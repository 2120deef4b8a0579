/** Reference losses, averaged over the batch as Keras averages, and their gradients. */
import type { Arena } from '../types.js';

/** Keras clips probabilities to [ε, 1 − ε] before the logarithm. */
export const CLIP_EPSILON = 1e-7;

export function crossEntropy(m: Arena, p: number, t: number, loss: number, n: number, C: number): void {
  let s = 0;
  for (let i = 0; i < n * C; i++) {
    const tv = m[t + i]!;
    if (tv !== 0) s -= tv * Math.log(Math.min(Math.max(m[p + i]!, CLIP_EPSILON), 1 - CLIP_EPSILON));
  }
  m[loss] = s / n;
}

export function crossEntropyGrad(m: Arena, p: number, t: number, dp: number, n: number, C: number): void {
  for (let i = 0; i < n * C; i++) {
    const pv = m[p + i]!;
    const inside = pv > CLIP_EPSILON && pv < 1 - CLIP_EPSILON;
    m[dp + i] = inside ? -m[t + i]! / pv / n : 0;
  }
}

export function mse(m: Arena, p: number, t: number, loss: number, n: number, C: number): void {
  let s = 0;
  for (let i = 0; i < n * C; i++) {
    const d = m[p + i]! - m[t + i]!;
    s += d * d;
  }
  m[loss] = s / (n * C);
}

export function mseGrad(m: Arena, p: number, t: number, dp: number, n: number, C: number): void {
  const k = 2 / (n * C);
  for (let i = 0; i < n * C; i++) m[dp + i] = k * (m[p + i]! - m[t + i]!);
}

/** log Σ e^z of one row, shifted by its maximum so that no exponential overflows. */
function logSumExp(m: Arena, z: number, C: number): number {
  let max = -Infinity;
  for (let c = 0; c < C; c++) max = Math.max(max, m[z + c]!);
  let s = 0;
  for (let c = 0; c < C; c++) s += Math.exp(m[z + c]! - max);
  return max + Math.log(s);
}

export function softmaxCrossEntropy(m: Arena, z: number, t: number, loss: number, n: number, C: number): void {
  let s = 0;
  for (let i = 0; i < n; i++) {
    const lse = logSumExp(m, z + i * C, C);
    for (let c = 0; c < C; c++) s += m[t + i * C + c]! * (lse - m[z + i * C + c]!);
  }
  m[loss] = s / n;
}

export function softmaxCrossEntropyGrad(m: Arena, z: number, t: number, dz: number, n: number, C: number): void {
  for (let i = 0; i < n; i++) {
    const o = i * C;
    const lse = logSumExp(m, z + o, C);
    let tsum = 0;
    for (let c = 0; c < C; c++) tsum += m[t + o + c]!;
    for (let c = 0; c < C; c++) m[dz + o + c] = (Math.exp(m[z + o + c]! - lse) * tsum - m[t + o + c]!) / n;
  }
}

export function countCorrect(m: Arena, scores: number, t: number, n: number, C: number): number {
  let correct = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    let label = 0;
    for (let c = 1; c < C; c++) {
      if (m[scores + i * C + c]! > m[scores + i * C + best]!) best = c;
      if (m[t + i * C + c]! > m[t + i * C + label]!) label = c;
    }
    if (best === label) correct++;
  }
  return correct;
}

export function l2Penalty(m: Arena, w: number, loss: number, size: number, l2: number): void {
  let s = 0;
  for (let i = 0; i < size; i++) s += m[w + i]! * m[w + i]!;
  m[loss] = l2 * s;
}
