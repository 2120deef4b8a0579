/**
 * `netc check` as a user runs it: exit codes, the text summary, the --json document and the
 * GitHub annotations. Figures are checked against Keras's model.summary() for the tutorial's
 * LeNet-5 (156, 2,416, 30,840, 10,164 and 850 parameters; 44,426 in all).
 */
import { describe, expect, it } from 'vitest';
import { runCli, spawnCli } from './helpers/cli.js';

const KERAS_LENET5 = [
  { name: 'c1', op: 'conv2d', shape: [24, 24, 6], params: 156, macs: 24 * 24 * 6 * 25 },
  { name: 's2', op: 'avgpool2d', shape: [12, 12, 6], params: 0, macs: 0 },
  { name: 'c3', op: 'conv2d', shape: [8, 8, 16], params: 2416, macs: 8 * 8 * 16 * 150 },
  { name: 's4', op: 'avgpool2d', shape: [4, 4, 16], params: 0, macs: 0 },
  { name: 'flat', op: 'flatten', shape: [256], params: 0, macs: 0 },
  { name: 'f5', op: 'dense', shape: [120], params: 30840, macs: 256 * 120 },
  { name: 'f6', op: 'dense', shape: [84], params: 10164, macs: 120 * 84 },
  { name: 'out', op: 'dense', shape: [10], params: 850, macs: 840 },
];

