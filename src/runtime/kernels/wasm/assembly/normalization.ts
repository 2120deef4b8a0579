// Batch normalization over the last axis of x [rows, C]. The batch statistics and γ's gradient
// are sums over the rows of each channel: threads split the channels in groups of four, and a
// group sums its rows in order in double precision, as the reference does — the same bits on
// any number of threads, and as the reference's. The normalization and the input's gradient are
// elementwise once each channel's coefficients are known: one call writes them into scratch
// (four vectors of C4 = C rounded up to 4 floats at most), then threads split the rows, each row
// read and written in order. γ or β at offset −1 is absent (1 and 0).
import { at, lo, madd, storeLanes } from './common';
import { vact } from './math';

/** Lanes 0–1 and 2–3 of four floats, as two doubles each. */
// @ts-ignore: decorator
@inline function low64(v: v128): v128 {
  return f64x2.promote_low_f32x4(v);
}
// @ts-ignore: decorator
@inline function high64(v: v128): v128 {
  return f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1));
}

/** Two pairs of doubles rounded to floats, the first `count` of them stored at p. */
// @ts-ignore: decorator
@inline function store64(p: usize, a: v128, b: v128, count: i32): void {
  storeLanes(p, v128.shuffle<f32>(f32x4.demote_f64x2_zero(a), f32x4.demote_f64x2_zero(b), 0, 1, 4, 5), count);
}

/** γ/√(variance + ε) for channels c to c + 3. */
// @ts-ignore: decorator
@inline function scale4(variance: i32, gamma: i32, c: i32, epsilon: f32): v128 {
  const g = gamma < 0 ? f32x4.splat(1) : v128.load(at(gamma + c));
  return f32x4.div(g, f32x4.sqrt(f32x4.add(v128.load(at(variance + c)), f32x4.splat(epsilon))));
}

/**
 * Store v at element i of a thread's output that ends at element `end`: whole when it fits (the
 * lanes past a row's last channel land on the next rows, which this thread writes after), else
 * the lanes of channels c to C − 1 only.
 */
// @ts-ignore: decorator
@inline function storeRow(i: i32, end: i32, v: v128, lanes: i32): void {
  if (i + 4 <= end) v128.store(at(i), v);
  else storeLanes(at(i), v, lanes);
}

export function channelMean(x: i32, mean: i32, rows: i32, C: i32, t: i32, T: i32): void {
  const groups = (C + 3) >> 2;
  const g1 = lo(groups, t + 1, T);
  const step = <usize>C << 2;
  const n = f64x2.splat(<f64>rows);
  for (let g = lo(groups, t, T); g < g1; g++) {
    const c = g << 2;
    let a = f64x2.splat(0);
    let b = f64x2.splat(0);
    let p = at(x + c);
    for (let r = 0; r < rows; r++) {
      const v = v128.load(p);
      a = f64x2.add(a, low64(v));
      b = f64x2.add(b, high64(v));
      p += step;
    }
    store64(at(mean + c), f64x2.div(a, n), f64x2.div(b, n), min(4, C - c));
  }
}

/**
 * Σ over rows of (z − mean or z)·(x − mean), per channel, divided by the rows (variance < 0) or
 * by √(variance + ε): the variance (z = x, centred) and γ's gradient (z = dz).
 */
// @ts-ignore: decorator
@inline function centredProducts(
  x: i32, mean: i32, z: i32, centreZ: bool, out: i32, rows: i32, C: i32, variance: i32, epsilon: f64, t: i32, T: i32,
): void {
  const groups = (C + 3) >> 2;
  const g1 = lo(groups, t + 1, T);
  const step = <usize>C << 2;
  for (let g = lo(groups, t, T); g < g1; g++) {
    const c = g << 2;
    const mu = v128.load(at(mean + c));
    const m0 = low64(mu);
    const m1 = high64(mu);
    let a = f64x2.splat(0);
    let b = f64x2.splat(0);
    let px = at(x + c);
    let pz = at(z + c);
    for (let r = 0; r < rows; r++) {
      const v = v128.load(px);
      const w = v128.load(pz);
      const w0 = centreZ ? f64x2.sub(low64(w), m0) : low64(w);
      const w1 = centreZ ? f64x2.sub(high64(w), m1) : high64(w);
      a = f64x2.add(a, f64x2.mul(w0, f64x2.sub(low64(v), m0)));
      b = f64x2.add(b, f64x2.mul(w1, f64x2.sub(high64(v), m1)));
      px += step;
      pz += step;
    }
    if (variance < 0) {
      const n = f64x2.splat(<f64>rows);
      store64(at(out + c), f64x2.div(a, n), f64x2.div(b, n), min(4, C - c));
    } else {
      const va = v128.load(at(variance + c));
      const e = f64x2.splat(epsilon);
      store64(at(out + c), f64x2.div(a, f64x2.sqrt(f64x2.add(low64(va), e))), f64x2.div(b, f64x2.sqrt(f64x2.add(high64(va), e))), min(4, C - c));
    }
  }
}

export function channelVariance(x: i32, mean: i32, variance: i32, rows: i32, C: i32, t: i32, T: i32): void {
  centredProducts(x, mean, x, true, variance, rows, C, -1, 0, t, T);
}

