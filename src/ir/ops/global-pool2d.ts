/**
 * global_avgpool2d and global_maxpool2d: the mean or the maximum of each channel over the whole
 * image, N×H×W×C → N×C (Keras's GlobalAveragePooling2D and GlobalMaxPooling2D). A flat output,
 * so a dense layer can read it without a flatten.
 *
 *   %gap: f32[N,16] = global_avgpool2d(%c3)
 *
 * Kernel arguments: n, the pixels per image H·W, C.
 */
import type { KernelArg, LayerDef, OpDef } from '../registry.js';
import { f32, type TensorType } from '../types.js';
import { attrNums, BATCH, batch, buf, imageDims } from './common.js';

type Op = 'global_avgpool2d' | 'global_maxpool2d';

/** n, H·W, C of an image batch */
function geometry(x: TensorType): KernelArg[] {
  const [, h, w, c] = x.shape as number[];
  return [BATCH, h! * w!, c!];
}

function globalPoolOp(name: Op, summary: string): OpDef {
  const isMax = name === 'global_maxpool2d';
  return {
    name,
    summary,
    arity: 1,
    shape([x], _attrs, ctx) {
      const hwc = imageDims(x!, name, ctx);
      return Array.isArray(hwc) ? f32(batch(hwc[2])) : hwc;
    },
    // each output reads its channel's H·W pixels
    connections: ([x]) => (x!.shape[1] as number) * (x!.shape[2] as number) * (x!.shape[3] as number),
    kernel: (node, [x]) => [{ kernel: isMax ? 'globalMaxpool' : 'globalAvgpool', args: [buf(node.inputs[0]!), buf(node.id), ...geometry(x!)] }],
    grad(node, dy, g) {
      if (!g.needsGrad(0)) return [undefined];
      const x = g.input(0);
      const input = { input: (x.type.shape as number[]).slice(1) };
      return [isMax ? g.node('global_maxpool2d_grad', [x, dy!], input, 0) : g.node('global_avgpool2d_grad', [dy!], input, 0)];
    },
  };
}

function globalPoolLayer(op: Op, summary: string): LayerDef {
  return {
    op,
    summary,
    properties: {},
    required: [],
    inputs: { min: 1, max: 1 },
    lower: (_layer, [x], ctx) => (ctx.image(x!, op) ? ctx.node(op, [x!], {}) : undefined),
  };
}

/** dx = each dy spread evenly over its channel's pixels */
export const globalAvgpool2dGradOp: OpDef = {
  name: 'global_avgpool2d_grad',
  summary: 'the gradient of global average pooling',
  arity: 1,
  shape: (_xs, attrs) => f32(['N', ...attrNums(attrs.input)]),
  kernel: (node) => [{ kernel: 'globalAvgpoolGrad', args: [buf(node.inputs[0]!), buf(node.id), ...geometry(node.type)] }],
};

/** dx = each dy routed to the first maximum of its channel in x */
export const globalMaxpool2dGradOp: OpDef = {
  name: 'global_maxpool2d_grad',
  summary: 'the gradient of global max pooling, from the pooled input',
  arity: 2,
  shape: ([x]) => x!,
  kernel: (node, [x]) => [{ kernel: 'globalMaxpoolGrad', args: [...node.inputs.map(buf), buf(node.id), ...geometry(x!)] }],
};

export const globalAvgpool2dOp = globalPoolOp('global_avgpool2d', 'the mean of each channel over height and width');
export const globalMaxpool2dOp = globalPoolOp('global_maxpool2d', 'the maximum of each channel over height and width');
export const globalAvgpool2dLayer = globalPoolLayer('global_avgpool2d', 'the mean of each channel over the whole image: N×H×W×C → N×C');
export const globalMaxpool2dLayer = globalPoolLayer('global_maxpool2d', 'the maximum of each channel over the whole image: N×H×W×C → N×C');
