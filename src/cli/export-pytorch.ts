/** `netc export <run, checkpoint or spec> --format pytorch -o train.py`: the program, and beside it the trained weights. */
import { basename, dirname, join } from 'node:path';
import { analyze } from '../driver/analyze.js';
import { exportPytorch } from '../interop/pytorch-export.js';
import { makeDirs } from '../runtime/make-dirs.js';
import { writeFileAtomic } from '../runtime/atomic.js';
import type { Checkpoint } from '../runtime/checkpoint.js';
import { Messages } from '../diagnostics/messages.js';
import { packageVersion } from '../runtime/package-root.js';
import { num } from './output.js';
import { printDiagnostics } from './print-diagnostics.js';

/** The weights' file beside the program: train_lenet5.py → train_lenet5.weights.bin. */
export const weightsFileOf = (program: string) => `${basename(program).replace(/\.py$/i, '')}.weights.bin`;

export function writePytorch(path: string, specFile: string, trained?: { readonly checkpoint: Checkpoint; readonly path: string }): number {
  const a = analyze(specFile, { training: false });
  if (!a.ok || !a.loaded || !a.graph) {
    printDiagnostics(a.diagnostics, a.sources);
    return 1;
  }
  const weightsFile = weightsFileOf(path);
  const r = exportPytorch({
    graph: a.graph,
    loaded: a.loaded,
    netcVersion: packageVersion(),
    from: trained?.path ?? specFile,
    ...(trained ? { params: trained.checkpoint.params, weightsFile } : {}),
  });
  if (Array.isArray(r)) {
    printDiagnostics(r, a.sources);
    return 1;
  }
  // the weights first: the program that names them appears only once they are there
  const files: [string, Uint8Array][] = [...(r.weights ? [[join(dirname(path), weightsFile), r.weights] as [string, Uint8Array]] : []), [path, Buffer.from(r.program)]];
  for (const [file, bytes] of files) {
    try {
      makeDirs(dirname(file));
      writeFileAtomic(file, bytes);
    } catch (e) {
      printDiagnostics([Messages.CannotWrite.at(undefined, file, (e as NodeJS.ErrnoException).code ?? String(e))]);
      return 1;
    }
  }
  process.stdout.write(
    `${path}: ${a.graph.name} as a PyTorch program, ${num(r.parameters)} trained parameters` +
      (r.weights ? `; the trained weights in ${join(dirname(path), weightsFile)} (${num(r.weights.length)} bytes)` : '; netc\'s initialization (no weights: exported from a spec)') +
      `\n  run it with: python3 ${path}   (--help for the data files and options)\n`,
  );
  return 0;
}
