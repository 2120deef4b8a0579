/**
 * `netc graph` as a user runs it. The drawing is checked against independent truths: its boxes
 * and their shapes and parameters against `netc check --json`, its arrows against the `inputs`
 * the spec's YAML declares, the optimized drawing against the IR that `netc compile
 * --print-ir-after-all` prints, and the SVG and PNG by reading the files back.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pngjs from 'pngjs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../helpers/cli.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'netc-graph-'));

interface DotBox {
  /** the header: the name in bold, then the op (and any tag) */
  readonly title: string;
  readonly op: string;
  /** the text of each table cell after the header, tags stripped */
  readonly cells: string[];
}

const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');

/** The boxes and arrows of a DOT drawing. */
function readDot(dot: string): { boxes: Map<string, DotBox>; edges: string[] } {
  const boxes = new Map<string, DotBox>();
  const strip = (html: string) => unescape(html.replace(/<[^>]+>/g, '')).trim();
  for (const m of dot.matchAll(/^ {2}"([^"]+)" \[label=<(.*)>\];$/gm)) {
    const [head, ...rest] = [...m[2]!.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((c) => c[1]!);
    const [, title, op] = head!.match(/^<b>(.*?)<\/b>(.*)$/)!;
    boxes.set(m[1]!, { title: strip(title!), op: strip(op!), cells: rest.map(strip) });
  }
  const edges = [...dot.matchAll(/^ {2}"([^"]+)" -> "([^"]+)";$/gm)].map((m) => `${m[1]}->${m[2]}`);
  return { boxes, edges };
}

