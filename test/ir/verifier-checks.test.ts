/**
 * Each check of the verifier (verify.ts, verify-updates.ts) fails on a graph built to break
 * that rule and no other, with the message that names it; and the memory plan's overlap check
 * agrees with a brute-force comparison of every pair of buffers on random plans.
 */
import { describe, expect, it } from 'vitest';
import type { Graph, MemoryPlan, Node } from '../../src/ir/types.js';
import { verifyGraph } from '../../src/ir/verify.js';
import { make, rng } from './ir-fixtures.js';

const x = make('input', [], { shape: [4] }, 'x');
const labels = make('input', [], { shape: [2], role: 'labels' }, 'labels');
const w = make('param', [], { shape: [4, 2], init: 'zeros' }, 'w');
const b = make('param', [], { shape: [2], init: 'zeros' }, 'b');
const d = make('dense', [x, w, b], { units: 2 }, 'd');
const t = make('tanh', [d], {}, 't');
const loss = make('mse', [t, labels], {}, 'loss');
const good: Graph = { name: 'g', nodes: [x, labels, w, b, d, t, loss], outputs: { loss: 'loss', scores: 't', gradients: { w: 'w', b: 'b' } } };

describe('the verifier on the nodes', () => {
  it('accepts a sound graph', () => expect(verifyGraph(good)).toEqual([]));

  it('names an id defined twice', () => {
    const t2 = { ...t, inputs: ['d'] };
    expect(verifyGraph({ ...good, nodes: [...good.nodes, t2] })).toEqual(["'t' is defined twice"]);
  });

  it('names an input read before it is defined, and checks no shape for that node', () => {
    const nodes = [x, labels, w, b, t, d, loss];
    expect(verifyGraph({ ...good, nodes })).toEqual(["'t' reads 'd', which is not defined before it"]);
  });

  it('names a node whose shape rule now fails, with the rule’s message', () => {
    const bad = { ...d, attrs: { units: 3 } };
    const problems = verifyGraph({ ...good, nodes: [x, labels, w, b, bad, t, loss] });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^'d' \(dense\) fails its shape rule: internal error: dense 'd' weights 4×2 do not fit input N×4/);
  });

  it('names a node that claims another shape than its inputs give', () => {
    // a node nothing reads, so that the claim misleads no other rule
    const u = make('sigmoid', [d], {}, 'u');
    const wrong = { ...u, type: { ...u.type, shape: ['N', 3] } } as Node;
    expect(verifyGraph({ ...good, nodes: [...good.nodes, wrong] })).toEqual(["'u' (sigmoid) claims N×3 but its inputs give N×2"]);
    const rank = { ...u, type: { ...u.type, shape: ['N', 2, 1] } } as Node;
    expect(verifyGraph({ ...good, nodes: [...good.nodes, rank] })).toEqual(["'u' (sigmoid) claims N×2×1 but its inputs give N×2"]);
    expect(verifyGraph({ ...good, nodes: [...good.nodes, u] })).toEqual([]);
  });

  it.each(['prediction', 'loss', 'scores'] as const)('names a %s output that is not a node', (role) => {
    expect(verifyGraph({ ...good, outputs: { ...good.outputs, [role]: 'ghost' } })).toEqual([`the ${role} output 'ghost' is not a node`]);
  });

  it('names a gradient given for no node, and a gradient that is no node', () => {
    expect(verifyGraph({ ...good, outputs: { ...good.outputs, gradients: { ghost: 'w' } } })).toEqual([
      "a gradient is given for 'ghost', which is not a node",
    ]);
    expect(verifyGraph({ ...good, outputs: { ...good.outputs, gradients: { w: 'ghost' } } })).toEqual([
      "the gradient of 'w' names 'ghost', which is not a node",
    ]);
  });
});

