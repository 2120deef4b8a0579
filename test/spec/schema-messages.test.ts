/**
 * The schema's diagnostics as a user reads them: the whole message and the line and column, for
 * one representative of each way a value can be wrong (its type, its range, its length, a name,
 * an enum, a discriminator, a `oneOf` of an integer or a list), and which of the errors ajv
 * reports for one mistake are shown (a `oneOf`'s branches, a misspelt key's "missing" twin, the
 * editors' `if`/`then`). The expected messages are written out by hand from the schema.
 *
 * Schemas written here test the same mapping for the shapes the registry's schema does not use
 * (an `anyOf`, a `const` that is not `netc`, lists of mappings outside `layers`); `validateSpec`
 * takes any schema, as it does the one built when a layer is registered at run time.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics/diagnostics.js';
import { allLayers } from '../../src/ir/ops/index.js';
import { allOptimizers } from '../../src/ir/optimizers/index.js';
import { parseSource } from '../../src/spec/source.js';
import { expectation, validateSpec, type Schema } from '../../src/spec/validate.js';

/** The diagnostics of a document written as YAML: code, message, line and column. */
function check(text: string, schema?: Schema): [string, string, number, number][] {
  const parsed = parseSource('t.yaml', text);
  expect(parsed.diagnostics).toEqual([]);
  return validateSpec(parsed.value, parsed.map, schema).map((d: Diagnostic) => [d.code, d.message, d.loc!.line, d.loc!.column]);
}

/** Where `needle` is written in `text` (its `nth` occurrence, from 1): line and column. */
function at(text: string, needle: string, nth = 1): [number, number] {
  let i = -1;
  for (let k = 0; k < nth; k++) i = text.indexOf(needle, i + 1);
  expect(i).toBeGreaterThanOrEqual(0);
  const before = text.slice(0, i).split('\n');
  return [before.length, before[before.length - 1]!.length + 1];
}

/** The diagnostics `check` should give: each [code, message, the text it points at (, which occurrence)]. */
function want(text: string, ...ds: [string, string, string, number?][]): [string, string, number, number][] {
  return ds.map(([code, message, needle, nth]) => [code, message, ...at(text, needle, nth)]);
}

/** `check(text)` gives exactly these. */
function expectDiagnostics(text: string, ...ds: [string, string, string, number?][]): void {
  expect(check(text)).toEqual(want(text, ...ds));
}

/** A valid spec with `c1` and `out` changed by `layer` edits, and lines added at the end. */
function spec({ c1 = '', out = '', more = '', top = 'netc: 1\nname: t\n' } = {}): string {
  return `${top}input: { shape: [8, 8, 1] }
layers:
  - { name: c1, op: conv2d, filters: 2, kernel: 3${c1} }
  - { name: out, op: dense, units: 3${out} }
${more}`;
}

// the registries' lists, as the messages print them (they grow with the registries)
const OPS = allLayers().map((l) => l.op).join(', ');
const OPTIMIZERS = allOptimizers().map((o) => o.name).join(', ');
const committed = JSON.parse(readFileSync('specs/netc.schema.json', 'utf8'));
const conv2d = committed.definitions.layer.oneOf.find((b: { properties: { op: { const: string } } }) => b.properties.op.const === 'conv2d');
const ACTIVATIONS: string[] = conv2d.properties.activation.enum;
const KERNEL = "'kernel' of layer 'c1' must be an integer ≥ 1 or a list of 2 integers ≥ 1";
const LAYER_RULE = 'start with a letter or _, then use only letters, digits and _, at most 64 characters';

it('the document the cases start from is valid', () => {
  expect(check(spec())).toEqual([]);
});

