/**
 * Reference batch normalization over the last axis of x [rows, C]: the batch statistics, the
 * normalization, its gradients through the statistics, and folding it into the layer before.
 * Sums run in double precision, in row order; γ or β at offset −1 is absent (1 and 0).
 */
import type { Arena } from '../types.js';
import { activateInPlace } from './activation.js';

/** γ/√(variance + ε) of channel c. */
const scaleOf = (m: Arena, variance: number, gamma: number, c: number, epsilon: number) =>
  (gamma < 0 ? 1 : m[gamma + c]!) / Math.sqrt(m[variance + c]! + epsilon);

export function channelMean(m: Arena, x: number, mean: number, rows: number, C: number): void {
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let r = 0; r < rows; r++) s += m[x + r * C + c]!;
    m[mean + c] = s / rows;
  }
}

export function channelVariance(m: Arena, x: number, mean: number, variance: number, rows: number, C: number): void {
  for (let c = 0; c < C; c++) {
    const mu = m[mean + c]!;
    let s = 0;
    for (let r = 0; r < rows; r++) {
      const d = m[x + r * C + c]! - mu;
      s += d * d;
    }
    m[variance + c] = s / rows;
  }
}

export function batchnorm(m: Arena, x: number, mean: number, variance: number, gamma: number, beta: number, y: number, rows: number, C: number, epsilon: number, act: number): void {
  for (let c = 0; c < C; c++) {
    const mu = m[mean + c]!;
    const s = scaleOf(m, variance, gamma, c, epsilon);
    const b = beta < 0 ? 0 : m[beta + c]!;
    for (let r = 0; r < rows; r++) m[y + r * C + c] = (m[x + r * C + c]! - mu) * s + b;
  }
  activateInPlace(m, y, rows * C, act);
}

export function batchnormGradScale(m: Arena, x: number, mean: number, variance: number, dz: number, dscale: number, rows: number, C: number, epsilon: number): void {
  for (let c = 0; c < C; c++) {
    const mu = m[mean + c]!;
    let s = 0;
    for (let r = 0; r < rows; r++) s += m[dz + r * C + c]! * (m[x + r * C + c]! - mu);
    m[dscale + c] = s / Math.sqrt(m[variance + c]! + epsilon);
  }
}

export function batchnormGradInput(
  m: Arena, x: number, mean: number, variance: number, gamma: number, dz: number, dscale: number, dshift: number, dx: number,
  rows: number, C: number, epsilon: number,
): void {
  for (let c = 0; c < C; c++) {
    const mu = m[mean + c]!;
    const r = 1 / Math.sqrt(m[variance + c]! + epsilon);
    const k = (gamma < 0 ? 1 : m[gamma + c]!) * r;
    const shift = m[dshift + c]! / rows;
    const scale = m[dscale + c]! / rows;
    for (let i = 0; i < rows; i++) {
      const at = i * C + c;
      m[dx + at] = k * (m[dz + at]! - shift - (m[x + at]! - mu) * r * scale);
    }
  }
}

export function batchnormFoldWeights(m: Arena, w: number, variance: number, gamma: number, out: number, rows: number, C: number, epsilon: number): void {
  for (let c = 0; c < C; c++) {
    const s = scaleOf(m, variance, gamma, c, epsilon);
    for (let r = 0; r < rows; r++) m[out + r * C + c] = m[w + r * C + c]! * s;
  }
}

export function batchnormFoldBias(m: Arena, b: number, mean: number, variance: number, gamma: number, beta: number, out: number, C: number, epsilon: number): void {
  for (let c = 0; c < C; c++) m[out + c] = ((b < 0 ? 0 : m[b + c]!) - m[mean + c]!) * scaleOf(m, variance, gamma, c, epsilon) + (beta < 0 ? 0 : m[beta + c]!);
}
