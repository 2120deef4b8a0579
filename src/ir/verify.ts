/**
 * The verifier: checks a whole graph after lowering and after every pass — ids unique, every
 * input defined before it is read (so the graph is acyclic and in topological order), ops known,
 * every node's type what the registry's shape rule gives for its inputs now, and the state
 * updates sound (verify-updates.ts).
 * Returns the problems found; an empty list means the graph is sound.
 */
import { makeNode } from './build.js';
import { isProblem } from './registry.js';
import { getOp } from './ops/index.js';
import { formatShape, outputIds, sameShape, type Graph, type Node } from './types.js';
import { verifyUpdates } from './verify-updates.js';

export function verifyGraph(g: Graph): string[] {
  const problems: string[] = [];
  const defined = new Map<string, Node>();
  for (const n of g.nodes) {
    if (defined.has(n.id)) problems.push(`'${n.id}' is defined twice`);
    const ins: Node[] = [];
    for (const i of n.inputs) {
      const src = defined.get(i);
      if (!src) problems.push(`'${n.id}' reads '${i}', which is not defined before it`);
      else ins.push(src);
    }
    if (ins.length === n.inputs.length) {
      const again = makeNode(n.op, ins, n.attrs, n);
      if (isProblem(again)) problems.push(`'${n.id}' (${n.op}) fails its shape rule: ${again.problem(undefined).message}`);
      else if (!sameShape(again.type.shape, n.type.shape)) {
        problems.push(`'${n.id}' (${n.op}) claims ${formatShape(n.type.shape)} but its inputs give ${formatShape(again.type.shape)}`);
      }
    }
    defined.set(n.id, n);
  }
  const outs = g.outputs;
  for (const [role, id] of [['prediction', outs.prediction], ['loss', outs.loss], ['scores', outs.scores]] as const) {
    if (id !== undefined && !defined.has(id)) problems.push(`the ${role} output '${id}' is not a node`);
  }
  problems.push(...verifyUpdates(g));
  if (g.plan) problems.push(...verifyPlan(g));
  for (const [param, grad] of Object.entries(outs.gradients ?? {})) {
    if (!defined.has(param)) problems.push(`a gradient is given for '${param}', which is not a node`);
    if (!defined.has(grad)) problems.push(`the gradient of '${param}' names '${grad}', which is not a node`);
  }
  return problems;
}

/**
 * A memory plan is sound when every value has a buffer and no two buffers that are live at the
 * same time overlap (aliases and state updates excepted: each is its input 0's buffer).
 */
function verifyPlan(g: Graph): string[] {
  const plan = g.plan!;
  const problems: string[] = [];
  const root = new Map<string, string>();
  const live = new Map<string, [number, number]>();
  for (const [i, n] of g.nodes.entries()) {
    const def = getOp(n.op);
    const r = def?.alias || def?.assigns ? root.get(n.inputs[0]!)! : n.id;
    root.set(n.id, r);
    const start = n.op === 'input' || n.op === 'param' ? 0 : i;
    const stop = n.op === 'input' || n.op === 'param' ? g.nodes.length : start;
    const cur = live.get(r) ?? [start, stop];
    live.set(r, [Math.min(cur[0], start), Math.max(cur[1], stop)]);
    for (const input of n.inputs) {
      const ri = root.get(input)!;
      live.set(ri, [live.get(ri)![0], Math.max(live.get(ri)![1], i)]);
    }
  }
  for (const id of outputIds(g.outputs)) {
    const r = root.get(id);
    if (r) live.set(r, [live.get(r)![0], g.nodes.length]);
  }
  const roots = [...live.keys()];
  for (const r of roots) {
    if (plan.offsets[r] === undefined) problems.push(`the memory plan has no buffer for '${r}'`);
    else if (plan.offsets[r]! + plan.sizes[r]! > plan.end) problems.push(`'${r}' ends past the arena`);
  }
  for (const [id, r] of root) {
    if (id !== r && plan.offsets[id] !== plan.offsets[r]) problems.push(`'${id}' (a view or update of '${r}') is not at the offset of '${r}'`);
  }
  const placed = roots.filter((r) => plan.offsets[r] !== undefined);
  const span = (r: string): Span => ({ id: r, first: live.get(r)![0], last: live.get(r)![1], at: plan.offsets[r]!, size: plan.sizes[r]! });
  if (anyOverlap(placed.map(span))) {
    // name every pair; quadratic, but only for a plan already known to be broken
    for (let a = 0; a < placed.length; a++) {
      for (let b = a + 1; b < placed.length; b++) {
        const [x, y] = [span(placed[a]!), span(placed[b]!)];
        if (x.last < y.first || y.last < x.first) continue;
        if (x.size > 0 && y.size > 0 && x.at < y.at + y.size && y.at < x.at + x.size) problems.push(`'${x.id}' and '${y.id}' are live together but overlap in memory`);
      }
    }
  }
  return problems;
}

/** A buffer: live from node `first` to node `last` (inclusive), at floats [at, at + size). */
export interface Span {
  readonly id: string;
  readonly first: number;
  readonly last: number;
  readonly at: number;
  readonly size: number;
}

/**
 * Whether two buffers live at the same time share memory, in O(n log n + n·k) for k buffers
 * live at once (a graph of thousands of layers has tens of thousands of buffers): sweep the
 * nodes in order, keeping the live buffers sorted by offset. While they are disjoint, a new one
 * can only collide with its neighbours in that order.
 */
export function anyOverlap(spans: Span[]): boolean {
  // a buffer of no floats shares memory with none (as in the pairs' check above; kept, one at
  // the offset of another would read as a collision with it)
  const sized = spans.filter((s) => s.size > 0);
  const byFirst = [...sized].sort((a, b) => a.first - b.first);
  const byLast = [...sized].sort((a, b) => a.last - b.last);
  const liveNow: Span[] = []; // sorted by offset, pairwise disjoint
  const indexOf = (at: number) => {
    let lo = 0;
    let hi = liveNow.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (liveNow[mid]!.at < at) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  let ended = 0;
  for (const s of byFirst) {
    for (; ended < byLast.length && byLast[ended]!.last < s.first; ended++) {
      const gone = byLast[ended]!;
      let i = indexOf(gone.at);
      while (i < liveNow.length && liveNow[i] !== gone) i++;
      if (i < liveNow.length) liveNow.splice(i, 1);
    }
    const i = indexOf(s.at);
    const before = liveNow[i - 1];
    const after = liveNow[i];
    if ((before && before.at + before.size > s.at) || (after && s.at + s.size > after.at)) return true;
    liveNow.splice(i, 0, s);
  }
  return false;
}
