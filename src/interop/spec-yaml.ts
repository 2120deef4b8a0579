/**
 * What the importers (TensorFlow.js, ONNX) share in writing a spec: a model's names as netc's
 * (layer names, the spec's name) and values as flow YAML.
 */

const RESERVED = new Set(['input', 'labels', 'loss']);

/** Model layer names as netc layer names: letters, digits and '_', unique, not reserved. */
export function netcNames(names: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const used = new Set<string>(RESERVED);
  for (const n of names) {
    let base = n.replace(/[^A-Za-z0-9_]/g, '_');
    if (!/^[A-Za-z_]/.test(base)) base = `l_${base}`;
    let name = base;
    for (let k = 2; used.has(name); k++) name = `${base}_${k}`;
    used.add(name);
    out.set(n, name);
  }
  return out;
}

export function validName(n: string): string {
  let name = n.replace(/[^A-Za-z0-9_-]/g, '-').replace(/^[^A-Za-z]+/, '').slice(0, 64);
  return name === '' ? 'imported' : name;
}

/** A value in flow YAML: numbers and names plain, lists in brackets, other text quoted when it must be. */
export function flow(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(flow).join(', ')}]`;
  if (typeof v === 'string') return /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(v) ? v : JSON.stringify(v);
  return String(v);
}
