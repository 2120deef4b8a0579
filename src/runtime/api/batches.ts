/**
 * Shuffled mini-batches of a split, in the order `fit` and `netc train` feed them: epoch e's
 * order is a shuffle seeded by (seed, e), so a program's own loop can see the same batches.
 */
import { Batcher, type Split } from '../data/dataset.js';
import { epochOrder } from '../training/loop.js';

export interface BatchOptions {
  readonly batchSize: number;
  /** the seed of the shuffle (default 0) */
  readonly seed?: number;
  /** which epoch's order (default 0) */
  readonly epoch?: number;
  /** false: the split's own order (default true) */
  readonly shuffle?: boolean;
}

export interface Batch {
  /** n × H × W × C floats */
  readonly images: Float32Array;
  /** n × classes floats, one-hot */
  readonly labels: Float32Array;
  readonly n: number;
}

/**
 * The split's batches for one epoch. The arrays are reused from batch to batch (a training step
 * allocates nothing): copy them to keep one past the next.
 */
export function* batches(split: Split, options: BatchOptions): Generator<Batch> {
  const { batchSize, seed = 0, epoch = 0, shuffle = true } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batchSize must be a whole number ≥ 1, not ${batchSize}`);
  const order = shuffle ? epochOrder(split.count, seed, epoch) : Uint32Array.from({ length: split.count }, (_, i) => i);
  const batcher = new Batcher(split, batchSize);
  for (let start = 0; start < split.count; start += batchSize) {
    const n = batcher.gather(order, start, Math.min(batchSize, split.count - start));
    yield { images: batcher.images.subarray(0, n * (batcher.images.length / batchSize)), labels: batcher.labels.subarray(0, n * (batcher.labels.length / batchSize)), n };
  }
}
