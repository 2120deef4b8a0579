/**
 * A data set in memory, ready for training: images converted to float once (pixels scaled to
 * [0, 1], as the tutorial does), labels one-hot. Batches are gathered from a shuffled index
 * into buffers that are reused, so a training step allocates nothing.
 */
import type { Augmenter } from './augment.js';
import { WARP_FLOATS, warpImage } from '../kernels/reference/augment.js';
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
  /** held out of the training images to validate on after each epoch (else the test set is) */
  readonly validation?: Split;
  readonly imageShape: readonly [number, number, number];
  readonly numClasses: number;
  /** the classes' names, where the data names them (an images folder's subfolders) */
  readonly classNames?: readonly string[];
}

/** Bytes as floats in [0, 1]. */
export function toFloats(bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.length);
  const scale = 1 / 255;
  for (let i = 0; i < out.length; i++) out[i] = bytes[i]! * scale;
  return out;
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
  return { images: toFloats(idx.data.subarray(0, count * size)), count, shape: [h!, w!, c] };
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

/** Examples [from, to) of a split, sharing its memory. */
export function slice(s: Split, from: number, to: number): Split {
  const size = s.images.length / s.count;
  const classes = s.labels.length / s.count;
  return {
    images: s.images.subarray(from * size, to * size),
    labels: s.labels.subarray(from * classes, to * classes),
    classes: s.classes.subarray(from, to),
    count: to - from,
  };
}

/**
 * Keep the last `fraction` of the training examples apart for validation, as Keras's
 * validation_split does: the split is taken before any shuffling, the same in every epoch and
 * every run. Both parts share the training images' memory.
 */
export function holdOut(data: Dataset, fraction: number): Dataset {
  const n = data.train.count;
  const at = Math.floor(n * (1 - fraction)); // as Keras: int(n · (1 − split))
  return { ...data, train: slice(data.train, 0, at), validation: slice(data.train, at, n) };
}

/**
 * Gathers batches of a split by index into reused buffers: the images, the labels and, when
 * augmenting, each image's warp (the images stay as they are: the model's affineWarp kernel
 * distorts them on their way in, see CompiledModel.computeGradients).
 */
export class Batcher {
  readonly images: Float32Array;
  readonly labels: Float32Array;
  /** with an augmenter, image j's warp at [6j, 6j + 6) after gather */
  readonly warps: Float32Array;
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
    this.warps = new Float32Array(batchSize * WARP_FLOATS);
  }

  /**
   * Copy the examples order[start .. start + n) in; returns n. With an augmenter, each image's
   * warp for `epoch` (as its key says) goes into `warps`.
   */
  gather(order: Uint32Array, start: number, n: number, augmenter?: Augmenter, epoch = 0): number {
    const { imageSize: is, numClasses: nc } = this;
    for (let j = 0; j < n; j++) {
      const i = order[start + j]!;
      this.images.set(this.split.images.subarray(i * is, (i + 1) * is), j * is);
      this.labels.set(this.split.labels.subarray(i * nc, (i + 1) * nc), j * nc);
      augmenter?.warpInto(augmenter.key(epoch, i), this.warps, j * WARP_FLOATS);
    }
    return n;
  }

  /** The first n gathered images distorted by their warps, with the reference kernel: what training sees (pictures, tests). */
  distorted(n: number, shape: readonly [number, number, number]): Float32Array {
    const out = new Float32Array(n * this.imageSize);
    for (let j = 0; j < n; j++) {
      const w = j * WARP_FLOATS;
      const m = this.warps;
      warpImage(this.images, j * this.imageSize, out, j * this.imageSize, ...shape, m[w]!, m[w + 1]!, m[w + 2]!, m[w + 3]!, m[w + 4]!, m[w + 5]!);
    }
    return out;
  }
}
