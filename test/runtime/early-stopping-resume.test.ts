/**
 * Early stopping and a run's state in a checkpoint, each against its definition rather than
 * a run: EarlyStopping against Keras's callback (improvement is `value − min_delta > best` for
 * an accuracy, `value + min_delta < best` for a loss; stop once `patience` epochs in a row did
 * not improve; a figure that is not a number never improves), worked through epoch by epoch
 * here; saveTraining and restoreTraining against a stand-in model whose tensors the test sets
 * and reads back through the checkpoint file.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCheckpoint, type Progress } from '../../src/runtime/checkpoint.js';
import type { CompiledModel, OptimizerState } from '../../src/runtime/model.js';
import { EARLY_STOPPING, EarlyStopping, type EpochFigures } from '../../src/runtime/training/early-stopping.js';
import { restoreTraining, saveTraining, type RunHeader } from '../../src/runtime/training/resume.js';

/** epoch e's figures: the watched one is `v`, the others something no rule should read */
const epoch = (e: number, figures: Partial<EpochFigures>): EpochFigures => ({
  epoch: e,
  train_loss: 100,
  train_accuracy: -100,
  val_loss: 100,
  val_accuracy: -100,
  ...figures,
});

/** Feed a monitor's figures in order, collecting each verdict as [improved, waited, stop]. */
function verdicts(es: EarlyStopping, key: keyof EpochFigures, values: number[]): [boolean, number, boolean][] {
  return values.map((v, i) => {
    const r = es.observe(epoch(i + 1, { [key]: v }));
    return [r.improved, r.waited, r.stop];
  });
}

describe('EarlyStopping, as Keras counts', () => {
  it("has Keras's defaults: val_loss, patience 0, min_delta 0", () => {
    const es = new EarlyStopping();
    expect([es.monitor, es.patience, es.minDelta]).toEqual(['val_loss', 0, 0]);
    expect([EARLY_STOPPING.monitor.default, EARLY_STOPPING.patience.default, EARLY_STOPPING.min_delta.default]).toEqual(['val_loss', 0, 0]);
    // patience 0: the first epoch that does not improve stops the run
    expect(verdicts(es, 'val_loss', [0.5, 0.4, 0.4])).toEqual([
      [true, 0, false],
      [true, 0, false],
      [false, 1, true],
    ]);
  });

  it('a loss is to fall by more than min_delta; patience counts the epochs since the best', () => {
    const es = new EarlyStopping({ monitor: 'loss', patience: 2, min_delta: 0.1 });
    // 1.0 best; 0.95 is not 0.1 lower; 0.85 is (1.0 − 0.1 = 0.9 > 0.85); 0.8 is not; 0.76 is not: two epochs → stop
    expect(verdicts(es, 'train_loss', [1.0, 0.95, 0.85, 0.8, 0.76])).toEqual([
      [true, 0, false],
      [false, 1, false],
      [true, 0, false],
      [false, 1, false],
      [false, 2, true],
    ]);
    expect(es.best).toEqual({ value: 0.85, epoch: 3 });
  });

  it('an accuracy is to rise by more than min_delta; exactly min_delta is no improvement', () => {
    const es = new EarlyStopping({ monitor: 'accuracy', patience: 1, min_delta: 0.25 });
    expect(es.rising).toBe(true);
    expect(verdicts(es, 'train_accuracy', [0.5, 0.75, 0.8, 0.1])).toEqual([
      [true, 0, false],
      [false, 1, true],
      [true, 0, false],
      [false, 1, true],
    ]);
    expect(es.best).toEqual({ value: 0.8, epoch: 3 });
  });

  it('watches the figure it is told to: val_accuracy rises, val_loss falls', () => {
    const acc = new EarlyStopping({ monitor: 'val_accuracy', patience: 5 });
    expect(verdicts(acc, 'val_accuracy', [0.2, 0.3, 0.25]).map(([i]) => i)).toEqual([true, true, false]);
    const loss = new EarlyStopping({ monitor: 'val_loss', patience: 5 });
    expect(loss.rising).toBe(false);
    expect(verdicts(loss, 'val_loss', [0.2, 0.3, 0.1]).map(([i]) => i)).toEqual([true, false, true]);
  });

  it('a figure that is not a number never improves, even as the first', () => {
    const es = new EarlyStopping({ monitor: 'val_loss', patience: 2 });
    expect(verdicts(es, 'val_loss', [NaN, Infinity, 3, NaN])).toEqual([
      [false, 1, false],
      [false, 2, true],
      [true, 0, false],
      [false, 1, false],
    ]);
    expect(es.best).toEqual({ value: 3, epoch: 3 });
  });
});

