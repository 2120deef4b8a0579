// Data movement and elementwise arithmetic: add, copies, channel slices, padding, dropout,
// affine and mul; split over threads by index ranges (rows, images or elements), except copy,
// which is one memory.copy.
import { at, lo } from './common';

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

export function affine(x: i32, y: i32, size: i32, scale: f32, shift: f32, t: i32, T: i32): void {
  const i1 = lo(size, t + 1, T);
  for (let i = lo(size, t, T); i < i1; i++) store<f32>(at(y + i), scale * load<f32>(at(x + i)) + shift);
}

export function mul(a: i32, b: i32, y: i32, size: i32, t: i32, T: i32): void {
  const i1 = lo(size, t + 1, T);
  for (let i = lo(size, t, T); i < i1; i++) store<f32>(at(y + i), load<f32>(at(a + i)) * load<f32>(at(b + i)));
}
