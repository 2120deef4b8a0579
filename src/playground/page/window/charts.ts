/**
 * The training curves: loss and accuracy against images seen, one SVG each, drawn again as
 * points arrive. Each series is a polyline scaled to the chart; accuracy's axis is 0-100%.
 */

export interface Series {
  readonly name: string;
  readonly color: string;
  readonly points: [number, number][];
}

const NS = 'http://www.w3.org/2000/svg';
const WIDTH = 480;
const HEIGHT = 200;
const PAD = 36;
/** Series with at most this many points are drawn with a dot at each. */
const MARKED_POINTS = 30;

function el(name: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Draw `series` into `svg`, x from 0 to `xMax`, y from 0 to `yMax` (or the data's largest). */
export function drawChart(svg: SVGSVGElement, title: string, series: readonly Series[], xMax: number, yMax?: number, yFormat: (y: number) => string = (y) => y.toFixed(2)): void {
  svg.setAttribute('viewBox', `0 0 ${WIDTH} ${HEIGHT}`);
  svg.replaceChildren();
  const top = yMax ?? Math.max(1e-9, ...series.flatMap((s) => s.points.map((p) => p[1])));
  const x = (v: number) => PAD + ((WIDTH - 2 * PAD) * v) / Math.max(xMax, 1);
  const y = (v: number) => HEIGHT - PAD - ((HEIGHT - 2 * PAD) * Math.min(v, top)) / top;
  svg.append(el('text', { x: PAD, y: 16, class: 'title' }, title));
  svg.append(el('line', { x1: PAD, y1: y(0), x2: WIDTH - PAD, y2: y(0), class: 'axis' }), el('line', { x1: PAD, y1: y(0), x2: PAD, y2: y(top), class: 'axis' }));
  svg.append(el('text', { x: 2, y: y(top) + 4, class: 'tick' }, yFormat(top)), el('text', { x: 2, y: y(0) + 4, class: 'tick' }, yFormat(0)));
  svg.append(el('text', { x: WIDTH - PAD, y: HEIGHT - 8, class: 'tick', 'text-anchor': 'end' }, `${Math.round(xMax).toLocaleString('en')} images`));
  series.forEach((s, i) => {
    if (s.points.length > 0) svg.append(el('polyline', { points: s.points.map(([a, b]) => `${x(a).toFixed(1)},${y(b).toFixed(1)}`).join(' '), stroke: s.color, class: 'series', 'data-series': s.name }));
    // a series of a few points (one per epoch) gets a dot at each, so that one epoch shows
    if (s.points.length <= MARKED_POINTS) for (const [a, b] of s.points) svg.append(el('circle', { cx: x(a).toFixed(1), cy: y(b).toFixed(1), r: 3, fill: s.color }));
    svg.append(el('text', { x: WIDTH - PAD - 150, y: 16 + 14 * i, fill: s.color, class: 'legend' }, s.name));
  });
}