describe('a value that is an integer or a list of two (kernel)', () => {
  it.each([
    ['text', "'abc'", `${KERNEL}, not the text 'abc'`],
    ['true', 'true', `${KERNEL}, not true`],
    ['a mapping', '{ a: 1 }', `${KERNEL}, not a mapping`],
    ['nothing', 'null', `${KERNEL}, not empty`],
  ])('%s, which neither branch is about: what either branch takes', (_, value, message) => {
    const text = spec().replace('kernel: 3', `kernel: ${value}`);
    expectDiagnostics(text, ['NETC2003', message, value]);
  });

  it('a number: what the integer branch says', () => {
    const text = spec().replace('kernel: 3', 'kernel: 2.5');
    expectDiagnostics(text, ['NETC2003', "'kernel' of layer 'c1' must be an integer ≥ 1, not the number 2.5", '2.5']);
    const zero = spec().replace('kernel: 3', 'kernel: 0');
    expectDiagnostics(zero, ['NETC2006', "'kernel' of layer 'c1' must be ≥ 1 (it is 0)", '0 }']);
  });

  it('a list: what the list branch says, down to each item', () => {
    const one = spec().replace('kernel: 3', 'kernel: [3]');
    expectDiagnostics(one, ['NETC2008', "'kernel' of layer 'c1' must have exactly 2 items (it has 1)", '[3]']);
    const two = spec().replace('kernel: 3', 'kernel: [0, 2.5]');
    expectDiagnostics(
      two,
      ['NETC2006', "'kernel[0]' of layer 'c1' must be ≥ 1 (it is 0)", '0, 2.5'],
      ['NETC2003', "'kernel[1]' of layer 'c1' must be an integer ≥ 1, not the number 2.5", '2.5'],
    );
  });

  it("the branches' errors of one value do not hide another value's", () => {
    const text = spec({ out: ', activation: rleu' }).replace('kernel: 3', 'kernel: [3]');
    expectDiagnostics(
      text,
      ['NETC2008', "'kernel' of layer 'c1' must have exactly 2 items (it has 1)", '[3]'],
      ['NETC2004', `'activation' of layer 'out' cannot be 'rleu'; did you mean 'relu'? use one of: ${ACTIVATIONS.join(', ')}`, 'rleu'],
    );
  });
});

