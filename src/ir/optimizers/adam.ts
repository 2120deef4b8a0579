/**
 * adam: Kingma and Ba's Algorithm 1 as tf.train.adam computes it, with Keras's defaults; the
 * moments m and v are its state, the step (from 1) its bias correction.
 */
import { arg, GRADIENT, LEARNING_RATE, PARAM, state, STEP, type OptimizerDef } from './registry.js';

export const adam: OptimizerDef = {
  name: 'adam',
  summary: "Adam (Kingma and Ba), with Keras's defaults",
  learningRate: 0.001,
  properties: {
    beta1: { type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0.9 },
    beta2: { type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0.999 },
    epsilon: { type: 'number', exclusiveMinimum: 0, description: 'added to the denominator', default: 1e-7 },
  },
  state: ['m', 'v'],
  update: (h, size) => [
    { kernel: 'adam', args: [PARAM, GRADIENT, state(0), state(1), size, LEARNING_RATE, arg(h.beta1), arg(h.beta2), arg(h.epsilon), STEP] },
  ],
  keras: { className: 'Adam', config: { learning_rate: ['learning_rate', 'lr'], beta1: ['beta_1'], beta2: ['beta_2'], epsilon: ['epsilon'] } },
  tfjs: { className: 'Adam', config: { learning_rate: ['learningRate'], beta1: ['beta1'], beta2: ['beta2'], epsilon: ['epsilon'] } },
};