/** coef = [mean | γ/√(variance + ε) | β], each C4 floats, zero past C. */
export function batchnormCoefficients(mean: i32, variance: i32, gamma: i32, beta: i32, coef: i32, C: i32, C4: i32, epsilon: f32): void {
  for (let c = 0; c < C4; c++) {
    const inside = c < C;
    const g: f32 = gamma < 0 ? 1 : load<f32>(at(gamma + c));
    store<f32>(at(coef + c), inside ? load<f32>(at(mean + c)) : 0);
    store<f32>(at(coef + C4 + c), inside ? g / Mathf.sqrt(load<f32>(at(variance + c)) + epsilon) : 0);
    store<f32>(at(coef + 2 * C4 + c), inside && beta >= 0 ? load<f32>(at(beta + c)) : 0);
  }
}

/** y = act((x − mean)·s + β) with batchnormCoefficients' coef. */
export function batchnorm(x: i32, coef: i32, C4: i32, y: i32, rows: i32, C: i32, act: i32, t: i32, T: i32): void {
  const r1 = lo(rows, t + 1, T);
  const end = y + r1 * C;
  for (let r = lo(rows, t, T); r < r1; r++) {
    for (let c = 0; c < C; c += 4) {
      const d = f32x4.sub(v128.load(at(x + r * C + c)), v128.load(at(coef + c)));
      storeRow(y + r * C + c, end, vact(madd(d, v128.load(at(coef + C4 + c)), v128.load(at(coef + 2 * C4 + c))), act), C - c);
    }
  }
}

export function batchnormGradScale(x: i32, mean: i32, variance: i32, dz: i32, dscale: i32, rows: i32, C: i32, epsilon: f64, t: i32, T: i32): void {
  centredProducts(x, mean, dz, false, dscale, rows, C, variance, epsilon, t, T);
}

/**
 * coef = [mean | a = γ·r | Σdz/M | b = γ·r²·Σ(dz·x̂)/M], each C4 floats, zero past C, with
 * r = 1/√(variance + ε): dx = a·(dz − Σdz/M) − b·(x − mean).
 */
export function batchnormGradCoefficients(
  mean: i32, variance: i32, gamma: i32, dscale: i32, dshift: i32, coef: i32, rows: i32, C: i32, C4: i32, epsilon: f32,
): void {
  for (let c = 0; c < C4; c++) {
    const inside = c < C;
    const r: f32 = inside ? 1 / Mathf.sqrt(load<f32>(at(variance + c)) + epsilon) : 0;
    const a: f32 = (gamma < 0 ? 1 : load<f32>(at(gamma + c))) * r;
    store<f32>(at(coef + c), inside ? load<f32>(at(mean + c)) : 0);
    store<f32>(at(coef + C4 + c), a);
    store<f32>(at(coef + 2 * C4 + c), inside ? load<f32>(at(dshift + c)) / <f32>rows : 0);
    store<f32>(at(coef + 3 * C4 + c), inside ? a * r * (load<f32>(at(dscale + c)) / <f32>rows) : 0);
  }
}

/** dx = a·(dz − Σdz/M) − b·(x − mean) with batchnormGradCoefficients' coef. */
export function batchnormGradInput(x: i32, dz: i32, coef: i32, C4: i32, dx: i32, rows: i32, C: i32, t: i32, T: i32): void {
  const r1 = lo(rows, t + 1, T);
  const end = dx + r1 * C;
  for (let r = lo(rows, t, T); r < r1; r++) {
    for (let c = 0; c < C; c += 4) {
      const i = r * C + c;
      const centred = f32x4.sub(v128.load(at(x + i)), v128.load(at(coef + c)));
      const shifted = f32x4.sub(v128.load(at(dz + i)), v128.load(at(coef + 2 * C4 + c)));
      const v = f32x4.sub(f32x4.mul(v128.load(at(coef + C4 + c)), shifted), f32x4.mul(v128.load(at(coef + 3 * C4 + c)), centred));
      storeRow(dx + i, end, v, C - c);
    }
  }
}

export function batchnormFoldWeights(w: i32, variance: i32, gamma: i32, out: i32, rows: i32, C: i32, epsilon: f32, t: i32, T: i32): void {
  const r1 = lo(rows, t + 1, T);
  for (let c = 0; c < C; c += 4) {
    const count = min(4, C - c);
    const s = scale4(variance, gamma, c, epsilon);
    for (let r = lo(rows, t, T); r < r1; r++) storeLanes(at(out + r * C + c), f32x4.mul(v128.load(at(w + r * C + c)), s), count);
  }
}

export function batchnormFoldBias(b: i32, mean: i32, variance: i32, gamma: i32, beta: i32, out: i32, C: i32, epsilon: f32): void {
  for (let c = 0; c < C; c++) {
    const g: f32 = gamma < 0 ? 1 : load<f32>(at(gamma + c));
    const shift: f32 = beta < 0 ? 0 : load<f32>(at(beta + c));
    const s = g / Mathf.sqrt(load<f32>(at(variance + c)) + epsilon);
    const bias: f32 = b < 0 ? 0 : load<f32>(at(b + c));
    store<f32>(at(out + c), (bias - load<f32>(at(mean + c))) * s + shift);
  }
}
