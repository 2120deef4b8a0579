// Losses and their gradients over [n, C] rows; small (n·C is the batch times the classes), so
// they run on one thread.
import { at } from './common';

const EPS: f32 = 1e-7;

export function crossEntropy(p: i32, tt: i32, loss: i32, n: i32, C: i32): void {
  let s: f64 = 0;
  for (let i = 0; i < n * C; i++) {
    const tv = load<f32>(at(tt + i));
    if (tv != 0) s -= <f64>tv * Math.log(<f64>Mathf.min(Mathf.max(load<f32>(at(p + i)), EPS), 1 - EPS));
  }
  store<f32>(at(loss), <f32>(s / <f64>n));
}

export function crossEntropyGrad(p: i32, tt: i32, dp: i32, n: i32, C: i32): void {
  for (let i = 0; i < n * C; i++) {
    const pv = load<f32>(at(p + i));
    store<f32>(at(dp + i), pv > EPS && pv < 1 - EPS ? -load<f32>(at(tt + i)) / pv / <f32>n : 0);
  }
}

export function mse(p: i32, tt: i32, loss: i32, n: i32, C: i32): void {
  let s: f64 = 0;
  for (let i = 0; i < n * C; i++) {
    const d = <f64>(load<f32>(at(p + i)) - load<f32>(at(tt + i)));
    s += d * d;
  }
  store<f32>(at(loss), <f32>(s / <f64>(n * C)));
}

export function mseGrad(p: i32, tt: i32, dp: i32, n: i32, C: i32): void {
  const k: f32 = 2.0 / <f32>(n * C);
  for (let i = 0; i < n * C; i++) store<f32>(at(dp + i), k * (load<f32>(at(p + i)) - load<f32>(at(tt + i))));
}

// @ts-ignore: decorator
@inline function logSumExp(z: i32, C: i32): f64 {
  let max: f64 = -Infinity;
  for (let c = 0; c < C; c++) max = Math.max(max, <f64>load<f32>(at(z + c)));
  let s: f64 = 0;
  for (let c = 0; c < C; c++) s += Math.exp(<f64>load<f32>(at(z + c)) - max);
  return max + Math.log(s);
}

export function softmaxCrossEntropy(z: i32, tt: i32, loss: i32, n: i32, C: i32): void {
  let s: f64 = 0;
  for (let i = 0; i < n; i++) {
    const lse = logSumExp(z + i * C, C);
    for (let c = 0; c < C; c++) s += <f64>load<f32>(at(tt + i * C + c)) * (lse - <f64>load<f32>(at(z + i * C + c)));
  }
  store<f32>(at(loss), <f32>(s / <f64>n));
}

export function softmaxCrossEntropyGrad(z: i32, tt: i32, dz: i32, n: i32, C: i32): void {
  for (let i = 0; i < n; i++) {
    const o = i * C;
    const lse = logSumExp(z + o, C);
    let tsum: f64 = 0;
    for (let c = 0; c < C; c++) tsum += <f64>load<f32>(at(tt + o + c));
    for (let c = 0; c < C; c++) {
      const pc = Math.exp(<f64>load<f32>(at(z + o + c)) - lse);
      store<f32>(at(dz + o + c), <f32>((pc * tsum - <f64>load<f32>(at(tt + o + c))) / <f64>n));
    }
  }
}

export function countCorrect(scores: i32, tt: i32, n: i32, C: i32): i32 {
  let correct = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    let label = 0;
    for (let c = 1; c < C; c++) {
      if (load<f32>(at(scores + i * C + c)) > load<f32>(at(scores + i * C + best))) best = c;
      if (load<f32>(at(tt + i * C + c)) > load<f32>(at(tt + i * C + label))) label = c;
    }
    if (best == label) correct++;
  }
  return correct;
}

// Summed in float64, as the reference sums: one pass over a layer's weights per step.
export function l2Penalty(w: i32, loss: i32, size: i32, l2: f64): void {
  let s: f64 = 0;
  for (let i = 0; i < size; i++) {
    const wi = <f64>load<f32>(at(w + i));
    s += wi * wi;
  }
  store<f32>(at(loss), <f32>(l2 * s));
}