describe('netc check', () => {
  it('prints the summary of each shipped spec and exits 0', async () => {
    const r = await runCli(['check', 'specs/*.yaml']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/specs\/lenet5\.yaml: lenet5 ok/);
    expect(r.stdout).toMatch(/Total\s+44,426\s+281,640/);
    expect(r.stdout).toMatch(/c1\s+conv2d \(tanh\)\s+24×24×6\s+156\s+86,400/);
    expect(r.stdout).toMatch(/0 with errors/);
  });

  it('--json gives one document with the per-layer figures of Keras', async () => {
    const r = await runCli(['check', '--json', 'specs/lenet5.yaml']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual(['files']);
    const [f] = doc.files;
    expect(f).toMatchObject({ file: 'specs/lenet5.yaml', ok: true, diagnostics: [] });
    expect(f.summary.params).toBe(44426);
    expect(f.summary.macs).toBe(KERAS_LENET5.reduce((a, l) => a + l.macs, 0));
    expect(f.summary.layers.map(({ name, op, shape, params, macs }: Record<string, unknown>) => ({ name, op, shape, params, macs }))).toEqual(KERAS_LENET5);
  });

  it('--json reports each diagnostic with severity, code, message, line and column', async () => {
    const r = await runCli(['check', '--json', 'test/fixtures/invalid/tutorial-missing-flatten.yaml', 'specs/lenet5.yaml']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.files).toHaveLength(2);
    const [bad, good] = doc.files;
    expect(bad.ok).toBe(false);
    expect(bad.summary).toBeNull();
    expect(bad.diagnostics).toEqual([
      expect.objectContaining({ severity: 'error', code: 'NETC4004', line: 11, column: 21, message: expect.stringMatching(/flatten/) }),
    ]);
    expect(good.ok).toBe(true);
  });

  it('--format github prints workflow annotations with escaped properties', async () => {
    const r = await runCli(['check', '--format', 'github', 'test/fixtures/invalid/duplicate-layer.yaml', 'test/fixtures/warnings/unused-layer.yaml']);
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines).toContain(
      "::error file=test/fixtures/invalid/duplicate-layer.yaml,line=8,col=13,title=NETC3001::a layer named 'c1' already exists; layer names must be unique: rename this one",
    );
    expect(lines.some((l) => l.startsWith('::warning file=test/fixtures/warnings/unused-layer.yaml,line=7,col=13,title=NETC3007::'))).toBe(true);
  });

  it('reports all errors of a file, not only the first', async () => {
    const r = await runCli(['check', '--json', 'test/fixtures/multiple-errors.yaml']);
    expect(r.code).toBe(1);
    const codes = JSON.parse(r.stdout).files[0].diagnostics.map((d: { code: string }) => d.code);
    expect(codes).toEqual(['NETC2001', 'NETC2005', 'NETC2003', 'NETC2004', 'NETC2006', 'NETC2001', 'NETC2004', 'NETC2006', 'NETC2004']);
  });

  it('a file that cannot be read is NETC1002, exit 1', async () => {
    const r = await runCli(['check', '--json', 'no/such/spec.yaml']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).files[0].diagnostics[0]).toMatchObject({ code: 'NETC1002', message: "cannot read 'no/such/spec.yaml': no such file" });
  });

  it.each([
    [['check'], /name at least one spec file/],
    [['check', '--jsn', 'specs/lenet5.yaml'], /Unknown option '--jsn'/],
    [['check', '--format', 'xml', 'specs/lenet5.yaml'], /--format must be text, json, github or sarif/],
    [['check', 'nothing/*.yaml'], /no files match 'nothing\/\*\.yaml'/],
    [['chek'], /unknown command 'chek'/],
    [['export', 'runs/x', '--format', 'keras', '-o', 'm'], /--format must be tfjs, onnx or pytorch, not 'keras'/],
    [['export', 'specs/lenet5.yaml', '--format', 'pytorch'], /name the program to write with -o train\.py/],
    [['export', 'specs/lenet5.yaml', '--format', 'onnx', '-o', 'm.onnx'], /--format onnx exports trained weights: name a run folder or checkpoint, not a spec/],
    [['export', 'runs/x', '--format', 'onnx'], /name the file to write with -o model\.onnx/],
    [['import-onnx', 'model.onnx'], /name the spec to write with -o DIR\/spec\.yaml/],
    [['import-onnx', 'model.onnx', '-o', 'x/spec.yaml', '--dataset', 'cifar'], /--dataset must be mnist/],
  ])('a wrong command line %j exits 2 with usage', async (argv, message) => {
    const r = await runCli(argv as string[]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\bat .*\.(ts|js):\d+/); // no stack trace
  });

  it('the installed command runs, and prints no stack trace for bad input', () => {
    const ok = spawnCli(['check', 'specs/lenet5.yaml']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('44,426');
    const bad = spawnCli(['check', 'test/fixtures/invalid/cycle.yaml']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('error NETC3003');
    expect(bad.stdout + bad.stderr).not.toMatch(/\bat .*\.(ts|js):\d+/);
    expect(spawnCli(['--help']).stdout).toMatch(/usage: netc <command>/);
  });

  it('documents lsp, --format sarif and --watch in the help', async () => {
    const lsp = await runCli(['lsp', '--help']);
    expect(lsp.code).toBe(0);
    expect(lsp.stdout).toMatch(/usage: netc lsp \[--stdio\]/);
    expect((await runCli(['--help'])).stdout).toMatch(/^ {2}lsp +run the language server/m);
    const check = (await runCli(['check', '--help'])).stdout;
    expect(check).toMatch(/--format FORMAT +text \(default\), json, github \(GitHub Actions annotations\), or\n +sarif/);
    expect(check).toMatch(/--watch +check again whenever a spec or a spec it extends is saved/);
    expect((await runCli(['lsp', '--socket', '1'])).code).toBe(2);
  });
});

describe('netc check on the 1998 LeNet-5', () => {
  // LeCun, Bottou, Bengio and Haffner (1998), section II.B: each layer's trainable parameters
  // and connections; the RBF prototypes (10 × 84) are fixed.
  const PAPER = [
    { name: 'c1', params: 156, connections: 122304, fixed_params: 0 },
    { name: 's2', params: 12, connections: 5880, fixed_params: 0 },
    { name: 'c3', params: 1516, connections: 151600, fixed_params: 0 },
    { name: 's4', params: 32, connections: 2000, fixed_params: 0 },
    { name: 'c5', params: 48120, connections: 48120, fixed_params: 0 },
    { name: 'flat', params: 0, connections: 0, fixed_params: 0 },
    { name: 'f6', params: 10164, connections: 10164, fixed_params: 0 },
    { name: 'out', params: 0, connections: 840, fixed_params: 840 },
  ];

  it('--json gives the paper\'s figures per layer and 60,000 trainable parameters in all', async () => {
    const r = await runCli(['check', '--json', 'specs/lenet5-1998.yaml']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout).files[0].summary;
    expect(s.layers.map(({ name, params, connections, fixed_params }: Record<string, unknown>) => ({ name, params, connections, fixed_params }))).toEqual(PAPER);
    expect(s.params).toBe(60000);
    expect(s.fixed_params).toBe(840);
    expect(s.layers.map((l: { shape: number[] }) => l.shape)).toEqual([[28, 28, 6], [14, 14, 6], [10, 10, 16], [5, 5, 16], [1, 1, 120], [120], [84], [10]]);
  });
});
