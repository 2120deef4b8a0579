/**
 * Loading TensorFlow.js for the tfjs backend. Neither package is a dependency of netc: they are
 * optional peers. `@tensorflow/tfjs-node` (TensorFlow's C++ kernels) is used when it can be
 * imported — its install script downloads libtensorflow, which fails on machines that reach only
 * package registries — and otherwise `@tensorflow/tfjs` on its pure-JavaScript CPU backend.
 * Loading is asynchronous and a backend's `allocate` is not, so a program awaits
 * `prepareTfjsBackend()` once before it creates a model on the 'tfjs' backend.
 */
import type * as TF from '@tensorflow/tfjs';

export type Tf = typeof TF;

export const TFJS_NODE = '@tensorflow/tfjs-node';
export const TFJS = '@tensorflow/tfjs';

export interface TfjsEngine {
  readonly tf: Tf;
  /** the package that was imported */
  readonly package: typeof TFJS_NODE | typeof TFJS;
  /** TensorFlow.js's version */
  readonly version: string;
  /** tf.getBackend(): 'tensorflow' for tfjs-node, 'cpu' for the pure-JavaScript one */
  readonly backend: string;
  /** why tfjs-node is not the one in use (when it is not) */
  readonly fallback?: string;
}

/** What to do when neither package can be imported. */
export interface TfjsUnavailable {
  readonly problem: string;
}

/** How a package is imported; tests replace it to play out tfjs-node being there or broken. */
export type Importer = (name: string) => Promise<unknown>;

const importPackage: Importer = (name) => import(name);

let engine: TfjsEngine | undefined;

/** The engine loaded by prepareTfjsBackend, if any. */
export function tfjsEngine(): TfjsEngine | undefined {
  return engine;
}

/**
 * Import TensorFlow.js (tfjs-node first) and make it the tfjs backend's engine. Never fails
 * because tfjs-node is missing: it falls back and says why in `fallback`. Loads once; later
 * calls return the same engine.
 */
export async function prepareTfjsBackend(options: { importer?: Importer; reload?: boolean } = {}): Promise<TfjsEngine | TfjsUnavailable> {
  if (engine && !options.reload) return engine;
  const load = options.importer ?? importPackage;
  let fallback: string;
  try {
    const tf = namespace(await load(TFJS_NODE));
    await tf.ready();
    engine = { tf, package: TFJS_NODE, version: tf.version_core, backend: tf.getBackend() };
    return engine;
  } catch (e) {
    fallback = notLoaded(TFJS_NODE, e);
  }
  try {
    const tf = namespace(await load(TFJS));
    // netc says itself that tfjs-node would be faster; TensorFlow.js's own console advice is muted.
    tf.env().set('PROD', true);
    if (!(await tf.setBackend('cpu'))) throw new Error("its 'cpu' backend did not start");
    engine = { tf, package: TFJS, version: tf.version_core, backend: tf.getBackend(), fallback };
    return engine;
  } catch (e) {
    return {
      problem:
        `the tfjs backend runs on TensorFlow.js, but ${notLoaded(TFJS, e)} and ${fallback}; ` +
        `install one of them beside netc ('npm install ${TFJS}', or '${TFJS_NODE}' where its install can download libtensorflow), or use --backend fast`,
    };
  }
}

/** One line for the training header: which TensorFlow.js runs the kernels. */
export function describeEngine(e: TfjsEngine): string {
  if (e.package === TFJS_NODE) return `TensorFlow.js ${e.version} through ${TFJS_NODE}`;
  return `TensorFlow.js ${e.version} through ${TFJS} on its pure-JavaScript ${e.backend} backend, because ${e.fallback}`;
}

/** A CommonJS package imported from ESM may arrive as its `default` export. */
function namespace(mod: unknown): Tf {
  const m = mod as Partial<Tf> & { default?: Partial<Tf> };
  const tf = typeof m.tensor === 'function' ? m : m.default;
  if (!tf || typeof tf.tensor !== 'function' || typeof tf.conv2d !== 'function') throw new Error('it is not TensorFlow.js (no tf.tensor)');
  return tf as Tf;
}

function notLoaded(name: string, e: unknown): string {
  const message = String((e as Error | undefined)?.message ?? e);
  // Node says "Cannot find package 'x'" (vite, under the tests: 'Could not resolve "x"'), naming
  // the package that is missing: the one imported, or one it needs.
  const missing = /Cannot find (?:package|module) '([^']+)'|Could not resolve "([^"]+)"/.exec(message);
  const which = missing?.[1] ?? missing?.[2];
  if (which && (which === name || which.startsWith(`${name}/`))) return `${name} is not installed`;
  return `${name} did not load (${message.split('\n')[0]!.slice(0, 200)})`;
}
