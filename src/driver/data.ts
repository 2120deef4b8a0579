/** The spec's data set, loaded for training or evaluation, with a diagnostic at the key of the file at fault. */
import { dirname } from 'node:path';
import { IdxError } from '../runtime/data/idx.js';
import { datasetFiles, KNOWN_DATASETS, type DatasetFiles } from '../runtime/data/datasets.js';
import { loadDataset, type Dataset, type LoadOptions } from '../runtime/data/dataset.js';
import { ImageFolderError, isImageFolderRef, loadImageFolder, type ImageFolderInfo } from '../runtime/data/image-folder.js';
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import { Messages } from '../diagnostics/messages.js';
import { dataFileLoc } from '../spec/dataset-facts.js';
import { imageFolderDiagnostic, imageFolderPlan, imageShapeOf } from '../spec/image-facts.js';
import type { DatasetSpec, LoadedSpec } from '../spec/types.js';

export function datasetFilesOf(loaded: LoadedSpec): DatasetFiles | Diagnostic {
  // a spec without one (an imported model's) has no data to evaluate on either
  const train = loaded.spec.train;
  if (!train) return Messages.NoTrainSection.at(loaded.map.locate([]), 'it names no data set to evaluate on');
  const at = loaded.map.locate(['train', 'dataset']);
  if (isImageFolderRef(train.dataset)) return Messages.DataFile.at(at, train.dataset.images, 'is an images folder, not IDX files');
  // IDX paths are relative to the file that wrote them.
  const base = dirname(loaded.map.locate(['train', 'dataset', 'idx', 'train_images']).file);
  const files = datasetFiles(train.dataset, base);
  return 'missing' in files ? Messages.DataFile.at(at, typeof train.dataset === 'string' ? train.dataset : 'dataset', files.missing) : files;
}

export function loadSpecData(loaded: LoadedSpec, classes: number, options: LoadOptions = {}): (Dataset & Partial<ImageFolderInfo>) | Diagnostic {
  const ds = loaded.spec.train?.dataset;
  if (isImageFolderRef(ds)) return loadImages(loaded, ds, classes, options);
  const files = datasetFilesOf(loaded);
  if ('code' in files) return files;
  try {
    return loadDataset(files, classes, options);
  } catch (e) {
    if (e instanceof IdxError) return Messages.DataFile.at(dataFileLoc(loaded.map, files, e.path), e.path, e.problem);
    throw e;
  }
}

/** An images folder, decoded (or read from its cache) into the spec's input shape. */
function loadImages(loaded: LoadedSpec, ref: Extract<DatasetSpec, { images: string }>, classes: number, options: LoadOptions): (Dataset & ImageFolderInfo) | Diagnostic {
  const shape = imageShapeOf(loaded.spec.input.shape);
  if (!shape) return Messages.ImageChannels.at(loaded.map.locate(['input', 'shape']), loaded.spec.input.shape);
  const plan = imageFolderPlan(ref, loaded.map);
  if ('code' in plan) return plan;
  try {
    return loadImageFolder(plan, shape, classes, options);
  } catch (e) {
    if (e instanceof ImageFolderError) return imageFolderDiagnostic(e, ref, loaded.map);
    throw e;
  }
}

/** How a data set is named in messages and reports: its name, 'IDX files', or the images folder as written. */
export function datasetName(ds: DatasetSpec): string {
  return typeof ds === 'string' ? ds : isImageFolderRef(ds) ? `the images in ${ds.images}` : 'IDX files';
}

/**
 * The names of a model's `classes` classes: those `stored` with it (a checkpoint's, a folder's)
 * when they fit, else a known data set's, else 0, 1, 2...
 */
export function classNamesOf(ds: DatasetSpec | undefined, classes: number, ...stored: (readonly string[] | undefined)[]): string[] {
  const known = typeof ds === 'string' ? KNOWN_DATASETS[ds]?.classNames : undefined;
  const fit = [...stored, known].find((names) => names?.length === classes);
  return fit ? [...fit] : Array.from({ length: classes }, (_, c) => String(c));
}
