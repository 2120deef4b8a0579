/**
 * The reference kernels' erfc (and the normal distribution's Φ and φ built on it), which the
 * reference gelu computes with in float64, against the C library's erfc: the values below are
 * Python's math.erfc (glibc), printed with repr. Both sides of the switch between the series
 * (|x| < 1.5) and the continued fraction are sampled.
 */
import { describe, expect, it } from 'vitest';
import { erfc, normalCdf, normalPdf } from '../../src/runtime/kernels/reference/erf.js';

const LIBM: readonly (readonly [number, number])[] = [
  [-6, 2.0],
  [-3.5, 1.9999992569016276],
  [-2, 1.9953222650189528],
  [-1.5, 1.9661051464753108],
  [-1, 1.842700792949715],
  [-0.5, 1.5204998778130465],
  [-0.001, 1.0011283787909693],
  [0, 1.0],
  [1e-8, 0.9999999887162083],
  [0.25, 0.7236736098317631],
  [0.5, 0.4795001221869535],
  [0.9, 0.20309178757716786],
  [1.0, 0.15729920705028513],
  [1.49, 0.03510213515679579],
  [1.5, 0.033894853524689274],
  [1.51, 0.03272325187128836],
  [2, 0.004677734981047265],
  [2.5, 0.0004069520174449589],
  [3, 2.2090496998585438e-5],
  [4, 1.541725790028002e-8],
  [5, 1.5374597944280351e-12],
  [7, 4.183825607779414e-23],
  [10, 2.088487583762545e-45],
  [15, 7.212994172451206e-100],
  [20, 5.3958656116079005e-176],
  [26, 5.663192408856143e-296],
];

describe('erfc in float64', () => {
  it.each(LIBM)('erfc(%d) agrees with the C library to 1e-14 relative (3e-13 from 10 on)', (x, want) => {
    const rtol = x >= 10 ? 3e-13 : 1e-14;
    expect(Math.abs(erfc(x) - want)).toBeLessThanOrEqual(rtol * want);
  });

  it('is NaN for NaN, 0 and 2 at the infinities', () => {
    expect(erfc(NaN)).toBeNaN();
    expect(erfc(Infinity)).toBe(0);
    expect(erfc(-Infinity)).toBe(2);
  });

  it('Φ and φ: Φ(0) = 1/2, Φ(−x) = 1 − Φ(x), Φ(−1.96) ≈ 0.025, φ(0) = 1/√(2π), and Φ′ = φ', () => {
    expect(normalCdf(0)).toBe(0.5);
    for (const x of [0.3, 1.2, 2.7]) expect(normalCdf(-x) + normalCdf(x)).toBeCloseTo(1, 15);
    // the 97.5% quantile of the standard normal, 1.959963984540054
    expect(normalCdf(-1.959963984540054)).toBeCloseTo(0.025, 15);
    expect(normalPdf(0)).toBe(1 / Math.sqrt(2 * Math.PI));
    for (const x of [-2.5, -0.4, 0.8, 3]) {
      const h = 1e-5;
      expect((normalCdf(x + h) - normalCdf(x - h)) / (2 * h)).toBeCloseTo(normalPdf(x), 9);
    }
  });
});
