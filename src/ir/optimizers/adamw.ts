/**
 * adamw: Adam with decoupled weight decay (Loshchilov and Hutter), as Keras's AdamW computes it:
 * before Adam's step, every trained parameter — biases included, as Keras decays every variable
 * not excluded by name — shrinks by p −= lr·weight_decay·p, with this step's (scheduled) rate.
 * Adam's step does not read p, so this is the paper's θ ← θ − lr·(m̂/(√v̂ + ε) + weight_decay·θ).
 * The Adam step is netc's adam kernel (tf.train.adam's ε after the bias correction); Keras puts ε
 * before it, which differs by a factor √(1 − β₂ᵗ) on ε alone. TensorFlow.js has no AdamW.
 */
import { adam } from './adam.js';
import { arg, LEARNING_RATE, PARAM, type OptimizerDef } from './registry.js';

export const adamw: OptimizerDef = {
  name: 'adamw',
  summary: "Adam with decoupled weight decay (Loshchilov and Hutter), with Keras's defaults",
  learningRate: adam.learningRate,
  properties: {
    weight_decay: {
      type: 'number',
      minimum: 0,
      description: "each step, before Adam's, p −= learning_rate·weight_decay·p on every trained parameter",
      default: 0.004,
    },
    ...adam.properties,
  },
  state: adam.state,
  update: (h, size) => [{ kernel: 'weightDecay', args: [PARAM, size, LEARNING_RATE, arg(h.weight_decay)] }, ...adam.update(h, size)],
  keras: { className: 'AdamW', config: { ...adam.keras.config, weight_decay: ['weight_decay'] } },
};
