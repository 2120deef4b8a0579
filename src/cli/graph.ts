/**
 * `netc graph <spec> -o net.svg`: draw the network, as Keras's plot_model does but without
 * Python, pydot or a system Graphviz. The spec's layers by default; `--after-passes` draws the
 * optimized IR instead, with fused nodes marked. SVG, PNG or DOT by the file's extension.
 */
import { writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { compileSpec } from '../driver/compile.js';
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import { Messages } from '../diagnostics/messages.js';
import { irGraph } from '../report/ir-graph.js';
import { layerGraph } from '../report/layer-graph.js';
import { dotToSvg, svgToPng } from '../report/render.js';
import { numberOption, parse, UsageError } from './args.js';
import { analyze } from '../driver/analyze.js';
import { num } from './output.js';
import { printDiagnostics, type Sources } from './print-diagnostics.js';

export const graphUsage = `usage: netc graph <spec.yaml> [-o FILE] [--after-passes [--training]] [--format svg|png|dot]

Draws the network: a box per layer with its op, the attributes the spec gives, its output shape
and its parameters, an arrow for each value a layer reads, and the totals in the title. The
format follows the file's extension (.svg, .png, .dot or .gv).

  -o, --out FILE     the file to write (default: <name>.svg); '-' prints SVG or DOT
  --after-passes     draw the inference IR after its passes instead: a box per node, with
                     fused nodes (conv2d + tanh) marked
  --training         with --after-passes: the training step up to its loss, where softmax and
                     cross-entropy are fused
  --format FORMAT    svg, png or dot, whatever the extension says
  --scale X          the PNG's size relative to the SVG's on screen (default 2)
Exit status: 0 drawn, 1 errors in the spec or a file that cannot be written, 2 a wrong command line.`;

type Format = 'svg' | 'png' | 'dot';

const EXTENSIONS: Readonly<Record<string, Format>> = { '.svg': 'svg', '.png': 'png', '.dot': 'dot', '.gv': 'dot' };

export async function runGraph(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    out: { type: 'string', short: 'o' },
    'after-passes': { type: 'boolean' },
    training: { type: 'boolean' },
    format: { type: 'string' },
    scale: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(graphUsage + '\n');
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'name the spec to draw' : 'graph draws one spec at a time');
  if (values.training && !values['after-passes']) throw new UsageError('--training draws the training step after its passes; add --after-passes');
  const scale = numberOption(values, 'scale', { min: 0.1, max: 16 }) ?? 2;
  const file = positionals[0]!;
  const out = typeof values.out === 'string' ? values.out : undefined;
  const format = chooseFormat(values.format, out);
  if (out === '-' && format === 'png') throw new UsageError("PNG is not printed; name a file with -o");

  const drawn = draw(file, Boolean(values['after-passes']), Boolean(values.training));
  if ('diagnostics' in drawn) {
    printDiagnostics(drawn.diagnostics, drawn.sources);
    return 1;
  }
  const svg = format === 'dot' ? undefined : await dotToSvg(drawn.dot);
  const bytes = format === 'dot' ? drawn.dot : format === 'svg' ? svg! : await svgToPng(svg!, scale);
  if (out === '-') {
    process.stdout.write(bytes);
    return 0;
  }
  const target = out ?? `${drawn.name}.svg`;
  try {
    writeFileSync(target, bytes);
  } catch (e) {
    printDiagnostics([Messages.CannotWrite.at(undefined, target, (e as NodeJS.ErrnoException).code ?? String(e))]);
    return 1;
  }
  process.stdout.write(`wrote ${target}: ${drawn.what}\n`);
  return 0;
}

function chooseFormat(flag: string | boolean | undefined, out: string | undefined): Format {
  if (typeof flag === 'string') {
    if (flag !== 'svg' && flag !== 'png' && flag !== 'dot') throw new UsageError(`--format must be svg, png or dot, not '${flag}'`);
    return flag;
  }
  if (out === undefined || out === '-') return 'svg';
  const f = EXTENSIONS[extname(out).toLowerCase()];
  if (!f) throw new UsageError(`cannot tell the format of '${out}' from its extension; name a .svg, .png, .dot or .gv file, or give --format`);
  return f;
}

type Drawn = { dot: string; name: string; what: string } | { diagnostics: Diagnostic[]; sources: Sources };

/** The DOT for the spec's layers, or for its IR after the passes; or why it cannot be drawn. */
function draw(file: string, afterPasses: boolean, training: boolean): Drawn {
  if (!afterPasses) {
    const a = analyze(file);
    if (!a.ok || !a.summary) return { diagnostics: a.diagnostics, sources: a.sources };
    printDiagnostics(a.diagnostics, a.sources);
    return { dot: layerGraph(a), name: a.loaded!.spec.name, what: `${a.loaded!.spec.layers.length} layers, ${num(a.summary.params)} parameters` };
  }
  const c = compileSpec(file);
  const sources = c.analysis.sources;
  if (c.diagnostics.some((d) => d.severity === 'error')) return { diagnostics: c.diagnostics, sources };
  printDiagnostics(c.diagnostics, sources);
  const name = c.analysis.loaded!.spec.name;
  const params = c.analysis.summary!.params;
  if (training) {
    if (!c.train) return { diagnostics: [Messages.NoTrainSection.at(c.analysis.loaded!.map.locate([]), 'it has no training step to draw')], sources };
    const passes = c.trainRuns.map((r) => r.pass);
    return { dot: irGraph(c.train, { kind: 'training step', passes, params }), name, what: `the training step after ${passes.join(', ')}` };
  }
  const passes = c.inferRuns.map((r) => r.pass);
  return { dot: irGraph(c.infer!, { kind: 'inference graph', passes, params }), name, what: `the inference graph after ${passes.join(', ')}` };
}
