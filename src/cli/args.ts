/**
 * Command-line parsing on node:util's parseArgs. A mistake on the command line is a UsageError:
 * printed with the command's usage, exit code 2.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type Options = NonNullable<ParseArgsConfig['options']>;

export function parse(argv: string[], options: Options): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const r = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { values: r.values as Record<string, string | boolean | undefined>, positionals: r.positionals };
  } catch (e) {
    // parseArgs's messages are good ("Unknown option '--jsn'"); drop its advice about '--'.
    throw new UsageError((e as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
}

/** A numeric option: an integer (or number) in range, or a UsageError naming the option. */
export function numberOption(
  values: Record<string, string | boolean | undefined>,
  name: string,
  opts: { integer?: boolean; min?: number; max?: number } = {},
): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  const ok = typeof raw === 'string' && raw.trim() !== '' && Number.isFinite(n) && (!opts.integer || Number.isInteger(n));
  if (!ok || (opts.min !== undefined && n < opts.min) || (opts.max !== undefined && n > opts.max)) {
    const kind = opts.integer ? 'an integer' : 'a number';
    const range = opts.min !== undefined ? (opts.max !== undefined ? ` from ${opts.min} to ${opts.max}` : ` ≥ ${opts.min}`) : '';
    throw new UsageError(`--${name} must be ${kind}${range}, not '${String(raw)}'`);
  }
  return n;
}
