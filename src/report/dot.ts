/**
 * Graphviz DOT text for network drawings: one box per layer or IR node, as an HTML-like label
 * (a small table: name and op, attributes, output shape and parameters), coloured by op family.
 *
 * The font is DejaVu Sans because Graphviz knows its metrics (it lays text out without the font
 * files), and the PNG renderer is given exactly that font from the npm package
 * `dejavu-fonts-ttf`, so text fits its box in every output format.
 */
import { esc } from './markup.js';

export const FONT = 'DejaVu Sans';

/** Box colours by op family, the first match: [body, header]. Unknown ops are grey. */
const FAMILIES: readonly (readonly [RegExp, string, string])[] = [
  [/^input$/, '#f1f5f9', '#cbd5e1'],
  [/cross_entropy|crossentropy|^mse$|loss|rbf_map/, '#fef2f2', '#fecaca'],
  [/conv/, '#eff6ff', '#bfdbfe'],
  [/pool|subsample/, '#f0fdf4', '#bbf7d0'],
  [/dense|affine|rbf/, '#fff7ed', '#fed7aa'],
  [/flatten|reshape|pad/, '#f5f3ff', '#ddd6fe'],
  [/dropout/, '#fefce8', '#fde68a'],
  [/batchnorm|batch_mean|batch_variance/, '#f0fdfa', '#99f6e4'],
  [/add|concat|mul/, '#ecfeff', '#a5f3fc'],
  // every activation function (relu matches leaky_relu, elu gelu)
  [/activation|tanh|relu|sigmoid|softmax|linear|elu|swish|softplus/, '#fdf2f8', '#fbcfe8'],
];

export function opColours(op: string): { body: string; header: string } {
  const f = FAMILIES.find(([re]) => re.test(op));
  return f ? { body: f[1], header: f[2] } : { body: '#f8fafc', header: '#e2e8f0' };
}

/**
 * Text for an HTML-like label, escaped as HTML is: Graphviz reads the label as XML. Graphviz
 * measures a non-ASCII character as two spaces (0.64 em); DejaVu's × is 0.84 em and its · 0.32
 * em, so text with many × would overflow its box. Trailing spaces (0.32 em each) make up the
 * difference.
 */
export function labelText(s: string): string {
  const short = 0.2 * (s.match(/×/g)?.length ?? 0) - 0.32 * (s.match(/·/g)?.length ?? 0);
  const pad = short > 0 ? ' '.repeat(Math.ceil(short / 0.32)) : '';
  return esc(s) + pad;
}

/** A quoted DOT identifier. */
export function id(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export const count = (n: number) => n.toLocaleString('en-US');

/** `24×24×6`; `scalar` for a shape without dimensions. */
export const dims = (shape: readonly (number | string)[]) => (shape.length === 0 ? 'scalar' : shape.join('×'));

export interface Box {
  readonly name: string;
  readonly op: string;
  /** the op that colours the box (default: `op`, which may carry more words) */
  readonly family?: string;
  /** key attributes as short phrases, wrapped into lines of a readable width */
  readonly details?: readonly string[];
  /** how `details` are joined on a line */
  readonly separator?: string;
  readonly shape: string;
  /** right of the shape: the parameters (a count, or the tensors), or '' */
  readonly params: string;
  /** the network's output: a heavier border */
  readonly output?: boolean;
  /** a node that absorbed others (a pass fused them): a heavier amber border and a tag */
  readonly fused?: boolean;
  /** feeds nothing the output depends on: dashed and grey */
  readonly unused?: boolean;
}

/** A node statement drawing one box. */
export function box(b: Box): string {
  const c = opColours(b.family ?? b.op);
  const border = b.fused ? '#d97706' : b.unused ? '#94a3b8' : b.output ? '#0f172a' : '#64748b';
  const tag = b.fused ? ' <font color="#b45309"><b>fused</b></font>' : b.unused ? ' <font color="#64748b">(unused)</font>' : '';
  const params = b.params ? `<font point-size="10" color="#475569">${labelText(b.params)}</font>` : '';
  const rows = [
    // One header cell: side by side, two coloured cells show a hairline seam where they meet.
    `<tr><td colspan="2" align="left" bgcolor="${c.header}"><b>${labelText(b.name)}</b>${b.op ? `   ${labelText(b.op)}` : ''}${tag}</td></tr>`,
    ...(b.details && b.details.length > 0
      ? [`<tr><td colspan="2" align="left" balign="left"><font point-size="10" color="#334155">${wrap(b.details, b.separator ?? ' · ').map(labelText).join('<br/>')}</font></td></tr>`]
      : []),
    // (Graphviz rejects an empty <font>, and then draws the node as nothing.) Long parameter
    // lists get a row of their own: Graphviz guesses × too narrow, so a full row could overflow.
    ...(b.shape.length + b.params.length > 36
      ? [`<tr><td colspan="2" align="left">${labelText(b.shape)}</td></tr><tr><td colspan="2" align="right">${params}</td></tr>`]
      : [`<tr><td align="left">${labelText(b.shape)}</td><td align="right">${params}</td></tr>`]),
  ];
  const table =
    `<table border="${b.output || b.fused ? 2 : 1}" cellborder="0" cellspacing="0" cellpadding="4" color="${border}" bgcolor="${c.body}"` +
    `${b.unused ? ' style="dashed"' : ''}>${rows.join('')}</table>`;
  return `  ${id(b.name)} [label=<${table}>];`;
}

/** Phrases joined into lines of at most `width` characters (a longer phrase gets a line of its own). */
export function wrap(parts: readonly string[], separator: string, width = 56): string[] {
  const lines: string[] = [];
  for (const p of parts) {
    const last = lines[lines.length - 1];
    if (last !== undefined && last.length + separator.length + p.length <= width) lines[lines.length - 1] = last + separator + p;
    else lines.push(p);
  }
  return lines;
}

/** The whole graph: a title with the totals above, boxes, and the data flow top to bottom. */
export function digraph(title: string, subtitle: readonly string[], boxes: readonly string[], edges: readonly (readonly [string, string])[]): string {
  const lines = subtitle.map((l) => `<br/><font point-size="11" color="#334155">${labelText(l)}</font>`).join('');
  return [
    'digraph network {',
    `  graph [rankdir=TB, fontname="${FONT}", fontsize=16, labelloc=t, nodesep=0.35, ranksep=0.3, pad=0.25,`,
    `         label=<<b>${labelText(title)}</b>${lines}<br/> >];`,
    `  node [shape=plain, fontname="${FONT}", fontsize=11];`,
    '  edge [color="#475569", arrowsize=0.7, penwidth=1.2];',
    ...boxes,
    ...edges.map(([a, b]) => `  ${id(a)} -> ${id(b)};`),
    '}',
    '',
  ].join('\n');
}

/**
 * A spec attribute as one short phrase: `kernel 5`, `kernel 3×5`, `padding same`; long values
 * (a connection table, a file path) are summarized so the box stays narrow.
 */
export function attrPhrase(key: string, value: unknown): string {
  if (key === 'use_bias' && value === false) return 'no bias';
  const name = key.replace(/_/g, ' ');
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === 'number' || typeof v === 'string')) return `${name} ${value.join('×')}`;
    const inner = Array.isArray(value[0]) ? (value[0] as unknown[]).length : 0;
    return `${name} ${value.length}×${inner} table`;
  }
  if (value !== null && typeof value === 'object') return `${name} {…}`;
  const s = String(value);
  return `${name} ${s.length > 28 ? `…${s.slice(-27)}` : s}`;
}
