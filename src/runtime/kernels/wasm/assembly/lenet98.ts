// The 1998 paper's own layers: trainable subsampling, Euclidean RBF output units and the MAP
// loss on their penalties. Small next to the convolutions, so plainly written; subsampling
// splits over images, the RBF units over rows.
import { at, lo } from './common';
import { ACT_SIGMOID, activateLater, vactCore } from './math';

// @ts-ignore: decorator
@inline function windowSum(x: i32, corner: i32, c: i32, W: i32, C: i32, PH: i32, PW: i32): f32 {
  let s: f32 = 0;
  for (let h = 0; h < PH; h++) for (let w = 0; w < PW; w++) s += load<f32>(at(x + corner + (h * W + w) * C + c));
  return s;
}

export function subsample(x: i32, coef: i32, bias: i32, y: i32, n: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, PH: i32, PW: i32, SH: i32, SW: i32, act: i32, alpha: f32, t: i32, T: i32): void {
  const i1 = lo(n, t + 1, T);
  for (let i = lo(n, t, T); i < i1; i++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const yo = y + ((i * OH + oh) * OW + ow) * C;
        const corner = ((i * H + oh * SH) * W + ow * SW) * C;
        for (let c = 0; c < C; c++) {
          const a = load<f32>(at(coef + c)) * windowSum(x, corner, c, W, C, PH, PW) + load<f32>(at(bias + c));
          store<f32>(at(yo + c), f32x4.extract_lane(vactCore(f32x4.splat(a), act), 0));
        }
        if (act > ACT_SIGMOID) activateLater(yo, yo, C, act, alpha);
      }
    }
  }
}

export function subsampleGradInput(dz: i32, coef: i32, dx: i32, n: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, PH: i32, PW: i32, SH: i32, SW: i32, t: i32, T: i32): void {
  const i1 = lo(n, t + 1, T);
  for (let i = lo(n, t, T); i < i1; i++) {
    memory.fill(at(dx + i * H * W * C), 0, <usize>(H * W * C) << 2);
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const yo = dz + ((i * OH + oh) * OW + ow) * C;
        const corner = ((i * H + oh * SH) * W + ow * SW) * C;
        for (let c = 0; c < C; c++) {
          const v = load<f32>(at(coef + c)) * load<f32>(at(yo + c));
          for (let h = 0; h < PH; h++) {
            for (let w = 0; w < PW; w++) {
              const p = at(dx + corner + (h * W + w) * C + c);
              store<f32>(p, load<f32>(p) + v);
            }
          }
        }
      }
    }
  }
}

/** dcoef over all images, one thread (a reduction: split over channels it would gain little). */
export function subsampleGradCoef(x: i32, dz: i32, dcoef: i32, n: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32, PH: i32, PW: i32, SH: i32, SW: i32): void {
  for (let c = 0; c < C; c++) store<f32>(at(dcoef + c), 0);
  for (let i = 0; i < n; i++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const yo = dz + ((i * OH + oh) * OW + ow) * C;
        const corner = ((i * H + oh * SH) * W + ow * SW) * C;
        for (let c = 0; c < C; c++) {
          const p = at(dcoef + c);
          store<f32>(p, load<f32>(p) + load<f32>(at(yo + c)) * windowSum(x, corner, c, W, C, PH, PW));
        }
      }
    }
  }
}

export function rbf(x: i32, w: i32, y: i32, n: i32, K: i32, U: i32, t: i32, T: i32): void {
  const i1 = lo(n, t + 1, T);
  for (let i = lo(n, t, T); i < i1; i++) {
    for (let u = 0; u < U; u++) {
      let s: f32 = 0;
      for (let k = 0; k < K; k++) {
        const d = load<f32>(at(x + i * K + k)) - load<f32>(at(w + u * K + k));
        s += d * d;
      }
      store<f32>(at(y + i * U + u), s);
    }
  }
}

export function rbfGradInput(x: i32, w: i32, dy: i32, dx: i32, n: i32, K: i32, U: i32, t: i32, T: i32): void {
  const i1 = lo(n, t + 1, T);
  for (let i = lo(n, t, T); i < i1; i++) {
    for (let k = 0; k < K; k++) {
      const xv = load<f32>(at(x + i * K + k));
      let s: f32 = 0;
      for (let u = 0; u < U; u++) s += 2 * load<f32>(at(dy + i * U + u)) * (xv - load<f32>(at(w + u * K + k)));
      store<f32>(at(dx + i * K + k), s);
    }
  }
}

/** log(e^−j + Σ_c e^−y_c), around the smallest of j and the penalties so that nothing overflows. */
// @ts-ignore: decorator
@inline function logSumExpNeg(y: i32, C: i32, j: f64): f64 {
  let low = j;
  for (let c = 0; c < C; c++) low = Math.min(low, <f64>load<f32>(at(y + c)));
  let s = Math.exp(low - j);
  for (let c = 0; c < C; c++) s += Math.exp(low - <f64>load<f32>(at(y + c)));
  return -low + Math.log(s);
}

export function rbfMap(y: i32, tt: i32, loss: i32, n: i32, C: i32, j: f64): void {
  let s: f64 = 0;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < C; c++) s += <f64>load<f32>(at(tt + i * C + c)) * <f64>load<f32>(at(y + i * C + c));
    s += logSumExpNeg(y + i * C, C, j);
  }
  store<f32>(at(loss), <f32>(s / <f64>n));
}

export function rbfMapGrad(y: i32, tt: i32, dy: i32, n: i32, C: i32, j: f64): void {
  for (let i = 0; i < n; i++) {
    const lse = logSumExpNeg(y + i * C, C, j);
    for (let c = 0; c < C; c++) {
      const p = Math.exp(-<f64>load<f32>(at(y + i * C + c)) - lse);
      store<f32>(at(dy + i * C + c), <f32>((<f64>load<f32>(at(tt + i * C + c)) - p) / <f64>n));
    }
  }
}
