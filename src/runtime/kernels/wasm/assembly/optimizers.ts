// Optimizer updates over `size` parameters, in the forms the reference kernels (and
// TensorFlow.js's tf.train) use; split over threads by index ranges.
import { at, lo } from './common';

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

export function weightDecay(p: i32, size: i32, lr: f32, decay: f32, t: i32, T: i32): void {
  const a = lo(size, t, T) & ~3;
  const b = t == T - 1 ? size : lo(size, t + 1, T) & ~3;
  const vd = f32x4.splat(decay);
  const vlr = f32x4.splat(lr);
  let i = a;
  for (; i + 4 <= b; i += 4) {
    const pi = v128.load(at(p + i));
    v128.store(at(p + i), f32x4.sub(pi, f32x4.mul(f32x4.mul(pi, vd), vlr)));
  }
  for (; i < b; i++) store<f32>(at(p + i), load<f32>(at(p + i)) - load<f32>(at(p + i)) * decay * lr);
}

/** mg and mom are −1 when the optimizer keeps no such buffer (see the Kernels interface). */
export function rmsprop(p: i32, g: i32, ms: i32, mg: i32, mom: i32, size: i32, lr: f32, rho: f32, momentum: f32, epsilon: f32, t: i32, T: i32): void {
  const a = lo(size, t, T) & ~3;
  const b = t == T - 1 ? size : lo(size, t + 1, T) & ~3;
  const vrho = f32x4.splat(rho);
  const v1rho = f32x4.splat(1.0 - rho);
  const vlr = f32x4.splat(lr);
  const veps = f32x4.splat(epsilon);
  const vmu = f32x4.splat(momentum);
  let i = a;
  for (; i + 4 <= b; i += 4) {
    const gi = v128.load(at(g + i));
    const si = f32x4.add(f32x4.mul(vrho, v128.load(at(ms + i))), f32x4.mul(v1rho, f32x4.mul(gi, gi)));
    v128.store(at(ms + i), si);
    let denominator = f32x4.add(si, veps);
    if (mg >= 0) {
      const ai = f32x4.add(f32x4.mul(vrho, v128.load(at(mg + i))), f32x4.mul(v1rho, gi));
      v128.store(at(mg + i), ai);
      denominator = f32x4.add(f32x4.sub(si, f32x4.mul(ai, ai)), veps);
    }
    let step = f32x4.div(f32x4.mul(vlr, gi), f32x4.sqrt(denominator));
    if (mom >= 0) {
      step = f32x4.add(f32x4.mul(vmu, v128.load(at(mom + i))), step);
      v128.store(at(mom + i), step);
    }
    v128.store(at(p + i), f32x4.sub(v128.load(at(p + i)), step));
  }
  for (; i < b; i++) {
    const gi = load<f32>(at(g + i));
    const si = rho * load<f32>(at(ms + i)) + (1 - rho) * gi * gi;
    store<f32>(at(ms + i), si);
    let denominator = si + epsilon;
    if (mg >= 0) {
      const ai = rho * load<f32>(at(mg + i)) + (1 - rho) * gi;
      store<f32>(at(mg + i), ai);
      denominator = si - ai * ai + epsilon;
    }
    let step = (lr * gi) / Mathf.sqrt(denominator);
    if (mom >= 0) {
      step = momentum * load<f32>(at(mom + i)) + step;
      store<f32>(at(mom + i), step);
    }
    store<f32>(at(p + i), load<f32>(at(p + i)) - step);
  }
}
