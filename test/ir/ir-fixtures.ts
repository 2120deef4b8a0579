/**
 * What the IR tests written from the mutation survivors share: a spec written to a fresh folder
 * with its own tiny IDX data set (so that lowering checks the network against it), and nodes
 * made one by one with the IR's one constructor. Nothing here compiles or imports a generated
 * module: these tests run the IR alone, fast enough to run for every mutant.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeNode } from '../../src/ir/build.js';
import { isProblem } from '../../src/ir/registry.js';
import type { Attrs, Node } from '../../src/ir/types.js';

export const LOC = { file: 'g.yaml', line: 1, column: 1, length: 0 };

/** A node made by the IR's constructor; throws when its shape rule fails. */
export function make(op: string, inputs: readonly Node[], attrs: Attrs, id: string, layer = id): Node {
  const r = makeNode(op, inputs, attrs, { id, layer, loc: LOC });
  if (isProblem(r)) throw new Error(`${op} '${id}': ${r.problem(LOC).message}`);
  return r;
}

/** Write an IDX file: unsigned bytes, `dims` as its header says. */
function idx(path: string, dims: readonly number[], values: readonly number[]): void {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = 8;
  header[3] = dims.length;
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  writeFileSync(path, Buffer.concat([header, Buffer.from(values)]));
}

export interface SpecParts {
  /** the network's input: [h, w, c] */
  readonly input: readonly [number, number, number];
  /** the data set's classes (its labels are 0 to classes − 1); no `train:` section when absent */
  readonly classes?: number;
  /** the `layers:` list as YAML lines */
  readonly layers: string;
  readonly loss?: string;
  /** extra lines of the `train:` section (label_smoothing:, early_stopping:) */
  readonly train?: string;
  /** extra top-level YAML (preprocess:, output:) */
  readonly extra?: string;
  /** files to write beside the spec: name → text */
  readonly files?: Readonly<Record<string, string>>;
  /** the data set's image shape when it differs from the input's */
  readonly dataImage?: readonly [number, number, number];
}

/** A spec in a fresh folder, with a data set of 4 images whose labels cover every class. */
export function writeSpec(p: SpecParts): string {
  const dir = mkdtempSync(join(tmpdir(), 'netc-ir-'));
  const file = join(dir, 'spec.yaml');
  let train = '';
  if (p.classes !== undefined) {
    const [h, w, c] = p.dataImage ?? p.input;
    const count = Math.max(4, p.classes);
    const dims = c === 1 ? [count, h, w] : [count, h, w, c];
    const pixels = Array.from({ length: count * h * w * c }, (_, i) => (i * 37) % 256);
    const labels = Array.from({ length: count }, (_, i) => i % p.classes!);
    for (const split of ['train', 'test']) {
      idx(join(dir, `${split}-images.idx`), dims, pixels);
      idx(join(dir, `${split}-labels.idx`), [count], labels);
    }
    train = `train:
  dataset: { idx: { train_images: train-images.idx, train_labels: train-labels.idx, test_images: test-images.idx, test_labels: test-labels.idx } }
${p.loss ? `  loss: ${p.loss}\n` : ''}  batch_size: 4
${p.train ?? ''}`;
  }
  for (const [name, text] of Object.entries(p.files ?? {})) writeFileSync(join(dir, name), text);
  writeFileSync(
    file,
    `netc: 1
name: t
input: { shape: [${p.input.join(', ')}] }
${p.extra ?? ''}layers:
${p.layers}
${train}`,
  );
  return file;
}

/** mulberry32: seeded numbers in [0, 1), the generator the gradient checks draw from. */
export { rng } from '../helpers/gradcheck.js';
