/** sgd: plain stochastic gradient descent, p −= lr·g. No state. */
import { GRADIENT, LEARNING_RATE, PARAM, type OptimizerDef } from './registry.js';

// Keras's SGD is plain only without momentum; with it, it is the momentum optimizer.
const noMomentum = (c: Readonly<Record<string, unknown>>) => !(typeof c.momentum === 'number' && c.momentum > 0);

export const sgd: OptimizerDef = {
  name: 'sgd',
  summary: 'plain stochastic gradient descent',
  learningRate: 0.01,
  properties: {},
  state: [],
  update: (_h, size) => [{ kernel: 'sgd', args: [PARAM, GRADIENT, size, LEARNING_RATE] }],
  keras: { className: 'SGD', config: { learning_rate: ['learning_rate', 'lr'] }, matches: noMomentum },
  tfjs: { className: 'SGD', config: { learning_rate: ['learningRate'] }, matches: noMomentum },
};
