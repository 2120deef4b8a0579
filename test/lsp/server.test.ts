/**
 * `netc lsp` driven by a real protocol client over stdio: diagnostics on open and on change (of
 * the unsaved text, with a base read from an open buffer), hover, completion and go-to-definition
 * at known positions of shipped specs and small variants.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextEdit } from 'vscode-languageserver/node';
import { analyze } from '../../src/driver/analyze.js';
import { LspClient, positionOf, uriOf } from './client.js';

const lenet = resolve('specs/lenet5.yaml');
const lenetText = readFileSync(lenet, 'utf8');
const broken = resolve('test/fixtures/invalid/tutorial-missing-flatten.yaml');
const dupKeys = resolve('test/fixtures/invalid/duplicate-key-layer.yaml');
const dir = mkdtempSync(join(tmpdir(), 'netc-lsp-'));
const variant = join(dir, 'variant.yaml');
writeFileSync(join(dir, 'base.yaml'), lenetText);
const variantText = 'extends: ./base.yaml\nname: variant\nremove: [flat]\npatch:\n  f5: { units: 64 }\n';
writeFileSync(variant, variantText);

/** The text with the edits of one document applied, as an editor applies them. */
const applyEdits = (text: string, edits: TextEdit[]) => TextDocument.applyEdits(TextDocument.create('file:///x.yaml', 'yaml', 0, text), edits);

let client: LspClient;
beforeAll(async () => {
  client = await LspClient.start();
});
afterAll(async () => {
  expect(await client.stop()).toBe(0);
});

describe('netc lsp diagnostics', () => {
  it('publishes none for a shipped spec', async () => {
    await client.open(uriOf(lenet), lenetText);
    const d = await client.diagnostics(uriOf(lenet), 1);
    expect(d.diagnostics).toEqual([]);
  });

  it('publishes a broken spec’s errors with their codes and ranges', async () => {
    await client.open(uriOf(broken), readFileSync(broken, 'utf8'));
    const d = await client.diagnostics(uriOf(broken), 1);
    expect(d.diagnostics).toHaveLength(1);
    expect(d.diagnostics[0]).toMatchObject({
      code: 'NETC4004',
      severity: 1,
      source: 'netc',
      range: { start: { line: 10, character: 20 }, end: { line: 10, character: 25 } },
    });
    expect(d.diagnostics[0]!.message).toEqual(expect.stringMatching(/needs a flat input/));
  });

  it('checks an unsaved, untitled buffer, reading its bases from the working folder', async () => {
    const uri = 'untitled:Untitled-1';
    await client.open(uri, 'extends: ./specs/lenet5.yaml\nname: u\npatch:\n  f5: { units: 0 }\n');
    const d = await client.diagnostics(uri, 1);
    expect(d.diagnostics.map((x) => [x.code, x.range.start.line])).toEqual([['NETC2006', 3]]);
    await client.close(uri);
  });

  it('passes related places through as related information', async () => {
    await client.open(uriOf(dupKeys), readFileSync(dupKeys, 'utf8'));
    const d = await client.diagnostics(uriOf(dupKeys), 1);
    expect(d.diagnostics.map((x) => [x.code, x.range.start.line + 1, x.range.start.character + 1])).toEqual([
      ['NETC1010', 12, 5],
      ['NETC1010', 14, 61],
    ]);
    expect(d.diagnostics[0]!.relatedInformation).toEqual([
      { location: { uri: uriOf(dupKeys), range: { start: { line: 9, character: 4 }, end: { line: 9, character: 11 } } }, message: "the first 'filters' is here" },
    ]);
  });

  it('checks the unsaved text on change, and its fix', async () => {
    const uri = uriOf(lenet);
    const at = positionOf(lenetText, 'units: 120', 'units: '.length);
    const v2 = await client.change(uri, [{ range: { start: at, end: { line: at.line, character: at.character + 3 } }, text: '-3' }]);
    const bad = await client.diagnostics(uri, v2);
    expect(bad.diagnostics.map((x) => x.code)).toEqual(['NETC2006']);
    expect(bad.diagnostics[0]!.range.start).toEqual(at);
    const stale = await client.hover(uri, positionOf(lenetText, 'name: c3', 7));
    expect((stale?.contents as { value: string }).value).toContain('`8×8×16` · params 2,416 · MACs 153,600 *(as of the last version without errors)*');
    const v3 = await client.change(uri, [{ text: lenetText }]);
    expect((await client.diagnostics(uri, v3)).diagnostics).toEqual([]);
  });

  it('reads a base from its open buffer, and re-checks the variant when the base changes', async () => {
    const base = join(dir, 'base.yaml');
    await client.open(uriOf(variant), variantText);
    expect((await client.diagnostics(uriOf(variant), 1)).diagnostics.map((x) => x.code)).toEqual(['NETC4004']);
    const since = client.published.length;
    await client.open(uriOf(base), lenetText.replace("  - { name: f5, op: dense, units: 120, activation: tanh }\n", "  - { name: f5, op: flatten }\n  - { name: g5, op: dense, units: 120 }\n"));
    const after = await client.diagnostics(uriOf(variant), 1, since);
    // f5 is now a flatten, so the variant's patch of its units is what is wrong
    expect(after.diagnostics.map((x) => x.code)).not.toContain('NETC4004');
    expect(after.diagnostics.some((x) => /units/.test(typeof x.message === 'string' ? x.message : x.message.value))).toBe(true);
    await client.close(uriOf(base));
  });
});

