// Vector activations.
//
// tanh(x) = x·P(x²)/Q(x²) with x clamped to [−9, 9] (where |1 − tanh| < 3.1e-8), P and Q of
// degree 4 in x²: a rational fit netc's authors made by iteratively reweighted least squares on
// [0, 9] (scripts/fit-tanh.py). Its error as a function is below 2e-8; evaluated in float32 it is
// below 3.4e-7 absolute over the whole line (test/runtime/fast-kernels.test.ts measures it).
// One division, no exponential. sigmoid(x) = (1 + tanh(x/2)) / 2 reuses it.

import { madd } from './common';

const P0: f32 = 0.9999999064354862;
const P1: f32 = 0.13373240153531518;
const P2: f32 = 0.0034866319052341325;
const P3: f32 = 2.0472636179153306e-5;
const P4: f32 = 1.318530667981932e-8;
const Q1: f32 = 0.46706537047050734;
const Q2: f32 = 0.025842170531596393;
const Q3: f32 = 0.00032714664378697105;
const Q4: f32 = 7.703113768763037e-7;

// @ts-ignore: decorator
@inline export function vtanh(x0: v128): v128 {
  // pmin/pmax are single instructions on x64, unlike min/max with their NaN rules
  const x = f32x4.pmax(f32x4.pmin(x0, f32x4.splat(9.0)), f32x4.splat(-9.0));
  const s = f32x4.mul(x, x);
  // Horner steps as multiply-adds: fused where the engine has them (relaxed SIMD), which halves
  // the instructions of a function that C1's 442,368 outputs a step each go through
  let p = madd(f32x4.splat(P4), s, f32x4.splat(P3));
  p = madd(p, s, f32x4.splat(P2));
  p = madd(p, s, f32x4.splat(P1));
  p = madd(p, s, f32x4.splat(P0));
  let q = madd(f32x4.splat(Q4), s, f32x4.splat(Q3));
  q = madd(q, s, f32x4.splat(Q2));
  q = madd(q, s, f32x4.splat(Q1));
  q = madd(q, s, f32x4.splat(1.0));
  return f32x4.div(f32x4.mul(x, p), q);
}

// @ts-ignore: decorator
@inline export function vsigmoid(x: v128): v128 {
  return f32x4.mul(f32x4.splat(0.5), f32x4.add(f32x4.splat(1.0), vtanh(f32x4.mul(x, f32x4.splat(0.5)))));
}

export const ACT_LINEAR = 0;
export const ACT_TANH = 1;
export const ACT_SCALED_TANH = 2;
export const ACT_RELU = 3;
export const ACT_SIGMOID = 4;

const SCALED_A: f32 = 1.7159;
const SCALED_S: f32 = 0.6666666666666666;

// @ts-ignore: decorator
@inline export function vact(v: v128, act: i32): v128 {
  if (act == ACT_TANH) return vtanh(v);
  if (act == ACT_SCALED_TANH) return f32x4.mul(f32x4.splat(SCALED_A), vtanh(f32x4.mul(v, f32x4.splat(SCALED_S))));
  if (act == ACT_RELU) return f32x4.pmax(v, f32x4.splat(0)); // max(0, NaN) is 0 here
  if (act == ACT_SIGMOID) return vsigmoid(v);
  return v;
}

/** dx = dy · act'(…) from the activation's output y. */
// @ts-ignore: decorator
@inline export function vactGrad(y: v128, dy: v128, act: i32): v128 {
  if (act == ACT_TANH) return f32x4.mul(dy, f32x4.sub(f32x4.splat(1.0), f32x4.mul(y, y)));
  if (act == ACT_SCALED_TANH) {
    const t = f32x4.div(y, f32x4.splat(SCALED_A));
    return f32x4.mul(dy, f32x4.mul(f32x4.splat(SCALED_A * SCALED_S), f32x4.sub(f32x4.splat(1.0), f32x4.mul(t, t))));
  }
  if (act == ACT_RELU) return v128.and(dy, f32x4.gt(y, f32x4.splat(0)));
  if (act == ACT_SIGMOID) return f32x4.mul(dy, f32x4.mul(y, f32x4.sub(f32x4.splat(1.0), y)));
  return dy;
}
