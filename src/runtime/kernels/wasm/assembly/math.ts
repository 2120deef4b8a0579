// Vector activations.
//
// tanh(x) = x·P(x²)/Q(x²) with x clamped to [−9, 9] (where |1 − tanh| < 3.1e-8), P and Q of
// degree 4 in x²: a rational fit netc's authors made by iteratively reweighted least squares on
// [0, 9] (scripts/fit-tanh.py). Its error as a function is below 2e-8; evaluated in float32 it is
// below 3.4e-7 absolute over the whole line (test/runtime/fast-kernels.test.ts measures it).
// One division, no exponential. sigmoid(x) = (1 + tanh(x/2)) / 2 reuses it.
//
// The later functions (leaky_relu, elu, gelu, swish, softplus) are built on e^x and log(1 + u)
// below, and on erfc for gelu.

import { at, madd } from './common';

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
export const ACT_LEAKY_RELU = 5;
export const ACT_ELU = 6;
export const ACT_GELU = 7;
export const ACT_SWISH = 8;
export const ACT_SOFTPLUS = 9;

const SCALED_A: f32 = 1.7159;
const SCALED_S: f32 = 0.6666666666666666;

/**
 * act(v) for the first five functions, and v itself for the later ones: what the existing hot
 * loops (conv, dense, pooling) inline, unchanged; those kernels apply a later function in a pass
 * of their own over the rows they have just written (activateLater), since a call in these loops,
 * even one never taken, slows the loops of the first five.
 */
// @ts-ignore: decorator
@inline export function vactCore(v: v128, act: i32): v128 {
  if (act == ACT_TANH) return vtanh(v);
  if (act == ACT_SCALED_TANH) return f32x4.mul(f32x4.splat(SCALED_A), vtanh(f32x4.mul(v, f32x4.splat(SCALED_S))));
  if (act == ACT_RELU) return f32x4.pmax(v, f32x4.splat(0)); // max(0, NaN) is 0 here
  if (act == ACT_SIGMOID) return vsigmoid(v);
  return v;
}

/** dx = dy · act'(…) from the activation's output y, for the first five functions; dy for the later ones (see vactCore). */
// @ts-ignore: decorator
@inline export function vactGradCore(y: v128, dy: v128, act: i32): v128 {
  if (act == ACT_TANH) return f32x4.mul(dy, f32x4.sub(f32x4.splat(1.0), f32x4.mul(y, y)));
  if (act == ACT_SCALED_TANH) {
    const t = f32x4.div(y, f32x4.splat(SCALED_A));
    return f32x4.mul(dy, f32x4.mul(f32x4.splat(SCALED_A * SCALED_S), f32x4.sub(f32x4.splat(1.0), f32x4.mul(t, t))));
  }
  if (act == ACT_RELU) return v128.and(dy, f32x4.gt(y, f32x4.splat(0)));
  if (act == ACT_SIGMOID) return f32x4.mul(dy, f32x4.mul(y, f32x4.sub(f32x4.splat(1.0), y)));
  return dy;
}

/** act(v) for every function; alpha is leaky_relu's slope below zero and elu's scale, which the others ignore. */
// @ts-ignore: decorator
@inline export function vact(v: v128, act: i32, alpha: f32 = 0): v128 {
  return act > ACT_SIGMOID ? vactLater(v, act, alpha) : vactCore(v, act);
}

/**
 * dx = dy · act'(…) for every function, from the activation's saved value: its output y, or its
 * input x for gelu and swish, whose derivative y does not determine.
 */
// @ts-ignore: decorator
@inline export function vactGrad(y: v128, dy: v128, act: i32, alpha: f32 = 0): v128 {
  return act > ACT_SIGMOID ? vactGradLater(y, dy, act, alpha) : vactGradCore(y, dy, act);
}

/** y = act(x) over `count` floats from offsets x and y (which may be equal), for a later function. */
export function activateLater(x: i32, y: i32, count: i32, act: i32, alpha: f32): void {
  let i = 0;
  for (; i + 4 <= count; i += 4) v128.store(at(y + i), vactLater(v128.load(at(x + i)), act, alpha));
  for (; i < count; i++) store<f32>(at(y + i), f32x4.extract_lane(vactLater(f32x4.splat(load<f32>(at(x + i))), act, alpha), 0));
}

