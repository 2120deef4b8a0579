/**
 * The `netc` command. Exit status: 0 fine, 1 the input has errors, 2 the command line is wrong,
 * 3 an internal error (a bug in netc: the message asks for a report).
 */
import { DiagnosticError } from '../diagnostics/diagnostics.js';
import { packageVersion } from '../runtime/package-root.js';
import { UsageError } from './args.js';
import { printDiagnostics } from './print-diagnostics.js';

/** What a command's module gives: its usage (printed after a mistake on its command line) and its entry point. */
interface CommandModule {
  readonly usage: string;
  run(argv: string[]): number | Promise<number>;
}

interface Command {
  readonly summary: string;
  /** Imported only when the command runs, so that `netc check` never loads the emitter, Vega or Graphviz. */
  load(): Promise<CommandModule>;
}

const COMMANDS: Record<string, Command> = {
  check: {
    summary: 'validate and shape-check specs, print a summary of each',
    load: () => import('./check.js').then((m) => ({ usage: m.checkUsage, run: m.runCheck })),
  },
  compile: {
    summary: 'compile a spec to a standalone training module (TypeScript or JavaScript)',
    load: () => import('./compile.js').then((m) => ({ usage: m.compileUsage, run: m.runCompile })),
  },
  train: {
    summary: 'train a spec on its data set, with progress, evaluation and checkpoints',
    load: () => import('./train.js').then((m) => ({ usage: m.trainUsage, run: m.runTrain })),
  },
  sweep: {
    summary: 'train many variants of a spec (a grid or random sample of its keys, times seeds) and compare them',
    load: () => import('./sweep.js').then((m) => ({ usage: m.sweepUsage, run: m.runSweep })),
  },
  bench: {
    summary: 'measure training and inference images/s and peak memory of specs, on a backend',
    load: () => import('./bench.js').then((m) => ({ usage: m.benchUsage, run: m.runBench })),
  },
  eval: {
    summary: 'evaluate a trained model: test loss, accuracy and confusion matrix',
    load: () => import('./eval.js').then((m) => ({ usage: m.evalUsage, run: m.runEval })),
  },
  predict: {
    summary: 'predict the class of a PNG or JPEG image or a test image',
    load: () => import('./predict.js').then((m) => ({ usage: m.predictUsage, run: m.runPredict })),
  },
  graph: {
    summary: 'draw the network as SVG, PNG or DOT',
    load: () => import('./graph.js').then((m) => ({ usage: m.graphUsage, run: m.runGraph })),
  },
  report: {
    summary: "rebuild a training run's report.html: curves, confusion matrix, mistakes",
    load: () => import('./report.js').then((m) => ({ usage: m.reportUsage, run: m.runReport })),
  },
  export: {
    summary: 'write a trained model as a TensorFlow.js Layers model or an ONNX model, or a spec or run as a PyTorch program',
    load: () => import('./export.js').then((m) => ({ usage: m.exportUsage, run: m.runExport })),
  },
  playground: {
    summary: 'edit a spec in a browser page with live diagnostics, and train it there on MNIST',
    load: () => import('./playground.js').then((m) => ({ usage: m.playgroundUsage, run: m.runPlayground })),
  },
  lsp: {
    summary: 'run the language server (stdio) for editors: diagnostics, hover, completion, definitions',
    load: () => import('./lsp.js').then((m) => ({ usage: m.lspUsage, run: m.runLsp })),
  },
  'import-onnx': {
    summary: 'turn an ONNX model into a spec and a run folder with its weights',
    load: () => import('./import-onnx.js').then((m) => ({ usage: m.importOnnxUsage, run: m.runImportOnnx })),
  },
  'import-tfjs': {
    summary: 'turn a TensorFlow.js Layers model into a spec (and its weights into a checkpoint)',
    load: () => import('./import-tfjs.js').then((m) => ({ usage: m.importTfjsUsage, run: m.runImportTfjs })),
  },
};

function help(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `netc ${packageVersion()}: a declarative network-graph compiler

usage: netc <command> [options]

commands:
${lines.join('\n')}

Run 'netc <command> --help' for a command's options.`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(help() + '\n');
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(packageVersion() + '\n');
    return 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined; // not 'constructor' or '__proto__'
  if (!command) {
    process.stderr.write(`netc: unknown command '${name}'\n\n${help()}\n`);
    return 2;
  }
  let loaded: CommandModule | undefined;
  try {
    loaded = await command.load();
    return await loaded.run(rest);
  } catch (e) {
    if (e instanceof UsageError && loaded) {
      process.stderr.write(`netc ${name}: ${e.message}\n\n${loaded.usage}\n`);
      return 2;
    }
    if (e instanceof DiagnosticError) {
      printDiagnostics(e.diagnostics);
      return 1;
    }
    const detail = process.env.NETC_DEBUG ? String((e as Error).stack) : String((e as Error).message ?? e);
    process.stderr.write(`netc: internal error: ${detail}\nThis is a bug in netc; please report it with the command you ran.\n`);
    return 3;
  }
}