describe('netc lsp and other YAML', () => {
  it('says nothing about a YAML file that is not a spec', async () => {
    const workflow = join(dir, 'ci.yaml');
    const text = 'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps: [{ run: npm test }]\n';
    await client.open(uriOf(workflow), text);
    expect((await client.diagnostics(uriOf(workflow), 1)).diagnostics).toEqual([]);
    expect(await client.completion(uriOf(workflow), { line: 2, character: 2 })).toEqual([]);
    expect(await client.hover(uriOf(workflow), { line: 0, character: 1 })).toBeNull();
  });
});

describe('netc lsp hover', () => {
  it('shows a layer’s output shape, parameters and MACs', async () => {
    const h = await client.hover(uriOf(lenet), positionOf(lenetText, 'name: c3', 7));
    const text = (h?.contents as { value: string }).value;
    expect(text).toContain('**c3** `conv2d (tanh)` → output `8×8×16` · params 2,416 · MACs 153,600');
  });

  it('shows a key’s description from the schema', async () => {
    const h = await client.hover(uriOf(lenet), positionOf(lenetText, 'filters: 6', 2));
    const text = (h?.contents as { value: string }).value;
    expect(text).toContain('`filters`: number of output channels');
    expect(text).toContain('**c1**');
  });

  it('shows nothing on a comment', async () => {
    expect(await client.hover(uriOf(lenet), { line: 1, character: 1 })).toBeNull();
  });
});

/** A document being typed (opened before the block's tests), and the labels completion offers at a place of it. */
function typing(name: string, text: string) {
  const uri = uriOf(join(dir, name));
  beforeAll(() => client.open(uri, text));
  return { uri, labels: async (line: number, character: number) => (await client.completion(uri, { line, character })).map((c) => c.label) };
}

describe('netc lsp completion', () => {
  const { uri, labels } = typing('typing.yaml', 'netc: 1\nname: t\ninput: { shape: [28, 28, 1] }\nlayers:\n  - { name: c1, op: conv2d, filters: 6, kernel: 5 }\n  - name: f\n    op: \n');

  it('offers op names at op:', async () => {
    const ops = await labels(6, 8);
    expect(ops).toEqual(expect.arrayContaining(['conv2d', 'dense', 'flatten', 'avgpool2d', 'maxpool2d', 'add', 'concat']));
  });

  it('offers the keys of the layer’s op, without those it has', async () => {
    const v = await client.change(uri, [{ range: { start: { line: 4, character: 50 }, end: { line: 4, character: 50 } }, text: ', ' }]);
    expect(v).toBe(2);
    const keys = await labels(4, 52);
    expect(keys).toEqual(expect.arrayContaining(['stride', 'padding', 'activation', 'inputs', 'dilation']));
    expect(keys).not.toContain('filters');
    expect(keys).not.toContain('units');
  });

  it('offers activation names', async () => {
    await client.change(uri, [{ range: { start: { line: 4, character: 52 }, end: { line: 4, character: 52 } }, text: 'activation: ' }]);
    const acts = await labels(4, 64);
    expect(acts).toEqual(expect.arrayContaining(['tanh', 'relu', 'softmax', 'gelu']));
    expect(acts).not.toContain('conv2d');
  });

  it('offers the layers before it in inputs:', async () => {
    await client.change(uri, [{ range: { start: { line: 6, character: 8 }, end: { line: 6, character: 8 } }, text: 'dense\n    inputs: [' }]);
    expect(await labels(7, 13)).toEqual(['input', 'c1']);
  });
});

