/**
 * The optimizer registry, without compiling a module: one step of each optimizer, run by the
 * interpreter from the registry's update calls, against the update rule written out here
 * (TensorFlow's forms: p −= lr·g; accum = μ·accum + g, p −= lr·accum or lr·(g + μ·accum); Adam
 * with the bias corrections of step t); the defaults a spec gets when it leaves a key out; and
 * how a saved Keras config is told apart (SGD with momentum is the momentum optimizer).
 */
import { describe, expect, it } from 'vitest';
import { interpretUpdate } from '../../src/ir/interpret.js';
import { adam } from '../../src/ir/optimizers/adam.js';
import { adamw } from '../../src/ir/optimizers/adamw.js';
import { allOptimizers, DEFAULT_OPTIMIZER, getOptimizer, optimizerInfo, resolveOptimizer } from '../../src/ir/optimizers/index.js';
import { momentum } from '../../src/ir/optimizers/momentum.js';
import { arg } from '../../src/ir/optimizers/registry.js';
import { rmsprop } from '../../src/ir/optimizers/rmsprop.js';
import { sgd } from '../../src/ir/optimizers/sgd.js';
import type { OptimizerSpec } from '../../src/spec/types.js';

const p = [0.5, -1, 2];
const g = [0.1, 0.4, -0.3];
const close = (actual: ArrayLike<number>, expected: number[]) => {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i]! - expected[i]!), `[${i}]: ${actual[i]} vs ${expected[i]}`).toBeLessThan(1e-12);
};
const resolve = (spec: Record<string, unknown>) => resolveOptimizer(spec as unknown as OptimizerSpec);

