/**
 * What the compiler needs to know about a spec's data set to check the network against it: the
 * shape of one image and the number of classes. Known sets are described without touching the
 * disk; IDX files named in the spec are read (the image header, and the labels for the classes).
 */
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { IdxError, readIdx, readIdxHeader } from '../runtime/data/idx.js';
import { datasetFiles, KNOWN_DATASETS } from '../runtime/data/datasets.js';
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import { Messages } from '../diagnostics/messages.js';
import type { SourceMap } from './source.js';
import type { DatasetSpec } from './types.js';

export interface DatasetFacts {
  /** how messages name it: 'mnist', or the images file */
  readonly label: string;
  readonly image: readonly [number, number, number];
  readonly classes: number;
}

function isRegularFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return true; // missing: readIdx says so
  }
}

export function datasetFacts(dataset: DatasetSpec, map: SourceMap): DatasetFacts | Diagnostic {
  if (typeof dataset === 'string') {
    const known = KNOWN_DATASETS[dataset]!;
    return { label: dataset, image: known.image, classes: known.classes };
  }
  // IDX paths are relative to the file that wrote them (a base spec, perhaps).
  const where = (key: string) => map.locate(['train', 'dataset', 'idx', key]);
  const files = datasetFiles(dataset, dirname(where('train_images').file));
  if ('missing' in files) return Messages.DataFile.at(where('train_images'), 'dataset', files.missing);
  try {
    const images = readIdxHeader(files.trainImages);
    if (images.dims.length < 3 || images.dims.length > 4) {
      return Messages.DataFile.at(where('train_images'), files.trainImages, `holds ${images.dims.join('×')} values; images need 3 dimensions (count, height, width) or 4 (with channels)`);
    }
    const [, h, w, c = 1] = images.dims as number[];
    // The labels are read whole: a device (/dev/zero) or a FIFO would never end.
    if (!isRegularFile(files.trainLabels)) {
      return Messages.DataFile.at(where('train_labels'), files.trainLabels, 'is not a regular file (a device, pipe or folder); name an IDX file');
    }
    const labels = readIdx(files.trainLabels);
    if (labels.dims.length !== 1 || labels.type !== 'u8') {
      return Messages.DataFile.at(where('train_labels'), files.trainLabels, `holds ${labels.dims.join('×')} values of type ${labels.type}; labels need one dimension of unsigned bytes`);
    }
    let classes = 0;
    for (const l of labels.data) classes = Math.max(classes, l + 1);
    return { label: files.trainImages, image: [h!, w!, c], classes };
  } catch (e) {
    if (e instanceof IdxError) {
      const key = e.path === files.trainLabels ? 'train_labels' : 'train_images';
      return Messages.DataFile.at(where(key), e.path, e.problem);
    }
    throw e;
  }
}
