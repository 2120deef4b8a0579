/**
 * ONNX Runtime (onnxruntime-web: its WebAssembly build, which runs in Node and needs no download)
 * as the independent truth for netc's ONNX export and import: a model's bytes in, its first
 * output for a batch of images out.
 */
import * as ort from 'onnxruntime-web';

// one thread: the machine is shared, and the numbers are what is checked, not the speed
ort.env.wasm.numThreads = 1;

export async function runOnnx(model: Uint8Array, input: Float32Array, shape: readonly number[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(model);
  try {
    const out = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', input, [...shape]) });
    return Float32Array.from(out[session.outputNames[0]!]!.data as Float32Array);
  } finally {
    await session.release();
  }
}

export const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), a.length === b.length ? 0 : Infinity);

export function argmaxes(p: Float32Array, classes: number): number[] {
  return Array.from({ length: p.length / classes }, (_, i) => {
    let best = 0;
    for (let c = 1; c < classes; c++) if (p[i * classes + c]! > p[i * classes + best]!) best = c;
    return best;
  });
}
