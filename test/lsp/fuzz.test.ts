/**
 * `netc lsp` under random editing: thousands of seeded edits of shipped specs and a variant —
 * truncations, random insertions, half-typed lines, deleted brackets and lines — each followed
 * by a hover, completion, definition or rename request at a random place. Every request must be answered,
 * no handler may fail (the server logs a failure it catches), the server must never exit, and
 * its last diagnostics of each document must be of the final text, with ranges inside it.
 * NETC_FC_SEED changes the seed (as in test/robustness); NETC_LSP_FUZZ_EDITS the number of edits.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Random } from '../../src/runtime/random.js';
import { LspClient, uriOf } from './client.js';
import { cases } from '../helpers/scale.js';

const seed = Number(process.env.NETC_FC_SEED ?? 20261126);
const EDITS = Number(process.env.NETC_LSP_FUZZ_EDITS ?? cases(1000));

const dir = mkdtempSync(join(tmpdir(), 'netc-lsp-fuzz-'));
const shipped = ['specs/lenet5.yaml', 'specs/inception-mini.yaml', 'specs/lenet5-1998.yaml'].map((f) => readFileSync(f, 'utf8'));
writeFileSync(join(dir, 'base.yaml'), shipped[0]!);
const variant = 'extends: ./base.yaml\nname: v\nremove: [flat]\ninsert_after:\n  s4: [{ name: gp, op: global_avgpool2d }]\npatch:\n  f5: { units: 64 }\n';
const files = [resolve('specs/lenet5.yaml'), resolve('specs/inception-mini.yaml'), join(dir, 'variant.yaml'), join(dir, 'base.yaml')];
const starts = [shipped[0]!, shipped[1]!, variant, shipped[0]!];

const TOKENS = [
  '{', '}', '[', ']', ':', ': ', ',', '- ', '\n', '\n  - ', '  ', '\t', '#', "'", '"', '&a ', '*a', '!!str ', '|', '>', '---\n', '...',
  'name: ', 'op: ', 'op: conv2d', 'op: dense', 'inputs: [', 'inputs: [c1, ', 'activation: ', 'units: ', 'extends: ./base.yaml\n',
  'extends: ./variant.yaml\n', 'patch:\n  ', 'remove: [', 'layers:\n', 'train:\n  optimizer: {', '- { name: x, op: flatten }', '0', '-1',
  '1e309', 'null', '~', 'true', '__proto__: ', 'ü', '😀', '\u0000', '\r\n',
];
const HALF_LINES = ['  - { name: c9, op: conv', '  - name: d\n    op: den', '    inputs: [s', '  optimizer: { name: ad', 'input: { shape: [28, 28', '  - { name: '];

interface Doc {
  readonly uri: string;
  doc: TextDocument;
}

/** One random edit of `text`, as a range and the text to put there. */
function randomEdit(rng: Random, text: string): { start: number; end: number; insert: string } {
  const n = text.length;
  const at = rng.below(n + 1);
  switch (rng.below(8)) {
    case 0: // truncate
      return { start: at, end: n, insert: '' };
    case 1: // delete a range
      return { start: at, end: Math.min(n, at + rng.below(40)), insert: '' };
    case 2: {
      // delete a bracket
      const brackets = [...text.matchAll(/[[\]{}]/g)].map((m) => m.index);
      const b = brackets.length > 0 ? brackets[rng.below(brackets.length)]! : at;
      return { start: b, end: Math.min(n, b + 1), insert: '' };
    }
    case 3: // a half-typed line at the start of a line
      return { start: Math.max(0, text.lastIndexOf('\n', at - 1) + 1), end: Math.max(0, text.lastIndexOf('\n', at - 1) + 1), insert: HALF_LINES[rng.below(HALF_LINES.length)]! };
    case 4: // random characters
      return { start: at, end: at, insert: String.fromCharCode(...Array.from({ length: 1 + rng.below(5) }, () => 32 + rng.below(95))) };
    case 5: // back to a valid spec now and then, so edits keep meeting real structure
      return rng.below(4) === 0 ? { start: 0, end: n, insert: shipped[rng.below(shipped.length)]! } : { start: at, end: at, insert: TOKENS[rng.below(TOKENS.length)]! };
    default: // a YAML token or a spec fragment
      return { start: at, end: at, insert: TOKENS[rng.below(TOKENS.length)]! };
  }
}

let client: LspClient;
beforeAll(async () => {
  client = await LspClient.start();
});
afterAll(async () => {
  await client.stop();
});

describe('netc lsp under random edits', () => {
  it(`answers every request through ${EDITS} edits and never exits (seed ${seed})`, { timeout: 300_000 }, async () => {
    const rng = new Random(seed);
    const docs: Doc[] = files.map((f, i) => ({ uri: uriOf(f), doc: TextDocument.create(uriOf(f), 'yaml', 1, starts[i]!) }));
    for (const d of docs) await client.open(d.uri, d.doc.getText());
    let pending: Promise<unknown>[] = [];
    let answered = 0;
    for (let i = 0; i < EDITS; i++) {
      const d = docs[rng.below(docs.length)]!;
      const text = d.doc.getText();
      const e = randomEdit(rng, text);
      const range = { start: d.doc.positionAt(e.start), end: d.doc.positionAt(e.end) };
      const version = await client.change(d.uri, [{ range, text: e.insert }]);
      d.doc = TextDocument.update(d.doc, [{ range, text: e.insert }], version);
      const pos = d.doc.positionAt(rng.below(d.doc.getText().length + 1));
      // a hover on a layer analyzes the text (as diagnostics do), which costs the most: 1 in 5
      // a refused rename is an answer (an error saying why); a handler that fails is logged, and caught below
      const renamed = (p: Promise<unknown>) => p.catch((e: Error) => expect(e.message).not.toMatch(/failed|internal/i));
      const ask = [
        () => client.hover(d.uri, pos),
        () => client.completion(d.uri, pos),
        () => client.completion(d.uri, pos),
        () => client.definition(d.uri, pos),
        () => client.definition(d.uri, pos),
        () => renamed(client.prepareRename(d.uri, pos)),
        () => renamed(client.rename(d.uri, pos, 'renamed_x')),
      ][rng.below(7)]!;
      pending.push(ask().then(() => answered++));
      if (pending.length >= 50) {
        await Promise.all(pending);
        pending = [];
      }
      expect(client.exitCode).toBeUndefined();
    }
    await Promise.all(pending);
    expect(answered).toBe(EDITS);
    // the last diagnostics of each document are of its final text, with ranges inside it
    for (const d of docs) {
      const final = await client.diagnostics(d.uri, d.doc.version);
      for (const x of final.diagnostics) {
        expect(x.range.start.line).toBeLessThan(d.doc.lineCount);
        expect(x.code).toMatch(/^NETC[1-8]\d{3}$/);
      }
    }
    expect(client.stderr).not.toMatch(/failed/);
    expect(client.exitCode).toBeUndefined();
  });
});