/** dx = dy · act'(…) over `count` floats from the saved values at s, for a later function. */
export function activateGradLater(s: i32, dy: i32, dx: i32, count: i32, act: i32, alpha: f32): void {
  let i = 0;
  for (; i + 4 <= count; i += 4) v128.store(at(dx + i), vactGradLater(v128.load(at(s + i)), v128.load(at(dy + i)), act, alpha));
  for (; i < count; i++) {
    const v = vactGradLater(f32x4.splat(load<f32>(at(s + i))), f32x4.splat(load<f32>(at(dy + i))), act, alpha);
    store<f32>(at(dx + i), f32x4.extract_lane(v, 0));
  }
}

function vactLater(v: v128, act: i32, alpha: f32): v128 {
  const zero = f32x4.splat(0);
  const positive = f32x4.gt(v, zero);
  if (act == ACT_LEAKY_RELU) return v128.bitselect(v, f32x4.mul(v, f32x4.splat(alpha)), positive);
  if (act == ACT_ELU) return v128.bitselect(v, f32x4.mul(vexpm1(v), f32x4.splat(alpha)), positive);
  if (act == ACT_GELU) return f32x4.mul(v, vnormalCdf(v));
  if (act == ACT_SWISH) return f32x4.mul(v, vlogistic(v));
  // softplus: max(x, 0) + log(1 + e^−|x|), which neither overflows nor loses a tiny result
  return f32x4.add(f32x4.pmax(v, zero), vlog1p(vexp(f32x4.neg(f32x4.abs(v)))));
}

function vactGradLater(s: v128, dy: v128, act: i32, alpha: f32): v128 {
  const one = f32x4.splat(1.0);
  const positive = f32x4.gt(s, f32x4.splat(0));
  // leaky_relu and elu from y, which is positive exactly where x is (alpha ≥ 0); elu's y' = y + alpha below
  if (act == ACT_LEAKY_RELU) return f32x4.mul(dy, v128.bitselect(one, f32x4.splat(alpha), positive));
  if (act == ACT_ELU) return f32x4.mul(dy, v128.bitselect(one, f32x4.add(s, f32x4.splat(alpha)), positive));
  // gelu from x: Φ(x) + x·φ(x)
  if (act == ACT_GELU) return f32x4.mul(dy, madd(s, vnormalPdf(s), vnormalCdf(s)));
  if (act == ACT_SWISH) {
    // from x: σ·(1 + x·(1 − σ)), with 1 − σ = e^−x·σ rather than a difference that loses it
    const e = vexp(f32x4.neg(s));
    const g = f32x4.div(one, f32x4.add(one, e));
    return f32x4.mul(dy, f32x4.mul(g, madd(s, f32x4.mul(e, g), one)));
  }
  // softplus from y: σ(x) = 1 − e^−y
  return f32x4.mul(dy, f32x4.neg(vexpm1(f32x4.neg(s))));
}

// e^x and e^x − 1: x = n·ln2 + r with |r| ≤ ln2/2 (ln2 in two parts: n·LN2_HI is exact), then
// e^r − 1 = r + r²·(1/2 + r/6 + … + r⁵/5040), whose truncation error (r⁸/8! < 5.2e-9) is below
// float32's rounding, and 2^n put into the exponent bits. x is clamped to [−87, 88], where 2^n
// stays a normal float: e^x is then at least 1.6e-38 rather than 0, which no caller minds.
const LOG2E: f32 = 1.4426950408889634;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.1219444005469057e-4;

// @ts-ignore: decorator
@inline function clampExp(x: v128): v128 {
  return f32x4.pmax(f32x4.pmin(x, f32x4.splat(88.0)), f32x4.splat(-87.0));
}

/** e^r − 1 for r = x − n·ln2 (x clamped, n = round(x/ln2)) */
// @ts-ignore: decorator
@inline function expm1Reduced(x: v128, n: v128): v128 {
  const r = madd(n, f32x4.splat(-LN2_LO), madd(n, f32x4.splat(-LN2_HI), x));
  let p = madd(f32x4.splat(1.0 / 5040.0), r, f32x4.splat(1.0 / 720.0));
  p = madd(p, r, f32x4.splat(1.0 / 120.0));
  p = madd(p, r, f32x4.splat(1.0 / 24.0));
  p = madd(p, r, f32x4.splat(1.0 / 6.0));
  p = madd(p, r, f32x4.splat(0.5));
  return madd(f32x4.mul(r, r), p, r);
}

/** 2^n for whole-numbered lanes n in [−126, 127] */
// @ts-ignore: decorator
@inline function pow2(n: v128): v128 {
  return i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
}

// @ts-ignore: decorator
@inline export function vexp(x0: v128): v128 {
  const x = clampExp(x0);
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(LOG2E)));
  return f32x4.mul(pow2(n), f32x4.add(expm1Reduced(x, n), f32x4.splat(1.0)));
}