describe('the verifier on state updates', () => {
  const s = make('param', [], { shape: [2], init: 'zeros', trainable: false, role: 'state' }, 's');
  const sum = make('bias_grad', [t], {}, 'sum');
  const next = make('add', [s, sum], {}, 'next');
  const update = make('assign', [s, next], {}, 'update');
  const base = [x, labels, w, b, d, t, loss, s, sum, next];
  const graph = (nodes: Node[], updates: Record<string, string>, extra: Node[] = []): Graph => ({
    name: 'g',
    nodes: [...base, ...extra, ...nodes],
    outputs: { loss: 'loss', updates },
  });

  it('accepts one update of a state', () => expect(verifyGraph(graph([update], { s: 'update' }))).toEqual([]));

  it('names an update of no node, and an update node that does not exist', () => {
    expect(verifyGraph(graph([update], { s: 'update', ghost: 'update' }))).toContain("an update is given for 'ghost', which is not a node");
    expect(verifyGraph(graph([], { s: 'ghost' }))).toEqual(["the update of 's' names 'ghost', which is not a node"]);
  });

  it('names an update that is not an assign, or assigns another state', () => {
    expect(verifyGraph(graph([update], { s: 'next' }))).toEqual([
      "the update of 's' names 'next', which does not write 's'",
      "'s' is updated twice in one step, by 'next' and by 'update'",
    ]);
    const other = make('param', [], { shape: [2], init: 'zeros', trainable: false, role: 'state' }, 'o');
    const intoOther = make('assign', [other, next], {}, 'into');
    expect(verifyGraph(graph([update, intoOther], { s: 'update', o: 'update' }, [other]))).toEqual([
      "the update of 'o' names 'update', which does not write 'o'",
      "'o' is updated twice in one step, by 'update' and by 'into'",
    ]);
    expect(verifyGraph(graph([update], {}))).toEqual(["'update' writes 's' but is not among the graph's updates"]);
  });

  it.each([
    ['a computed value', make('bias_grad', [d], {}, 'q')],
    ['a param of another role', make('param', [], { shape: [2], init: 'zeros', trainable: false, role: 'mask' }, 'q')],
    ['a param of no role', make('param', [], { shape: [2], init: 'zeros', trainable: false }, 'q')],
    ['a trainable state', make('param', [], { shape: [2], init: 'zeros', role: 'state' }, 'q')],
  ])('names an update of %s', (_what, q) => {
    const u = make('assign', [q, next], {}, 'qu');
    const problems = verifyGraph(graph([update, u], { s: 'update', q: 'qu' }, [q]));
    expect(problems).toEqual(["'qu' updates 'q', which is not a state (a non-trainable param of role 'state')"]);
  });

  it('names an update of a value that only says it is a state', () => {
    const q = make('bias_grad', [t], { role: 'state', trainable: false }, 'q');
    const u = make('assign', [q, next], {}, 'qu');
    expect(verifyGraph(graph([update, u], { s: 'update', q: 'qu' }, [q]))).toEqual(["'qu' updates 'q', which is not a state (a non-trainable param of role 'state')"]);
  });

  it('names the update of another state that reads this one after its update', () => {
    const other = make('param', [], { shape: [2], init: 'zeros', trainable: false, role: 'state' }, 'o');
    const late = make('assign', [other, s], {}, 'into');
    expect(verifyGraph(graph([update, late], { s: 'update', o: 'into' }, [other]))).toEqual([
      "'into' reads 's' after 'update' updated 's': readers must see the step's old value",
    ]);
  });

  it('reports a node of an unknown op without stumbling over it, plan and updates included', () => {
    const odd = { ...t, id: 'odd', op: 'mystery', inputs: ['t'] } as Node;
    const offsets = Object.fromEntries([...base, odd].map((n, i) => [n.id, 8 * i]));
    offsets.update = offsets.s!; // an update is its state's buffer
    const plan = { batch: 1, offsets, sizes: Object.fromEntries([...base, update, odd].map((n) => [n.id, 8])), end: 200, base: 0, plannedFloats: 0, naiveFloats: 0 };
    const g = { ...graph([update, odd], { s: 'update' }), plan };
    expect(verifyGraph(g)).toEqual(["'odd' (mystery) fails its shape rule: internal error: unknown IR op 'mystery'; this is a bug in netc"]);
    // and an update naming it
    expect(verifyGraph(graph([odd, update], { s: 'odd' }))).toEqual([
      "'odd' (mystery) fails its shape rule: internal error: unknown IR op 'mystery'; this is a bug in netc",
      "the update of 's' names 'odd', which does not write 's'",
      "'odd' writes N×2 into 's' of 2",
      "'s' is updated twice in one step, by 'odd' and by 'update'",
    ]);
  });

  it('names an update of another shape than its state', () => {
    // assign's own rule refuses this, so the node is made by hand
    const s3 = make('param', [], { shape: [3], init: 'zeros', trainable: false, role: 'state' }, 's3');
    const odd = { ...update, id: 'u3', inputs: ['s3', 'next'], type: { ...update.type, shape: [2] } } as Node;
    const problems = verifyGraph(graph([odd], { s3: 'u3' }, [s3]));
    expect(problems).toContain("'u3' writes 2 into 's3' of 3");
  });

  it('names a state updated twice, and a reader after the update, directly or through a view', () => {
    const again = make('assign', [s, sum], {}, 'again');
    expect(verifyGraph(graph([update, again], { s: 'update' }))).toEqual(["'s' is updated twice in one step, by 'update' and by 'again'"]);
    const view = make('reshape', [s], { shape: [2] }, 'view');
    const reader = make('tanh', [view], {}, 'late');
    expect(verifyGraph(graph([view, update, reader], { s: 'update' }))).toEqual([
      "'late' reads 'view' after 'update' updated 's': readers must see the step's old value",
    ]);
    // a reader before the update is what the rule wants
    expect(verifyGraph(graph([view, reader, update], { s: 'update' }))).toEqual([]);
    // and the reader of another state's view is none of its business
    const other = make('param', [], { shape: [2], init: 'zeros', trainable: false, role: 'state' }, 'o');
    const otherReader = make('tanh', [other], {}, 'late2');
    expect(verifyGraph(graph([update, otherReader], { s: 'update' }, [other]))).toEqual([]);
  });
});

