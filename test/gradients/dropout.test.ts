/**
 * Dropout. At inference it is the identity, so predict is checked against TensorFlow.js without
 * it. While training its mask is random (drawn from the step's seed), so the gradients are
 * checked against tfjs with netc's mask of that step, against float64 finite differences of the
 * interpreter run with the same seed, and for zeros exactly where the forward output was dropped.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCase, feedsFor, interpretGradients, maxAbs, randomBatch, type Built } from '../helpers/gradcheck.js';
import { DROPOUT_CASES } from '../helpers/gradient-cases.js';
import { dropoutMasks, freshModel, gradientSuite, stepSeedOf } from '../helpers/gradient-suite.js';
import { useTfCpu } from '../helpers/tfjs-net.js';

const net = DROPOUT_CASES[0]!;

describe('dropout', () => {
  for (const c of DROPOUT_CASES) gradientSuite(c, { gradBatches: [5, 3, 1], fdBatch: 3 });
});

describe('dropout masks and their gradients', () => {
  let built: Built;
  beforeAll(async () => {
    await useTfCpu();
    built = await buildCase(net, 'fused');
  });

  /** The interpreter's run of the training graph with the seed the module used in its last step. */
  function interpretLastStep(model: ReturnType<Built['module']['createModel']>, images: Float32Array, labels: Float32Array, n: number) {
    const train = built.compiled.train;
    const feeds = feedsFor(train, images, labels, model.getParameters());
    const r = interpretGradients(train, feeds, n, stepSeedOf(model));
    return { ...r, masks: dropoutMasks(train, r.run, n) };
  }

  it('drops about `rate` of the elements and scales the rest by 1/(1 − rate)', () => {
    const model = freshModel(built);
    const { images, labels } = randomBatch(401, 5, net.input, net.classes);
    model.computeGradients(images, labels, 5);
    // dropoutMasks throws unless each output is 0 or exactly input / (1 − rate)
    const { masks } = interpretLastStep(model, images, labels, 5);
    expect([...masks.keys()].sort()).toEqual(['d1', 'd2']);
    for (const { mask, rate } of masks.values()) {
      const dropped = mask.filter((m) => m === 0).length / mask.length;
      // d1: 135 elements at rate 0.3 (σ ≈ 0.04); d2: 40 elements at rate 0.5 (σ ≈ 0.08)
      expect(Math.abs(dropped - rate)).toBeLessThan(0.25);
      expect(dropped).toBeGreaterThan(0);
    }
  });

  it('the gradient reaching a dropout input is zero exactly where the output was dropped', () => {
    const model = freshModel(built);
    const { images, labels } = randomBatch(402, 3, net.input, net.classes);
    model.computeGradients(images, labels, 3);
    const { masks, run } = interpretLastStep(model, images, labels, 3);
    const train = built.compiled.train;
    for (const drop of train.nodes.filter((n) => n.op === 'dropout')) {
      // the backward node of this dropout: same salt; its input is the gradient of the dropout's output
      const back = train.nodes.find((n) => n.op === 'dropout_grad' && n.attrs.salt === drop.attrs.salt)!;
      expect(back, `dropout_grad of ${drop.id}`).toBeDefined();
      const dx = run.get(back.id);
      const dy = run.get(back.inputs[0]!);
      const { mask } = masks.get(drop.id)!;
      let kept = 0;
      for (let i = 0; i < mask.length; i++) {
        if (mask[i] === 0) expect(dx[i], `${back.id}[${i}] (dropped)`).toBe(0);
        else {
          expect(Math.abs(dx[i]! - dy[i]! * mask[i]!)).toBeLessThanOrEqual(1e-15 * Math.abs(dy[i]! * mask[i]!));
          if (dx[i] !== 0) kept++;
        }
      }
      expect(kept).toBeGreaterThan(0);
    }
  });

  it("the generated module's weight gradient is zero exactly in the rows of dropped inputs (batch 1)", () => {
    const model = freshModel(built);
    const { images, labels } = randomBatch(403, 1, net.input, net.classes);
    model.computeGradients(images, labels, 1);
    const { masks } = interpretLastStep(model, images, labels, 1);
    // out = dense(d2): grad out.w[k, u] = d2[k] · dz[u], so row k is zero iff d2 dropped element k
    const { mask } = masks.get('d2')!;
    const gw = model.getGradients()['out.w']!;
    const units = net.classes;
    expect(gw.length).toBe(mask.length * units);
    let droppedRows = 0;
    for (let k = 0; k < mask.length; k++) {
      const row = gw.subarray(k * units, (k + 1) * units);
      if (mask[k] === 0) {
        droppedRows++;
        expect([...row], `out.w row ${k} (dropped)`).toEqual(new Array(units).fill(0));
      } else {
        expect(maxAbs(row), `out.w row ${k} (kept)`).toBeGreaterThan(0);
      }
    }
    expect(droppedRows).toBeGreaterThan(0);
    expect(droppedRows).toBeLessThan(mask.length);
  });

  it('draws a new mask each step, and the same mask again for the same step', () => {
    const model = freshModel(built);
    const { images, labels } = randomBatch(404, 5, net.input, net.classes);
    model.computeGradients(images, labels, 5);
    const seed0 = stepSeedOf(model);
    const g0 = model.getGradients();
    const m0 = interpretLastStep(model, images, labels, 5).masks.get('d1')!.mask;
    model.computeGradients(images, labels, 5);
    expect(model.getGradients()).toEqual(g0);
    model.applyUpdate();
    model.computeGradients(images, labels, 5);
    expect(stepSeedOf(model)).not.toBe(seed0);
    const m1 = interpretLastStep(model, images, labels, 5).masks.get('d1')!.mask;
    expect([...m1]).not.toEqual([...m0]);
  });
});
