/** Every op and spec layer netc knows; adding one means adding its file and a line here. */
import type { LayerDef, OpDef } from '../registry.js';
import { activationLayer, activationOps, softmaxOp } from './activation.js';
import { addLayer, addOp } from './add.js';
import { concatLayer, concatOp } from './concat.js';
import { conv2dLayer, conv2dOp } from './conv2d.js';
import { denseLayer, denseOp } from './dense.js';
import { dropoutLayer, dropoutOp } from './dropout.js';
import { flattenLayer, flattenOp } from './flatten.js';
import { inputOp, paramOp } from './input.js';
import { crossEntropyOp, mseOp } from './losses.js';
import { padLayer, padOp } from './pad.js';
import { avgpool2dLayer, avgpool2dOp, maxpool2dLayer, maxpool2dOp } from './pool2d.js';

const OPS: readonly OpDef[] = [
  inputOp,
  paramOp,
  conv2dOp,
  avgpool2dOp,
  maxpool2dOp,
  denseOp,
  flattenOp,
  dropoutOp,
  ...activationOps,
  softmaxOp,
  addOp,
  concatOp,
  padOp,
  crossEntropyOp,
  mseOp,
];

const LAYERS: readonly LayerDef[] = [
  conv2dLayer,
  avgpool2dLayer,
  maxpool2dLayer,
  denseLayer,
  flattenLayer,
  dropoutLayer,
  activationLayer,
  addLayer,
  concatLayer,
  padLayer,
];

const opsByName = new Map(OPS.map((o) => [o.name, o]));
const layersByOp = new Map(LAYERS.map((l) => [l.op, l]));

export function getOp(name: string): OpDef | undefined {
  return opsByName.get(name);
}

export function getLayer(op: string): LayerDef | undefined {
  return layersByOp.get(op);
}

export const allOps = (): readonly OpDef[] => OPS;
export const allLayers = (): readonly LayerDef[] => LAYERS;
