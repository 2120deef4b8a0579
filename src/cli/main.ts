/**
 * The `netc` command. Exit status: 0 fine, 1 the input has errors, 2 the command line is wrong,
 * 3 an internal error (a bug in netc: the message asks for a report).
 */
import { formatDiagnostic, DiagnosticError } from '../diagnostics/diagnostics.js';
import { packageVersion } from '../runtime/package-root.js';
import { UsageError } from './args.js';
import { checkUsage, runCheck } from './check.js';
import { compileUsage, runCompile } from './compile.js';
import { runTrain, trainUsage } from './train.js';
import { evalUsage, runEval } from './eval.js';
import { predictUsage, runPredict } from './predict.js';
import { graphUsage, runGraph } from './graph.js';
import { reportUsage, runReport } from './report.js';
import { exportUsage, runExport } from './export.js';
import { importTfjsUsage, runImportTfjs } from './import-tfjs.js';

interface Command {
  readonly summary: string;
  readonly usage: string;
  run(argv: string[]): number | Promise<number>;
}

const COMMANDS: Record<string, Command> = {
  check: { summary: 'validate and shape-check specs, print a summary of each', usage: checkUsage, run: runCheck },
  compile: { summary: 'compile a spec to a standalone TypeScript training module', usage: compileUsage, run: runCompile },
  train: { summary: 'train a spec on its data set, with progress, evaluation and checkpoints', usage: trainUsage, run: runTrain },
  eval: { summary: 'evaluate a trained model: test loss, accuracy and confusion matrix', usage: evalUsage, run: runEval },
  predict: { summary: 'predict the class of a PNG image or a test image', usage: predictUsage, run: runPredict },
  graph: { summary: 'draw the network as SVG, PNG or DOT', usage: graphUsage, run: runGraph },
  report: { summary: "rebuild a training run's report.html: curves, confusion matrix, mistakes", usage: reportUsage, run: runReport },
  export: { summary: 'write a trained model as a TensorFlow.js Layers model', usage: exportUsage, run: runExport },
  'import-tfjs': { summary: 'turn a TensorFlow.js Layers model into a spec (and its weights into a checkpoint)', usage: importTfjsUsage, run: runImportTfjs },
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
  try {
    return await command.run(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`netc ${name}: ${e.message}\n\n${command.usage}\n`);
      return 2;
    }
    if (e instanceof DiagnosticError) {
      process.stderr.write(e.diagnostics.map(formatDiagnostic).join('\n') + '\n');
      return 1;
    }
    const detail = process.env.NETC_DEBUG ? String((e as Error).stack) : String((e as Error).message ?? e);
    process.stderr.write(`netc: internal error: ${detail}\nThis is a bug in netc; please report it with the command you ran.\n`);
    return 3;
  }
}
