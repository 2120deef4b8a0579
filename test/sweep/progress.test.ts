/** The whole sweep's progress line on a terminal, and the line per trial anywhere. */
import { describe, expect, it } from 'vitest';
import { SweepProgress } from '../../src/cli/sweep-progress.js';

function stream(isTTY: boolean) {
  const written: string[] = [];
  return { written, out: { isTTY, columns: 200, write: (s: string) => (written.push(s), true) } as unknown as NodeJS.WriteStream };
}

describe('the sweep progress', () => {
  it('shows the running trials on a terminal, and a line per trial that ends', () => {
    const { written, out } = stream(true);
    const p = new SweepProgress(out, 4, 1, (i) => `trial-00${i}`);
    p.start(1);
    p.start(2);
    expect(written.at(-1)).toBe('\rsweep 1/4 done, 0:00  trial-001 starting  trial-002 starting\x1b[K');
    p.progress(2, { epoch: 1, epochs: 3, batch: 5, batches: 10 }); // drawn at most ten times a second: with the next line
    p.end(1, 'failed', 'h.units=4, seed 1: NETC7002 ...');
    expect(written.at(-1)).toBe('\rsweep 1/4 done, 1 failed, 0:00  trial-002 1/3 50%\x1b[K');
    expect(written.join('')).toContain('trial-001 failed: h.units=4, seed 1: NETC7002 ...  (1/4 done, 1 failed)\n');
    p.end(2, 'done', '');
    expect(written.join('')).toContain('trial-002 done  (2/4 done, 1 failed)\n');
  });

  it('writes only the lines per trial elsewhere', () => {
    const { written, out } = stream(false);
    const p = new SweepProgress(out, 2, 0, (i) => `t${i}`);
    p.start(0);
    p.progress(0, { epoch: 1, epochs: 1, batch: 1, batches: 2 });
    p.end(0, 'done', 'ok');
    expect(written).toEqual(['t0 done: ok  (1/2 done)\n']);
  });
});