/** e^x − 1, accurate near 0: 2^n·(e^r − 1) + (2^n − 1) */
// @ts-ignore: decorator
@inline export function vexpm1(x0: v128): v128 {
  const x = clampExp(x0);
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(LOG2E)));
  const s = pow2(n);
  return madd(s, expm1Reduced(x, n), f32x4.sub(s, f32x4.splat(1.0)));
}

/** σ(x) = 1/(1 + e^−x), relatively accurate in both tails (swish) */
// @ts-ignore: decorator
@inline function vlogistic(x: v128): v128 {
  return f32x4.div(f32x4.splat(1.0), f32x4.add(f32x4.splat(1.0), vexp(f32x4.neg(x))));
}

/**
 * log(1 + u) for u in [0, 1]: 2·atanh(s) with s = u/(2 + u) ≤ 1/3, as 2s·(1 + s²/3 + … + s¹²/13);
 * the next term is below 1.3e-8 relative.
 */
// @ts-ignore: decorator
@inline function vlog1p(u: v128): v128 {
  const s = f32x4.div(u, f32x4.add(u, f32x4.splat(2.0)));
  const s2 = f32x4.mul(s, s);
  let p = madd(f32x4.splat(1.0 / 13.0), s2, f32x4.splat(1.0 / 11.0));
  p = madd(p, s2, f32x4.splat(1.0 / 9.0));
  p = madd(p, s2, f32x4.splat(1.0 / 7.0));
  p = madd(p, s2, f32x4.splat(1.0 / 5.0));
  p = madd(p, s2, f32x4.splat(1.0 / 3.0));
  p = madd(p, s2, f32x4.splat(1.0));
  return f32x4.mul(f32x4.add(s, s), p);
}

// erfc(z) for z ≥ 0 as t·e^(u·D(u) − z²), t = 1/(1 + 0.4z), u = 1 − t, D of degree 8: a fit
// netc's authors made for relative error (scripts/fit-erfc.py; 4.3e-8 as a function, on z in
// [0, 10], beyond which erfc underflows float32 and z is clamped). Φ(x) = erfc(−x/√2)/2 takes it
// on |x| and reflects, so both tails keep their relative accuracy. Evaluated in float32, gelu =
// x·Φ(x) is within 3.9e-7 of float64 over [−20, 20], most of it the rounding of the result
// (test/runtime/fast-kernels.test.ts measures it; README.md quotes it).
const D0: f32 = -1.8209415702290683;
const D1: f32 = -0.0501186785195705;
const D2: f32 = 0.45355054631452496;
const D3: f32 = 0.13606204874968308;
const D4: f32 = -0.013063456511388669;
const D5: f32 = -0.5371149745077284;
const D6: f32 = 0.37397852395456604;
const D7: f32 = 0.03825604317074511;
const D8: f32 = -0.06955875733685934;

// @ts-ignore: decorator
@inline function vnormalCdf(x: v128): v128 {
  const z = f32x4.pmin(f32x4.mul(f32x4.abs(x), f32x4.splat(0.7071067811865476)), f32x4.splat(10.0));
  const t = f32x4.div(f32x4.splat(1.0), madd(z, f32x4.splat(0.4), f32x4.splat(1.0)));
  const u = f32x4.mul(f32x4.mul(z, f32x4.splat(0.4)), t); // 1 − t, without the cancellation
  let d = madd(f32x4.splat(D8), u, f32x4.splat(D7));
  d = madd(d, u, f32x4.splat(D6));
  d = madd(d, u, f32x4.splat(D5));
  d = madd(d, u, f32x4.splat(D4));
  d = madd(d, u, f32x4.splat(D3));
  d = madd(d, u, f32x4.splat(D2));
  d = madd(d, u, f32x4.splat(D1));
  d = madd(d, u, f32x4.splat(D0));
  const half = f32x4.mul(f32x4.mul(t, f32x4.splat(0.5)), vexp(f32x4.sub(f32x4.mul(u, d), f32x4.mul(z, z))));
  return v128.bitselect(half, f32x4.sub(f32x4.splat(1.0), half), f32x4.lt(x, f32x4.splat(0)));
}

/** φ(x) = e^(−x²/2)/√(2π) */
// @ts-ignore: decorator
@inline function vnormalPdf(x: v128): v128 {
  return f32x4.mul(vexp(f32x4.mul(f32x4.mul(x, x), f32x4.splat(-0.5))), f32x4.splat(0.3989422804014327));
}