describe('netc lsp completion of training and variants', () => {
  const { labels } = typing('train-typing.yaml', 'extends: ./base.yaml\nname: t\npatch:\n  \nremove: []\ntrain:\n  loss: \n  optimizer: { name:  }\n  \n');

  it('offers losses, optimizers and training keys', async () => {
    expect(await labels(6, 8)).toEqual(expect.arrayContaining(['categorical_crossentropy', 'mse']));
    expect(await labels(7, 21)).toEqual(expect.arrayContaining(['sgd', 'adam', 'rmsprop']));
    expect(await labels(8, 2)).toEqual(expect.arrayContaining(['batch_size', 'epochs', 'seed', 'dataset']));
    expect(await labels(8, 2)).not.toContain('loss');
  });

  it('offers the specs beside it at extends:', async () => {
    writeFileSync(join(dir, 'train-typing.yaml'), ''); // on disk too, and still not offered to itself
    const files = await labels(0, 9);
    expect(files).toContain('./base.yaml');
    expect(files).toContain('./variant.yaml');
    expect(files).not.toContain('./train-typing.yaml');
  });

  it('offers the base’s layer names in patch: and remove:', async () => {
    const names = ['c1', 's2', 'c3', 's4', 'flat', 'f5', 'f6', 'out'];
    expect(await labels(3, 2)).toEqual(names);
    expect(await labels(4, 9)).toEqual(names);
  });
});

describe('netc lsp go to definition', () => {
  const dag = resolve('specs/inception-mini.yaml');
  const dagText = readFileSync(dag, 'utf8');

  it('goes from an inputs: reference to the layer’s name', async () => {
    await client.open(uriOf(dag), dagText);
    const ref = dagText.match(/inputs: \[(?!input\b)(\w+)/)!;
    const at = positionOf(dagText, ref[0], 'inputs: ['.length + 1);
    const def = await client.definition(uriOf(dag), at);
    expect(def?.uri).toBe(uriOf(dag));
    const line = dagText.split('\n')[def!.range.start.line]!;
    expect(line.slice(def!.range.start.character, def!.range.end.character)).toBe(ref[1]);
    expect(line).toMatch(new RegExp(`name: ${ref[1]}\\b`));
  });

  it('goes from a patch key to the base’s layer, and from extends: to the base', async () => {
    const toF5 = await client.definition(uriOf(variant), positionOf(variantText, 'f5', 1));
    expect(toF5?.uri).toBe(uriOf(join(dir, 'base.yaml')));
    expect(toF5?.range.start).toEqual(positionOf(lenetText, 'name: f5', 'name: '.length));
    const toBase = await client.definition(uriOf(variant), positionOf(variantText, './base', 2));
    expect(toBase).toEqual({ uri: uriOf(join(dir, 'base.yaml')), range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } });
  });

  it('answers null off a reference', async () => {
    expect(await client.definition(uriOf(lenet), positionOf(lenetText, 'units: 84', 1))).toBeNull();
  });
});

describe('netc lsp quick fixes', () => {
  it('offers the likely name for each misspelling, and the edits leave a valid spec', async () => {
    const file = join(dir, 'misspelt.yaml');
    const text = lenetText
      .replace('filters: 6', 'filtrs: 6')
      .replace(/op: flatten/, 'op: flaten')
      .replace(/activation: softmax/, 'activation: softmx');
    writeFileSync(file, text);
    await client.open(uriOf(file), text);
    const published = (await client.diagnostics(uriOf(file), 1)).diagnostics;
    expect(published.map((d) => d.code).sort()).toEqual(['NETC2001', 'NETC2004', 'NETC2005']);
    const actions = await client.codeActions(uriOf(file), published);
    expect(actions.map((a) => a.title).sort()).toEqual(["Change to 'filters'", "Change to 'flatten'", "Change to 'softmax'"]);
    // the edits give back the shipped spec
    const edits = actions.flatMap((a) => ('edit' in a && a.edit?.changes?.[uriOf(file)]) || []);
    expect(edits).toHaveLength(3);
    expect(applyEdits(text, edits)).toBe(lenetText);
    await client.close(uriOf(file));
  });

  it('offers nothing where there is no single likely repair: a key with no near name, a problem in a base', async () => {
    const file = join(dir, 'far.yaml');
    const text = lenetText.replace('filters: 6', 'zzzzzz: 6');
    await client.open(uriOf(file), text);
    const published = (await client.diagnostics(uriOf(file), 1)).diagnostics;
    expect(published.map((d) => d.code)).toContain('NETC2001');
    expect(await client.codeActions(uriOf(file), published)).toEqual([]);
    await client.close(uriOf(file));
    const base = join(dir, 'misspelt-base.yaml');
    writeFileSync(base, lenetText.replace('op: flatten', 'op: flaten'));
    const child = join(dir, 'child.yaml');
    const childText = 'extends: ./misspelt-base.yaml\nname: child\n';
    await client.open(uriOf(child), childText);
    const inBase = (await client.diagnostics(uriOf(child), 1)).diagnostics;
    expect(inBase.map((d) => d.code)).toEqual(['NETC2005']);
    expect(await client.codeActions(uriOf(child), inBase)).toEqual([]);
    await client.close(uriOf(child));
  });
});

