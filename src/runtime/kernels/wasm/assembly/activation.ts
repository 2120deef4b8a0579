// Activations and softmax, with their gradients. The elementwise ones split over threads by
// index ranges (whole vectors per thread); softmax is over [rows, cols] of the batch times the
// classes, small, so it runs on one thread.
import { at, lo } from './common';
import { ACT_SIGMOID, activateGradLater, activateLater, vactCore, vactGradCore } from './math';

export function activation(x: i32, y: i32, size: i32, act: i32, alpha: f32, t: i32, T: i32): void {
  const a = lo(size, t, T) & ~3;
  const b = t == T - 1 ? size : lo(size, t + 1, T) & ~3;
  if (act > ACT_SIGMOID) return activateLater(x + a, y + a, b - a, act, alpha);
  let i = a;
  for (; i + 4 <= b; i += 4) v128.store(at(y + i), vactCore(v128.load(at(x + i)), act));
  for (; i < b; i++) {
    const v = vactCore(f32x4.splat(load<f32>(at(x + i))), act);
    store<f32>(at(y + i), f32x4.extract_lane(v, 0));
  }
}

/** y is the activation's saved value: its output, or its input for gelu and swish (see vactGrad). */
export function activationGrad(y: i32, dy: i32, dx: i32, size: i32, act: i32, alpha: f32, t: i32, T: i32): void {
  const a = lo(size, t, T) & ~3;
  const b = t == T - 1 ? size : lo(size, t + 1, T) & ~3;
  if (act > ACT_SIGMOID) return activateGradLater(y + a, dy + a, dx + a, b - a, act, alpha);
  let i = a;
  for (; i + 4 <= b; i += 4) v128.store(at(dx + i), vactGradCore(v128.load(at(y + i)), v128.load(at(dy + i)), act));
  for (; i < b; i++) {
    const v = vactGradCore(f32x4.splat(load<f32>(at(y + i))), f32x4.splat(load<f32>(at(dy + i))), act);
    store<f32>(at(dx + i), f32x4.extract_lane(v, 0));
  }
}

export function softmax(x: i32, y: i32, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const xo = x + r * cols;
    const yo = y + r * cols;
    let max: f32 = -Infinity;
    for (let c = 0; c < cols; c++) max = Mathf.max(max, load<f32>(at(xo + c)));
    let sum: f32 = 0;
    for (let c = 0; c < cols; c++) {
      const e = Mathf.exp(load<f32>(at(xo + c)) - max);
      store<f32>(at(yo + c), e);
      sum += e;
    }
    for (let c = 0; c < cols; c++) store<f32>(at(yo + c), load<f32>(at(yo + c)) / sum);
  }
}

export function softmaxGrad(y: i32, dy: i32, dx: i32, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let dot: f32 = 0;
    for (let c = 0; c < cols; c++) dot += load<f32>(at(dy + o + c)) * load<f32>(at(y + o + c));
    for (let c = 0; c < cols; c++) store<f32>(at(dx + o + c), load<f32>(at(y + o + c)) * (load<f32>(at(dy + o + c)) - dot));
  }
}