describe('types, ranges, lengths, names', () => {
  it('a list where a number goes, and an enum given a number', () => {
    const list = spec().replace('units: 3', 'units: [1, 2]');
    expectDiagnostics(list, ['NETC2003', "'units' of layer 'out' must be an integer ≥ 1, not a list", '[1, 2]']);
    const enumNumber = spec({ c1: ', activation: 3' });
    expectDiagnostics(enumNumber, [
      'NETC2003',
      `'activation' of layer 'c1' must be one of ${ACTIVATIONS.map((a) => `'${a}'`).join(', ')}, not the number 3`,
      '3 }',
    ]);
  });

  it('a key with nothing after it is empty', () => {
    const text = spec({ more: 'description: \n' });
    expect(check(text)).toEqual([['NETC2003', "'description' must be a string, not empty", 7, 14]]);
  });

  it('each bound, with its sign, and the place of a list item', () => {
    const shape = spec().replace('[8, 8, 1]', '[70000, 8, 1]');
    expectDiagnostics(shape, ['NETC2006', "'input.shape[0]' must be ≤ 65536 (it is 70000)", '70000']);
    const train = (optimizer: string) => spec({ more: `train: { dataset: mnist, optimizer: { ${optimizer} } }\n` });
    const lr = train('name: sgd, learning_rate: 0');
    expectDiagnostics(lr, ['NETC2006', "'train.optimizer.learning_rate' must be > 0 (it is 0)", '0 }']);
    const beta = train('name: adam, beta1: 1');
    expectDiagnostics(beta, ['NETC2006', "'train.optimizer.beta1' must be < 1 (it is 1)", '1 }']);
    const pad = spec({ more: 'preprocess: { pad: -1 }\n' });
    expectDiagnostics(pad, ['NETC2006', "'preprocess.pad' must be ≥ 0 (it is -1)", '-1']);
  });

  it('the version', () => {
    const two = spec({ top: 'netc: 2\nname: t\n' });
    expectDiagnostics(two, ['NETC2009', "this netc reads spec version 1; the file says netc: 2. Write 'netc: 1'", '2']);
    const text = spec({ top: "netc: '1'\nname: t\n" });
    expectDiagnostics(text, ['NETC2009', 'this netc reads spec version 1; the file says netc: "1". Write \'netc: 1\'', "'1'"]);
  });

  it("names: the spec's, a layer's, and a name a layer refers to", () => {
    const specName = spec({ top: 'netc: 1\nname: 1abc\n' });
    expectDiagnostics(specName, [
      'NETC2007',
      "the spec's name '1abc' is not a valid name: start with a letter, then use only letters, digits, _ and -, at most 64 characters",
      '1abc',
    ]);
    const long = 'a'.repeat(65);
    const layerName = spec().replace('name: out', `name: ${long}`);
    expectDiagnostics(layerName, ['NETC2007', `the layer name '${long}' is not a valid name: ${LAYER_RULE}`, long]);
    const inputs = spec({ out: ', inputs: [9x]' });
    expectDiagnostics(inputs, ['NETC2007', `'inputs[0]' of layer 'out' '9x' is not a valid name: ${LAYER_RULE}`, '9x']);
    const output = spec({ more: 'output: 9x\n' });
    expectDiagnostics(output, ['NETC2007', `'output' '9x' is not a valid name: ${LAYER_RULE}`, '9x']);
  });

  it('an empty path', () => {
    const text = spec({ more: "train:\n  dataset: { idx: { train_images: '', train_labels: b, test_images: c, test_labels: d } }\n" });
    expectDiagnostics(text, ['NETC2008', "'train.dataset.idx.train_images' must have at least one character", "''"]);
  });

  it('the data set: nothing, or a name that is almost one', () => {
    // what either kind of data set takes: the names, or a mapping (not what the mapping needs)
    const nothing = check(spec({ more: 'train: { dataset: null }\n' }));
    expect(nothing).toHaveLength(1);
    expect(nothing[0]![1]).toBe("'train.dataset' must be a data set's name such as 'mnist', or a mapping like `{ images: ./photos }`, not empty");
    const almost = spec({ more: 'train: { dataset: mnst }\n' });
    expectDiagnostics(almost, ['NETC2004', "'train.dataset' cannot be 'mnst'; did you mean 'mnist'? use one of: mnist, fashion-mnist", 'mnst']);
  });

  it('numbers that YAML can write and a spec cannot hold', () => {
    for (const value of ['-.inf', '.inf', '.nan']) {
      const text = spec({ more: `train: { dataset: mnist, optimizer: { name: sgd, learning_rate: ${value} } }\n` });
      expectDiagnostics(text, [
        'NETC2020',
        `'train.optimizer.learning_rate' is ${value}; a spec holds finite numbers only: write a number such as 0.001`,
        `${value} }`,
      ]);
    }
  });
});

