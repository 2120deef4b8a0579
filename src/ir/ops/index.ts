/**
 * Every op and spec layer netc knows. A shipped one is its file and a line in the lists here;
 * one that lives elsewhere (a test-only op, a plug-in) calls registerOp and registerLayer
 * before compiling, and is then known everywhere the registry is read: lowering, the schema
 * that validates specs, the interpreter and the emitter.
 */
import type { LayerDef, OpDef } from '../registry.js';
import { affineOp } from './affine.js';
import { assignOp } from './assign.js';
import {
  batchMeanOp,
  batchnormFoldBiasOp,
  batchnormFoldWeightsOp,
  batchnormGradInputOp,
  batchnormGradScaleOp,
  batchnormLayer,
  batchnormOp,
  batchVarianceOp,
} from './batchnorm.js';
import { mulOp } from './mul.js';
import { rbfGradInputOp, rbfLayer, rbfOp } from './rbf.js';
import { subsampleGradCoefOp, subsampleGradInputOp, subsampleLayer, subsampleOp } from './subsample.js';
import { activationGradOp, activationLayer, activationOps, softmaxGradOp, softmaxOp } from './activation.js';
import { addLayer, addOp } from './add.js';
import { concatLayer, concatOp, sliceChannelsOp } from './concat.js';
import { biasGradOp, conv2dGradFilterOp, conv2dGradInputOp, conv2dLayer, conv2dOp } from './conv2d.js';
import { denseGradInputOp, denseGradWeightOp, denseLayer, denseOp } from './dense.js';
import { depthwiseConv2dGradFilterOp, depthwiseConv2dGradInputOp, depthwiseConv2dLayer, depthwiseConv2dOp } from './depthwise-conv2d.js';
import { globalAvgpool2dGradOp, globalAvgpool2dLayer, globalAvgpool2dOp, globalMaxpool2dGradOp, globalMaxpool2dLayer, globalMaxpool2dOp } from './global-pool2d.js';
import { dropoutGradOp, dropoutLayer, dropoutOp } from './dropout.js';
import { flattenLayer, flattenOp, reshapeOp } from './flatten.js';
import { inputOp, paramOp } from './input.js';
import { l2PenaltyOp } from './l2-penalty.js';
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

const SHIPPED_OPS: readonly OpDef[] = [
  // forward
  inputOp,
  paramOp,
  conv2dOp,
  depthwiseConv2dOp,
  avgpool2dOp,
  maxpool2dOp,
  globalAvgpool2dOp,
  globalMaxpool2dOp,
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
  batchMeanOp,
  batchVarianceOp,
  batchnormOp,
  // what fold-batchnorm makes of a batchnorm at inference
  batchnormFoldWeightsOp,
  batchnormFoldBiasOp,
  // the 1998 paper's own layers
  subsampleOp,
  rbfOp,
  // losses
  crossEntropyOp,
  mseOp,
  softmaxCrossEntropyOp,
  rbfMapOp,
  l2PenaltyOp,
  // state updates (batch normalization's running statistics)
  assignOp,
  // backward: made only by the autodiff pass from the rules above
  conv2dGradInputOp,
  conv2dGradFilterOp,
  biasGradOp,
  denseGradInputOp,
  denseGradWeightOp,
  avgpool2dGradOp,
  maxpool2dGradOp,
  depthwiseConv2dGradInputOp,
  depthwiseConv2dGradFilterOp,
  globalAvgpool2dGradOp,
  globalMaxpool2dGradOp,
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
  batchnormGradScaleOp,
  batchnormGradInputOp,
];

const SHIPPED_LAYERS: readonly LayerDef[] = [
  conv2dLayer,
  depthwiseConv2dLayer,
  avgpool2dLayer,
  maxpool2dLayer,
  globalAvgpool2dLayer,
  globalMaxpool2dLayer,
  denseLayer,
  flattenLayer,
  dropoutLayer,
  activationLayer,
  addLayer,
  concatLayer,
  padLayer,
  subsampleLayer,
  rbfLayer,
  batchnormLayer,
];

// Replaced, never changed in place, on registration: a list taken earlier stays as it was, and
// a cache keyed by the list (the schema built from the layers) sees the change.
let ops = SHIPPED_OPS;
let layers = SHIPPED_LAYERS;
const opsByName = new Map(ops.map((o) => [o.name, o]));
const layersByOp = new Map(layers.map((l) => [l.op, l]));

export function getOp(name: string): OpDef | undefined {
  return opsByName.get(name);
}

export function getLayer(op: string): LayerDef | undefined {
  return layersByOp.get(op);
}

export const allOps = (): readonly OpDef[] => ops;
export const allLayers = (): readonly LayerDef[] => layers;

/** Add an IR op; a name already taken is a programming error. */
export function registerOp(def: OpDef): void {
  if (opsByName.has(def.name)) throw new Error(`an IR op named '${def.name}' is already registered`);
  opsByName.set(def.name, def);
  ops = [...ops, def];
}

/** Add a spec layer (an `op:` a spec may write); a name already taken is a programming error. */
export function registerLayer(def: LayerDef): void {
  if (layersByOp.has(def.op)) throw new Error(`a spec layer '${def.op}' is already registered`);
  layersByOp.set(def.op, def);
  layers = [...layers, def];
}