describe('netc lsp renaming a layer', () => {
  const dag = resolve('specs/inception-mini.yaml');
  const dagText = readFileSync(dag, 'utf8');

  it('from a reference or its name: every place that names it, and the spec stays valid', async () => {
    await client.open(uriOf(dag), dagText);
    const ref = positionOf(dagText, 'inputs: [b3', 'inputs: ['.length + 1);
    expect(await client.prepareRename(uriOf(dag), ref)).toEqual({ range: { start: positionOf(dagText, 'inputs: [b3', 'inputs: ['.length), end: positionOf(dagText, 'inputs: [b3', 'inputs: [b3'.length) }, placeholder: 'b3' });
    const edit = await client.rename(uriOf(dag), ref, 'branch3');
    const edits = edit!.changes![uriOf(dag)]!;
    expect(edits).toHaveLength(2); // its name: and the concat's inputs:
    const renamed = applyEdits(dagText, edits);
    expect(renamed).toBe(dagText.replace('name: b3,', 'name: branch3,').replace('inputs: [b3, b5]', 'inputs: [branch3, b5]'));
    const file = join(dir, 'renamed.yaml');
    writeFileSync(file, renamed);
    expect(analyze(file).diagnostics).toEqual([]);
    // from the name itself, the same edits
    const fromName = await client.rename(uriOf(dag), positionOf(dagText, 'name: b3', 'name: '.length + 1), 'branch3');
    expect(fromName).toEqual(edit);
  });

  it("refuses a name taken or not a layer name, the network's input, and a layer of the base", async () => {
    const ref = positionOf(dagText, 'inputs: [b3', 'inputs: ['.length + 1);
    await expect(client.rename(uriOf(dag), ref, 'b5')).rejects.toThrow("a layer named 'b5' already exists: choose another name");
    await expect(client.rename(uriOf(dag), ref, '3x')).rejects.toThrow("'3x' is not a valid layer name");
    await expect(client.prepareRename(uriOf(dag), positionOf(dagText, 'inputs: [input', 'inputs: ['.length + 1))).rejects.toThrow("'input' is the network's input");
    expect(await client.prepareRename(uriOf(dag), positionOf(dagText, 'filters: 8', 1))).toBeNull();
    await client.open(uriOf(variant), variantText);
    await expect(client.prepareRename(uriOf(variant), positionOf(variantText, 'f5', 1))).rejects.toThrow(
      "layer 'f5' is not defined in this spec (it comes from the spec it extends): rename it there",
    );
  });

  it("in a variant: a layer it inserts, with the patch that reads it", async () => {
    const file = join(dir, 'inserts.yaml');
    const text = 'extends: ./base.yaml\nname: inserts\ninsert_after:\n  c3: [{ name: extra, op: activation, fn: relu }]\npatch:\n  s4: { inputs: [extra] }\n';
    writeFileSync(file, text);
    await client.open(uriOf(file), text);
    expect((await client.diagnostics(uriOf(file), 1)).diagnostics).toEqual([]);
    const edit = await client.rename(uriOf(file), positionOf(text, '[extra]', 2), 'relu3');
    const renamed = applyEdits(text, edit!.changes![uriOf(file)]!);
    expect(renamed).toBe(text.replaceAll('extra', 'relu3'));
    writeFileSync(file, renamed);
    expect(analyze(file).diagnostics).toEqual([]);
    await client.close(uriOf(file));
  });
});

describe('netc lsp and files changed on disk', () => {
  const base = join(dir, 'disk-base.yaml');
  const spec = join(dir, 'disk-variant.yaml');
  const specText = variantText.replace('./base.yaml', './disk-base.yaml');
  const codes = async (since: number) => (await client.diagnostics(uriOf(spec), undefined, since)).diagnostics.map((x) => x.code);

  it('checks open specs again when a base changes on disk, and when its buffer closes', async () => {
    writeFileSync(base, lenetText);
    writeFileSync(spec, specText);
    let since = client.published.length;
    await client.open(uriOf(spec), specText);
    expect(await codes(since)).toEqual(['NETC4004']);
    // the base's buffer, open and changed, then closed: the variant reads the disk again
    since = client.published.length;
    await client.open(uriOf(base), lenetText.replace('units: 84', 'units: 0'));
    expect(await codes(since)).toContain('NETC2006');
    since = client.published.length;
    await client.close(uriOf(base));
    expect(await codes(since)).toEqual(['NETC4004']);
    // the base saved by another program
    since = client.published.length;
    writeFileSync(base, lenetText.replace('  - { name: flat, op: flatten }\n', '  - { name: flat, op: flatten }\n  - { name: flat2, op: flatten }\n'));
    await client.filesChanged([uriOf(base)]);
    expect(await codes(since)).toEqual([]);
    // and a hover after a change on disk, without a notification, sees it too
    writeFileSync(base, lenetText);
    const h = await client.hover(uriOf(spec), positionOf(specText, 'f5', 1));
    expect((h?.contents as { value: string }).value).toContain('as of the last version without errors');
  });
});
