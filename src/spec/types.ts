/**
 * The typed spec: what a YAML file holds once the schema has accepted it and `extends` has been
 * resolved. The JSON Schema (`specs/netc.schema.json`) is the authority on what is allowed; these
 * types only describe the result for the code that reads it.
 */
import type { AugmentSpec } from '../runtime/data/augment.js';
import type { EarlyStoppingSpec } from '../runtime/training/early-stopping.js';
import type { Schedule } from '../runtime/training/schedule.js';
import type { SourceMap } from './source.js';
import type { SourceLoc } from '../diagnostics/diagnostics.js';

export interface SpecLayer {
  readonly name: string;
  readonly op: string;
  readonly inputs?: readonly string[];
  readonly [attr: string]: unknown;
}

export type DatasetSpec =
  | 'mnist'
  | 'fashion-mnist'
  | {
      readonly idx: {
        readonly train_images: string;
        readonly train_labels: string;
        readonly test_images: string;
        readonly test_labels: string;
      };
    }
  /** a folder of one subfolder per class; the test images a folder of the same classes, or a fraction of each class */
  | { readonly images: string; readonly test?: string | number };

/** An optimizer as written; which hyperparameters it takes, the optimizer registry (`src/ir/optimizers/`) says. */
export interface OptimizerSpec {
  readonly name: string;
  readonly learning_rate?: number;
  /** [epoch, learning_rate] pairs (from that epoch on, counting from 1, that rate), or a named schedule */
  readonly schedule?: Schedule;
  /** its own hyperparameters (Adam's beta1, momentum's nesterov, ...) */
  readonly [hyperparameter: string]: unknown;
}

export interface TrainSpec {
  readonly dataset: DatasetSpec;
  readonly loss?: 'categorical_crossentropy' | 'mse' | 'rbf_map';
  /** after loading, always the mapping: `optimizer: adam` is read as `{ name: adam }` */
  readonly optimizer?: OptimizerSpec;
  /** Keras's label smoothing of categorical cross-entropy: targets y·(1 − ε) + ε/classes */
  readonly label_smoothing?: number;
  readonly batch_size?: number;
  readonly epochs?: number;
  readonly seed?: number;
  /** the last fraction of the training images, held out to validate on */
  readonly validation_split?: number;
  readonly early_stopping?: EarlyStoppingSpec;
  /** random distortions of the training images */
  readonly augment?: AugmentSpec;
}

export interface Spec {
  readonly netc: 1;
  readonly name: string;
  readonly description?: string;
  readonly input: { readonly shape: readonly [number, number, number] };
  readonly preprocess?: { readonly pad?: number; readonly range?: readonly [number, number] };
  readonly layers: readonly SpecLayer[];
  readonly output?: string;
  readonly train?: TrainSpec;
}

/**
 * A change a variant makes to its base, for pointing an error it causes in the base's layers at
 * the variant's line: `anchor` is the first layer of the merged spec it changes (a patched
 * layer, the first inserted one, the layer after a removed one); none for a replaced top-level key.
 */
export interface VariantEdit {
  readonly anchor?: string;
  readonly loc: SourceLoc;
  /** what the edit is, for the note: "remove: [flat]" */
  readonly what: string;
}

export interface VariantInfo {
  /** the base file, as diagnostics name it */
  readonly base: string;
  readonly edits: readonly VariantEdit[];
}

/** A spec with where each part of it was written (several files when it extends others). */
export interface LoadedSpec {
  /** when the file extends another: what it changes */
  readonly variant?: VariantInfo;
  /** the file that was asked for */
  readonly file: string;
  readonly spec: Spec;
  readonly map: SourceMap;
  /** every file read, for dependency tracking and for showing source lines in errors */
  readonly sources: ReadonlyMap<string, string>;
}