describe('one step of each optimizer', () => {
  it('sgd: p − lr·g, at the learning rate given for the step or else the spec’s', () => {
    const o = resolve({ name: 'sgd', learning_rate: 0.5 });
    close(interpretUpdate(o, { w: { param: p, gradient: g, state: [] } }, { step: 1, dtype: 'f64' }).w!.param, p.map((v, i) => v - 0.5 * g[i]!));
    close(interpretUpdate(o, { w: { param: p, gradient: g, state: [] } }, { step: 1, learningRate: 2, dtype: 'f64' }).w!.param, p.map((v, i) => v - 2 * g[i]!));
  });

  it.each([false, true])('momentum (nesterov %s): accum = μ·accum + g, then the step', (nesterov) => {
    const o = resolve({ name: 'momentum', learning_rate: 0.1, momentum: 0.8, nesterov });
    const accum = [1, -2, 0.5];
    const r = interpretUpdate(o, { w: { param: p, gradient: g, state: [accum] } }, { step: 3, dtype: 'f64' }).w!;
    const a = accum.map((v, i) => 0.8 * v + g[i]!);
    close(r.state[0]!, a);
    close(r.param, p.map((v, i) => v - 0.1 * (nesterov ? g[i]! + 0.8 * a[i]! : a[i]!)));
  });

  it('adam: the moments, and the step with the bias corrections of step t', () => {
    const o = resolve({ name: 'adam', learning_rate: 0.01, beta1: 0.8, beta2: 0.9, epsilon: 1e-3 });
    const m0 = [0.2, 0, -0.1];
    const v0 = [0.05, 0.01, 0];
    const t = 3;
    const r = interpretUpdate(o, { w: { param: p, gradient: g, state: [m0, v0] } }, { step: t, dtype: 'f64' }).w!;
    const m = m0.map((v, i) => 0.8 * v + 0.2 * g[i]!);
    const v = v0.map((x, i) => 0.9 * x + 0.1 * g[i]! ** 2);
    close(r.state[0]!, m);
    close(r.state[1]!, v);
    close(r.param, p.map((x, i) => x - (0.01 * m[i]! / (1 - 0.8 ** t)) / (Math.sqrt(v[i]! / (1 - 0.9 ** t)) + 1e-3)));
  });

  it('adamw: p shrinks by lr·weight_decay·p first, then takes the Adam step (Keras AdamW)', () => {
    const o = resolve({ name: 'adamw', learning_rate: 0.01, weight_decay: 0.5, beta1: 0.8, beta2: 0.9, epsilon: 1e-3 });
    const t = 2;
    const r = interpretUpdate(o, { w: { param: p, gradient: g, state: [[0, 0, 0], [0, 0, 0]] } }, { step: t, dtype: 'f64' }).w!;
    const m = g.map((x) => 0.2 * x);
    const v = g.map((x) => 0.1 * x ** 2);
    const decayed = p.map((x) => x - 0.01 * 0.5 * x);
    close(r.state[0]!, m);
    close(r.state[1]!, v);
    close(r.param, decayed.map((x, i) => x - (0.01 * m[i]! / (1 - 0.8 ** t)) / (Math.sqrt(v[i]! / (1 - 0.9 ** t)) + 1e-3)));
  });

  it.each([
    [false, 0],
    [true, 0],
    [false, 0.5],
    [true, 0.5],
  ])('rmsprop (centered %s, momentum %s): Keras\'s rule, √(ms − mg² + ε), through a momentum buffer when asked', (centered, mu) => {
    const o = resolve({ name: 'rmsprop', learning_rate: 0.1, rho: 0.8, epsilon: 1e-2, centered, momentum: mu });
    const ms0 = [0.5, 0.1, 0.2];
    const mg0 = [0.1, -0.2, 0.05];
    const mom0 = [0.3, 0, -0.1];
    const state = [ms0, ...(centered ? [mg0] : []), ...(mu > 0 ? [mom0] : [])];
    const r = interpretUpdate(o, { w: { param: p, gradient: g, state } }, { step: 4, dtype: 'f64' }).w!;
    const ms = ms0.map((x, i) => 0.8 * x + 0.2 * g[i]! ** 2);
    const mg = mg0.map((x, i) => 0.8 * x + 0.2 * g[i]!);
    const step = g.map((x, i) => (0.1 * x) / Math.sqrt(ms[i]! - (centered ? mg[i]! ** 2 : 0) + 1e-2));
    const mom = mom0.map((x, i) => mu * x + step[i]!);
    close(r.state[0]!, ms);
    if (centered) close(r.state[1]!, mg);
    if (mu > 0) close(r.state[state.length - 1]!, mom);
    close(r.param, p.map((x, i) => x - (mu > 0 ? mom[i]! : step[i]!)));
  });

  it('updates several parameters each in its own buffers, in float32 unless asked', () => {
    const o = resolve({ name: 'momentum', learning_rate: 0.1 });
    const r = interpretUpdate(
      o,
      { a: { param: [1, 2], gradient: [1, 1], state: [[0, 0]] }, b: { param: [3], gradient: [-1], state: [[1]] } },
      { step: 1 },
    );
    // default momentum 0.9, no nesterov
    close(r.a!.state[0]!, [1, 1]);
    close(r.a!.param, [0.9, 1.9].map((x) => Math.fround(x)));
    close(r.b!.state[0]!, [Math.fround(0.9 - 1)]);
    close(r.b!.param, [Math.fround(3 - Math.fround(0.1) * Math.fround(-0.1))]);
    expect(Object.keys(r)).toEqual(['a', 'b']);
  });

  it('refuses a gradient or state of another size, or a missing state buffer', () => {
    const o = resolve({ name: 'adam' });
    expect(() => interpretUpdate(o, { w: { param: [1, 2], gradient: [1], state: [[0, 0], [0, 0]] } }, { step: 1 })).toThrow(
      "interpretUpdate: 'w' needs a gradient and 2 state buffers of 2 values",
    );
    expect(() => interpretUpdate(o, { w: { param: [1, 2], gradient: [1, 1], state: [[0, 0]] } }, { step: 1 })).toThrow(/2 state buffers/);
    expect(() => interpretUpdate(o, { w: { param: [1, 2], gradient: [1, 1], state: [[0, 0], [0]] } }, { step: 1 })).toThrow(/2 state buffers/);
    expect(() => interpretUpdate(o, { w: { param: [1, 2], gradient: [1, 1], state: [[0, 0], [0, 0]] } }, { step: 1 })).not.toThrow();
  });
});

