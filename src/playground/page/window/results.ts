/** After training: the confusion matrix as a table shaded by count, and the misread digits drawn. */
import type { WorkerMessage } from '../protocol.js';

type Done = Extract<WorkerMessage, { kind: 'done' }>;

export function showConfusion(table: HTMLTableElement, confusion: Done['confusion']): void {
  const largest = Math.max(1, ...confusion.flatMap((row, t) => row.filter((_, p) => p !== t)));
  const head = table.createTHead().insertRow();
  head.append(Object.assign(document.createElement('th'), { textContent: 'true \\ read' }));
  confusion.forEach((_, p) => head.append(Object.assign(document.createElement('th'), { textContent: String(p) })));
  const body = table.createTBody();
  confusion.forEach((row, t) => {
    const tr = body.insertRow();
    tr.append(Object.assign(document.createElement('th'), { textContent: String(t) }));
    row.forEach((count, p) => {
      const td = tr.insertCell();
      td.textContent = String(count);
      // the diagonal green, mistakes red by how many
      td.style.background = p === t ? '#d7f0d7' : count === 0 ? '' : `rgba(220, 50, 40, ${0.15 + (0.75 * count) / largest})`;
    });
  });
}

export function showMisread(grid: HTMLElement, misread: Done['misread']): void {
  for (const m of misread) {
    const figure = document.createElement('figure');
    figure.className = 'digit';
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 28;
    const ctx = canvas.getContext('2d')!;
    const image = ctx.createImageData(28, 28);
    m.pixels.forEach((v, i) => image.data.set([255 - v, 255 - v, 255 - v, 255], i * 4));
    ctx.putImageData(image, 0, 0);
    figure.append(canvas, Object.assign(document.createElement('figcaption'), { textContent: `${m.truth} read as ${m.predicted}` }));
    grid.append(figure);
  }
}
