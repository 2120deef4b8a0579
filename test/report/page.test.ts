/**
 * The report page built from made-up inputs, for what a real run rarely gives: a run stopped
 * before its first epoch ended (no figures per epoch) and a network without a mistake.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/driver/analyze.js';
import type { Metrics } from '../../src/driver/run-folder.js';
import { oneHot } from '../../src/runtime/data/dataset.js';
import { buildReport } from '../../src/report/report.js';

const classes = Uint8Array.from({ length: 20 }, (_, i) => i % 10);
const split = { images: new Float32Array(20 * 784).map((_, i) => (i % 7) / 6), labels: oneHot(classes, 10), classes, count: 20 };
const metrics: Metrics = {
  spec: 'lenet5',
  source: 'specs/lenet5.yaml',
  netc: '0.0.0-test',
  backend: 'fast',
  threads: 1,
  seed: 1,
  batch_size: 128,
  learning_rate: 0.001,
  limit: null,
  machine: { cpu: 'Test CPU', cores: 1, node: 'v20', platform: 'linux-x64' },
  epochs: [],
};

describe('the report page', () => {
  it('says there are no figures per epoch yet, and that no test image was misread', async () => {
    const html = await buildReport({
      dir: '/runs/lenet5-stopped',
      metrics,
      analysis: analyze('specs/lenet5.yaml'),
      specText: 'name: lenet5\n',
      data: { train: { ...split, count: 0 }, test: split, imageShape: [28, 28, 1], numClasses: 10 },
      evaluation: { loss: 0.01, accuracy: 1, predicted: classes, probs: oneHot(classes, 10) },
      classNames: [...'0123456789'],
      now: new Date('2026-01-02T03:04:05Z'),
    });
    expect(html.match(/No epoch of this run has finished yet/g)).toHaveLength(2);
    for (const chart of ['loss', 'accuracy', 'throughput']) expect(html.includes(`data-chart="${chart}"`), chart).toBe(false);
    for (const chart of ['confusion', 'predictions', 'network']) expect(html.includes(`data-chart="${chart}"><svg`), chart).toBe(true);
    expect(html).toContain('The network classified every one of the 20 test images correctly.');
    expect(html).toContain('<div class="value">100.00%</div><div class="label">test accuracy</div>');
    expect(html).toContain('<div class="value">0 of 20</div>');
    expect(html).toContain('training report of lenet5-stopped');
    expect(html).toContain('on 2026-01-02 03:04 UTC');
  });
});
