/** Reference optimizer updates, in the forms TensorFlow.js's tf.train uses. */
import type { Arena } from '../types.js';

export function sgd(m: Arena, p: number, g: number, size: number, lr: number): void {
  for (let i = 0; i < size; i++) m[p + i] -= lr * m[g + i]!;
}

export function momentum(m: Arena, p: number, g: number, acc: number, size: number, lr: number, mu: number, nesterov: number): void {
  for (let i = 0; i < size; i++) {
    const a = mu * m[acc + i]! + m[g + i]!;
    m[acc + i] = a;
    m[p + i] -= nesterov ? lr * (m[g + i]! + mu * a) : lr * a;
  }
}

export function adam(
  m: Arena, p: number, g: number, mm: number, vv: number, size: number,
  lr: number, beta1: number, beta2: number, epsilon: number, t: number,
): void {
  const c1 = 1 - Math.pow(beta1, t);
  const c2 = 1 - Math.pow(beta2, t);
  for (let i = 0; i < size; i++) {
    const gi = m[g + i]!;
    const mi = beta1 * m[mm + i]! + (1 - beta1) * gi;
    const vi = beta2 * m[vv + i]! + (1 - beta2) * gi * gi;
    m[mm + i] = mi;
    m[vv + i] = vi;
    m[p + i] -= (lr * (mi / c1)) / (Math.sqrt(vi / c2) + epsilon);
  }
}

export function weightDecay(m: Arena, p: number, size: number, lr: number, decay: number): void {
  for (let i = 0; i < size; i++) m[p + i] -= m[p + i]! * decay * lr;
}

export function rmsprop(
  m: Arena, p: number, g: number, ms: number, mg: number, mom: number, size: number,
  lr: number, rho: number, momentum: number, epsilon: number,
): void {
  for (let i = 0; i < size; i++) {
    const gi = m[g + i]!;
    const si = rho * m[ms + i]! + (1 - rho) * gi * gi;
    m[ms + i] = si;
    let denominator = si + epsilon;
    if (mg >= 0) {
      const ai = rho * m[mg + i]! + (1 - rho) * gi;
      m[mg + i] = ai;
      denominator = si - ai * ai + epsilon;
    }
    const increment = (lr * gi) / Math.sqrt(denominator);
    if (mom >= 0) {
      const vi = momentum * m[mom + i]! + increment;
      m[mom + i] = vi;
      m[p + i] -= vi;
    } else m[p + i] -= increment;
  }
}
