/**
 * The compiler's front end for one file: load (parse, extends, schema) and lower to the IR.
 * Every command starts here; tests do too.
 */
import { hasErrors, sortDiagnostics, dedupeDiagnostics, type Diagnostic } from '../diagnostics/diagnostics.js';
import { loadSpec } from '../spec/load.js';
import type { LoadedSpec } from '../spec/types.js';
import { lower, type LowerOptions } from '../ir/lower.js';
import { specSchema } from '../ir/schema.js';
import { summarize, type Summary } from '../ir/summary.js';
import { verifyGraph } from '../ir/verify.js';
import { Messages } from '../diagnostics/messages.js';
import type { Graph } from '../ir/types.js';
import { blameVariant } from './blame.js';
import { checkArenaEstimate, DEFAULT_INFER_BATCH, type ArenaBatches } from './memory-limit.js';

export interface Analysis {
  readonly file: string;
  readonly ok: boolean;
  readonly diagnostics: Diagnostic[];
  /** file name → text, for showing source lines */
  readonly sources: ReadonlyMap<string, string>;
  readonly loaded?: LoadedSpec;
  readonly graph?: Graph;
  readonly layerOutputs?: ReadonlyMap<string, string>;
  readonly summary?: Summary;
}

/**
 * `batches` are the batch sizes the module will be compiled for (default: the spec's
 * batch_size and DEFAULT_INFER_BATCH), for the check that its memory fits the limit. `texts`
 * stand for files by absolute path (an editor's unsaved buffers), the rest is read from disk.
 */
export function analyze(
  file: string,
  options: LowerOptions = { training: true },
  batches: Partial<ArenaBatches> = {},
  texts: ReadonlyMap<string, string> = new Map(),
): Analysis {
  // The registry's schema, not the committed file's: a layer registered at run time is valid.
  const load = loadSpec(file, { schema: specSchema(), texts });
  if (!load.loaded) {
    // Every error in one run: what the schema rejected is left out, and the rest is checked.
    const partial = load.partial;
    const rest = partial ? lower(partial.loaded, { ...options, salvage: partial }).diagnostics : [];
    const all = [...load.diagnostics, ...rest];
    return finish(file, partial ? blame(all, partial.loaded, options, batches) : all, load.sources);
  }
  const lowered = lower(load.loaded, options);
  const diagnostics = [...load.diagnostics, ...lowered.diagnostics];
  if (!lowered.graph) return finish(file, blame(diagnostics, load.loaded, options, batches), load.sources, { loaded: load.loaded });
  const problems = verifyGraph(lowered.graph);
  if (problems.length > 0) diagnostics.push(Messages.PassBrokeGraph.at(undefined, 'lower', problems.join('; ')));
  const spec = load.loaded.spec;
  const tooLarge = checkArenaEstimate(lowered.graph, {
    ...(spec.train ? { train: batches.train ?? spec.train.batch_size ?? 32 } : {}),
    infer: batches.infer ?? DEFAULT_INFER_BATCH,
  });
  if (tooLarge) diagnostics.push(tooLarge);
  const summary = summarize(lowered.graph, load.loaded.spec, lowered.layerOutputs);
  return finish(file, blame(diagnostics, load.loaded, options, batches), load.sources, {
    loaded: load.loaded,
    graph: lowered.graph,
    layerOutputs: lowered.layerOutputs,
    summary,
  });
}

/** A variant's errors that its edits cause in the base, moved to the edit (see blame.ts). */
function blame(diagnostics: Diagnostic[], loaded: LoadedSpec, options: LowerOptions, batches: Partial<ArenaBatches>): Diagnostic[] {
  return blameVariant(diagnostics, loaded, () => (loaded.variant ? analyze(loaded.variant.base, options, batches).diagnostics : []));
}

function finish(
  file: string,
  diagnostics: Diagnostic[],
  sources: ReadonlyMap<string, string>,
  rest: Partial<Analysis> = {},
): Analysis {
  const ds = sortDiagnostics(dedupeDiagnostics(diagnostics));
  return { file, ok: !hasErrors(ds), diagnostics: ds, sources, ...rest };
}
