/**
 * What the compiler needs to know about a spec's data set to check the network against it: the
 * shape of one image and the number of classes. Known sets are described without touching the
 * disk; IDX files named in the spec are checked before any training — the images' headers, the
 * labels whole (they give the classes) — and a problem is a diagnostic at the key of its file.
 * An images folder is listed (image-facts.ts).
 */
import { dirname } from 'node:path';
import { IdxError, readIdx, readIdxHeader } from '../runtime/data/idx.js';
import { datasetFiles, KNOWN_DATASETS, type DatasetFiles } from '../runtime/data/datasets.js';
import type { Diagnostic, SourceLoc } from '../diagnostics/diagnostics.js';
import { Messages } from '../diagnostics/messages.js';
import { imageFolderFacts } from './image-facts.js';
import type { SourceMap } from './source.js';
import type { DatasetSpec } from './types.js';

export interface DatasetFacts {
  /** how messages name it: 'mnist', or the images file */
  readonly label: string;
  readonly image: readonly [number, number, number];
  readonly classes: number;
}

/** A file that disagrees with another (a count, a shape): the note points at the other's key. */
class Mismatch extends IdxError {
  constructor(
    path: string,
    problem: string,
    readonly other: string,
  ) {
    super(path, problem);
  }
}

/** The spec's key of each file, in the order they are read. */
const KEYS = { trainImages: 'train_images', trainLabels: 'train_labels', testImages: 'test_images', testLabels: 'test_labels' } as const;

/**
 * Where the spec names the data file at `path`: its own key under `idx:`, or `dataset:` for a
 * known set. A file named under two keys is blamed at the first of them in this order (train
 * before test, images before labels), which is also the order `datasetFacts` reads them in.
 */
export function dataFileLoc(map: SourceMap, files: DatasetFiles | undefined, path: string): SourceLoc {
  const at = files && (Object.keys(KEYS) as (keyof DatasetFiles)[]).find((k) => files[k] === path);
  return map.locate(at ? ['train', 'dataset', 'idx', KEYS[at]] : ['train', 'dataset']);
}

/** `input` is the spec's input shape, which an images folder's images are made into. */
export function datasetFacts(dataset: DatasetSpec, map: SourceMap, input: readonly [number, number, number]): DatasetFacts | Diagnostic {
  if (typeof dataset === 'string') {
    const known = KNOWN_DATASETS[dataset]!;
    return { label: dataset, image: known.image, classes: known.classes };
  }
  if ('images' in dataset) return imageFolderFacts(dataset, map, input);
  // IDX paths are relative to the file that wrote them (a base spec, perhaps).
  const imagesAt = map.locate(['train', 'dataset', 'idx', 'train_images']);
  const files = datasetFiles(dataset, dirname(imagesAt.file));
  if ('missing' in files) return Messages.DataFile.at(imagesAt, 'dataset', files.missing);
  try {
    const train = split(files.trainImages, files.trainLabels);
    const test = split(files.testImages, files.testLabels);
    if (test.image.join() !== train.image.join()) {
      throw new Mismatch(files.testImages, `holds ${test.image.join('×')} images, but the training images are ${train.image.join('×')}`, files.trainImages);
    }
    const classes = train.labels.reduce((n, l) => Math.max(n, l + 1), 0);
    const bad = test.labels.findIndex((l) => l >= classes);
    if (bad >= 0) throw new IdxError(files.testLabels, `label ${bad} is ${test.labels[bad]}, but the training labels have ${classes} classes (0 to ${classes - 1})`);
    return { label: files.trainImages, image: train.image, classes };
  } catch (e) {
    const at = (path: string) => dataFileLoc(map, files, path);
    if (e instanceof Mismatch) return Messages.DataFile.withRelated(at(e.path), [{ message: `${e.other} is named here`, loc: at(e.other) }], e.path, e.problem);
    if (e instanceof IdxError) return Messages.DataFile.at(at(e.path), e.path, e.problem);
    throw e;
  }
}

/** One split's image shape and labels, with the counts of the two files held to each other. */
function split(imagesPath: string, labelsPath: string): { image: [number, number, number]; labels: Uint8Array } {
  const images = readIdxHeader(imagesPath);
  if (images.type !== 'u8' || images.dims.length < 3 || images.dims.length > 4) {
    throw new IdxError(imagesPath, `holds ${images.dims.join('×')} values of type ${images.type}; images need unsigned bytes, count × height × width (× channels)`);
  }
  const [count, h, w, c = 1] = images.dims as number[];
  const labels = readIdx(labelsPath);
  if (labels.dims.length !== 1 || labels.type !== 'u8') {
    throw new IdxError(labelsPath, `holds ${labels.dims.join('×')} values of type ${labels.type}; labels need one dimension of unsigned bytes`);
  }
  if (labels.dims[0] !== count) throw new Mismatch(labelsPath, `holds ${labels.dims[0]} labels for the ${count} images of ${imagesPath}`, imagesPath);
  return { image: [h!, w!, c], labels: labels.data };
}
