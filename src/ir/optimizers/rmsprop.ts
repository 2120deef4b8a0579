/**
 * rmsprop: Hinton's RMSprop as Keras and tf.train.rmsprop compute it, with Keras's defaults:
 * ms = ρ·ms + (1 − ρ)·g², then p −= lr·g/√(ms + ε). With `centered`, the mean gradient mg is kept
 * too and the denominator is √(ms − mg² + ε) (Keras's rule: tf.train.rmsprop subtracts ε there,
 * which is a sign slip, not a different method); with `momentum` > 0 the step goes through a
 * momentum buffer, mom = momentum·mom + lr·g/√…, p −= mom. As in Keras, the mean gradient and
 * the momentum buffer exist only when they are used.
 */
import { arg, GRADIENT, LEARNING_RATE, PARAM, state, type Hyperparameters, type OptimizerDef } from './registry.js';

/** The state buffers these hyperparameters need, in order: always rms, then mg and momentum when used. */
const buffers = (h: Hyperparameters): string[] => ['rms', ...(h.centered ? ['mg'] : []), ...(arg(h.momentum) > 0 ? ['momentum'] : [])];

export const rmsprop: OptimizerDef = {
  name: 'rmsprop',
  summary: "RMSprop, with Keras's defaults",
  learningRate: 0.001,
  properties: {
    rho: { type: 'number', minimum: 0, exclusiveMaximum: 1, description: 'decay of the moving average of g²', default: 0.9 },
    momentum: { type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0 },
    epsilon: { type: 'number', exclusiveMinimum: 0, description: 'added under the square root', default: 1e-7 },
    centered: { type: 'boolean', description: 'divide by an estimate of the variance of g rather than its mean square', default: false },
  },
  state: buffers,
  update(h, size) {
    const names = buffers(h);
    const slot = (name: string) => (names.includes(name) ? state(names.indexOf(name)) : -1);
    return [
      {
        kernel: 'rmsprop',
        args: [PARAM, GRADIENT, state(0), slot('mg'), slot('momentum'), size, LEARNING_RATE, arg(h.rho), arg(h.momentum), arg(h.epsilon)],
      },
    ];
  },
  keras: {
    className: 'RMSprop',
    config: { learning_rate: ['learning_rate', 'lr'], rho: ['rho'], momentum: ['momentum'], epsilon: ['epsilon'], centered: ['centered'] },
  },
  tfjs: {
    className: 'RMSProp',
    config: { learning_rate: ['learningRate'], rho: ['decay'], momentum: ['momentum'], epsilon: ['epsilon'], centered: ['centered'] },
  },
};