describe('layers and their ops', () => {
  it('layers that are not a list, or a layer that is not a mapping', () => {
    const notList = spec().replace(/layers:\n(.*\n)*/, 'layers: 5\n');
    expectDiagnostics(notList, ['NETC2003', "'layers' must be a list of layers, each a mapping like `{ name: c1, op: conv2d, filters: 6, kernel: 5 }`, not the number 5", '5']);
    // every kind of layer is a mapping: said once, not once per kind
    const notMapping = check(spec({ more: '  - 5\n' }));
    expect(notMapping.map(([code, , line, column]) => [code, line, column])).toEqual([['NETC2003', 7, 5]]);
    expect(notMapping[0]![1]).toBe('layer #3 must be a mapping like `{ name: c1, op: conv2d, filters: 6, kernel: 5 }`, not the number 5');
    expect(notMapping[0]![1]).not.toMatch(/ or a mapping/);
  });

  it('a layer without a name is named by its place', () => {
    const text = spec().replace('name: out, ', '');
    expectDiagnostics(text, ['NETC2002', "layer #2 needs the key 'name' (unique name of the layer)", '{ op: dense']);
  });

  it('a layer without an op (once, with the choices), with an op that is not a name, with an unknown op', () => {
    const without = spec().replace('op: dense, ', '');
    expectDiagnostics(without, ['NETC2002', `layer 'out' needs the key 'op' (one of: ${OPS})`, '{ name: out']);
    const number = spec().replace('op: dense', 'op: 42');
    expectDiagnostics(number, ['NETC2003', "'op' of layer 'out' must be a name, not the number 42", '42']);
    const unknown = spec().replace('op: dense', 'op: dens');
    expectDiagnostics(unknown, ['NETC2005', `unknown op 'dens'; did you mean 'dense'? the ops are: ${OPS}`, 'dens']);
  });

  it('an optimizer without a name (once, with the choices), and with a name that is almost one', () => {
    const without = spec({ more: 'train: { dataset: mnist, optimizer: { learning_rate: 0.1 } }\n' });
    expectDiagnostics(without, ['NETC2002', `'train.optimizer' needs the key 'name' (one of: ${OPTIMIZERS})`, '{ learning_rate']);
    // the optimizer's missing name does not hide a layer's
    const both = spec({ more: 'train: { dataset: mnist, optimizer: { learning_rate: 0.1 } }\n' }).replace('name: out, ', '');
    expectDiagnostics(
      both,
      ['NETC2002', "layer #2 needs the key 'name' (unique name of the layer)", '{ op: dense'],
      ['NETC2002', `'train.optimizer' needs the key 'name' (one of: ${OPTIMIZERS})`, '{ learning_rate'],
    );
    const almost = spec({ more: 'train: { dataset: mnist, optimizer: { name: adma } }\n' });
    expectDiagnostics(almost, ['NETC2004', `'train.optimizer.name' cannot be 'adma'; did you mean 'adam'? use one of: ${OPTIMIZERS}`, 'adma']);
  });

  it('the eleventh layer is named, not numbered as a path', () => {
    const many = Array.from({ length: 9 }, (_, i) => `  - { name: a${i}, op: activation, fn: relu }\n`).join('');
    const units = spec({ more: many + '  - { name: last, op: dense, units: 0 }\n' });
    expectDiagnostics(units, ['NETC2006', "'units' of layer 'last' must be ≥ 1 (it is 0)", '0 }']);
    const rate = spec({ more: many + '  - { name: drop, op: dropout, rate: 0.99999999999 }\n' });
    expectDiagnostics(rate, [
      'NETC2021',
      "'rate' of layer 'drop' is 0.99999999999, which float32 (what netc computes in) rounds to 1; it must be < 1: write a value further from the bound",
      '0.99999999999',
    ]);
  });
});

