/**
 * Property tests of the front end (parse, extends, schema, lowering, the memory estimate) and of
 * `netc check`, over thousands of generated inputs:
 *  - valid specs, random stacks and DAGs of the registry's ops, are accepted;
 *  - mutated valid specs (a field removed, a value of the wrong type, a name changed, a shape
 *    broken, ...) end in diagnostics with a position inside the file, and exit status 1;
 *  - random bytes, YAML token soup, truncated and edited specs, and random YAML documents never
 *    crash: every outcome is a diagnostic with a position, or a valid spec.
 * A crash is an exception, exit status 3, or an internal-error diagnostic (NETC9xxx).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze, type Analysis } from '../../src/driver/analyze.js';
import { runCli } from '../helpers/cli.js';
import { buildSpec, Datasets, layerKinds, recipeArb, toYaml, TRICKY_LAYER_NAMES, writeSpec, type Built } from './generators.js';
import { Tally } from './tally.js';
import { cases } from '../helpers/scale.js';

const dir = mkdtempSync(join(tmpdir(), 'netc-robust-fe-'));
const datasets = new Datasets(join(dir, 'data'));
// A base that generated variants can extend, so 'extends' merging meets hostile keys too.
writeSpec(dir, 'base.yaml', 'netc: 1\nname: base\ninput: { shape: [8, 8, 1] }\nlayers:\n  - { name: a, op: flatten }\n  - { name: b, op: dense, units: 3 }\n');
const { kinds, skipped } = layerKinds();
const tally = new Tally(import.meta.url);
let fileNo = 0;

/** Fixed seeds keep `npm test` reproducible; NETC_FC_SEED explores others. */
const seed = Number(process.env.NETC_FC_SEED ?? 20261126);

interface Outcome {
  readonly analysis?: Analysis;
  readonly crash?: string;
  readonly code?: number;
}

/** analyze() in-process, then `netc check --json` on the same file; what a crash would be. */
async function check(text: string | Uint8Array): Promise<Outcome> {
  const file = writeSpec(dir, `case-${fileNo++}.yaml`, text);
  let analysis: Analysis;
  try {
    analysis = analyze(file);
  } catch (e) {
    return { crash: `analyze threw: ${(e as Error).stack}` };
  }
  const polluted = Object.keys(Object.prototype);
  if (polluted.length > 0) {
    for (const k of polluted) delete (Object.prototype as Record<string, unknown>)[k];
    return { analysis, crash: `Object.prototype was polluted with ${polluted.join(', ')}` };
  }
  const internal = analysis.diagnostics.find((d) => d.code.startsWith('NETC9'));
  if (internal) return { analysis, crash: `internal diagnostic: ${internal.code} ${internal.message}` };
  const r = await runCli(['check', '--json', file]);
  if (r.code !== 0 && r.code !== 1) return { analysis, code: r.code, crash: `netc check exited ${r.code}: ${r.stderr}` };
  if (/internal error/.test(r.stdout + r.stderr)) return { analysis, code: r.code, crash: r.stdout + r.stderr };
  if ((r.code === 0) !== analysis.ok) return { analysis, code: r.code, crash: `exit ${r.code} but analyze says ok=${analysis.ok}` };
  JSON.parse(r.stdout); // --json prints exactly one document
  return { analysis, code: r.code };
}

/** Every error has a position inside the file it names (a line and column that exist). */
function unplaced(a: Analysis): string[] {
  return a.diagnostics
    .filter((d) => d.severity === 'error')
    .filter((d) => {
      if (!d.loc) return true;
      const text = a.sources.get(d.loc.file);
      if (text === undefined) return true;
      const lines = text.split(/\r?\n|\r/).length;
      return d.loc.line < 1 || d.loc.line > lines || d.loc.column < 1;
    })
    .map((d) => `${d.code} at ${d.loc ? `${d.loc.file}:${d.loc.line}:${d.loc.column}` : 'nowhere'}: ${d.message}`);
}

afterAll(() => {
  tally.note('valid specs', `ops generated from the registry: ${kinds.map((k) => k.def.op).join(', ')}${skipped.length ? `; skipped (attributes not generated): ${skipped.join(', ')}` : ''}`);
  tally.report();
});

const opsSeen = new Set<string>();

