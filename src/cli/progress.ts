/**
 * Training progress: a live bar on a terminal (batches done of total, epoch, running loss and
 * accuracy, images per second, time left), redrawn at most ten times a second; on anything else
 * (CI logs, pipes) nothing until the epoch's line.
 */
import { clock } from '../driver/format.js';
import type { StepReport } from '../runtime/training/loop.js';
import { style } from './output.js';

export class ProgressBar {
  private last = 0;
  private readonly live: boolean;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly epochs: number,
    enabled = true,
  ) {
    this.live = enabled && Boolean(out.isTTY);
  }

  step(r: StepReport): void {
    if (!this.live) return;
    const now = performance.now();
    if (now - this.last < 100 && r.batch < r.batches) return;
    this.last = now;
    const width = Math.max(10, Math.min(30, (this.out.columns ?? 80) - 70));
    const done = Math.round((width * r.batch) / r.batches);
    const rate = r.seen / Math.max(r.seconds, 1e-9);
    const left = ((r.batches - r.batch) / r.batch) * r.seconds;
    const bar = '█'.repeat(done) + '░'.repeat(width - done);
    const line =
      `epoch ${r.epoch}/${this.epochs} ${bar} ${r.batch}/${r.batches}  ` +
      `loss ${r.loss.toFixed(4)}  acc ${(100 * r.accuracy).toFixed(2)}%  ` +
      `${Math.round(rate).toLocaleString('en-US')} img/s  ${clock(left)} left`;
    this.out.write(`\r${line.slice(0, (this.out.columns ?? 200) - 1)}\x1b[K`);
  }

  /** Clear the bar before a line of ordinary output. */
  clear(): void {
    if (this.live) this.out.write('\r\x1b[K');
  }
}

export { style };
