/**
 * The memory limit: a generated module keeps everything in one arena of float32 values, fixed at
 * compile time, so its size is known before anything runs. A spec whose arena would be larger
 * than ARENA_LIMIT_BYTES is refused with a diagnostic that gives the figure — never compiled into
 * a module that fails (or takes the machine's memory) when it starts.
 *
 * Why 2 GiB: the fast backend's WebAssembly memory holds at most 4 GiB, the arena plus scratch
 * space of up to twice the largest parameter; 2 GiB of arena always fits.
 *
 * `netc check` sees the limit too: from the lowered graph, a lower bound of the arena (the
 * parameters, their gradients, and the largest single buffer at the batch sizes that compile
 * will use) is computed in microseconds; `netc compile` then checks the exact figure.
 */
import { elementsPerExample, exampleShape, formatShape, nodeMap, outputIds, type Graph, type Node } from '../ir/types.js';
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import { Messages } from '../diagnostics/messages.js';

export const ARENA_LIMIT_BYTES = 2 * 1024 ** 3;

/** The largest batch of one inference pass unless the command line says otherwise. */
export const DEFAULT_INFER_BATCH = 1000;

/** The batch sizes the arena is planned for. */
export interface ArenaBatches {
  /** the training step's (absent for a spec without `train`) */
  readonly train?: number;
  readonly infer: number;
}

/** '2 GiB', '312.4 MiB', '1.8e+12 GiB': a byte count for messages. */
export function formatBytes(bytes: number): string {
  const gib = bytes / 1024 ** 3;
  if (!Number.isFinite(gib)) return 'more than 1e+300 GiB';
  if (gib >= 1e4) return `${gib.toPrecision(2)} GiB`;
  if (gib >= 1) return `${Number.isInteger(gib) ? gib : gib.toFixed(1)} GiB`;
  return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}

/** The values `ids` depend on, themselves included. */
function ancestors(g: Graph, ids: readonly string[]): Set<string> {
  const byId = nodeMap(g);
  const seen = new Set<string>();
  const todo = [...ids];
  while (todo.length > 0) {
    const id = todo.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    todo.push(...(byId.get(id)?.inputs ?? []));
  }
  return seen;
}

interface Largest {
  readonly node?: Node;
  readonly floats: number;
  readonly batch: number;
}

function largestBuffer(g: Graph, live: ReadonlySet<string>, batch: number): Largest {
  let best: Largest = { floats: 0, batch };
  for (const n of g.nodes) {
    if (n.op === 'param' || !live.has(n.id)) continue;
    const floats = elementsPerExample(n.type.shape) * (n.type.shape[0] === 'N' ? batch : 1);
    if (floats > best.floats) best = { node: n, floats, batch };
  }
  return best;
}

/**
 * A lower bound of the arena of the module that `lowered` (the graph as lowered for training,
 * with the loss when the spec has a train section) compiles to, and the diagnostic when even
 * that is over the limit.
 */
export function checkArenaEstimate(lowered: Graph, batches: ArenaBatches): Diagnostic | undefined {
  const training = lowered.outputs.loss !== undefined && batches.train !== undefined;
  const params = lowered.nodes.filter((n) => n.op === 'param');
  const paramFloats = params.reduce((s, n) => s + elementsPerExample(n.type.shape), 0);
  const persistent = paramFloats * (training ? 2 : 1);
  const inferLive = ancestors(lowered, lowered.outputs.prediction ? [lowered.outputs.prediction] : []);
  const candidates = [largestBuffer(lowered, inferLive, batches.infer)];
  if (training) candidates.push(largestBuffer(lowered, ancestors(lowered, outputIds(lowered.outputs)), batches.train!));
  const buffer = candidates.reduce((a, b) => (b.floats > a.floats ? b : a));
  const bytes = (persistent + buffer.floats) * 4;
  if (bytes <= ARENA_LIMIT_BYTES) return undefined;
  return arenaDiagnostic(`at least ${formatBytes(bytes)}`, { params, persistentFloats: persistent, training, buffer });
}

/** The diagnostic for a compiled arena of `arenaFloats`, or undefined when it fits. */
export function checkArena(arenaFloats: number, lowered: Graph, batches: ArenaBatches): Diagnostic | undefined {
  if (arenaFloats * 4 <= ARENA_LIMIT_BYTES) return undefined;
  const training = lowered.outputs.loss !== undefined && batches.train !== undefined;
  const params = lowered.nodes.filter((n) => n.op === 'param');
  const paramFloats = params.reduce((s, n) => s + elementsPerExample(n.type.shape), 0);
  const live = ancestors(lowered, outputIds(lowered.outputs));
  const candidates = [largestBuffer(lowered, live, batches.infer)];
  if (training) candidates.push(largestBuffer(lowered, live, batches.train!));
  const buffer = candidates.reduce((a, b) => (b.floats > a.floats ? b : a));
  return arenaDiagnostic(formatBytes(arenaFloats * 4), { params, persistentFloats: paramFloats * (training ? 2 : 1), training, buffer });
}

interface Breakdown {
  readonly params: readonly Node[];
  readonly persistentFloats: number;
  readonly training: boolean;
  readonly buffer: Largest;
}

/** Blame the parameters or the largest buffer, whichever is larger, at the layer that causes it. */
function arenaDiagnostic(needs: string, b: Breakdown): Diagnostic {
  const limit = formatBytes(ARENA_LIMIT_BYTES);
  const biggestParam = b.params.reduce<Node | undefined>(
    (a, n) => (!a || elementsPerExample(n.type.shape) > elementsPerExample(a.type.shape) ? n : a),
    undefined,
  );
  if (biggestParam && b.persistentFloats >= b.buffer.floats) {
    const layer = biggestParam.layer || biggestParam.id;
    const detail =
      `${formatBytes(b.persistentFloats * 4)} for parameters${b.training ? ' and their gradients' : ''}; ` +
      `'${biggestParam.id}' alone is ${formatShape(biggestParam.type.shape)}, ${formatBytes(elementsPerExample(biggestParam.type.shape) * 4)}`;
    return Messages.ArenaTooLarge.at(biggestParam.loc, needs, limit, detail, `make layer '${layer}' smaller`);
  }
  const n = b.buffer.node!;
  const who = n.layer ? `layer '${n.layer}'` : n.id === 'input' ? "the network's input" : `'${n.id}'`;
  const detail = `${who} gives ${formatShape(exampleShape(n.type.shape))} per example, ${formatBytes(b.buffer.floats * 4)} at batch ${b.buffer.batch.toLocaleString('en-US')}`;
  const fix = `make ${n.layer ? `layer '${n.layer}'` : 'it'} smaller, or use a smaller batch (train.batch_size; --infer-batch for compile)`;
  return Messages.ArenaTooLarge.at(n.loc, needs, limit, detail, fix);
}
