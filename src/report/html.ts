/**
 * The report page's frame: one self-contained HTML file (styles inline, charts as inline SVG,
 * images as data URLs, no script), so it opens from disk anywhere and keeps no link that can
 * break. Small helpers build its tables and figure cards.
 */
import { PAGE_FONT } from './charts.js';
import { esc } from './markup.js';

export interface Section {
  readonly id: string;
  readonly title: string;
  /** trusted HTML */
  readonly body: string;
}

/** A table (no header row when `head` is empty); cells are trusted HTML, `numeric` columns right-aligned. */
export function table(head: readonly string[], rows: readonly (readonly string[])[], numeric: readonly boolean[] = []): string {
  const cell = (tag: string, s: string, c: number) => `<${tag}${numeric[c] ? ' class="num"' : ''}>${s}</${tag}>`;
  const thead = head.length > 0 ? `<thead><tr>${head.map((h, c) => cell('th', esc(h), c)).join('')}</tr></thead>` : '';
  return (
    `<table>${thead}` +
    `<tbody>${rows.map((r) => `<tr>${r.map((s, c) => cell('td', s, c)).join('')}</tr>`).join('\n')}</tbody></table>`
  );
}

/** A chart or drawing with a caption; `name` is what tests and readers find it by. */
export function figure(name: string, svg: string, caption: string): string {
  return `<figure class="chart" data-chart="${esc(name)}">${svg}<figcaption>${esc(caption)}</figcaption></figure>`;
}

export function stat(label: string, value: string, id?: string): string {
  return `<div class="stat"${id ? ` id="${id}"` : ''}><div class="value">${esc(value)}</div><div class="label">${esc(label)}</div></div>`;
}

export function page(title: string, header: string, sections: readonly Section[], footer: string): string {
  const nav = sections.map((s) => `<a href="#${s.id}">${esc(s.title)}</a>`).join('');
  const body = sections.map((s) => `<section id="${s.id}"><h2>${esc(s.title)}</h2>\n${s.body}\n</section>`).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header>${header}</header>
<nav>${nav}</nav>
<main>
${body}
</main>
<footer>${footer}</footer>
</body>
</html>
`;
}

const CSS = `
:root { --ink: #111827; --muted: #6b7280; --line: #e5e7eb; --card: #ffffff; --bg: #f6f7f9; --green: #2e9e44; --red: #d62728; }
* { box-sizing: border-box; }
body { margin: 0; font-family: ${PAGE_FONT}; color: var(--ink); background: var(--bg); line-height: 1.45; }
header { padding: 28px 40px 18px; background: var(--card); border-bottom: 1px solid var(--line); }
header h1 { margin: 0 0 2px; font-size: 26px; }
header .sub { color: var(--muted); font-size: 14px; }
.stats { display: flex; flex-wrap: wrap; gap: 12px; margin-top: 18px; }
.stat { background: var(--bg); border: 1px solid var(--line); border-radius: 8px; padding: 10px 16px; min-width: 130px; }
.stat .value { font-size: 22px; font-weight: 600; font-variant-numeric: tabular-nums; }
.stat .label { font-size: 12px; color: var(--muted); }
nav { position: sticky; top: 0; z-index: 1; display: flex; flex-wrap: wrap; gap: 4px 18px; padding: 10px 40px;
  background: rgba(255,255,255,.95); border-bottom: 1px solid var(--line); font-size: 14px; }
nav a { color: #1d4ed8; text-decoration: none; }
main { padding: 8px 40px 40px; }
section { margin-top: 26px; }
h2 { font-size: 18px; margin: 0 0 12px; }
.row { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
.row + .row { margin-top: 16px; }
figure.chart { margin: 0; background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px; max-width: 100%; overflow-x: auto; }
figure.chart svg { display: block; max-width: 100%; height: auto; }
figcaption { font-size: 12px; color: var(--muted); margin-top: 6px; max-width: 70ch; }
.digits { display: grid; grid-template-columns: repeat(auto-fill, minmax(96px, 1fr)); gap: 10px; }
.digit { margin: 0; background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 8px; text-align: center; }
.digit img { width: 72px; height: 72px; image-rendering: pixelated; display: block; margin: 0 auto 4px; background: #000; }
.digit figcaption { margin: 0; font-size: 12px; color: var(--ink); }
.digit .true { color: var(--green); font-weight: 600; }
.digit .pred { color: var(--red); font-weight: 600; }
.digit .p { color: var(--muted); }
table { border-collapse: collapse; background: var(--card); border: 1px solid var(--line); font-size: 13px; font-variant-numeric: tabular-nums; }
th, td { padding: 5px 12px; border-bottom: 1px solid var(--line); text-align: left; white-space: nowrap; }
th { background: #f9fafb; font-weight: 600; }
td.num, th.num { text-align: right; }
tr.total td { font-weight: 600; border-top: 2px solid var(--line); }
pre { margin: 0; background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; overflow-x: auto; font-size: 12.5px; }
p.note { color: var(--muted); font-size: 13px; margin: 0 0 10px; }
footer { padding: 16px 40px 30px; color: var(--muted); font-size: 12px; }
`;