async function dotOf(args: string[]): Promise<string> {
  const r = await runCli(['graph', ...args, '-o', '-', '--format', 'dot']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout;
}

/** What each layer reads, from the spec's own YAML: `inputs`, or the layer before it. */
function declaredEdges(file: string): string[] {
  const spec = parse(readFileSync(file, 'utf8')) as { layers: { name: string; inputs?: string[] }[] };
  return spec.layers.flatMap((l, i) => (l.inputs ?? [i === 0 ? 'input' : spec.layers[i - 1]!.name]).map((from) => `${from}->${l.name}`));
}

describe('netc graph', () => {
  it.each(['specs/lenet5.yaml', 'specs/inception-mini.yaml', 'specs/lenet5-wide.yaml'])(
    'draws one box per layer of %s with the shapes and parameters that netc check reports',
    async (file) => {
      const check = JSON.parse((await runCli(['check', '--json', file])).stdout).files[0];
      const { boxes } = readDot(await dotOf([file]));
      expect([...boxes.keys()].sort()).toEqual(['input', ...check.summary.layers.map((l: { name: string }) => l.name)].sort());
      for (const l of check.summary.layers) {
        const b = boxes.get(l.name)!;
        expect(b.title, l.name).toBe(l.name);
        expect(b.op, l.name).toBe(l.activation ? `${l.op} · ${l.activation}` : l.op);
        expect(b.cells.at(-2), l.name).toBe(l.shape.join('×'));
        expect(b.cells.at(-1), l.name).toBe(l.params > 0 ? `${l.params.toLocaleString('en-US')} params` : '');
      }
    },
  );

  it('draws the title with the totals and the attributes the spec gives', async () => {
    const dot = await dotOf(['specs/lenet5.yaml']);
    expect(dot).toContain('<b>lenet5</b>');
    expect(dot).toContain('44,426 parameters · 281,640 MACs per image · 8 layers');
    const { boxes } = readDot(dot);
    expect(boxes.get('c1')!.cells[0]).toBe('filters 6 · kernel 5');
    expect(boxes.get('s2')!.cells[0]).toBe('pool 2 · stride 2');
    expect(boxes.get('input')!.cells.at(-2)).toBe('28×28×1');
  });

  it('draws dilated and bias-free conv2d, depthwise_conv2d and global pooling with their attributes, shapes and parameters', async () => {
    const file = join(tmp(), 'variants.yaml');
    writeFileSync(
      file,
      `netc: 1
name: variants
input: { shape: [16, 16, 3] }
layers:
  - { name: c1, op: conv2d, filters: 8, kernel: 3, dilation: 2, padding: same, use_bias: false, activation: relu }
  - { name: dw, op: depthwise_conv2d, kernel: 3, depth_multiplier: 2, stride: 2 }
  - { name: gap, op: global_avgpool2d }
  - { name: gmp, op: global_maxpool2d, inputs: [dw] }
  - { name: both, op: concat, inputs: [gap, gmp] }
  - { name: out, op: dense, units: 10, activation: softmax }
`,
    );
    const check = JSON.parse((await runCli(['check', '--json', file])).stdout).files[0];
    const { boxes, edges } = readDot(await dotOf([file]));
    for (const l of check.summary.layers) {
      const b = boxes.get(l.name)!;
      expect(b.op, l.name).toBe(l.activation ? `${l.op} · ${l.activation}` : l.op);
      expect(b.cells.at(-2), l.name).toBe(l.shape.join('×'));
      expect(b.cells.at(-1), l.name).toBe(l.params > 0 ? `${l.params.toLocaleString('en-US')} params` : '');
    }
    // 3·3·3·8 weights and no bias; 3·3·8·2 weights and 16 biases
    expect([boxes.get('c1')!.cells.at(-1), boxes.get('dw')!.cells.at(-1)]).toEqual(['216 params', '160 params']);
    // (two lines: 'no bias' does not fit on the first)
    expect(boxes.get('c1')!.cells[0]).toBe('filters 8 · kernel 3 · dilation 2 · padding sameno bias');
    expect(boxes.get('dw')!.cells[0]).toBe('kernel 3 · depth multiplier 2 · stride 2');
    expect(boxes.get('gap')!.cells.at(-2)).toBe('16');
    expect(edges.sort()).toEqual(declaredEdges(file).sort());
  });

  it.each(['specs/lenet5.yaml', 'specs/inception-mini.yaml'])('draws an arrow for each input that %s declares, and no other', async (file) => {
    const { edges } = readDot(await dotOf([file]));
    expect(edges.sort()).toEqual(declaredEdges(file).sort());
  });

  it('writes SVG by the extension, with every layer and arrow Graphviz laid out', async () => {
    const out = join(tmp(), 'lenet5.svg');
    const r = await runCli(['graph', 'specs/lenet5.yaml', '-o', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`wrote ${out}: 8 layers, 44,426 parameters\n`);
    const svg = readFileSync(out, 'utf8');
    expect(svg).toMatch(/^<\?xml[^]*<svg /);
    const titles = [...svg.matchAll(/<title>([^<]*)<\/title>/g)].map((m) => unescape(m[1]!.replace(/&#45;/g, '-')));
    expect(titles).toEqual(expect.arrayContaining(['input', 'c1', 's2', 'c3', 's4', 'flat', 'f5', 'f6', 'out', 'input->c1', 'f6->out']));
    expect(svg).toContain('>44,426 parameters · 281,640 MACs per image · 8 layers</text>');
    expect(svg).toMatch(/>24×24×6[ &#160;]*<\/text>/); // padded: see esc() in src/report/dot.ts
    expect(svg).toContain('font-family="DejaVu Sans,Verdana,sans-serif"');
  });

  it('writes PNG by the extension: the SVG rasterized at twice its size on screen, with ink on it', async () => {
    const dir = tmp();
    expect((await runCli(['graph', 'specs/inception-mini.yaml', '-o', join(dir, 'net.svg')])).code).toBe(0);
    expect((await runCli(['graph', 'specs/inception-mini.yaml', '-o', join(dir, 'net.png')])).code).toBe(0);
    const svg = readFileSync(join(dir, 'net.svg'), 'utf8');
    const [, w, h] = svg.match(/<svg width="(\d+)pt" height="(\d+)pt"/)!;
    const png = pngjs.PNG.sync.read(readFileSync(join(dir, 'net.png')));
    // Graphviz sizes the SVG in points; a point is 4/3 of a CSS pixel.
    expect(Math.abs(png.width - (2 * Number(w) * 4) / 3)).toBeLessThanOrEqual(2);
    expect(Math.abs(png.height - (2 * Number(h) * 4) / 3)).toBeLessThanOrEqual(2);
    let dark = 0;
    for (let i = 0; i < png.data.length; i += 4) if (png.data[i]! < 100 && png.data[i + 1]! < 100 && png.data[i + 2]! < 100) dark++;
    expect(dark).toBeGreaterThan(2000); // text, borders and arrows, not a blank page
  });

  it('--after-passes draws the inference IR as netc compile prints it, with the fused nodes marked', async () => {
    const printed = (await runCli(['compile', 'specs/lenet5.yaml', '--stdout', '--print-ir-after-all'])).stderr;
    const last = printed.split(/^\/\/ ----- /m).filter((s) => s.startsWith('inference: IR after')).at(-1)!;
    const all = [...last.matchAll(/^ {2}%(\S+): f32\[([^\]]*)\] = (\w+)\(([^)]*)\).*$/gm)];
    const shapes = new Map(all.filter((m) => m[3] === 'param').map((m) => [m[1]!, m[2]!.split(',').join('×')]));
    const nodes = all.filter((m) => m[3] !== 'param');
    const dot = await dotOf(['specs/lenet5.yaml', '--after-passes']);
    const { boxes, edges } = readDot(dot);
    expect([...boxes.keys()]).toEqual(nodes.map((m) => m[1]));
    for (const [line, id, shape, op, args] of nodes) {
      const activation = line.match(/activation=(\w+)/)?.[1];
      const b = boxes.get(id!)!;
      expect(b.op, id).toBe(activation ? `${op} + ${activation} fused` : op);
      expect(b.cells.at(-2), id).toBe(shape!.split(',').join('×'));
      const params = args!.split(', ').map((a) => a.slice(1)).filter((a) => shapes.has(a));
      expect(b.cells.at(-1), id).toBe(params.map((p) => `${p.slice(id!.length + 1)} ${shapes.get(p)}`).join(' · '));
    }
    expect(dot).toContain('10 nodes, 4 fused · 44,426 parameters');
    expect(boxes.get('c1')!.op).toBe('conv2d + tanh fused');
    expect(boxes.has('c1.tanh')).toBe(false);
    expect(edges).toContain('c1->s2');
  });

  it('draws a batchnorm with its trainable and non-trainable values, as netc check counts them, and after the passes folded into its conv', async () => {
    const check = JSON.parse((await runCli(['check', '--json', 'specs/lenet5-bn.yaml'])).stdout).files[0];
    const bn1 = check.summary.layers.find((l: { name: string }) => l.name === 'bn1');
    expect(readDot(await dotOf(['specs/lenet5-bn.yaml'])).boxes.get('bn1')!.cells.at(-1)).toBe(`${bn1.params} params + ${bn1.state_params} non-trainable`);
    const { boxes, edges } = readDot(await dotOf(['specs/lenet5-bn.yaml', '--after-passes']));
    expect(boxes.get('c1')!.op).toBe('conv2d + batchnorm + tanh fused');
    expect(boxes.has('bn1')).toBe(false);
    expect(edges).toEqual(expect.arrayContaining(['bn1.fold_w->c1', 'bn1.fold_b->c1', 'c1->s2']));
  });

  it('--after-passes --training draws the training step up to its fused loss, without the backward half', async () => {
    const { boxes } = readDot(await dotOf(['specs/lenet5.yaml', '--after-passes', '--training']));
    expect(boxes.get('loss')!.op).toBe('softmax + cross-entropy fused');
    expect([...boxes.keys()].filter((k) => k.startsWith('grad.'))).toEqual([]);
    expect(boxes.has('labels')).toBe(true);
  });

  it('reports the spec’s errors instead of drawing, and refuses a wrong command line', async () => {
    const bad = await runCli(['graph', 'test/fixtures/invalid/tutorial-missing-flatten.yaml', '-o', join(tmp(), 'x.svg')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('error NETC4004');
    const ext = await runCli(['graph', 'specs/lenet5.yaml', '-o', 'net.pdf']);
    expect(ext.code).toBe(2);
    expect(ext.stderr).toContain("cannot tell the format of 'net.pdf'");
    expect((await runCli(['graph', 'specs/lenet5.yaml', '--training'])).code).toBe(2);
    expect((await runCli(['graph', 'specs/lenet5.yaml', '-o', '-', '--format', 'png'])).code).toBe(2);
  });

  it('says which file it cannot write (NETC7005)', async () => {
    const r = await runCli(['graph', 'specs/lenet5.yaml', '-o', join(tmp(), 'no', 'such', 'folder', 'net.svg')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error NETC7005: cannot write '.*net\.svg': ENOENT/);
  });
});
