/** Every op and spec layer netc knows; adding one means adding its file and a line here. */
import type { LayerDef, OpDef } from '../registry.js';
import { affineOp } from './affine.js';
import { mulOp } from './mul.js';
import { rbfGradInputOp, rbfLayer, rbfOp } from './rbf.js';
import { subsampleGradCoefOp, subsampleGradInputOp, subsampleLayer, subsampleOp } from './subsample.js';
import { activationGradOp, activationLayer, activationOps, softmaxGradOp, softmaxOp } from './activation.js';
import { addLayer, addOp } from './add.js';
import { concatLayer, concatOp, sliceChannelsOp } from './concat.js';
import { biasGradOp, conv2dGradFilterOp, conv2dGradInputOp, conv2dLayer, conv2dOp } from './conv2d.js';
import { denseGradInputOp, denseGradWeightOp, denseLayer, denseOp } from './dense.js';
import { dropoutGradOp, dropoutLayer, dropoutOp } from './dropout.js';
import { flattenLayer, flattenOp, reshapeOp } from './flatten.js';
import { inputOp, paramOp } from './input.js';
import {
  crossEntropyGradOp,
  crossEntropyOp,
  mseGradOp,
  mseOp,
  rbfMapGradOp,
  rbfMapOp,
  softmaxCrossEntropyGradOp,
  softmaxCrossEntropyOp,
} from './losses.js';
import { cropOp, padLayer, padOp } from './pad.js';
import { avgpool2dGradOp, avgpool2dLayer, avgpool2dOp, maxpool2dGradOp, maxpool2dLayer, maxpool2dOp } from './pool2d.js';

const OPS: readonly OpDef[] = [
  // forward
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
  affineOp,
  mulOp,
  // the 1998 paper's own layers
  subsampleOp,
  rbfOp,
  // losses
  crossEntropyOp,
  mseOp,
  softmaxCrossEntropyOp,
  rbfMapOp,
  // backward: made only by the autodiff pass from the rules above
  conv2dGradInputOp,
  conv2dGradFilterOp,
  biasGradOp,
  denseGradInputOp,
  denseGradWeightOp,
  avgpool2dGradOp,
  maxpool2dGradOp,
  reshapeOp,
  dropoutGradOp,
  activationGradOp,
  softmaxGradOp,
  sliceChannelsOp,
  cropOp,
  crossEntropyGradOp,
  mseGradOp,
  softmaxCrossEntropyGradOp,
  rbfMapGradOp,
  subsampleGradInputOp,
  subsampleGradCoefOp,
  rbfGradInputOp,
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
  subsampleLayer,
  rbfLayer,
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
