/**
 * A data set in memory, ready for training: images converted to float once (pixels scaled to
 * [0, 1], as the tutorial does), labels one-hot. Batches are gathered from a shuffled index
 * into buffers that are reused, so a training step allocates nothing.
 */
import { IdxError, readIdx } from './idx.js';
import type { DatasetFiles } from './datasets.js';

export interface Split {
  /** count × H × W × C floats */
  readonly images: Float32Array;
  /** count × classes floats, one-hot */
  readonly labels: Float32Array;
  /** the class of each example */
  readonly classes: Uint8Array;
  readonly count: number;
}

export interface Dataset {
  readonly train: Split;
  readonly test: Split;
  readonly imageShape: readonly [number, number, number];
  readonly numClasses: number;
}

/** Images as floats in [0, 1], NHWC; `limit` keeps the first examples only. */
export function loadImages(path: string, limit = Infinity): { images: Float32Array; count: number; shape: [number, number, number] } {
  const idx = readIdx(path);
  if (idx.type !== 'u8' || idx.dims.length < 3 || idx.dims.length > 4) {
    throw new IdxError(path, `holds ${idx.dims.join('×')} values of type ${idx.type}; images need unsigned bytes, count × height × width (× channels)`);
  }
  const [total, h, w, c = 1] = idx.dims as number[];
  const count = Math.min(total!, limit);
  const size = h! * w! * c;
  const images = new Float32Array(count * size);
  const scale = 1 / 255;
  for (let i = 0; i < images.length; i++) images[i] = idx.data[i]! * scale;
  return { images, count, shape: [h!, w!, c] };
}

/** Labels as class numbers; each must be below `numClasses`. */
export function loadLabels(path: string, numClasses: number, limit = Infinity): Uint8Array {
  const idx = readIdx(path);
  if (idx.type !== 'u8' || idx.dims.length !== 1) {
    throw new IdxError(path, `holds ${idx.dims.join('×')} values of type ${idx.type}; labels need one dimension of unsigned bytes`);
  }
  const labels = idx.data.subarray(0, Math.min(idx.dims[0]!, limit));
  const bad = labels.findIndex((l) => l >= numClasses);
  if (bad >= 0) throw new IdxError(path, `label ${bad} is ${labels[bad]}, but the network has ${numClasses} classes`);
  return Uint8Array.from(labels);
}

export function oneHot(classes: Uint8Array, numClasses: number): Float32Array {
  const out = new Float32Array(classes.length * numClasses);
  classes.forEach((c, i) => (out[i * numClasses + c] = 1));
  return out;
}

function split(imagesPath: string, labelsPath: string, numClasses: number, limit: number): Split & { shape: [number, number, number] } {
  const { images, count, shape } = loadImages(imagesPath, limit);
  const classes = loadLabels(labelsPath, numClasses, limit);
  if (classes.length !== count) {
    throw new IdxError(labelsPath, `holds ${classes.length} labels for the ${count} images of ${imagesPath}`);
  }
  return { images, labels: oneHot(classes, numClasses), classes, count, shape };
}

export interface LoadOptions {
  /** train on the first N training images only (0: load no training images) */
  readonly limit?: number;
  /** evaluate on the first N test images only */
  readonly testLimit?: number;
}

export function loadDataset(files: DatasetFiles, numClasses: number, options: LoadOptions = {}): Dataset {
  const test = split(files.testImages, files.testLabels, numClasses, options.testLimit ?? Infinity);
  const train =
    options.limit === 0
      ? { images: new Float32Array(0), labels: new Float32Array(0), classes: new Uint8Array(0), count: 0, shape: test.shape }
      : split(files.trainImages, files.trainLabels, numClasses, options.limit ?? Infinity);
  if (train.shape.join() !== test.shape.join()) {
    throw new IdxError(files.testImages, `holds ${test.shape.join('×')} images, but the training images are ${train.shape.join('×')}`);
  }
  return { train, test, imageShape: train.shape, numClasses };
}

/** Gathers batches of a split by index into two reused buffers. */
export class Batcher {
  readonly images: Float32Array;
  readonly labels: Float32Array;
  private readonly imageSize: number;
  private readonly numClasses: number;

  constructor(
    private readonly split: Split,
    batchSize: number,
  ) {
    this.imageSize = split.images.length / split.count;
    this.numClasses = split.labels.length / split.count;
    this.images = new Float32Array(batchSize * this.imageSize);
    this.labels = new Float32Array(batchSize * this.numClasses);
  }

  /** Copy the examples order[start .. start + n) in; returns n. */
  gather(order: Uint32Array, start: number, n: number): number {
    const { imageSize: is, numClasses: nc } = this;
    for (let j = 0; j < n; j++) {
      const i = order[start + j]!;
      this.images.set(this.split.images.subarray(i * is, (i + 1) * is), j * is);
      this.labels.set(this.split.labels.subarray(i * nc, (i + 1) * nc), j * nc);
    }
    return n;
  }
}