describe('which errors a mistake shows', () => {
  it('a misspelt key: the misspelling, not the key it leaves missing; other missing keys still', () => {
    const misspelt = spec().replace('filters: 2', 'filtrs: 2');
    expectDiagnostics(misspelt, ['NETC2001', "unknown key 'filtrs' in layer 'c1'; did you mean 'filters'?", 'filtrs']);
    const andMissing = spec().replace('filters: 2, kernel: 3', 'filtrs: 2');
    expectDiagnostics(
      andMissing,
      ['NETC2002', "layer 'c1' needs the key 'kernel' (kernel height and width: an int for a square kernel, or [kh, kw])", '{ name: c1'],
      ['NETC2001', "unknown key 'filtrs' in layer 'c1'; did you mean 'filters'?", 'filtrs'],
    );
    // the same key missing from another layer is that layer's own mistake
    const other = spec({ more: '  - { name: c3, op: conv2d, kernel: 3 }\n' }).replace('filters: 2', 'filtrs: 2');
    expectDiagnostics(
      other,
      ['NETC2001', "unknown key 'filtrs' in layer 'c1'; did you mean 'filters'?", 'filtrs'],
      ['NETC2002', "layer 'c3' needs the key 'filters' (number of output channels)", '{ name: c3'],
    );
  });

  it('a misspelt top-level key', () => {
    const text = spec({ top: 'netc: 1\nnmae: t\n' });
    expectDiagnostics(text, ['NETC2001', "unknown key 'nmae' in the spec; did you mean 'name'?", 'nmae']);
  });

  it("a ':' with no key before it: at the colon, saying to write the key", () => {
    const top = spec({ more: ': 3\n' });
    expectDiagnostics(top, [
      'NETC2001',
      "a value with no key in the spec (a ':' with nothing before it): write the key's name before the colon; allowed keys: netc, name, description, extends, patch, insert_after, remove, input, preprocess, layers, output, train",
      ': 3',
      3, // after `kernel: 3` and `units: 3`
    ]);
    const inLayer = spec({ c1: ', : 2' });
    const [line, comma] = at(inLayer, ', : 2');
    expect(check(inLayer).map(([code, message, line, column]) => [code, message.split(';')[0], line, column])).toEqual([
      ['NETC2001', "a value with no key in layer 'c1' (a ':' with nothing before it): write the key's name before the colon", line, comma + 2], // at the colon
    ]);
  });

  it("the editors' rule that a spec without extends has input and layers: only the missing keys", () => {
    const text = 'netc: 1\nname: t\n';
    expectDiagnostics(text, ['NETC2002', "the spec needs the key 'input'", 'netc'], ['NETC2002', "the spec needs the key 'layers'", 'netc']);
    // edits without extends are the loader's to report (NETC6005), not the schema's
    expect(check(spec({ more: 'patch: {}\n' }))).toEqual([]);
  });
});

describe('schemas of other shapes', () => {
  it('anyOf: every branch is reported, and the anyOf itself', () => {
    const schema = { type: 'object', properties: { a: { anyOf: [{ type: 'string' }, { type: 'integer' }] } } };
    expect(check('a: true\n', schema)).toEqual([
      ['NETC2003', "'a' must be a string, not true", 1, 4],
      ['NETC2003', "'a' must be an integer, not true", 1, 4],
      ['NETC2010', "'a': must match a schema in anyOf", 1, 4],
    ]);
  });

  it('a oneOf with two branches about numbers: what either takes', () => {
    const schema = { type: 'object', properties: { a: { oneOf: [{ type: 'integer', minimum: 5 }, { type: 'number', maximum: -1 }] } } };
    expect(check('a: 0\n', schema)).toEqual([['NETC2003', "'a' must be an integer ≥ 5 or a number, not the number 0", 1, 4]]);
  });

  it('a required key the schema does not describe, a const, a multiple, a property name', () => {
    const schema = {
      type: 'object',
      required: ['q'],
      properties: {
        a: { const: 'x' },
        netc: { type: 'object', properties: { v: { const: 1 } } },
        d: { type: 'number', multipleOf: 2 },
        c: { type: 'object', propertyNames: { pattern: '^[a-z]+$' } },
        '2b': { type: 'integer' },
      },
    };
    expect(check("a: y\nnetc: { v: 2 }\nd: 3\nc: { B: 1 }\n2b: x\n", schema)).toEqual([
      ['NETC2002', "the spec needs the key 'q'", 1, 1],
      ['NETC2003', "'a' must be \"x\", not the text 'y'", 1, 4],
      ['NETC2003', "'netc.v' must be 1, not the number 2", 2, 12],
      ['NETC2010', "'d': must be multiple of 2", 3, 4],
      ['NETC2007', `'c' 'B' is not a valid name: ${LAYER_RULE}`, 4, 4],
      ['NETC2003', "'2b' must be an integer, not the text 'x'", 5, 5],
    ]);
  });

  it('lists: at most, at least, exactly; and a list of mappings outside layers', () => {
    const schema = {
      type: 'object',
      properties: {
        most: { type: 'array', maxItems: 2 },
        least: { type: 'array', minItems: 2 },
        two: { type: 'array', minItems: 2, maxItems: 2 },
        list: { type: 'array', items: { type: 'object', required: ['q'] } },
        numbers: { type: 'array', items: { type: 'integer' } },
      },
    };
    expect(check('most: [1, 2, 3]\nleast: [1]\ntwo: [1, 2, 3]\nlist: [{}]\nnumbers: [x]\n', schema)).toEqual([
      ['NETC2008', "'most' must have at most 2 items (it has 3)", 1, 7],
      ['NETC2008', "'least' must have at least 2 items (it has 1)", 2, 8],
      ['NETC2008', "'two' must have exactly 2 items (it has 3)", 3, 6],
      ['NETC2002', "'list[0]' needs the key 'q'", 4, 8],
      ['NETC2003', "'numbers[0]' must be an integer, not the text 'x'", 5, 11],
    ]);
  });

  it('a document that is not a mapping', () => {
    expect(check('x\n', { type: 'object' })).toEqual([['NETC2003', "the spec must be a mapping (key: value), not the text 'x'", 1, 1]]);
  });

  it('float32 rounding past a minimum and a maximum; a rounded value an enum no longer holds is not a bound', () => {
    const schema = {
      type: 'object',
      properties: {
        x: { type: 'number', minimum: 0.7 },
        y: { type: 'number', maximum: 0.3 },
        z: { type: 'number', enum: [0.1] },
        n: { type: 'null' },
        '1a': { type: 'number', exclusiveMinimum: 0 },
      },
    };
    const tail = 'write a value further from the bound';
    expect(check('x: 0.7\ny: 0.3\nz: 0.1\nn: null\n1a: 1e-50\n', schema)).toEqual([
      ['NETC2021', `'x' is 0.7, which float32 (what netc computes in) rounds to 0.699999988079071; it must be ≥ 0.7: ${tail}`, 1, 4],
      ['NETC2021', `'y' is 0.3, which float32 (what netc computes in) rounds to 0.30000001192092896; it must be ≤ 0.3: ${tail}`, 2, 4],
      ['NETC2021', `'1a' is 1e-50, which float32 (what netc computes in) rounds to 0; it must be > 0: ${tail}`, 5, 5],
    ]);
  });
});

