/**
 * Python names for netc's: layer names become module attributes (`self.c1`) and IR values
 * become locals of `forward` (`c1_tanh`). Names are registered once, before anything is
 * written, so that two netc names that sanitize alike ('a-b', 'a_b') or a name Python or
 * nn.Module already uses ('lambda', 'forward', 'training') get distinct, legal names.
 */

const PYTHON_KEYWORDS = [
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else', 'except',
  'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise', 'return', 'try',
  'while', 'with', 'yield',
];
/** What nn.Module's attributes and the program's own names would clash with. */
const TAKEN = ['self', 'x', 'torch', 'nn', 'F', 'math', 'forward', 'predict', 'training', 'train', 'eval', 'state_dict', 'parameters', 'modules', 'buffers', 'to', 'type', 'float', 'half', 'cuda', 'cpu', 'apply', 'zero_grad'];

export class PythonNames {
  private readonly used = new Set<string>([...PYTHON_KEYWORDS, ...TAKEN]);
  private readonly byKey = new Map<string, string>();

  /** The Python name of `key` (a layer or value name), made from it on first use. */
  name(key: string): string {
    const known = this.byKey.get(key);
    if (known) return known;
    let base = key.replace(/[^A-Za-z0-9_]/g, '_');
    if (!/^[A-Za-z_]/.test(base)) base = `v_${base}`;
    let name = base;
    for (let i = 2; this.used.has(name); i++) name = `${base}_${i}`;
    this.used.add(name);
    this.byKey.set(key, name);
    return name;
  }
}

/** A spec's name as a Python class name: 'lenet5-1998' → 'Lenet5_1998', 'vgg-mini' → 'VggMini'. */
export function className(specName: string): string {
  const parts = specName.split(/[^A-Za-z0-9]+/).filter((p) => p.length > 0);
  const joined = parts.map((p, i) => (/^[0-9]/.test(p) && i > 0 ? '_' : '') + p[0]!.toUpperCase() + p.slice(1)).join('');
  return /^[A-Za-z]/.test(joined) ? joined : `Net${joined}`;
}

/** A number as Python writes it: integers without a point, others in the shortest form that reads back the same. */
export const pyNum = (v: number): string => (Number.isFinite(v) ? String(v) : v > 0 ? 'math.inf' : v < 0 ? '-math.inf' : 'math.nan');

/** A tuple of numbers: `(2, 2)`. */
export const pyTuple = (vs: readonly number[]): string => `(${vs.map(pyNum).join(', ')}${vs.length === 1 ? ',' : ''})`;
