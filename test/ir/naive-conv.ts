/**
 * Convolutions written as loops straight from their definitions (TensorFlow's NHWC layout and
 * padding), the truth the IR tests compare the interpreter's kernels with.
 */

/**
 * y[n, oh, ow, f] = act(b[f] + Σ x[n, oh·sh − pt + i·dh, ow·sw − pl + j·dw, c] · w[i, j, c, f]), zeros outside; a batch of
 * `batch`. The taps are `[dh, dw]` apart (Keras's dilation_rate), so the window spans (k − 1)·d + 1 pixels.
 */
export function naiveConv(
  batch: number, x: number[], [H, W, C]: number[], w: number[], [KH, KW, F]: number[], b: number[],
  [SH, SW]: number[], [PT, PB, PL, PR]: number[], act: (v: number) => number = (v) => v, [DH, DW]: number[] = [1, 1],
): { y: number[]; oh: number; ow: number } {
  const OH = Math.floor((H! + PT! + PB! - ((KH! - 1) * DH! + 1)) / SH!) + 1;
  const OW = Math.floor((W! + PL! + PR! - ((KW! - 1) * DW! + 1)) / SW!) + 1;
  const y: number[] = [];
  for (let n = 0; n < batch; n++)
    for (let oh = 0; oh < OH; oh++)
      for (let ow = 0; ow < OW; ow++)
        for (let f = 0; f < F!; f++) {
          let s = b[f]!;
          for (let i = 0; i < KH!; i++)
            for (let j = 0; j < KW!; j++)
              for (let c = 0; c < C!; c++) {
                const h = oh * SH! - PT! + i * DH!;
                const ww = ow * SW! - PL! + j * DW!;
                if (h < 0 || h >= H! || ww < 0 || ww >= W!) continue;
                s += x[((n * H! + h) * W! + ww) * C! + c]! * w[((i * KW! + j) * C! + c) * F! + f]!;
              }
          y.push(act(s));
        }
  return { y, oh: OH, ow: OW };
}

/**
 * Keras's DepthwiseConv2D as what it is defined to be: input channel c convolved on its own with
 * each of its M kernels w[:, :, c, m], giving output channel c·M + m. Bias b[c·M + m], or none.
 */
export function naiveDepthwise(
  batch: number, x: number[], [H, W, C]: number[], w: number[], [KH, KW, M]: number[], b: number[] | undefined,
  stride: number[], pad: number[], act: (v: number) => number = (v) => v,
): number[] {
  const channel = (c: number) => x.filter((_, i) => i % C! === c);
  const kernel = (c: number, m: number) => w.filter((_, i) => i % (C! * M!) === c * M! + m);
  const planes: number[][] = [];
  for (let c = 0; c < C!; c++)
    for (let m = 0; m < M!; m++) planes.push(naiveConv(batch, channel(c), [H!, W!, 1], kernel(c, m), [KH!, KW!, 1], [b ? b[c * M! + m]! : 0], stride, pad, act).y);
  // interleave the planes: each output pixel holds its C·M channels side by side
  return planes[0]!.flatMap((_, p) => planes.map((plane) => plane[p]!));
}
