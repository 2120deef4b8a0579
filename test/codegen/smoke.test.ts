/**
 * A module compiled on the fly takes one SGD step, checked against what this test computes from
 * `predict` alone (the inference schedule, which shares no code with the training schedule but
 * the kernels): the step's loss is the cross-entropy of predict's probabilities, the gradient is
 * central differences of that cross-entropy (and, for the output bias, exactly mean(p − y)), and
 * every parameter moved by −learning rate × gradient, so the loss of the next predict fell.
 */
import { describe, expect, it } from 'vitest';
import type { CompiledModel } from '../../src/runtime/index.js';
import { compileAndImport, tinySpec } from '../helpers/modules.js';

const LR = 0.5;
const N = 4;
const CLASSES = 3;
const x = new Float32Array(N * 36).map((_, i) => Math.sin(i));
const y = new Float32Array(N * CLASSES);
[0, 1, 2, 0].forEach((c, i) => (y[i * CLASSES + c] = 1));

/** The batch's mean cross-entropy from predict's probabilities, in float64. */
function crossEntropy(model: CompiledModel): number {
  const p = model.predict(x, N);
  let s = 0;
  for (let i = 0; i < y.length; i++) if (y[i]) s -= Math.log(p[i]!);
  return s / N;
}

describe('a generated module compiled on the fly', () => {
  it('takes an SGD step that agrees with its own predictions', async () => {
    const f = tinySpec({
      input: [6, 6, 1],
      classes: CLASSES,
      optimizer: `{ name: sgd, learning_rate: ${LR} }`,
      layers: `  - { name: c, op: conv2d, filters: 2, kernel: 3, activation: tanh }
  - { name: f, op: flatten }
  - { name: d, op: dense, units: 3, activation: softmax }`,
    });
    const { module } = await compileAndImport(f);
    const m = module.createModel({ seed: 3 });
    const probe = module.createModel({ seed: 3 }); // the same weights, for the gradient and finite differences
    try {
      const before = m.getParameters();
      const lossBefore = crossEntropy(m);
      const loss = m.trainStep(x, y, N);
      // the fused loss works on the logits in float32, predict's probabilities are float32 too:
      // they agree to a few float32 ulps (2⁻²³ ≈ 1.2e-7 relative each; 2.4e-8 seen)
      expect(Math.abs(loss - lossBefore)).toBeLessThan(4 * 2 ** -23 * lossBefore);

      const grads = (probe.computeGradients(x, y, N), probe.getGradients());
      // softmax cross-entropy: d loss / d output bias = mean over the batch of (p − y)
      const p = probe.predict(x, N);
      for (let c = 0; c < CLASSES; c++) {
        let want = 0;
        for (let i = 0; i < N; i++) want += (p[i * CLASSES + c]! - y[i * CLASSES + c]!) / N;
        expect(Math.abs(grads['d.b']![c]! - want), `d.b[${c}]`).toBeLessThan(1e-7); // float32 ulps of ~0.1 (1.9e-8 seen)
      }
      // every entry by central differences: ε = 1e-2 balances float32 rounding of the loss
      // (~1e-7 / ε) against the truncation error (~ε² · the third derivative), both ~1e-5 here
      // (3.5e-5 seen, on gradients up to 1)
      const eps = 1e-2;
      for (const [name, g] of Object.entries(grads)) {
        const w = before[name]!;
        for (let i = 0; i < w.length; i++) {
          const at = (d: number) => {
            const v = w.slice();
            v[i]! += d;
            probe.setParameters({ [name]: v });
            return crossEntropy(probe);
          };
          const fd = (at(eps) - at(-eps)) / (2 * eps);
          probe.setParameters({ [name]: w });
          expect(Math.abs(g[i]! - fd), `${name}[${i}]`).toBeLessThan(1e-4);
        }
      }

      // SGD: each parameter moved by −lr × its gradient, up to the float32 rounding of the update
      // (one ulp; a quarter seen)
      const after = m.getParameters();
      let moved = 0;
      for (const [name, w] of Object.entries(before)) {
        for (let i = 0; i < w.length; i++) {
          const want = w[i]! - LR * grads[name]![i]!;
          expect(Math.abs(after[name]![i]! - want), `${name}[${i}]`).toBeLessThanOrEqual(2 ** -23 * Math.max(1, Math.abs(want)));
          moved = Math.max(moved, Math.abs(after[name]![i]! - w[i]!));
        }
      }
      expect(moved).toBeGreaterThan(1e-2); // the step was large enough for the checks to mean something
      expect(crossEntropy(m)).toBeLessThan(lossBefore);
    } finally {
      m.close();
      probe.close();
    }
  });
});
