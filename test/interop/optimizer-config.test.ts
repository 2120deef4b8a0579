/**
 * The optimizer of an imported spec, from the training config a model was saved with: as
 * TensorFlow.js serializes its own optimizers (getClassName and getConfig, the truth here) and as
 * Keras writes them. Every registered optimizer must be reachable from both (from Keras only
 * where TensorFlow.js has no such optimizer: AdamW).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { trainSection } from '../../src/interop/tfjs-train.js';
import { allOptimizers } from '../../src/ir/optimizers/index.js';
import { useTfCpu } from '../helpers/tfjs-net.js';

/** The spec's optimizer that an optimizer_config imports as. */
function imported(optimizerConfig: unknown): unknown {
  const doc = { trainingConfig: { loss: 'categorical_crossentropy', optimizer_config: optimizerConfig } };
  return trainSection(doc, undefined, 'mnist', undefined).optimizer;
}

const tfjs = (o: tf.Optimizer) => ({ class_name: o.getClassName(), config: o.getConfig() });

describe('a saved optimizer_config as a spec optimizer', () => {
  beforeAll(useTfCpu);

  const cases: { given: string; config: () => unknown; want: Record<string, unknown> }[] = [
    { given: 'tf.train.sgd', config: () => tfjs(tf.train.sgd(0.3)), want: { name: 'sgd', learning_rate: 0.3 } },
    { given: 'tf.train.momentum, Nesterov', config: () => tfjs(tf.train.momentum(0.1, 0.7, true)), want: { name: 'momentum', learning_rate: 0.1, momentum: 0.7, nesterov: true } },
    { given: 'tf.train.adam', config: () => tfjs(tf.train.adam(0.01, 0.8, 0.99, 1e-6)), want: { name: 'adam', learning_rate: 0.01, beta1: 0.8, beta2: 0.99, epsilon: 1e-6 } },
    { given: "Keras's SGD without momentum", config: () => ({ class_name: 'SGD', config: { learning_rate: 0.05, momentum: 0, nesterov: false } }), want: { name: 'sgd', learning_rate: 0.05 } },
    { given: "Keras's SGD with momentum, old 'lr'", config: () => ({ class_name: 'SGD', config: { lr: 0.02, momentum: 0.9 } }), want: { name: 'momentum', learning_rate: 0.02, momentum: 0.9 } },
    {
      given: "Keras's Adam",
      config: () => ({ class_name: 'Adam', config: { learning_rate: 0.002, beta_1: 0.85, beta_2: 0.95, epsilon: 1e-8, amsgrad: false } }),
      want: { name: 'adam', learning_rate: 0.002, beta1: 0.85, beta2: 0.95, epsilon: 1e-8 },
    },
    { given: 'tf.train.rmsprop', config: () => tfjs(tf.train.rmsprop(0.02, 0.8, 0.5, 1e-6, true)), want: { name: 'rmsprop', learning_rate: 0.02, rho: 0.8, momentum: 0.5, epsilon: 1e-6, centered: true } },
    {
      given: "Keras's RMSprop",
      config: () => ({ class_name: 'RMSprop', config: { learning_rate: 0.01, rho: 0.95, momentum: 0, epsilon: 1e-7, centered: false } }),
      want: { name: 'rmsprop', learning_rate: 0.01, rho: 0.95, momentum: 0, epsilon: 1e-7, centered: false },
    },
    {
      given: "Keras's AdamW",
      config: () => ({ class_name: 'AdamW', config: { learning_rate: 0.002, weight_decay: 0.01, beta_1: 0.85, beta_2: 0.95, epsilon: 1e-8, amsgrad: false } }),
      want: { name: 'adamw', learning_rate: 0.002, weight_decay: 0.01, beta1: 0.85, beta2: 0.95, epsilon: 1e-8 },
    },
    { given: 'an optimizer netc lacks: the default', config: () => ({ class_name: 'Adagrad', config: { learning_rate: 0.1 } }), want: { name: 'adam', learning_rate: 0.001 } },
  ];

  it.each(cases)('$given', ({ config, want }) => {
    expect(imported(config())).toEqual(want);
  });

  it('covers every registered optimizer from TensorFlow.js and from Keras', () => {
    const fromTfjs = cases.filter((c) => c.given.startsWith('tf.train')).map((c) => c.want.name);
    const fromKeras = cases.filter((c) => c.given.startsWith('Keras')).map((c) => c.want.name);
    for (const o of allOptimizers()) {
      if (o.tfjs) expect(fromTfjs, o.name).toContain(o.name);
      expect(fromKeras, o.name).toContain(o.name);
    }
  });
});
