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
  private readonly taken = new Set<string>();

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

/** 'lenet5-relu-maxpool' → 'Lenet5ReluMaxpool': the model class's name. */
export function className(specName: string): string {
  const parts = specName.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const name = parts.map((p) => p[0]!.toUpperCase() + p.slice(1)).join('');
  return /^[A-Za-z]/.test(name) ? name : `Model${name}`;
}

/** Text safe inside a /* *\/ comment: it cannot close the comment or start another line. */
export function commentText(s: string): string {
  return s.replace(/\*\//g, '*\\/').replace(/[\r\n\u2028\u2029]+/g, ' ');
}
