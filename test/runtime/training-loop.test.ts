/**
 * The training loop's bookkeeping against numbers this test works out itself. A stand-in model
 * whose "images" are one pixel holding the example's index reports a loss and a count of
 * correct answers that depend only on which examples it was fed; so the batches, the running
 * loss and accuracy of each step, the epoch's metrics, the checkpoints, the learning rate of
 * each epoch, stopping and divergence can all be checked against sums computed here.
 * (test/train/reproducibility.test.ts runs real networks through the same loop.)
 */
import { describe, expect, it } from 'vitest';
import type { Progress } from '../../src/runtime/checkpoint.js';
import type { Dataset, Split } from '../../src/runtime/data/dataset.js';
import type { CompiledModel } from '../../src/runtime/model.js';
import { epochOrder, trainLoop, type EpochMetrics, type LoopOptions, type StepReport } from '../../src/runtime/training/loop.js';

/** count examples of two classes; example i is the one-pixel image [i], of class i % 2 */
function split(count: number): Split {
  const classes = Uint8Array.from({ length: count }, (_, i) => i % 2);
  const labels = new Float32Array(count * 2);
  classes.forEach((c, i) => (labels[i * 2 + c] = 1));
  return { images: Float32Array.from({ length: count }, (_, i) => i), labels, classes, count };
}
const data = (train: number, test: number): Dataset => ({ train: split(train), test: split(test), imageShape: [1, 1, 1], numClasses: 2 });

/** The stand-in's loss for a batch: the mean of its examples' indices. Its correct answers: the even ones. */
const lossOf = (ids: number[]) => ids.reduce((a, b) => a + b, 0) / ids.length;
const correctOf = (ids: number[]) => ids.filter((i) => i % 2 === 0).length;

interface Fake extends CompiledModel {
  fed: number[][];
  rates: number[];
  updates: number;
}

/** A model that records what it is fed; `lossAt(step)` may replace the loss (NaN, to diverge). */
function fakeModel(lossAt: (step: number) => number | undefined = () => undefined): Fake {
  const m = {
    info: { classes: 2 },
    step: 0,
    learningRate: 0.1,
    lastCorrect: 0,
    fed: [] as number[][],
    rates: [] as number[],
    updates: 0,
    computeGradients(images: Float32Array, _labels: Float32Array, n: number): number {
      const ids = Array.from(images.subarray(0, n));
      m.fed.push(ids);
      m.rates.push(m.learningRate);
      m.lastCorrect = correctOf(ids);
      return lossAt(m.step) ?? lossOf(ids);
    },
    applyUpdate(): void {
      m.step++;
      m.updates++;
    },
    /** no L2 penalties: the test loss is the loss of the predictions alone */
    regularizationLoss: () => 0,
    /** every example: class 0 with probability 0.75 */
    predict(_images: Float32Array, n: number): Float32Array {
      return Float32Array.from({ length: n * 2 }, (_, i) => (i % 2 === 0 ? 0.75 : 0.25));
    },
  };
  return m as unknown as Fake;
}

/** Run the loop, recording what it reports. */
async function run(model: Fake, d: Dataset, o: Partial<LoopOptions> & { epochs: number; batchSize: number }) {
  const steps: StepReport[] = [];
  const epochs: EpochMetrics[] = [];
  const checkpoints: Progress[] = [];
  const end = await trainLoop(model, d, {
    seed: 7,
    loss: 'categorical_crossentropy',
    ...o,
    onStep: (r) => {
      steps.push(r);
      o.onStep?.(r);
    },
    onEpoch: (e) => epochs.push(e),
    checkpoint: (p) => checkpoints.push(p),
  });
  return { end, steps, epochs, checkpoints };
}

describe('epochOrder', () => {
  it('is a permutation of the examples, another for each epoch and each seed, the same for the same ones', () => {
    const a = Array.from(epochOrder(50, 7, 0));
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(Array.from(epochOrder(50, 7, 0))).toEqual(a);
    expect(Array.from(epochOrder(50, 7, 1))).not.toEqual(a);
    expect(Array.from(epochOrder(50, 8, 0))).not.toEqual(a);
  });
});