describe('generated valid specs', () => {
  it('are accepted by netc check (exit 0), whatever ops, attributes, names and layout', async () => {
    expect(kinds.length).toBeGreaterThan(5);
    await fc.assert(
      fc.asyncProperty(recipeArb(kinds), async (r) => {
        const b = buildSpec(r, kinds, datasets);
        for (const l of b.doc.layers as { op: string }[]) opsSeen.add(l.op);
        const o = await check(b.text);
        tally.add('valid specs', { crashed: o.crash !== undefined, rejected: o.analysis?.ok === false });
        if (o.crash) throw new Error(o.crash);
        if (!o.analysis!.ok) throw new Error(`a valid spec was refused:\n${b.text}\n${o.analysis!.diagnostics.map((d) => d.message).join('\n')}`);
        expect(o.code).toBe(0);
      }),
      { numRuns: cases(1000), seed },
    );
    // Every generated op appears in some spec: the generator does not silently lose one.
    expect([...kinds.map((k) => k.def.op)].filter((op) => !opsSeen.has(op))).toEqual([]);
  }, 120_000);
});

/** A mutation of a valid spec; `mustFail` when every spec it applies to becomes invalid. */
interface Mutation {
  readonly kind: string;
  readonly mustFail: boolean;
  apply(doc: Record<string, unknown>, pick: number, value: unknown): boolean;
}

type Path = (string | number)[];
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function leaves(v: unknown, path: Path = [], out: [Path, unknown][] = []): [Path, unknown][] {
  if (Array.isArray(v)) v.forEach((x, i) => leaves(x, [...path, i], out));
  else if (isObj(v)) for (const [k, x] of Object.entries(v)) leaves(x, [...path, k], out);
  else out.push([path, v]);
  return out;
}
function keyPaths(v: unknown, path: Path = [], out: Path[] = []): Path[] {
  if (Array.isArray(v)) v.forEach((x, i) => keyPaths(x, [...path, i], out));
  else if (isObj(v)) for (const [k, x] of Object.entries(v)) out.push([...path, k]), keyPaths(x, [...path, k], out);
  return out;
}
const parentOf = (doc: unknown, path: Path) => path.slice(0, -1).reduce<unknown>((o, k) => (o as Record<string | number, unknown>)[k], doc) as Record<string | number, unknown>;
const layersOf = (doc: Record<string, unknown>) => doc.layers as Record<string, unknown>[];
const other = (v: unknown, pick: number): unknown => {
  const pool: unknown[] = typeof v === 'string' ? [7, true, [1], { a: 1 }, null] : typeof v === 'number' ? ['seven', true, [1], { a: 1 }, null] : typeof v === 'boolean' ? [1, 'yes', [], null] : ['x', 3];
  return pool[pick % pool.length];
};

