/**
 * Reference activations. Gradients are computed from the activation's output y where the
 * function allows it, so a fused conv + tanh needs to keep only its output: dtanh = 1 − y²;
 * gelu and swish, whose derivative y does not determine, get their input x instead.
 */
import { Act, type Arena } from '../types.js';
import { normalCdf, normalPdf } from './erf.js';

/** 1.7159·tanh(2x/3): LeCun et al. (1998), appendix A. */
export const SCALED_TANH_A = 1.7159;
export const SCALED_TANH_S = 2 / 3;

export function activateInPlace(m: Arena, o: number, size: number, act: number, alpha?: number): void {
  if (act !== Act.linear) activation(m, o, o, size, act, alpha);
}

/** leaky_relu's and elu's alpha, which generated code always passes to them. */
function alphaFor(act: number, alpha: number | undefined): number {
  if (alpha === undefined) throw new Error(`activation code ${act} needs its alpha`);
  return alpha;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

export function activation(m: Arena, x: number, y: number, size: number, act: number, alpha?: number): void {
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
    case Act.leaky_relu: {
      const a = alphaFor(act, alpha);
      for (let i = 0; i < size; i++) {
        const v = m[x + i]!;
        m[y + i] = v > 0 ? v : a * v;
      }
      return;
    }
    case Act.elu: {
      const a = alphaFor(act, alpha);
      for (let i = 0; i < size; i++) {
        const v = m[x + i]!;
        m[y + i] = v > 0 ? v : a * Math.expm1(v);
      }
      return;
    }
    case Act.gelu:
      for (let i = 0; i < size; i++) m[y + i] = m[x + i]! * normalCdf(m[x + i]!);
      return;
    case Act.swish:
      for (let i = 0; i < size; i++) m[y + i] = m[x + i]! * sigmoid(m[x + i]!);
      return;
    case Act.softplus:
      // log(1 + e^x) = max(x, 0) + log(1 + e^−|x|): e^x never overflows, and log1p keeps
      // the tiny values of large negative x
      for (let i = 0; i < size; i++) {
        const v = m[x + i]!;
        m[y + i] = Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
      }
      return;
    default:
      throw new Error(`unknown activation code ${act}`);
  }
}

/** dx = dy · act'(x), from `saved`: the output y, or the input x for gelu and swish. */
export function activationGrad(m: Arena, y: number, dy: number, dx: number, size: number, act: number, alpha?: number): void {
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
    case Act.leaky_relu: {
      // y > 0 exactly where x > 0, as alpha ≥ 0 (the schema's minimum)
      const a = alphaFor(act, alpha);
      for (let i = 0; i < size; i++) m[dx + i] = m[y + i]! > 0 ? m[dy + i]! : a * m[dy + i]!;
      return;
    }
    case Act.elu: {
      // below zero y = alpha·(e^x − 1), so y' = alpha·e^x = y + alpha
      const a = alphaFor(act, alpha);
      for (let i = 0; i < size; i++) m[dx + i] = m[y + i]! > 0 ? m[dy + i]! : m[dy + i]! * (m[y + i]! + a);
      return;
    }
    case Act.gelu:
      // from x: (x·Φ(x))' = Φ(x) + x·φ(x)
      for (let i = 0; i < size; i++) {
        const v = m[y + i]!;
        m[dx + i] = m[dy + i]! * (normalCdf(v) + v * normalPdf(v));
      }
      return;
    case Act.swish:
      // from x: (x·s(x))' = s + x·s·(1 − s)
      for (let i = 0; i < size; i++) {
        const v = m[y + i]!;
        const s = sigmoid(v);
        m[dx + i] = m[dy + i]! * s * (1 + v * (1 - s));
      }
      return;
    case Act.softplus:
      // y' = sigmoid(x) = 1 − e^−y
      for (let i = 0; i < size; i++) m[dx + i] = m[dy + i]! * -Math.expm1(-m[y + i]!);
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
