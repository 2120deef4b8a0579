/**
 * vitest global setup: clears the robustness tallies before a run and prints them, one line per
 * kind of case with a total, when the run ends.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { line, TALLY_DIR, type Count } from './tally.js';

export function setup(): void {
  rmSync(TALLY_DIR, { recursive: true, force: true });
}

export function teardown(): void {
  if (!existsSync(TALLY_DIR)) return;
  const all: [string, Count][] = [];
  for (const f of readdirSync(TALLY_DIR).filter((x) => x.endsWith('.json')).sort()) {
    all.push(...Object.entries(JSON.parse(readFileSync(join(TALLY_DIR, f), 'utf8')) as Record<string, Count>));
  }
  if (all.length === 0) return;
  // 'mutated specs: a field removed' is a part of 'mutated specs': counted once in the total.
  const total = all.filter(([k]) => !k.includes(': ')).reduce((t, [, c]) => ({ cases: t.cases + c.cases, crashes: t.crashes + c.crashes, rejected: t.rejected + c.rejected }), { cases: 0, crashes: 0, rejected: 0 });
  process.stdout.write(`\n${all.map(([k, c]) => line(k, c)).join('\n')}\n${line('all kinds', total)}\n`);
}