const MUTATIONS: Mutation[] = [
  {
    kind: 'a required field removed',
    mustFail: true,
    apply(doc, pick) {
      const layers = layersOf(doc);
      const req: Path[] = [['netc'], ['name'], ['input'], ['layers'], ['input', 'shape'], ['train', 'dataset']];
      layers.forEach((l, i) => {
        req.push(['layers', i, 'name'], ['layers', i, 'op']);
        const def = kinds.find((k) => k.def.op === l.op)?.def;
        for (const a of def?.required ?? []) if (a in l) req.push(['layers', i, a]);
      });
      const p = req[pick % req.length]!;
      delete parentOf(doc, p)[p[p.length - 1]!];
      return true;
    },
  },
  {
    kind: 'any field removed',
    mustFail: false,
    apply(doc, pick) {
      const ps = keyPaths(doc);
      const p = ps[pick % ps.length]!;
      delete parentOf(doc, p)[p[p.length - 1]!];
      return true;
    },
  },
  {
    kind: 'a value of the wrong type',
    mustFail: true,
    apply(doc, pick) {
      const ls = leaves(doc);
      const [p, v] = ls[pick % ls.length]!;
      parentOf(doc, p)[p[p.length - 1]!] = other(v, pick >> 4);
      return true;
    },
  },
  {
    kind: 'a layer renamed to an invalid name',
    mustFail: true,
    apply(doc, pick, value) {
      const layers = layersOf(doc);
      const bad = typeof value === 'string' && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(value) && value.length > 0 ? value : `bad name ${pick}`;
      layers[pick % layers.length]!.name = bad;
      return true;
    },
  },
  {
    kind: 'a layer renamed',
    mustFail: false,
    apply(doc, pick) {
      const layers = layersOf(doc);
      layers[pick % layers.length]!.name = TRICKY_LAYER_NAMES[pick % TRICKY_LAYER_NAMES.length];
      return true;
    },
  },
  {
    kind: 'a duplicate layer name',
    mustFail: true,
    apply(doc, pick) {
      const layers = layersOf(doc);
      if (layers.length < 2) return false;
      const i = pick % layers.length;
      layers[(i + 1) % layers.length]!.name = layers[i]!.name;
      return true;
    },
  },
  {
    kind: 'an input naming no layer',
    mustFail: true,
    apply(doc, pick) {
      const layers = layersOf(doc);
      layers[pick % layers.length]!.inputs = ['no_such_layer'];
      return true;
    },
  },
  {
    kind: 'an unknown key',
    mustFail: true,
    apply(doc, pick) {
      const maps = [[], ...keyPaths(doc).filter((p) => isObj(parentOf(doc, [...p, 'x'])))];
      const p = maps[pick % maps.length]!;
      (p.length === 0 ? doc : (parentOf(doc, [...p, 'x']) as Record<string, unknown>)).bogus_key = 1;
      return true;
    },
  },
  {
    kind: 'a number made NaN or infinite',
    mustFail: true,
    apply(doc, pick) {
      const ls = leaves(doc).filter(([, v]) => typeof v === 'number');
      const [p] = ls[pick % ls.length]!;
      parentOf(doc, p)[p[p.length - 1]!] = [NaN, Infinity, -Infinity][pick % 3];
      return true;
    },
  },
  {
    kind: 'a shape broken',
    mustFail: false,
    apply(doc, pick) {
      const ls = leaves(doc).filter(([p, v]) => typeof v === 'number' && Number.isInteger(v) && (p[0] === 'layers' || p[0] === 'input'));
      if (ls.length === 0) return false;
      const [p] = ls[pick % ls.length]!;
      parentOf(doc, p)[p[p.length - 1]!] = [1000, 0, -3, 1e9, 2 ** 40][pick % 5];
      return true;
    },
  },
];

describe('mutated valid specs', () => {
  it('end in diagnostics with a position and exit 1, never a crash', async () => {
    const mustFailPassed: string[] = [];
    await fc.assert(
      fc.asyncProperty(recipeArb(kinds, 5), fc.array(fc.tuple(fc.nat(MUTATIONS.length - 1), fc.nat(), fc.string()), { minLength: 3, maxLength: 3 }), async (r, muts) => {
        const b: Built = buildSpec(r, kinds, datasets);
        for (const [m, pick, value] of muts) {
          const doc = structuredClone(b.doc);
          const mutation = MUTATIONS[m]!;
          if (!mutation.apply(doc, pick, value)) continue;
          const o = await check(toYaml(doc, pick % 2 === 0));
          const kind = `mutated specs: ${mutation.kind}`;
          tally.add('mutated specs', { crashed: o.crash !== undefined, rejected: o.analysis?.ok === false });
          tally.add(kind, { crashed: o.crash !== undefined, rejected: o.analysis?.ok === false });
          if (o.crash) throw new Error(`${mutation.kind}: ${o.crash}`);
          const a = o.analysis!;
          if (mutation.mustFail && a.ok) mustFailPassed.push(`${mutation.kind}:\n${toYaml(doc, false)}`);
          if (!a.ok) {
            expect(o.code).toBe(1);
            expect(unplaced(a), mutation.kind).toEqual([]);
          }
        }
      }),
      { numRuns: cases(700), seed: seed + 1 },
    );
    expect(mustFailPassed.slice(0, 3)).toEqual([]);
    expect(tally.get('mutated specs').rejected / tally.get('mutated specs').cases).toBeGreaterThan(0.6);
  }, 120_000);
});

/** YAML's own vocabulary, and netc's, for token soup. */
const TOKENS = [
  'netc: 1\n', 'name: x\n', 'input: { shape: [8, 8, 1] }\n', 'layers:\n', '  - { name: a, op: dense, units: 3 }\n', '  - { name: f, op: flatten }\n',
  'train: { dataset: mnist }\n', 'extends: ./nothing.yaml\n', 'extends: ./base.yaml\n', 'extends: ./base.yaml\n__proto__: { polluted: 1 }\n', 'extends: .\n', 'extends: /dev/zero\n', 'patch: { a: { units: 4 } }\n', 'output: a\n',
  '- ', '{', '}', '[', ']', ', ', ': ', '? ', '&a ', '*a ', '&b [*a, *a, *a] ', '<<: *a\n', '!!str ', '!!binary ', '!!map ', '!!seq ', '!custom ', '!!js/function ',
  '"', "'", '#', '\n', '  ', '\t', '---\n', '...\n', '%YAML 1.2\n', '%TAG ! tag:x,2000:\n', '|\n  ', '>-\n  ', '.nan', '.inf', '-.inf', '~', 'null', '0x1F', '0o17',
  '1e999', '-0', '9007199254740993', '__proto__: ', 'constructor', 'op: ', 'inputs: [', 'kernel: ', '\u2028', '\uFEFF', '\u0000', '😀', 'é',
];

