/**
 * The whole sweep's progress: a live line on a terminal (trials done, failed and running, each
 * running trial's epoch and share of it, the time so far), redrawn at most ten times a second;
 * and a line per trial that ends, on a terminal or not.
 */
import { clock } from '../driver/format.js';
import type { TrialProgress } from '../sweep/local.js';

export class SweepProgress {
  private readonly running = new Map<number, TrialProgress | undefined>();
  private done = 0;
  private failed = 0;
  private last = 0;
  private readonly started = performance.now();
  private readonly live: boolean;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly total: number,
    already: number,
    private readonly idOf: (index: number) => string,
    enabled = true,
  ) {
    this.done = already;
    this.live = enabled && Boolean(out.isTTY);
  }

  start(index: number): void {
    this.running.set(index, undefined);
    this.draw(true);
  }

  progress(index: number, p: TrialProgress): void {
    this.running.set(index, p);
    this.draw(false);
  }

  end(index: number, state: 'done' | 'failed' | 'stopped', detail: string): void {
    this.running.delete(index);
    if (state === 'done') this.done++;
    if (state === 'failed') this.failed++;
    this.clear();
    this.out.write(`${this.idOf(index)} ${state}${detail ? `: ${detail}` : ''}  (${this.done}/${this.total} done${this.failed ? `, ${this.failed} failed` : ''})\n`);
    this.draw(true);
  }

  clear(): void {
    if (this.live) this.out.write('\r\x1b[K');
  }

  private draw(force: boolean): void {
    if (!this.live) return;
    const now = performance.now();
    if (!force && now - this.last < 100) return;
    this.last = now;
    const trials = [...this.running].map(([i, p]) =>
      p ? `${this.idOf(i)} ${p.epoch}/${p.epochs} ${Math.round((100 * p.batch) / Math.max(1, p.batches))}%` : `${this.idOf(i)} starting`,
    );
    const line = `sweep ${this.done}/${this.total} done${this.failed ? `, ${this.failed} failed` : ''}, ${clock((now - this.started) / 1000)}  ${trials.join('  ')}`;
    this.out.write(`\r${line.slice(0, (this.out.columns ?? 200) - 1)}\x1b[K`);
  }
}
