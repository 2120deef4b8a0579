// Elementwise kernels over `size` floats, split over threads by index ranges.
import { at, lo } from './common';
import { vact, vactGrad } from './math';

export function activation(x: i32, y: i32, size: i32, act: i32, t: i32, T: i32): void {
  const a = lo(size, t, T) & ~3;
  const b = t == T - 1 ? size : lo(size, t + 1, T) & ~3;
  let i = a;
  for (; i + 4 <= b; i += 4) v128.store(at(y + i), vact(v128.load(at(x + i)), act));
  for (; i < b; i++) {
    const v = vact(f32x4.splat(load<f32>(at(x + i))), act);
    store<f32>(at(y + i), f32x4.extract_lane(v, 0));
  }
}

export function activationGrad(y: i32, dy: i32, dx: i32, size: i32, act: i32, t: i32, T: i32): void {
  const a = lo(size, t, T) & ~3;
  const b = t == T - 1 ? size : lo(size, t + 1, T) & ~3;
  let i = a;
  for (; i + 4 <= b; i += 4) v128.store(at(dx + i), vactGrad(v128.load(at(y + i)), v128.load(at(dy + i)), act));
  for (; i < b; i++) {
    const v = vactGrad(f32x4.splat(load<f32>(at(y + i))), f32x4.splat(load<f32>(at(dy + i))), act);
    store<f32>(at(dx + i), f32x4.extract_lane(v, 0));
  }
}

export function add(a0: i32, b0: i32, y: i32, size: i32, t: i32, T: i32): void {
  const a = lo(size, t, T) & ~3;
  const b = t == T - 1 ? size : lo(size, t + 1, T) & ~3;
  let i = a;
  for (; i + 4 <= b; i += 4) v128.store(at(y + i), f32x4.add(v128.load(at(a0 + i)), v128.load(at(b0 + i))));
  for (; i < b; i++) store<f32>(at(y + i), load<f32>(at(a0 + i)) + load<f32>(at(b0 + i)));
}

export function copy(x: i32, y: i32, size: i32): void {
  if (x != y) memory.copy(at(y), at(x), <usize>size << 2);
}

export function copyChannels(x: i32, y: i32, rows: i32, cIn: i32, cOut: i32, offset: i32, t: i32, T: i32): void {
  const r1 = lo(rows, t + 1, T);
  for (let r = lo(rows, t, T); r < r1; r++) memory.copy(at(y + r * cOut + offset), at(x + r * cIn), <usize>cIn << 2);
}

export function sliceChannels(dy: i32, dx: i32, rows: i32, cIn: i32, cOut: i32, offset: i32, t: i32, T: i32): void {
  const r1 = lo(rows, t + 1, T);
  for (let r = lo(rows, t, T); r < r1; r++) memory.copy(at(dx + r * cIn), at(dy + r * cOut + offset), <usize>cIn << 2);
}

export function pad(x: i32, y: i32, n: i32, H: i32, W: i32, C: i32, PT: i32, PB: i32, PL: i32, PR: i32, t: i32, T: i32): void {
  const OH = H + PT + PB;
  const OW = W + PL + PR;
  const i1 = lo(n, t + 1, T);
  for (let i = lo(n, t, T); i < i1; i++) {
    memory.fill(at(y + i * OH * OW * C), 0, <usize>(OH * OW * C) << 2);
    for (let h = 0; h < H; h++) memory.copy(at(y + ((i * OH + h + PT) * OW + PL) * C), at(x + (i * H + h) * W * C), <usize>(W * C) << 2);
  }
}

export function padGrad(dy: i32, dx: i32, n: i32, H: i32, W: i32, C: i32, PT: i32, PB: i32, PL: i32, PR: i32, t: i32, T: i32): void {
  const OH = H + PT + PB;
  const OW = W + PL + PR;
  const i1 = lo(n, t + 1, T);
  for (let i = lo(n, t, T); i < i1; i++) {
    for (let h = 0; h < H; h++) memory.copy(at(dx + (i * H + h) * W * C), at(dy + ((i * OH + h + PT) * OW + PL) * C), <usize>(W * C) << 2);
  }
}