describe('hostile input', () => {
  it('random bytes never crash netc check', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), async (bytes) => {
        const o = await check(bytes);
        tally.add('random bytes', { crashed: o.crash !== undefined, rejected: o.analysis?.ok === false });
        if (o.crash) throw new Error(o.crash);
        expect(unplaced(o.analysis!)).toEqual([]);
      }),
      { numRuns: cases(1000), seed: seed + 2 },
    );
  }, 120_000);

  it('YAML token soup never crashes netc check', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }), async (tokens) => {
        const o = await check(tokens.join(''));
        tally.add('YAML token soup', { crashed: o.crash !== undefined, rejected: o.analysis?.ok === false });
        if (o.crash) throw new Error(o.crash);
        expect(unplaced(o.analysis!)).toEqual([]);
      }),
      { numRuns: cases(1000), seed: seed + 3 },
    );
  }, 120_000);

  it('valid specs truncated or edited at random places never crash netc check', async () => {
    await fc.assert(
      fc.asyncProperty(recipeArb(kinds, 4), fc.nat(), fc.nat(), fc.constantFrom(...TOKENS, ''), async (r, at, len, insert) => {
        const text = buildSpec(r, kinds, datasets).text;
        const i = at % (text.length + 1);
        const edited = len % 3 === 0 ? text.slice(0, i) : text.slice(0, i) + insert + text.slice(i + (len % 8));
        const o = await check(edited);
        tally.add('truncated or edited specs', { crashed: o.crash !== undefined, rejected: o.analysis?.ok === false });
        if (o.crash) throw new Error(o.crash);
        expect(unplaced(o.analysis!)).toEqual([]);
      }),
      { numRuns: cases(600), seed: seed + 4 },
    );
  }, 120_000);

  it('random YAML documents, shaped like specs or not, never crash netc check', async () => {
    const value = fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.constantFrom(NaN, Infinity, -0, 2 ** 60, '', 'input', '__proto__'));
    const specLike = fc.record(
      {
        netc: fc.oneof(fc.constant(1), value),
        name: fc.oneof(fc.string(), value),
        input: fc.oneof(fc.record({ shape: fc.oneof(fc.array(fc.integer({ min: -2, max: 40 }), { maxLength: 4 }), value) }), value),
        layers: fc.oneof(
          fc.array(
            fc.record({ name: fc.oneof(fc.string({ maxLength: 4 }), value), op: fc.oneof(fc.constantFrom(...kinds.map((k) => k.def.op), 'nope'), value), units: value, kernel: value, filters: value, inputs: value }, { requiredKeys: [] }),
            { maxLength: 6 },
          ),
          value,
        ),
        output: value,
        train: fc.oneof(fc.record({ dataset: fc.oneof(fc.constant('mnist'), value), loss: value, optimizer: value, batch_size: value }, { requiredKeys: [] }), value),
        extends: fc.oneof(fc.constantFrom('./base.yaml', '.', '/dev/null'), value),
        __proto__: fc.oneof(fc.record({ polluted: value, layers: value }), value),
        patch: value,
        remove: value,
        insert_after: value,
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(specLike, fc.anything({ maxDepth: 3 })), fc.boolean(), async (doc, flow) => {
        let text: string;
        try {
          text = toYaml(doc, flow) ?? ''; // undefined has no YAML form: an empty file
        } catch {
          return; // not every JavaScript value has a YAML form (a Symbol key); nothing to check
        }
        const o = await check(text);
        tally.add('random YAML documents', { crashed: o.crash !== undefined, rejected: o.analysis?.ok === false });
        if (o.crash) throw new Error(o.crash);
        expect(unplaced(o.analysis!)).toEqual([]);
      }),
      { numRuns: cases(1000), seed: seed + 5 },
    );
  }, 120_000);
});
