/**
 * What the profiler needs to know of a compiled module: the layer and phase of each kernel call
 * of its schedules, in order, read off the planned graphs with the emitter's own list of calls
 * (src/codegen/schedule.ts). In the training step a node after the loss is backward, and the
 * nodes of no layer are the loss's.
 */
import { scheduledNodes, scheduledUpdates } from '../codegen/schedule.js';
import type { Graph, Node } from '../ir/types.js';
import type { CallLabel, Phase, ScheduleLabels } from '../runtime/profiler.js';
import type { Compiled } from './compile.js';

export function profileLabels(compiled: Compiled): ScheduleLabels {
  const train = compiled.train;
  const gradients = train?.outputs.gradients ?? {};
  const update = compiled.optimizer && compiled.params ? scheduledUpdates(compiled.optimizer, compiled.params, gradients) : [];
  return {
    train: train ? graphLabels(train, 'forward') : [],
    infer: compiled.infer ? graphLabels(compiled.infer, 'inference') : [],
    update: update.flatMap(({ slot, calls }) => calls.map((c) => ({ layer: layerOf(slot.node, slot.node.id), phase: 'update' as const, kernel: c.kernel }))),
  };
}

function graphLabels(g: Graph, first: Phase): CallLabel[] {
  let phase = first;
  return scheduledNodes(g).flatMap(({ node, calls }) => {
    const labels = calls.map((c) => ({ layer: layerOf(node, first === 'forward' ? 'loss' : node.id), phase, kernel: c.kernel }));
    if (node.id === g.outputs.loss) phase = 'backward';
    return labels;
  });
}

/** The spec layer of a node; a graph-level node (in a training step: the loss and its gradient) has none. */
const layerOf = (node: Node, graphLevel: string): string => node.layer || graphLevel;
