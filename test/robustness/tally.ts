/**
 * Counting the robustness suite's cases: each test file records how many cases of each kind it
 * ran and how many crashed (an exception, exit status 3, an internal-error diagnostic), prints
 * its lines, and leaves them in test/.generated/robustness/ for the run's summary table
 * (test/robustness/summary-setup.ts prints it when vitest finishes).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

export const TALLY_DIR = resolve('test/.generated/robustness');

export interface Count {
  cases: number;
  crashes: number;
  /** cases that ended in at least one error diagnostic */
  rejected: number;
  note?: string;
}

export class Tally {
  readonly kinds = new Map<string, Count>();
  constructor(private readonly file: string) {}

  add(kind: string, outcome: { crashed: boolean; rejected?: boolean }): void {
    const c = this.get(kind);
    c.cases++;
    if (outcome.crashed) c.crashes++;
    if (outcome.rejected) c.rejected++;
  }

  note(kind: string, note: string): void {
    this.get(kind).note = note;
  }

  get(kind: string): Count {
    let c = this.kinds.get(kind);
    if (!c) this.kinds.set(kind, (c = { cases: 0, crashes: 0, rejected: 0 }));
    return c;
  }

  /** Print this file's lines and leave them for the run's summary. */
  report(): void {
    const lines = [...this.kinds].map(([kind, c]) => line(kind, c));
    console.log(lines.join('\n'));
    mkdirSync(TALLY_DIR, { recursive: true });
    writeFileSync(join(TALLY_DIR, `${basename(this.file).replace(/\.test\.ts$/, '')}.json`), JSON.stringify(Object.fromEntries(this.kinds), null, 2));
  }
}

export function line(kind: string, c: Count): string {
  const rejected = c.rejected > 0 ? `, ${c.rejected.toLocaleString('en-US')} rejected with a diagnostic` : '';
  return `robustness: ${kind}: ${c.cases.toLocaleString('en-US')} cases, ${c.crashes} crashed${rejected}${c.note ? ` (${c.note})` : ''}`;
}
