/**
 * Gradients and updates when inference runs in between. The arena holds the training step's
 * planned buffers and the inference pass's in one shared region, so whatever a training step
 * leaves for later (the gradients) must live outside it and survive a predict.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCase, randomBatch, type Built } from '../helpers/gradcheck.js';
import { POOL_CASES } from '../helpers/gradient-cases.js';
import { freshModel } from '../helpers/gradient-suite.js';

const net = POOL_CASES.find((c) => c.name === 'avgpool2d valid')!;

describe('predict between training calls', () => {
  let built: Built;
  beforeAll(async () => {
    built = await buildCase(net, 'fused');
  });

  it('trainStep, predict, trainStep trains exactly like two trainSteps', () => {
    const a = freshModel(built);
    const b = freshModel(built);
    const s1 = randomBatch(601, 5, net.input, net.classes);
    const s2 = randomBatch(602, 3, net.input, net.classes);
    const other = randomBatch(603, 5, net.input, net.classes);
    a.trainStep(s1.images, s1.labels, 5);
    a.predict(other.images, 5);
    const lossA = a.trainStep(s2.images, s2.labels, 3);
    b.trainStep(s1.images, s1.labels, 5);
    const lossB = b.trainStep(s2.images, s2.labels, 3);
    expect(lossA).toBe(lossB);
    expect(a.getParameters()).toEqual(b.getParameters());
  });

  // A regression test: gradients once lived in the shared planned region, and a predict between
  // computeGradients and applyUpdate overwrote them. They are now pinned beside the parameters.
  it('computeGradients, predict, then getGradients / applyUpdate still use those gradients', () => {
    const a = freshModel(built);
    const b = freshModel(built);
    const s = randomBatch(611, 5, net.input, net.classes);
    const other = randomBatch(612, 5, net.input, net.classes);
    a.computeGradients(s.images, s.labels, 5);
    const before = a.getGradients();
    a.predict(other.images, 5);
    expect(a.getGradients()).toEqual(before);
    a.applyUpdate();
    b.trainStep(s.images, s.labels, 5);
    expect(a.getParameters()).toEqual(b.getParameters());
  });
});