describe('the verifier on memory plans', () => {
  // chain: x (input) → t1 → t2 → t3 (the prediction), and a view of t2
  const cx = make('input', [], { shape: [4] }, 'x');
  const t1 = make('tanh', [cx], {}, 't1');
  const t2 = make('tanh', [t1], {}, 't2');
  const v2 = make('flatten', [t2], {}, 'v2');
  const t3 = make('tanh', [v2], {}, 't3');
  const chain: Graph = { name: 'c', nodes: [cx, t1, t2, v2, t3], outputs: { prediction: 't3' } };
  const plan = (offsets: Record<string, number>, end = 100): MemoryPlan => ({
    batch: 1,
    offsets,
    sizes: { x: 4, t1: 4, t2: 4, v2: 4, t3: 4 },
    end,
    base: 0,
    plannedFloats: 0,
    naiveFloats: 0,
  });
  const withPlan = (offsets: Record<string, number>, end?: number) => verifyGraph({ ...chain, plan: plan(offsets, end) });

  it('accepts buffers that share memory only when their lives do not meet', () => {
    // t1 lives from node 1 to node 2 (read by t2); t3 from node 4 on: they may share
    expect(withPlan({ x: 0, t1: 4, t2: 8, v2: 8, t3: 4 })).toEqual([]);
    // touching, not overlapping
    expect(withPlan({ x: 0, t1: 4, t2: 8, v2: 8, t3: 12 }, 16)).toEqual([]);
  });

  it('names buffers live together that overlap, by a single float', () => {
    expect(withPlan({ x: 0, t1: 4, t2: 7, v2: 7, t3: 12 })).toEqual(["'t1' and 't2' are live together but overlap in memory"]);
    expect(withPlan({ x: 0, t1: 8, t2: 3, v2: 3, t3: 12 })).toEqual(["'x' and 't2' are live together but overlap in memory"]);
    // t2 is read (through its view) by t3: they are live together at node 4
    expect(withPlan({ x: 0, t1: 4, t2: 8, v2: 8, t3: 11 })).toEqual(["'t2' and 't3' are live together but overlap in memory"]);
    // an input lives from the start: it may not share with the last node either
    expect(withPlan({ x: 0, t1: 4, t2: 8, v2: 8, t3: 3 })).toEqual(["'x' and 't3' are live together but overlap in memory"]);
  });

  it('names a value with no buffer, a buffer past the arena, and a view away from its input', () => {
    expect(withPlan({ x: 0, t1: 4, t2: 8, v2: 8 })).toEqual(["the memory plan has no buffer for 't3'"]);
    expect(withPlan({ x: 0, t1: 4, t2: 8, v2: 8, t3: 12 }, 15)).toEqual(["'t3' ends past the arena"]);
    expect(withPlan({ x: 0, t1: 4, t2: 8, v2: 12, t3: 16 }, 20)).toEqual(["'v2' (a view or update of 't2') is not at the offset of 't2'"]);
  });

  it('keeps inputs, parameters and the values read through a view of them alive from the first node to the last', () => {
    // p is listed late but lives from the start; x is read through its flatten only early on
    const x = make('input', [], { shape: [2] }, 'x');
    const f = make('flatten', [x], {}, 'f');
    const a = make('tanh', [f], {}, 'a');
    const b = make('tanh', [a], {}, 'b');
    const p = make('param', [], { shape: [2], init: 'zeros' }, 'p');
    const c = make('tanh', [b], {}, 'c');
    const g: Graph = { name: 'g', nodes: [x, f, a, b, p, c], outputs: { prediction: 'c' } };
    const sizes = { x: 2, f: 2, a: 2, b: 2, p: 2, c: 2 };
    const check = (offsets: Record<string, number>) => verifyGraph({ ...g, plan: { batch: 1, offsets, sizes, end: 40, base: 0, plannedFloats: 0, naiveFloats: 0 } });
    expect(check({ x: 0, f: 0, a: 2, b: 4, p: 6, c: 2 })).toEqual([]);
    // c over x: x is an input, alive to the end although its view's last reader is a
    expect(check({ x: 0, f: 0, a: 2, b: 4, p: 6, c: 0 })).toEqual(["'x' and 'c' are live together but overlap in memory"]);
    // p over a: a died at node 3, but p lives from node 0
    expect(check({ x: 0, f: 0, a: 2, b: 4, p: 2, c: 8 })).toEqual(["'a' and 'p' are live together but overlap in memory"]);
    // p over c: c comes after p's place in the list, p lives to the end
    expect(check({ x: 0, f: 0, a: 2, b: 4, p: 6, c: 6 })).toEqual(["'p' and 'c' are live together but overlap in memory"]);
  });

  it('keeps outputs alive to the end: the prediction, gradients and updates', () => {
    const x = make('input', [], { shape: [2] }, 'x');
    const a = make('tanh', [x], {}, 'a');
    const b = make('tanh', [a], {}, 'b');
    const c = make('tanh', [b], {}, 'c');
    const sizes = { x: 2, a: 2, b: 2, c: 2 };
    const plan = { batch: 1, offsets: { x: 0, a: 2, b: 4, c: 2 }, sizes, end: 40, base: 0, plannedFloats: 0, naiveFloats: 0 };
    const nodes = [x, a, b, c];
    expect(verifyGraph({ name: 'g', nodes, outputs: { prediction: 'c' }, plan })).toEqual([]);
    for (const outputs of [{ prediction: 'a' }, { scores: 'a' }, { loss: 'a' }, { gradients: { x: 'a' } }]) {
      expect(verifyGraph({ name: 'g', nodes, outputs, plan }), JSON.stringify(outputs)).toEqual(["'a' and 'c' are live together but overlap in memory"]);
    }
    // an output that is no node is named, and breaks nothing else
    expect(verifyGraph({ name: 'g', nodes, outputs: { prediction: 'ghost' }, plan })).toEqual(["the prediction output 'ghost' is not a node"]);
  });

  it('names an overlap as well as a missing buffer', () => {
    const x = make('input', [], { shape: [2] }, 'x');
    const a = make('tanh', [x], {}, 'a');
    const b = make('tanh', [a], {}, 'b');
    const c = make('tanh', [b], {}, 'c');
    const plan = { batch: 1, offsets: { x: 0, a: 1, c: 8 }, sizes: { x: 2, a: 2, c: 2 }, end: 40, base: 0, plannedFloats: 0, naiveFloats: 0 };
    expect(verifyGraph({ name: 'g', nodes: [x, a, b, c], outputs: { prediction: 'c' }, plan })).toEqual([
      "the memory plan has no buffer for 'b'",
      "'x' and 'a' are live together but overlap in memory",
    ]);
  });

  it('names an overlap at the bottom of memory beside a value with no buffer', () => {
    const p = make('param', [], { shape: [2], init: 'zeros' }, 'p');
    const x = make('input', [], { shape: [2] }, 'x');
    const t = make('tanh', [x], {}, 't');
    const plan = { batch: 1, offsets: { p: 0, t: 0 }, sizes: { p: 2, t: 2 }, end: 40, base: 0, plannedFloats: 0, naiveFloats: 0 };
    expect(verifyGraph({ name: 'g', nodes: [p, x, t], outputs: { prediction: 't' }, plan })).toEqual([
      "the memory plan has no buffer for 'x'",
      "'p' and 't' are live together but overlap in memory",
    ]);
  });

  it('keeps an input listed late (the labels) alive from the first node', () => {
    const x = make('input', [], { shape: [2] }, 'x');
    const a = make('tanh', [x], {}, 'a');
    const b = make('tanh', [a], {}, 'b');
    const labels = make('input', [], { shape: [2], role: 'labels' }, 'labels');
    const loss = make('mse', [b, labels], {}, 'loss');
    const check = (offsets: Record<string, number>) =>
      verifyGraph({ name: 'g', nodes: [x, a, b, labels, loss], outputs: { loss: 'loss' }, plan: { batch: 1, offsets, sizes: { x: 2, a: 2, b: 2, labels: 2, loss: 1 }, end: 40, base: 0, plannedFloats: 0, naiveFloats: 0 } });
    expect(check({ x: 0, a: 2, b: 4, labels: 6, loss: 2 })).toEqual([]);
    expect(check({ x: 0, a: 2, b: 4, labels: 2, loss: 8 })).toEqual(["'a' and 'labels' are live together but overlap in memory"]);
  });

  it('finds an overlap with the buffer below and with the buffer above', () => {
    const x = make('input', [], { shape: [4] }, 'x');
    const t = make('tanh', [x], {}, 't');
    const two = (offsets: Record<string, number>) =>
      verifyGraph({ name: 'g', nodes: [x, t], outputs: { prediction: 't' }, plan: { batch: 1, offsets, sizes: { x: 4, t: 4 }, end: 20, base: 0, plannedFloats: 0, naiveFloats: 0 } });
    expect(two({ x: 0, t: 2 })).toEqual(["'x' and 't' are live together but overlap in memory"]);
    expect(two({ x: 2, t: 0 })).toEqual(["'x' and 't' are live together but overlap in memory"]);
    expect(two({ x: 2, t: 2 })).toEqual(["'x' and 't' are live together but overlap in memory"]);
    expect(two({ x: 0, t: 4 })).toEqual([]);
    expect(two({ x: 4, t: 0 })).toEqual([]);
    expect(two({ x: 5, t: 0 })).toEqual([]);
  });

  it('finds exactly the overlapping pairs a brute-force check finds, on random plans', () => {
    const r = rng(4);
    let clean = 0;
    let broken = 0;
    for (let trial = 0; trial < 400; trial++) {
      // a chain in which node i reads node i − 1 and node i − 3, with parameters listed among it
      const length = 2 + Math.floor(r() * 22);
      const nodes: Node[] = [make('input', [], { shape: [2] }, 'n0')];
      const computed: Node[] = [nodes[0]!];
      for (let i = 1; i < length; i++) {
        if (r() < 0.15) nodes.push(make('param', [], { shape: [2], init: 'zeros' }, `n${nodes.length}`));
        const prev = computed[computed.length - 1]!;
        const back = computed[computed.length - 3];
        const n = back ? make('add', [prev, back], {}, `n${nodes.length}`) : make('tanh', [prev], {}, `n${nodes.length}`);
        nodes.push(n);
        computed.push(n);
      }
      const last = computed[computed.length - 1]!.id;
      const g: Graph = { name: 'r', nodes, outputs: { prediction: last } };
      // lives by definition: from the node (inputs and parameters: from the start) to the last reader
      // (inputs, parameters and the prediction: to the end)
      const end = nodes.length;
      const life = new Map(nodes.map((n, i) => [n.id, [n.op === 'input' || n.op === 'param' ? 0 : i, n.op === 'input' || n.op === 'param' || n.id === last ? end : i]]));
      nodes.forEach((n, i) => n.inputs.forEach((id) => (life.get(id)![1] = Math.max(life.get(id)![1]!, i))));
      // first fit on a grid of 8 (sizes are at most 6, so buffers never touch), then a node or two moved anywhere
      const offsets: Record<string, number> = {};
      const sizes: Record<string, number> = {};
      const meets = (a: string, b: string) => life.get(a)![1]! >= life.get(b)![0]! && life.get(b)![1]! >= life.get(a)![0]!;
      for (const n of nodes) {
        sizes[n.id] = 1 + Math.floor(r() * 6);
        let at = 0;
        while (Object.keys(offsets).some((o) => offsets[o] === at && meets(o, n.id))) at += 8;
        offsets[n.id] = at;
      }
      const top = Math.max(...Object.values(offsets)) + 8;
      for (let k = Math.floor(r() * 3); k > 0; k--) offsets[nodes[Math.floor(r() * nodes.length)]!.id] = Math.floor(r() * top);
      const want: string[] = [];
      for (let i = 0; i < nodes.length; i++) {
        for (let j = i + 1; j < nodes.length; j++) {
          const [a, b] = [nodes[i]!.id, nodes[j]!.id];
          if (meets(a, b) && offsets[a]! < offsets[b]! + sizes[b]! && offsets[b]! < offsets[a]! + sizes[a]!) {
            want.push(`'${a}' and '${b}' are live together but overlap in memory`);
          }
        }
      }
      const plan: MemoryPlan = { batch: 1, offsets, sizes, end: top + 8, base: 0, plannedFloats: 0, naiveFloats: 0 };
      expect(verifyGraph({ ...g, plan }).sort(), `trial ${trial}`).toEqual(want.sort());
      if (want.length === 0) clean++;
      else broken++;
    }
    // both kinds of plan were tried
    expect(clean).toBeGreaterThan(50);
    expect(broken).toBeGreaterThan(50);
  });
});
