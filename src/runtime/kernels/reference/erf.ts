/**
 * erfc in float64, for the reference kernels' gelu (JavaScript's Math has no erf). Two textbook
 * expansions, each used where it converges quickly and without cancellation:
 *  - |x| < 1.5: erf(x) = (2/√π)·e^(−x²)·Σ 2ⁿ·x^(2n+1) / (1·3·5···(2n+1)), a series of positive
 *    terms (Abramowitz and Stegun 7.1.6), and erfc = 1 − erf (at most 30 terms);
 *  - x ≥ 1.5: erfc(x) = (e^(−x²)/√π) / (x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …))))), the
 *    continued fraction of A&S 7.1.14, by the modified Lentz method (at most 91 steps).
 * Relative error against the C library's erfc: below 1e-14 on [−6, 10], growing to 3e-13 at 27
 * with the rounding of x² (test/runtime/erf.test.ts).
 */

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

function erfSeries(x: number): number {
  let term = x;
  let sum = x;
  for (let n = 1; n < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
    term *= (2 * x * x) / (2 * n + 1);
    sum += term;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x * x) * sum;
}

/** For x ≥ 1.5. */
function erfcFraction(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    d = 1 / (x + a * d);
    c = x + a / Math.max(c, tiny);
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / (Math.sqrt(Math.PI) * f);
}

export function erfc(x: number): number {
  if (Number.isNaN(x)) return x;
  if (Math.abs(x) > 27) return x > 0 ? 0 : 2; // beyond, erfc(|x|) < 5e-319 is 0 in float64
  if (Math.abs(x) < 1.5) return 1 - erfSeries(x);
  return x > 0 ? erfcFraction(x) : 2 - erfcFraction(-x);
}

/** Φ(x), the standard normal distribution function: erfc(−x/√2)/2, accurate in both tails. */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x * Math.SQRT1_2);
}

/** φ(x) = e^(−x²/2)/√(2π), the standard normal density. */
export function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}