/** The same counter-based hash as the reference kernel's dropoutUniform. */
// @ts-ignore: decorator
@inline function uniform(seed: u32, salt: u32, index: u32): f32 {
  let h: u32 = seed ^ (salt * 0x9e3779b9) ^ (index * 0x85ebca6b);
  h ^= h >> 16;
  h *= 0x7feb352d;
  h ^= h >> 15;
  h *= 0x846ca68b;
  h ^= h >> 16;
  return <f32>(h >> 8) / 16777216.0;
}

export function dropout(x: i32, y: i32, size: i32, rate: f32, seed: u32, salt: u32, t: i32, T: i32): void {
  const scale: f32 = 1.0 / (1.0 - rate);
  const i1 = lo(size, t + 1, T);
  for (let i = lo(size, t, T); i < i1; i++) {
    store<f32>(at(y + i), uniform(seed, salt, <u32>i) < rate ? 0 : load<f32>(at(x + i)) * scale);
  }
}

export function sgd(p: i32, g: i32, size: i32, lr: f32, t: i32, T: i32): void {
  const a = lo(size, t, T) & ~3;
  const b = t == T - 1 ? size : lo(size, t + 1, T) & ~3;
  const vlr = f32x4.splat(lr);
  let i = a;
  for (; i + 4 <= b; i += 4) v128.store(at(p + i), f32x4.sub(v128.load(at(p + i)), f32x4.mul(vlr, v128.load(at(g + i)))));
  for (; i < b; i++) store<f32>(at(p + i), load<f32>(at(p + i)) - lr * load<f32>(at(g + i)));
}

export function momentum(p: i32, g: i32, acc: i32, size: i32, lr: f32, mu: f32, nesterov: i32, t: i32, T: i32): void {
  const i1 = lo(size, t + 1, T);
  for (let i = lo(size, t, T); i < i1; i++) {
    const gi = load<f32>(at(g + i));
    const a = mu * load<f32>(at(acc + i)) + gi;
    store<f32>(at(acc + i), a);
    store<f32>(at(p + i), load<f32>(at(p + i)) - (nesterov ? lr * (gi + mu * a) : lr * a));
  }
}

export function adam(p: i32, g: i32, m: i32, v: i32, size: i32, lr: f32, beta1: f32, beta2: f32, epsilon: f32, step: f64, t: i32, T: i32): void {
  const c1 = <f32>(1.0 - Math.pow(<f64>beta1, step));
  const c2 = <f32>(1.0 - Math.pow(<f64>beta2, step));
  const a = lo(size, t, T) & ~3;
  const b = t == T - 1 ? size : lo(size, t + 1, T) & ~3;
  const vb1 = f32x4.splat(beta1);
  const vb2 = f32x4.splat(beta2);
  const v1b1 = f32x4.splat(1.0 - beta1);
  const v1b2 = f32x4.splat(1.0 - beta2);
  const vlr = f32x4.splat(lr);
  const vc1 = f32x4.splat(c1);
  const vc2 = f32x4.splat(c2);
  const veps = f32x4.splat(epsilon);
  let i = a;
  for (; i + 4 <= b; i += 4) {
    const gi = v128.load(at(g + i));
    const mi = f32x4.add(f32x4.mul(vb1, v128.load(at(m + i))), f32x4.mul(v1b1, gi));
    const vi = f32x4.add(f32x4.mul(vb2, v128.load(at(v + i))), f32x4.mul(v1b2, f32x4.mul(gi, gi)));
    v128.store(at(m + i), mi);
    v128.store(at(v + i), vi);
    const step_ = f32x4.div(f32x4.mul(vlr, f32x4.div(mi, vc1)), f32x4.add(f32x4.sqrt(f32x4.div(vi, vc2)), veps));
    v128.store(at(p + i), f32x4.sub(v128.load(at(p + i)), step_));
  }
  for (; i < b; i++) {
    const gi = load<f32>(at(g + i));
    const mi = beta1 * load<f32>(at(m + i)) + (1 - beta1) * gi;
    const vi = beta2 * load<f32>(at(v + i)) + (1 - beta2) * gi * gi;
    store<f32>(at(m + i), mi);
    store<f32>(at(v + i), vi);
    store<f32>(at(p + i), load<f32>(at(p + i)) - (lr * (mi / c1)) / (Mathf.sqrt(vi / c2) + epsilon));
  }
}
