/** The spec's data set, loaded for training or evaluation, with a diagnostic at the key of the file at fault. */
import { dirname } from 'node:path';
import { IdxError } from '../runtime/data/idx.js';
import { datasetFiles, type DatasetFiles } from '../runtime/data/datasets.js';
import { loadDataset, type Dataset, type LoadOptions } from '../runtime/data/dataset.js';
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import { Messages } from '../diagnostics/messages.js';
import { dataFileLoc } from '../spec/dataset-facts.js';
import type { LoadedSpec } from '../spec/types.js';

export function datasetFilesOf(loaded: LoadedSpec): DatasetFiles | Diagnostic {
  // a spec without one (an imported model's) has no data to evaluate on either
  const train = loaded.spec.train;
  if (!train) return Messages.NoTrainSection.at(loaded.map.locate([]), 'it names no data set to evaluate on');
  const at = loaded.map.locate(['train', 'dataset']);
  // IDX paths are relative to the file that wrote them.
  const base = dirname(loaded.map.locate(['train', 'dataset', 'idx', 'train_images']).file);
  const files = datasetFiles(train.dataset, base);
  return 'missing' in files ? Messages.DataFile.at(at, typeof train.dataset === 'string' ? train.dataset : 'dataset', files.missing) : files;
}

export function loadSpecData(loaded: LoadedSpec, classes: number, options: LoadOptions = {}): Dataset | Diagnostic {
  const files = datasetFilesOf(loaded);
  if ('code' in files) return files;
  try {
    return loadDataset(files, classes, options);
  } catch (e) {
    if (e instanceof IdxError) return Messages.DataFile.at(dataFileLoc(loaded.map, files, e.path), e.path, e.problem);
    throw e;
  }
}
