/**
 * Reference activations. Gradients are computed from the activation's output y (all of these
 * functions allow it), so a fused conv + tanh needs to keep only its output: dtanh = 1 − y².
 */
import { Act, type Arena } from '../types.js';

/** 1.7159·tanh(2x/3): LeCun et al. (1998), appendix A. */
export const SCALED_TANH_A = 1.7159;
export const SCALED_TANH_S = 2 / 3;

export function activateInPlace(m: Arena, o: number, size: number, act: number): void {
  if (act !== Act.linear) activation(m, o, o, size, act);
}

export function activation(m: Arena, x: number, y: number, size: number, act: number): void {
  switch (act) {
    case Act.linear:
      if (x !== y) m.copyWithin(y, x, x + size);
      return;
    case Act.tanh:
      for (let i = 0; i < size; i++) m[y + i] = Math.tanh(m[x + i]!);
      return;
    case Act.scaled_tanh:
      for (let i = 0; i < size; i++) m[y + i] = SCALED_TANH_A * Math.tanh(SCALED_TANH_S * m[x + i]!);
      return;
    case Act.relu:
      for (let i = 0; i < size; i++) m[y + i] = Math.max(0, m[x + i]!);
      return;
    case Act.sigmoid:
      for (let i = 0; i < size; i++) m[y + i] = 1 / (1 + Math.exp(-m[x + i]!));
      return;
    default:
      throw new Error(`unknown activation code ${act}`);
  }
}

export function activationGrad(m: Arena, y: number, dy: number, dx: number, size: number, act: number): void {
  switch (act) {
    case Act.linear:
      if (dy !== dx) m.copyWithin(dx, dy, dy + size);
      return;
    case Act.tanh:
      for (let i = 0; i < size; i++) {
        const v = m[y + i]!;
        m[dx + i] = m[dy + i]! * (1 - v * v);
      }
      return;
    case Act.scaled_tanh: {
      const k = SCALED_TANH_A * SCALED_TANH_S;
      for (let i = 0; i < size; i++) {
        const t = m[y + i]! / SCALED_TANH_A;
        m[dx + i] = m[dy + i]! * k * (1 - t * t);
      }
      return;
    }
    case Act.relu:
      for (let i = 0; i < size; i++) m[dx + i] = m[y + i]! > 0 ? m[dy + i]! : 0;
      return;
    case Act.sigmoid:
      for (let i = 0; i < size; i++) {
        const v = m[y + i]!;
        m[dx + i] = m[dy + i]! * v * (1 - v);
      }
      return;
    default:
      throw new Error(`unknown activation code ${act}`);
  }
}

export function softmax(m: Arena, x: number, y: number, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const xo = x + r * cols;
    const yo = y + r * cols;
    let max = -Infinity;
    for (let c = 0; c < cols; c++) max = Math.max(max, m[xo + c]!);
    let sum = 0;
    for (let c = 0; c < cols; c++) {
      const e = Math.exp(m[xo + c]! - max);
      m[yo + c] = e;
      sum += e;
    }
    for (let c = 0; c < cols; c++) m[yo + c] /= sum;
  }
}

export function softmaxGrad(m: Arena, y: number, dy: number, dx: number, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let dot = 0;
    for (let c = 0; c < cols; c++) dot += m[dy + o + c]! * m[y + o + c]!;
    for (let c = 0; c < cols; c++) m[dx + o + c] = m[y + o + c]! * (m[dy + o + c]! - dot);
  }
}
