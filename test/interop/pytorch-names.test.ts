/** Python names for netc's: legal, distinct, and clear of the names Python and nn.Module use. */
import { describe, expect, it } from 'vitest';
import { className, PythonNames, pyNum, pyTuple } from '../../src/interop/pytorch-names.js';

describe('PythonNames', () => {
  it.each([
    [['c1', 'c1.tanh', 'input.pad'], ['c1', 'c1_tanh', 'input_pad']],
    [['a-b', 'a_b', 'a.b'], ['a_b', 'a_b_2', 'a_b_3']],
    [['lambda', 'forward', 'training', 'x', 'F'], ['lambda_2', 'forward_2', 'training_2', 'x_2', 'F_2']],
    [['1x', '2'], ['v_1x', 'v_2']],
  ])('names %j as %j', (keys, want) => {
    const names = new PythonNames();
    expect(keys.map((k) => names.name(k))).toEqual(want);
    expect(keys.map((k) => names.name(k)), 'the same name again').toEqual(want);
  });
});

describe('className', () => {
  it.each([
    ['lenet5', 'Lenet5'],
    ['lenet5-1998', 'Lenet5_1998'],
    ['vgg-mini', 'VggMini'],
    ['mnist_fast', 'MnistFast'],
    ['3layers', 'Net3layers'],
  ])('%s → %s', (name, want) => expect(className(name)).toBe(want));
});

describe('Python literals', () => {
  it('writes numbers and tuples as Python reads them', () => {
    expect([pyNum(2), pyNum(0.001), pyNum(-Infinity), pyNum(1e-7)]).toEqual(['2', '0.001', '-math.inf', '1e-7']);
    expect([pyTuple([2, 2]), pyTuple([1])]).toEqual(['(2, 2)', '(1,)']);
  });
});