describe('the defaults of each optimizer, written once', () => {
  it('fills in every hyperparameter from its schema default, and the learning rate from the entry', () => {
    // Keras's defaults (tf.keras.optimizers.*), and the state each method keeps per parameter
    const adamState = ['m', 'v'];
    expect(resolve({ name: 'adam' })).toEqual({ def: adam, learningRate: 0.001, hyper: { beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }, state: adamState });
    expect(resolve({ name: 'momentum' })).toEqual({ def: momentum, learningRate: 0.01, hyper: { momentum: 0.9, nesterov: false }, state: ['accum'] });
    expect(resolve({ name: 'sgd' })).toEqual({ def: sgd, learningRate: 0.01, hyper: {}, state: [] });
    expect(resolve({ name: 'adam', beta2: 0.5, learning_rate: 3 })).toEqual({ def: adam, learningRate: 3, hyper: { beta1: 0.9, beta2: 0.5, epsilon: 1e-7 }, state: adamState });
    expect(resolve({ name: 'adamw' })).toEqual({
      def: adamw,
      learningRate: 0.001,
      hyper: { weight_decay: 0.004, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
      state: adamState,
    });
    // RMSprop keeps the mean gradient only when centered, a momentum buffer only with momentum (as Keras does)
    const rms = (h: Record<string, unknown>) => resolve({ name: 'rmsprop', ...h });
    expect(rms({})).toEqual({ def: rmsprop, learningRate: 0.001, hyper: { rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false }, state: ['rms'] });
    expect(rms({ centered: true }).state).toEqual(['rms', 'mg']);
    expect(rms({ momentum: 0.5 }).state).toEqual(['rms', 'momentum']);
    expect(rms({ centered: true, momentum: 0.5 }).state).toEqual(['rms', 'mg', 'momentum']);
    // a spec without an optimizer trains with the default one
    expect(DEFAULT_OPTIMIZER).toBe('adam');
    expect(resolveOptimizer(undefined)).toEqual(resolve({ name: 'adam' }));
  });

  it('knows each optimizer by name, and no other', () => {
    expect(allOptimizers().map((o) => o.name)).toEqual(['sgd', 'momentum', 'adam', 'adamw', 'rmsprop']);
    for (const o of allOptimizers()) expect(getOptimizer(o.name)).toBe(o);
    expect(getOptimizer('nadam')).toBeUndefined();
    expect(() => resolve({ name: 'nadam' })).toThrow("internal error: no optimizer 'nadam' in the registry");
  });

  it('names its state buffers, and passes booleans to kernels as 0 and 1', () => {
    expect(adam.state).toEqual(['m', 'v']);
    expect(momentum.state).toEqual(['accum']);
    expect(sgd.state).toEqual([]);
    expect([arg(true), arg(false), arg(0.25)]).toEqual([1, 0, 0.25]);
    expect(momentum.update({ momentum: 0.5, nesterov: true }, 7)).toEqual([
      { kernel: 'momentum', args: [{ param: true }, { gradient: true }, { state: 0 }, 7, { learningRate: true }, 0.5, 1] },
    ]);
  });

  it("reports a module's optimizer with camelCase keys", () => {
    expect(optimizerInfo(resolve({ name: 'adam', learning_rate: 0.5 }))).toEqual({ name: 'adam', learningRate: 0.5, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
    // snake_case hyperparameters (none shipped has one yet) become camelCase, digits included
    const o = { def: sgd, learningRate: 1, hyper: { decay_rate: 2, beta_2: 3, use_locking: true, plain: 4 }, state: [] };
    expect(optimizerInfo(o)).toEqual({ name: 'sgd', learningRate: 1, decayRate: 2, beta2: 3, useLocking: true, plain: 4 });
  });
});

describe("how a saved Keras or TensorFlow.js config is told apart", () => {
  it('SGD is plain without momentum, and the momentum optimizer with it', () => {
    for (const [config, isMomentum] of [
      [{}, false],
      [{ momentum: 0 }, false],
      [{ momentum: 0.9 }, true],
      [{ momentum: 1e-9 }, true],
      [{ momentum: '0.9' }, false],
      [{ momentum: -0.5 }, false],
    ] as const) {
      expect(sgd.keras.matches!(config), JSON.stringify(config)).toBe(!isMomentum);
      expect(sgd.tfjs!.matches!(config), JSON.stringify(config)).toBe(!isMomentum);
      expect(momentum.keras.matches!(config), JSON.stringify(config)).toBe(isMomentum);
    }
    expect([sgd.keras.className, momentum.keras.className, adam.keras.className]).toEqual(['SGD', 'SGD', 'Adam']);
    expect([sgd.tfjs!.className, momentum.tfjs!.className, adam.tfjs!.className]).toEqual(['SGD', 'Momentum', 'Adam']);
  });
});
