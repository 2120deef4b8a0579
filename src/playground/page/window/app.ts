/**
 * The playground page: the spec in an editor with netc's diagnostics, its layers and drawing
 * beside it; Train compiles the spec on the server and trains it in a Web Worker, drawing the
 * curves as it goes, then shows the confusion matrix and the misread digits; the spec and the
 * generated module can be downloaded.
 */
import { drawChart, type Series } from './charts.js';
import { createEditor } from './editor.js';
import type { CheckReply, CompileReply, TrainSettings, WorkerMessage } from '../protocol.js';
import { showConfusion, showMisread } from './results.js';

const $ = <E extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as E;

async function post<T>(path: string, body: string): Promise<T> {
  const response = await fetch(path, { method: 'POST', body, headers: { 'content-type': 'text/yaml' } });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

function download(name: string, text: string, type: string): void {
  const a = Object.assign(document.createElement('a'), { href: URL.createObjectURL(new Blob([text], { type })), download: name });
  a.click();
  URL.revokeObjectURL(a.href);
}

const fmt = (n: number) => Math.round(n).toLocaleString('en');

/** The last check's results: the spec's name and training settings, while it has no errors. */
let current: CheckReply | undefined;

function showCheck(reply: CheckReply): void {
  current = reply;
  const errors = reply.diagnostics.filter((d) => d.severity === 'error');
  $('diagnostics').replaceChildren(
    ...reply.diagnostics.map((d) => {
      const li = Object.assign(document.createElement('li'), { className: d.severity, textContent: `${d.line}:${d.column} ${d.severity} ${d.code}: ${d.message}` });
      li.dataset.line = String(d.line);
      return li;
    }),
  );
  $('check-state').textContent = errors.length > 0 ? `${errors.length} error${errors.length > 1 ? 's' : ''}` : 'no errors';
  $<HTMLButtonElement>('train').disabled = errors.length > 0 || !reply.train || running !== undefined;
  if (!reply.summary) return;
  const rows = reply.summary.layers.map((l) => `<tr><td>${l.name}</td><td>${l.op}</td><td>${l.shape.join('×')}</td><td>${fmt(l.params)}</td><td>${fmt(l.macs)}</td></tr>`);
  $('summary').innerHTML = `<thead><tr><th>layer</th><th>op</th><th>output</th><th>parameters</th><th>multiply-adds</th></tr></thead><tbody>${rows.join('')}</tbody><tfoot><tr><td colspan="3">${reply.name}</td><td>${fmt(reply.summary.params)}</td><td>${fmt(reply.summary.macs)}</td></tr></tfoot>`;
  $('graph').innerHTML = reply.svg ?? '';
}

let running: Worker | undefined;

async function train(editorText: string): Promise<void> {
  const compiled = await post<CompileReply & { id?: string }>('/api/compile', editorText);
  if (!compiled.id || !current?.train) {
    $('status').textContent = `cannot compile: ${compiled.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join('; ')}`;
    return;
  }
  const settings: TrainSettings = current.train;
  if (settings.dataset !== 'mnist') {
    $('status').textContent = `the playground trains on MNIST; this spec's data set is '${settings.dataset}'`;
    return;
  }
  const epochs = Number($<HTMLInputElement>('epochs').value);
  const limit = Number($<HTMLInputElement>('limit').value);
  const threads = Number($<HTMLInputElement>('threads').value);
  const loss: Series = { name: 'training loss', color: '#1f77b4', points: [] };
  const trainAcc: Series = { name: 'training accuracy', color: '#1f77b4', points: [] };
  const valAcc: Series = { name: 'test accuracy', color: '#d62728', points: [] };
  let images = 0;
  let perEpoch = limit;
  const redraw = () => {
    drawChart($('loss-chart') as unknown as SVGSVGElement, 'loss', [loss], perEpoch * epochs);
    drawChart($('accuracy-chart') as unknown as SVGSVGElement, 'accuracy', [trainAcc, valAcc], perEpoch * epochs, 1, (y) => `${Math.round(100 * y)}%`);
  };
  $('confusion').replaceChildren();
  $('misread').replaceChildren();
  $('result').textContent = '';
  const worker = new Worker('/train-worker.js', { type: 'module' });
  running = worker;
  $<HTMLButtonElement>('train').disabled = true;
  $<HTMLButtonElement>('stop').disabled = false;
  $('status').textContent = 'loading MNIST and the kernels…';
  redraw();
  const finish = () => {
    worker.terminate();
    running = undefined;
    $<HTMLButtonElement>('stop').disabled = true;
    $<HTMLButtonElement>('train').disabled = current?.diagnostics.some((d) => d.severity === 'error') ?? true;
  };
  $('stop').onclick = () => {
    finish();
    $('status').textContent += ' (stopped)';
  };
  worker.onmessage = (e: MessageEvent<WorkerMessage>) => {
    const m = e.data;
    if (m.kind === 'started') {
      perEpoch = m.images;
      $('setup').textContent = `${m.images.toLocaleString('en')} training images, ${m.backend} backend on ${m.threads} thread${m.threads > 1 ? 's' : ''}${m.isolated ? ' (cross-origin isolated)' : ' (not isolated: one thread)'}`;
    } else if (m.kind === 'step') {
      images = (m.epoch - 1) * perEpoch + m.seen;
      loss.points.push([images, m.loss]);
      trainAcc.points.push([images, m.accuracy]);
      $('status').textContent = `epoch ${m.epoch}/${epochs}, batch ${m.batch}/${m.batches}: loss ${m.loss.toFixed(4)}, accuracy ${(100 * m.accuracy).toFixed(2)}%, ${fmt(m.seen / m.seconds)} images/s`;
      redraw();
    } else if (m.kind === 'epoch') {
      valAcc.points.push([m.epoch * perEpoch, m.valAccuracy]);
      redraw();
    } else if (m.kind === 'done') {
      $('status').textContent = `trained: ${fmt(m.imagesPerSecond)} images/s`;
      $('result').textContent = `test accuracy ${(100 * m.accuracy).toFixed(2)}%, loss ${m.loss.toFixed(4)}`;
      $('result').dataset.accuracy = String(m.accuracy);
      $('result').dataset.imagesPerSecond = String(m.imagesPerSecond);
      showConfusion($<HTMLTableElement>('confusion'), m.confusion);
      showMisread($('misread'), m.misread);
      finish();
    } else {
      $('status').textContent = `training failed: ${m.message}`;
      finish();
    }
  };
  worker.postMessage({ moduleUrl: `/models/${compiled.id}.js`, settings, epochs, limit, threads });
}

async function main(): Promise<void> {
  const spec = (await (await fetch('/api/spec')).json()) as { file: string; text: string };
  $('spec-file').textContent = spec.file;
  $<HTMLInputElement>('threads').value = String(crossOriginIsolated ? navigator.hardwareConcurrency : 1);
  const editor = createEditor($('editor'), spec.text, (text) => post<CheckReply>('/api/check', text), showCheck);
  $('train').onclick = () => void train(editor.state.doc.toString()).catch((e: Error) => ($('status').textContent = e.message));
  $('download-spec').onclick = () => download(`${current?.name ?? 'spec'}.yaml`, editor.state.doc.toString(), 'text/yaml');
  $('download-module').onclick = async () => {
    const compiled = await post<CompileReply>('/api/compile', editor.state.doc.toString());
    if (compiled.ts) download(`${compiled.name}.ts`, compiled.ts, 'text/typescript');
    else $('status').textContent = 'the spec has errors: fix them to download its module';
  };
}

void main();
