/**
 * The training end's own settings as lowering reads them: `label_smoothing` becomes Keras's
 * targets y·(1 − ε) + ε/K between the labels and a cross-entropy (and is refused for any other
 * loss), and `early_stopping` without `validation_split` warns that it watches the test set
 * (unless it watches a training figure). Messages written out from what they promise; places
 * computed from the YAML the test wrote.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/driver/analyze.js';
import type { Graph } from '../../src/ir/types.js';
import { writeSpec, type SpecParts } from './ir-fixtures.js';

// lines: 5 f, 6 out; 7 train:, 8 dataset, 9 loss (when given), then batch_size and `train`
const net = (train: string, loss?: string): SpecParts => ({
  input: [2, 2, 1],
  classes: 3,
  ...(loss ? { loss } : {}),
  train,
  layers: '  - { name: f, op: flatten }\n  - { name: out, op: dense, units: 3, activation: softmax }',
});
const node = (g: Graph, id: string) => g.nodes.find((n) => n.id === id);

describe('label_smoothing', () => {
  it('puts y·(1 − ε) + ε/K between the labels and the cross-entropy, at the setting', () => {
    const g = analyze(writeSpec(net('  label_smoothing: 0.3\n'))).graph!;
    const smoothed = node(g, 'labels.smoothed')!;
    expect([smoothed.op, smoothed.inputs, smoothed.layer, smoothed.loc.line, smoothed.loc.column]).toEqual(['affine', ['labels'], '', 10, 20]);
    expect(smoothed.attrs.scale).toBeCloseTo(0.7, 15);
    expect(smoothed.attrs.shift).toBeCloseTo(0.1, 15);
    expect(node(g, 'loss')!.inputs).toEqual(['out.softmax', 'labels.smoothed']);
    expect(g.outputs).toEqual({ loss: 'loss', scores: 'out' });
  });

  it('adds nothing at 0', () => {
    const g = analyze(writeSpec(net('  label_smoothing: 0\n', 'categorical_crossentropy'))).graph!;
    expect(node(g, 'labels.smoothed')).toBeUndefined();
    expect(node(g, 'loss')!.inputs).toEqual(['out.softmax', 'labels']);
  });

  it('is refused for another loss, at its key, and accepted there at 0', () => {
    const line = '  label_smoothing: 0.1';
    const a = analyze(writeSpec(net(`${line}\n`, 'mse')));
    expect(a.diagnostics.map((d) => [d.code, d.severity, d.loc?.line, d.loc?.column, d.message])).toEqual([
      [
        'NETC5008',
        'error',
        11,
        3,
        "label_smoothing softens the one-hot targets of categorical_crossentropy, but the loss is mse; remove 'label_smoothing' or use 'loss: categorical_crossentropy'",
      ],
    ]);
    expect(a.graph).toBeUndefined();
    expect(analyze(writeSpec(net('  label_smoothing: 0\n', 'mse'))).diagnostics).toEqual([]);
  });
});

describe('early_stopping without validation_split', () => {
  const warned = (train: string) => {
    const a = analyze(writeSpec(net(train)));
    // a warning: the graph is still made
    expect(a.graph).toBeDefined();
    return a.diagnostics.map((d) => [d.code, d.severity, d.loc?.line, d.loc?.column, d.message]);
  };
  const message = (monitor: string) =>
    `early_stopping watches ${monitor}, which without validation_split is measured on the test set: the test accuracy reported then flatters the network; add 'validation_split: 0.1' to hold out training images instead`;

  it('warns at its key that a validation figure is the test set\'s (val_loss by default)', () => {
    expect(warned('  early_stopping: { patience: 2 }\n')).toEqual([['NETC5010', 'warning', 10, 3, message('val_loss')]]);
    expect(warned('  early_stopping: { monitor: val_accuracy }\n')).toEqual([['NETC5010', 'warning', 10, 3, message('val_accuracy')]]);
  });

  it('says nothing with a validation split, or when it watches a training figure', () => {
    expect(warned('  early_stopping: { patience: 2 }\n  validation_split: 0.25\n')).toEqual([]);
    expect(warned('  early_stopping: { monitor: loss }\n')).toEqual([]);
    expect(warned('  early_stopping: { monitor: accuracy }\n')).toEqual([]);
    expect(warned('')).toEqual([]);
  });
});