describe('trainLoop', () => {
  it('feeds every example once an epoch, in the epoch’s order, in full batches and a last partial one', async () => {
    const model = fakeModel();
    const { end } = await run(model, data(10, 4), { epochs: 2, batchSize: 4 });
    expect(end).toEqual({ kind: 'done' });
    expect(model.fed.map((b) => b.length)).toEqual([4, 4, 2, 4, 4, 2]);
    expect(model.fed.slice(0, 3).flat()).toEqual(Array.from(epochOrder(10, 7, 0)));
    expect(model.fed.slice(3).flat()).toEqual(Array.from(epochOrder(10, 7, 1)));
    expect([model.updates, model.step]).toEqual([6, 6]);
  });

  it('reports each step’s running loss and accuracy over the epoch so far, weighted by batch size', async () => {
    const model = fakeModel();
    const { steps } = await run(model, data(10, 4), { epochs: 2, batchSize: 4 });
    const want = model.fed.map((_, k) => {
      const epochStart = k < 3 ? 0 : 3;
      const sofar = model.fed.slice(epochStart, k + 1);
      const seen = sofar.reduce((s, b) => s + b.length, 0);
      return {
        epoch: k < 3 ? 1 : 2,
        batch: k - epochStart + 1,
        batches: 3,
        loss: sofar.reduce((s, b) => s + lossOf(b) * b.length, 0) / seen,
        accuracy: sofar.reduce((s, b) => s + correctOf(b), 0) / seen,
        seen,
      };
    });
    expect(steps.map(({ seconds: _, ...r }) => r)).toEqual(want);
    for (const s of steps) expect(s.seconds).toBeGreaterThanOrEqual(0);
  });

  it('reports each epoch’s training metrics and the test set’s, then checkpoints at the epoch boundary', async () => {
    const model = fakeModel();
    const { epochs, checkpoints } = await run(model, data(10, 5), { epochs: 2, batchSize: 4 });
    // every training example once: the mean index 4.5, the 5 even ones right
    // the test set: classes 0, 1, 0, 1, 0, all predicted 0 with p = 0.75
    const valLoss = -(3 * Math.log(Math.fround(0.75)) + 2 * Math.log(Math.fround(0.25))) / 5;
    expect(epochs.map(({ seconds: _, images_per_s: __, ...e }) => e)).toEqual([
      { epoch: 1, train_loss: 4.5, train_accuracy: 0.5, val_loss: expect.closeTo(valLoss, 12), val_accuracy: 0.6 },
      { epoch: 2, train_loss: 4.5, train_accuracy: 0.5, val_loss: expect.closeTo(valLoss, 12), val_accuracy: 0.6 },
    ]);
    for (const e of epochs) {
      expect(e.seconds).toBeGreaterThanOrEqual(0);
      expect(e.images_per_s).toBeCloseTo(10 / e.seconds, 6);
    }
    const boundary = (epoch: number, step: number) => ({ epoch, batch: 0, step, lossSum: 0, correct: 0, seen: 0, seconds: 0 });
    expect(checkpoints).toEqual([boundary(1, 3), boundary(2, 6)]);
  });

  it('sets each step’s learning rate before the step, from where it stands in the run', async () => {
    const model = fakeModel();
    const asked: unknown[] = [];
    const learningRateAt = (at: { epoch: number; batch: number; batches: number; epochs: number }) => {
      asked.push(at);
      return 0.5 / (at.epoch + 1) + at.batch / 100;
    };
    await run(model, data(6, 2), { epochs: 3, batchSize: 4, learningRateAt });
    expect(model.rates).toEqual([0.5, 0.51, 0.25, 0.26, 0.5 / 3, 0.5 / 3 + 0.01]);
    expect(asked[3]).toEqual({ epoch: 1, batch: 1, batches: 2, epochs: 3 });
    const fixed = fakeModel();
    await run(fixed, data(6, 2), { epochs: 2, batchSize: 4 });
    expect(fixed.rates).toEqual([0.1, 0.1, 0.1, 0.1]);
  });

  it('stops on a loss that is not a number, before applying it, and says where', async () => {
    const model = fakeModel((step) => (step === 4 ? NaN : undefined));
    const { end, checkpoints } = await run(model, data(10, 2), { epochs: 3, batchSize: 4 });
    // step 4 is the second batch of the second epoch
    expect(end).toEqual({ kind: 'diverged', epoch: 2, step: 2, value: NaN });
    expect(model.updates).toBe(4);
    expect(checkpoints).toEqual([{ epoch: 1, batch: 0, step: 3, lossSum: 0, correct: 0, seen: 0, seconds: 0 }]);
    const infinite = await run(fakeModel((step) => (step === 0 ? Infinity : undefined)), data(10, 2), { epochs: 1, batchSize: 4 });
    expect(infinite.end).toEqual({ kind: 'diverged', epoch: 1, step: 1, value: Infinity });
  });

  it('stops mid-epoch when asked, checkpointing where it stands with the epoch’s running sums', async () => {
    const model = fakeModel();
    let steps = 0;
    const { end, checkpoints, epochs } = await run(model, data(10, 2), { epochs: 2, batchSize: 4, onStep: () => steps++, shouldStop: () => steps === 2 });
    const fed = model.fed.flat();
    const at = { epoch: 0, batch: 2, step: 2, lossSum: lossOf(fed) * 8, correct: correctOf(fed), seen: 8 };
    expect(end).toMatchObject({ kind: 'stopped', at });
    expect(checkpoints).toHaveLength(1);
    expect(checkpoints[0]).toMatchObject(at);
    expect(epochs).toEqual([]);
  });

  it('asked to stop at an epoch’s last step, finishes the epoch and stops at its boundary; at the last epoch’s, is done', async () => {
    const model = fakeModel();
    let steps = 0;
    const atBoundary = await run(model, data(10, 2), { epochs: 2, batchSize: 4, onStep: () => steps++, shouldStop: () => steps === 3 });
    expect(atBoundary.end).toEqual({ kind: 'stopped', at: { epoch: 1, batch: 0, step: 3, lossSum: 0, correct: 0, seen: 0, seconds: 0 } });
    expect(atBoundary.epochs.map((e) => e.epoch)).toEqual([1]);
    steps = 0;
    const last = await run(fakeModel(), data(10, 2), { epochs: 2, batchSize: 4, onStep: () => steps++, shouldStop: () => steps >= 6 });
    expect(last.end).toEqual({ kind: 'done' });
    expect(last.epochs.map((e) => e.epoch)).toEqual([1, 2]);
  });

  it('resumed from a checkpoint mid-epoch, takes the steps and reports the numbers of the uninterrupted run', async () => {
    const whole = fakeModel();
    const through = await run(whole, data(10, 2), { epochs: 2, batchSize: 4 });
    const first = fakeModel();
    let steps = 0;
    const stopped = await run(first, data(10, 2), { epochs: 2, batchSize: 4, onStep: () => steps++, shouldStop: () => steps === 4 });
    if (stopped.end.kind !== 'stopped') throw new Error('did not stop');
    const second = fakeModel();
    (second as { step: number }).step = stopped.end.at.step;
    const resumed = await run(second, data(10, 2), { epochs: 2, batchSize: 4, start: stopped.end.at });
    expect([...first.fed, ...second.fed]).toEqual(whole.fed);
    const strip = (s: StepReport[]) => s.map(({ seconds: _, ...r }) => r);
    expect([...strip(stopped.steps), ...strip(resumed.steps)]).toEqual(strip(through.steps));
    expect(resumed.epochs.map((e) => [e.epoch, e.train_loss, e.train_accuracy])).toEqual(through.epochs.slice(1).map((e) => [e.epoch, e.train_loss, e.train_accuracy]));
    expect(second.step).toBe(6);
  });

  it('runs without any callback: none is required', async () => {
    const opts = { epochs: 2, batchSize: 4, seed: 1, loss: 'categorical_crossentropy' as const };
    expect(await trainLoop(fakeModel(), data(10, 2), opts)).toEqual({ kind: 'done' });
    const stopped = await trainLoop(fakeModel(), data(10, 2), { ...opts, shouldStop: () => true });
    expect(stopped).toMatchObject({ kind: 'stopped', at: { epoch: 0, batch: 1 } });
  });
});
