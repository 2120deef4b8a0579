/** Reference data movement and elementwise arithmetic: add, copies, channel slices, padding, dropout. */
import type { Arena } from '../types.js';

export function add(m: Arena, a: number, b: number, y: number, size: number): void {
  for (let i = 0; i < size; i++) m[y + i] = m[a + i]! + m[b + i]!;
}

export function copy(m: Arena, x: number, y: number, size: number): void {
  if (x !== y) m.copyWithin(y, x, x + size);
}

export function copyChannels(m: Arena, x: number, y: number, rows: number, cIn: number, cOut: number, offset: number): void {
  for (let r = 0; r < rows; r++) m.copyWithin(y + r * cOut + offset, x + r * cIn, x + (r + 1) * cIn);
}

export function sliceChannels(m: Arena, dy: number, dx: number, rows: number, cIn: number, cOut: number, offset: number): void {
  for (let r = 0; r < rows; r++) m.copyWithin(dx + r * cIn, dy + r * cOut + offset, dy + r * cOut + offset + cIn);
}

export function pad(m: Arena, x: number, y: number, n: number, H: number, W: number, C: number, PT: number, PB: number, PL: number, PR: number): void {
  const OH = H + PT + PB;
  const OW = W + PL + PR;
  m.fill(0, y, y + n * OH * OW * C);
  for (let i = 0; i < n; i++) {
    for (let h = 0; h < H; h++) {
      const src = x + ((i * H + h) * W) * C;
      m.copyWithin(y + ((i * OH + h + PT) * OW + PL) * C, src, src + W * C);
    }
  }
}

export function padGrad(m: Arena, dy: number, dx: number, n: number, H: number, W: number, C: number, PT: number, PB: number, PL: number, PR: number): void {
  const OH = H + PT + PB;
  const OW = W + PL + PR;
  for (let i = 0; i < n; i++) {
    for (let h = 0; h < H; h++) {
      const src = dy + ((i * OH + h + PT) * OW + PL) * C;
      m.copyWithin(dx + ((i * H + h) * W) * C, src, src + W * C);
    }
  }
}

/**
 * A uniform number in [0, 1) from (seed, salt, index), by a 32-bit integer hash (lowbias32 by
 * Chris Wellons). Counter-based, so the backward pass redraws the forward pass's mask exactly,
 * and any backend can compute the same mask.
 */
export function dropoutUniform(seed: number, salt: number, index: number): number {
  let h = (seed ^ Math.imul(salt, 0x9e3779b9) ^ Math.imul(index, 0x85ebca6b)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return (h >>> 8) / 16777216;
}

export function dropout(m: Arena, x: number, y: number, size: number, rate: number, seed: number, salt: number): void {
  const scale = 1 / (1 - rate);
  for (let i = 0; i < size; i++) m[y + i] = dropoutUniform(seed, salt, i) < rate ? 0 : m[x + i]! * scale;
}

export function dropoutGrad(m: Arena, dy: number, dx: number, size: number, rate: number, seed: number, salt: number): void {
  dropout(m, dy, dx, size, rate, seed, salt);
}

export function affine(m: Arena, x: number, y: number, size: number, scale: number, shift: number): void {
  for (let i = 0; i < size; i++) m[y + i] = scale * m[x + i]! + shift;
}

export function mul(m: Arena, a: number, b: number, y: number, size: number): void {
  for (let i = 0; i < size; i++) m[y + i] = m[a + i]! * m[b + i]!;
}
