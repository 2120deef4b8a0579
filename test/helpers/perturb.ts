/** Moving a model's parameters off their initial values, so that an exported model with a swapped or dropped one shows it. */
import type { CompiledModel } from '../../src/runtime/index.js';

/** Moves biases, coefficients and batch normalization's parameters and statistics off their initial values (weights keep the seed's). */
export function perturb(model: CompiledModel): Record<string, Float32Array> {
  let s = 12345;
  const r = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const params = model.getParameters();
  for (const [k, v] of Object.entries(params)) {
    if (k.endsWith('.moving_variance')) v.forEach((_, i) => (v[i] = 0.5 + r()));
    else if (/\.(b|beta|gamma|moving_mean|coef)$/.test(k)) v.forEach((x, i) => (v[i] = x + 0.2 * (r() - 0.5)));
  }
  model.setParameters(params);
  return params;
}
