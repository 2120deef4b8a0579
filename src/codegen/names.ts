/**
 * The symbol table of a generated module: every IR value gets one identifier per namespace,
 * registered before anything is emitted, so clashes ('c1.w' and a layer named 'c1_w') are
 * resolved once and the same id always prints the same name.
 */

/** A TypeScript identifier for an IR id: dots and other punctuation become underscores. */
export function identifier(id: string): string {
  const s = id.replace(/@/g, '_at_').replace(/[^A-Za-z0-9_$]/g, '_');
  return /^[0-9]/.test(s) ? `_${s}` : s;
}

export class Names {
  private readonly byId = new Map<string, string>();
  // Names become keys of object literals ('const P = { c1_w: 0 }'), where '__proto__' would set
  // the prototype instead of a key.
  private readonly taken = new Set<string>(['__proto__']);

  constructor(reserved: Iterable<string> = []) {
    for (const r of reserved) this.taken.add(r);
  }

  /** The name of `id`, registering it on first use. */
  of(id: string): string {
    const known = this.byId.get(id);
    if (known) return known;
    const base = identifier(id);
    let name = base;
    for (let k = 2; this.taken.has(name); k++) name = `${base}_${k}`;
    this.byId.set(id, name);
    this.taken.add(name);
    return name;
  }
}

/**
 * Names a model class must not take: the module's own top-level names and the globals a class
 * declaration would shadow (a spec named 'compiled-model' or 'object').
 */
const TAKEN_CLASS_NAMES = new Set([
  ...['Act', 'CompiledModel', 'ModelInfo', 'ModelOptions', 'P', 'T', 'I', 'S'],
  ...['Object', 'Function', 'Array', 'Number', 'Boolean', 'String', 'Symbol', 'BigInt', 'Math', 'JSON', 'Date', 'RegExp'],
  ...['Error', 'RangeError', 'TypeError', 'Promise', 'Proxy', 'Reflect', 'Map', 'Set', 'WeakMap', 'WeakSet', 'Atomics'],
  ...['ArrayBuffer', 'SharedArrayBuffer', 'DataView', 'Float32Array', 'Float64Array', 'Int32Array', 'Uint8Array'],
  ...['Intl', 'WebAssembly', 'Buffer', 'Infinity', 'NaN', 'Iterator', 'Worker', 'Globalthis'],
]);

/** 'lenet5-relu-maxpool' → 'Lenet5ReluMaxpool': the model class's name. */
export function className(specName: string): string {
  const parts = specName.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const name = parts.map((p) => p[0]!.toUpperCase() + p.slice(1)).join('');
  if (!/^[A-Za-z]/.test(name)) return `Model${name}`;
  if (TAKEN_CLASS_NAMES.has(name)) return `${name}Model`;
  return name;
}

/** A string literal in single quotes that holds exactly `s`, whatever it contains. */
export function stringLiteral(s: string): string {
  const inner = JSON.stringify(s).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'");
  return `'${inner}'`;
}

/** Text safe inside a /* *\/ comment: it cannot close the comment or start another line. */
export function commentText(s: string): string {
  return s.replace(/\*\//g, '*\\/').replace(/[\r\n\u2028\u2029]+/g, ' ');
}
