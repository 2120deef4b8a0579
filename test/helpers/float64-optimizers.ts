/**
 * Optimizers that tf.train lacks, written here from their published updates in float64, as the
 * truth of test/gradients/optimizers.test.ts: each takes tf.variableGrads of the loss and updates
 * every variable's values with its own state, kept in float64 between steps (the variables
 * themselves are float32, as netc's parameters are).
 */
import * as tf from '@tensorflow/tfjs';

/** What the optimizer tests call: tf.train's optimizers and these alike. */
export interface Stepper {
  minimize(f: () => tf.Scalar, returnCost: boolean, varList: tf.Variable[]): tf.Scalar | null;
  dispose(): void;
}

/** One parameter's step: its values, gradient and state (updated in place), and the step's number from 1. */
type Update = (p: Float64Array, g: Float64Array, state: Float64Array[], t: number) => void;

function float64Optimizer(buffers: number, update: Update): Stepper {
  const states = new Map<string, Float64Array[]>();
  let t = 0;
  return {
    minimize(f, _returnCost, vars) {
      const { value, grads } = tf.variableGrads(f, vars);
      t++;
      for (const v of vars) {
        const p = Float64Array.from(v.dataSync());
        if (!states.has(v.name)) states.set(v.name, Array.from({ length: buffers }, () => new Float64Array(p.length)));
        update(p, Float64Array.from(grads[v.name]!.dataSync()), states.get(v.name)!, t);
        tf.tidy(() => v.assign(tf.tensor(Float32Array.from(p), v.shape)));
      }
      tf.dispose(Object.values(grads));
      return value;
    },
    dispose() {},
  };
}

/**
 * AdamW (Loshchilov & Hutter, Algorithm 2) as Keras applies its decay: w −= lr·wd·w, then Adam's
 * step with bias-corrected moments, lr·m̂/(√v̂ + ε).
 */
export function adamw64(h: { learningRate: number; weightDecay: number; beta1: number; beta2: number; epsilon: number }): Stepper {
  return float64Optimizer(2, (p, g, [m, v], t) => {
    for (let i = 0; i < p.length; i++) {
      p[i] -= h.learningRate * h.weightDecay * p[i]!;
      m![i] = h.beta1 * m![i]! + (1 - h.beta1) * g[i]!;
      v![i] = h.beta2 * v![i]! + (1 - h.beta2) * g[i]! * g[i]!;
      const mHat = m![i]! / (1 - h.beta1 ** t);
      const vHat = v![i]! / (1 - h.beta2 ** t);
      p[i] -= (h.learningRate * mHat) / (Math.sqrt(vHat) + h.epsilon);
    }
  });
}

/**
 * RMSprop by Keras's rule: ms = ρ·ms + (1 − ρ)·g²; centered, mg = ρ·mg + (1 − ρ)·g and the
 * denominator √(ms − mg² + ε), else √(ms + ε); mom = momentum·mom + lr·g/denominator; p −= mom.
 */
export function rmsprop64(h: { learningRate: number; rho: number; momentum: number; epsilon: number; centered: boolean }): Stepper {
  return float64Optimizer(3, (p, g, [ms, mg, mom]) => {
    for (let i = 0; i < p.length; i++) {
      ms![i] = h.rho * ms![i]! + (1 - h.rho) * g[i]! * g[i]!;
      mg![i] = h.rho * mg![i]! + (1 - h.rho) * g[i]!;
      const denominator = h.centered ? ms![i]! - mg![i]! * mg![i]! + h.epsilon : ms![i]! + h.epsilon;
      mom![i] = h.momentum * mom![i]! + (h.learningRate * g[i]!) / Math.sqrt(denominator);
      p[i] -= mom![i]!;
    }
  });
}
