/**
 * Graph inputs and parameters: the values that no node computes. `input` is fed by the caller
 * (images, or labels when `role: labels`); `param` is a trainable (or fixed) tensor that the
 * module owns, with its initializer in the attributes.
 */
import type { OpDef } from '../registry.js';
import { f32 } from '../types.js';
import { attrNums } from './common.js';

export const inputOp: OpDef = {
  name: 'input',
  summary: 'a batch fed by the caller: images, or labels (role=labels)',
  arity: 0,
  shape: (_xs, attrs) => f32(['N', ...attrNums(attrs.shape)]),
};

export const paramOp: OpDef = {
  name: 'param',
  summary: 'a parameter tensor owned by the module, with its initializer',
  arity: 0,
  shape: (_xs, attrs) => f32(attrNums(attrs.shape)),
};