describe('expectation: what a schema accepts, in words', () => {
  it.each([
    [{ type: 'integer' }, 'an integer'],
    [{ type: 'integer', minimum: 1 }, 'an integer ≥ 1'],
    [{ type: 'number', exclusiveMinimum: 0 }, 'a number > 0'],
    [{ type: 'number', maximum: 1 }, 'a number'],
    [{ type: 'string' }, 'a string'],
    [{ type: 'boolean' }, 'true or false'],
    [{ type: 'object' }, 'a mapping (key: value)'],
    [{ type: 'array' }, 'a list of values'],
    [{ type: 'array', minItems: 2 }, 'a list of values'],
    [{ type: 'array', items: { type: 'integer', minimum: 1 }, minItems: 2, maxItems: 2 }, 'a list of 2 integers ≥ 1'],
    [{ type: 'array', items: { type: 'number' }, minItems: 1, maxItems: 3 }, 'a list of numbers'],
    [{ type: 'array', items: { type: 'string' } }, 'a list of strings'],
    [{ type: 'array', items: { enum: ['an integer', 'a number', 'a string'] } }, "a list of one of 'an integer', 'a number', 'a string'"],
    [{ type: 'array', items: { $ref: '#/definitions/layer' } }, 'a list of layers'],
    [{ enum: ['a', 1] }, "one of 'a', '1'"],
    [{ const: 'x' }, '"x"'],
    [{ oneOf: [{ type: 'integer' }, { type: 'string' }] }, 'an integer or a string'],
    [{ oneOf: [{ type: 'integer', minimum: 1 }, { type: 'integer', minimum: 1, maximum: 9 }, { type: 'string' }] }, 'an integer ≥ 1 or a string'],
    [{}, 'a different value'],
  ] as [Schema, string][])('%j', (schema, words) => {
    expect(expectation(schema)).toBe(words);
  });
});
