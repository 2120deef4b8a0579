/** The README's spec reference names every op, activation and loss the registry has, and every pass. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allLayers } from '../src/ir/ops/index.js';
import { ACTIVATIONS } from '../src/ir/ops/activation.js';
import { LOSSES } from '../src/ir/ops/losses.js';
import { PASSES } from '../src/passes/manager.js';
import { allOptimizers } from '../src/ir/optimizers/index.js';
import { runCli } from './helpers/cli.js';

const readme = readFileSync('README.md', 'utf8');

describe('README', () => {
  it('has the two set-up commands', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm ci && npm test');
  });
  it.each(allLayers().map((l) => l.op))('documents the %s layer', (op) => {
    expect(readme).toMatch(new RegExp(`^\\| [^|]*\`${op}\``, 'm'));
  });
  it.each(Object.keys(ACTIVATIONS))('documents the %s activation', (fn) => expect(readme).toContain(`\`${fn}\``));
  it.each(Object.keys(LOSSES))('documents the %s loss', (loss) => expect(readme).toContain(`\`${loss}\``));
  it.each(allOptimizers().map((o) => o.name))('documents the %s optimizer with the defaults of its registry entry', (name) => {
    const o = allOptimizers().find((x) => x.name === name)!;
    const keys = [`name: ${name}`, `learning_rate: ${o.learningRate}`, ...Object.entries(o.properties).map(([k, p]) => `${k}: ${String(p.default)}`)];
    expect(readme).toContain(`{${keys.join(', ')}}`);
  });
  it.each(PASSES.map((p) => p.name))('documents the %s pass', (pass) => {
    expect(readme).toMatch(new RegExp(`^\\| \`${pass}\` \\|`, 'm'));
  });
  it('lists every command of netc --help in its command line tour', async () => {
    const help = (await runCli(['--help'])).stdout;
    const commands = [...help.split('commands:')[1]!.matchAll(/^ {2}(\S+)/gm)].map((m) => m[1]!);
    expect(commands).toContain('lsp');
    const tour = readme.split('## The command line')[1]!.split('```')[1]!;
    for (const c of commands) expect(tour).toMatch(new RegExp(`^netc ${c} `, 'm'));
  });
});
