/** Reference fully connected layer: y = act(x·w + b), and its two gradients. */
import type { Arena } from '../types.js';
import { activateInPlace } from './activation.js';

export function dense(m: Arena, x: number, w: number, b: number, y: number, n: number, K: number, U: number, act: number, alpha?: number): void {
  for (let i = 0; i < n; i++) {
    const yo = y + i * U;
    for (let u = 0; u < U; u++) m[yo + u] = m[b + u]!;
    for (let k = 0; k < K; k++) {
      const xv = m[x + i * K + k]!;
      const wr = w + k * U;
      for (let u = 0; u < U; u++) m[yo + u] += xv * m[wr + u]!;
    }
    activateInPlace(m, yo, U, act, alpha);
  }
}

export function denseGradInput(m: Arena, dz: number, w: number, dx: number, n: number, K: number, U: number): void {
  for (let i = 0; i < n; i++) {
    const zo = dz + i * U;
    for (let k = 0; k < K; k++) {
      const wr = w + k * U;
      let s = 0;
      for (let u = 0; u < U; u++) s += m[zo + u]! * m[wr + u]!;
      m[dx + i * K + k] = s;
    }
  }
}

export function denseGradWeight(m: Arena, x: number, dz: number, dw: number, n: number, K: number, U: number): void {
  m.fill(0, dw, dw + K * U);
  for (let i = 0; i < n; i++) {
    const zo = dz + i * U;
    for (let k = 0; k < K; k++) {
      const xv = m[x + i * K + k]!;
      const wr = dw + k * U;
      for (let u = 0; u < U; u++) m[wr + u] += xv * m[zo + u]!;
    }
  }
}
