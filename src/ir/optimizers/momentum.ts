/**
 * momentum: SGD with momentum in TensorFlow's form, accum = momentum·accum + g, then
 * p −= lr·accum, or p −= lr·(g + momentum·accum) with Nesterov's correction.
 */
import { arg, GRADIENT, LEARNING_RATE, PARAM, state, type OptimizerDef } from './registry.js';

export const momentum: OptimizerDef = {
  name: 'momentum',
  summary: 'SGD with momentum',
  learningRate: 0.01,
  properties: {
    momentum: { type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0.9 },
    nesterov: { type: 'boolean', default: false },
  },
  state: ['accum'],
  update: (h, size) => [{ kernel: 'momentum', args: [PARAM, GRADIENT, state(0), size, LEARNING_RATE, arg(h.momentum), arg(h.nesterov)] }],
  keras: {
    className: 'SGD',
    config: { learning_rate: ['learning_rate', 'lr'], momentum: ['momentum'], nesterov: ['nesterov'] },
    matches: (c) => typeof c.momentum === 'number' && c.momentum > 0,
  },
  tfjs: { className: 'Momentum', config: { learning_rate: ['learningRate'], momentum: ['momentum'], nesterov: ['useNesterov'] } },
};
