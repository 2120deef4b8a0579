import { describe, expect, it } from 'vitest';
import { compileAndImport, tinySpec } from '../helpers/modules.js';

describe('a generated module compiled on the fly', () => {
  it('trains a step', async () => {
    const f = tinySpec({
      input: [6, 6, 1],
      classes: 3,
      layers: `  - { name: c, op: conv2d, filters: 2, kernel: 3, activation: tanh }
  - { name: f, op: flatten }
  - { name: d, op: dense, units: 3, activation: softmax }`,
    });
    const { module } = await compileAndImport(f);
    const m = module.createModel({ seed: 3 });
    const x = new Float32Array(4 * 36).map((_, i) => Math.sin(i));
    const y = new Float32Array(12);
    [0, 1, 2, 0].forEach((c, i) => (y[i * 3 + c] = 1));
    const loss = m.trainStep(x, y);
    expect(Number.isFinite(loss)).toBe(true);
  });
});
