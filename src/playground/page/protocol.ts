/**
 * The messages of the playground: between the server and the page (JSON over HTTP), and between
 * the page and its training worker (postMessage). Types only: imported by both sides.
 */

export interface PageDiagnostic {
  readonly severity: 'error' | 'warning';
  readonly code: string;
  readonly message: string;
  /** from 1, in the spec being edited */
  readonly line: number;
  readonly column: number;
  readonly length: number;
}

export interface LayerRow {
  readonly name: string;
  readonly op: string;
  readonly shape: readonly number[];
  readonly params: number;
  readonly macs: number;
}

/** The training settings the page takes from the spec. */
export interface TrainSettings {
  readonly dataset: string;
  readonly loss: 'categorical_crossentropy' | 'mse' | 'rbf_map';
  readonly batchSize: number;
  readonly seed: number;
}

/** POST /api/check: the spec's text in, this out. */
export interface CheckReply {
  readonly diagnostics: readonly PageDiagnostic[];
  readonly name?: string;
  readonly summary?: { readonly params: number; readonly macs: number; readonly layers: readonly LayerRow[] };
  /** the network drawn */
  readonly svg?: string;
  readonly train?: TrainSettings;
}

/** POST /api/compile: the module to download (TypeScript) and to run in the page (JavaScript). */
export interface CompileReply {
  readonly diagnostics: readonly PageDiagnostic[];
  readonly name?: string;
  readonly ts?: string;
  readonly js?: string;
}

/** What the page asks the worker to do. */
export interface TrainRequest {
  /** where the module's JavaScript is served */
  readonly moduleUrl: string;
  readonly settings: TrainSettings;
  readonly epochs: number;
  /** the first this many training images */
  readonly limit: number;
  readonly threads: number;
}

/** What the worker tells the page. */
export type WorkerMessage =
  | { readonly kind: 'started'; readonly threads: number; readonly backend: string; readonly isolated: boolean; readonly images: number }
  | { readonly kind: 'step'; readonly epoch: number; readonly batch: number; readonly batches: number; readonly loss: number; readonly accuracy: number; readonly seen: number; readonly seconds: number }
  | { readonly kind: 'epoch'; readonly epoch: number; readonly trainLoss: number; readonly trainAccuracy: number; readonly valLoss: number; readonly valAccuracy: number; readonly imagesPerSecond: number }
  | {
      readonly kind: 'done';
      readonly accuracy: number;
      readonly loss: number;
      /** confusion[truth][predicted] */
      readonly confusion: number[][];
      /** the first misread test images: pixels (0-255) with the truth and the guess */
      readonly misread: { readonly pixels: Uint8Array; readonly truth: number; readonly predicted: number }[];
      readonly imagesPerSecond: number;
    }
  | { readonly kind: 'error'; readonly message: string };