/** A model holding two parameters and their optimizer buffers, as a compiled module does. */
function standIn(names = ['a.w', 'b.b']) {
  const sizes: Record<string, number> = { 'a.w': 3, 'b.b': 2, 'c.w': 1 };
  let params: Record<string, Float32Array> = Object.fromEntries(names.map((n) => [n, new Float32Array(sizes[n]!)]));
  let state: OptimizerState = { step: 0, buffers: Object.fromEntries(names.map((n) => [n, new Float32Array(2 * sizes[n]!)])) };
  const model = {
    info: { parameters: names.map((name) => ({ name, shape: [sizes[name]!] })) },
    getParameters: () => params,
    setParameters(values: Record<string, ArrayLike<number>>) {
      for (const [n, v] of Object.entries(values)) if (v.length !== sizes[n]) throw new Error(`${n}: ${v.length} values, not ${sizes[n]}`);
      params = Object.fromEntries(Object.entries(values).map(([n, v]) => [n, Float32Array.from(v)]));
    },
    getOptimizerState: () => state,
    setOptimizerState(s: OptimizerState) {
      state = { step: s.step, buffers: Object.fromEntries(Object.entries(s.buffers).map(([n, v]) => [n, Float32Array.from(v)])) };
    },
  };
  return model as unknown as CompiledModel;
}

const progress: Progress = { epoch: 2, batch: 3, step: 17, lossSum: 1.5, correct: 9, seen: 12, seconds: 4 };
const header: RunHeader = { model: 'm', netcVersion: '0', spec: 'netc: 1\n', source: 'm.yaml', seed: 5, learningRate: 0.01 };

describe("a run's state in a checkpoint", () => {
  it('saves the parameters, the optimizer buffers and where the loop stands; restoring gives them back', () => {
    const from = standIn();
    from.setParameters({ 'a.w': [1, 2, 3], 'b.b': [-1, 0.5] });
    from.setOptimizerState({ step: 17, buffers: { 'a.w': Float32Array.of(1, 2, 3, 4, 5, 6), 'b.b': Float32Array.of(7, 8, 9, 10) } });
    const path = join(mkdtempSync(join(tmpdir(), 'netc-resume-')), 'run.ckpt');
    saveTraining(path, from, header, progress);

    const c = readCheckpoint(path);
    expect(c.header).toMatchObject({ ...header, progress });
    expect(Array.from(c.params['a.w']!)).toEqual([1, 2, 3]);
    expect(Array.from(c.state['b.b']!)).toEqual([7, 8, 9, 10]);

    const to = standIn();
    expect(restoreTraining(to, { params: c.params, state: c.state, progress: c.header.progress })).toBeUndefined();
    expect(Array.from(to.getParameters()['b.b']!)).toEqual([-1, 0.5]);
    // the step comes from where the loop stands, with the buffers
    expect(to.getOptimizerState().step).toBe(17);
    expect(Array.from(to.getOptimizerState().buffers['a.w']!)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('says what does not fit: other parameter names, or a tensor of another size', () => {
    const params = { 'a.w': new Float32Array(3), 'b.b': new Float32Array(2) };
    const state = { 'a.w': new Float32Array(6), 'b.b': new Float32Array(4) };
    expect(restoreTraining(standIn(['a.w', 'b.b', 'c.w']), { params, state, progress })).toBe('it holds parameters a.w, b.b; the spec has a.w, b.b, c.w');
    expect(restoreTraining(standIn(['a.w']), { params: {}, state: {}, progress })).toBe('it holds parameters none; the spec has a.w');
    // the same names in another order fit
    expect(restoreTraining(standIn(['b.b', 'a.w']), { params, state, progress })).toBeUndefined();
    expect(restoreTraining(standIn(), { params: { ...params, 'b.b': new Float32Array(5) }, state, progress })).toBe('b.b: 5 values, not 2');
  });
});
