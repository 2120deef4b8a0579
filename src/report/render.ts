/**
 * Drawing DOT: Graphviz compiled to WebAssembly (@viz-js/viz) lays it out and writes SVG; resvg
 * compiled to WebAssembly (@resvg/resvg-wasm) rasterizes that SVG to PNG with the DejaVu fonts
 * from the npm package `dejavu-fonts-ttf`. Both ship their WebAssembly inside the npm package,
 * so nothing is downloaded and no system Graphviz, Cairo or font is needed. They are imported
 * when first used: together they are megabytes of JavaScript that other commands never need.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Viz } from '@viz-js/viz';
import { FONT } from './dot.js';

const require = createRequire(import.meta.url);

let viz: Promise<Viz> | undefined;
let resvg: Promise<typeof import('@resvg/resvg-wasm')> | undefined;

/**
 * SVG for a DOT graph. Graphviz names only the font it measured; viewers without DejaVu Sans
 * fall back to Verdana (as wide, so text still fits its box), then any sans-serif.
 */
export async function dotToSvg(dot: string): Promise<string> {
  viz ??= import('@viz-js/viz').then((m) => m.instance());
  const r = (await viz).render(dot, { format: 'svg' });
  // Graphviz recovers from a bad label by drawing an empty node, so any error is a bug here.
  // Its only warnings are about estimating the width of non-ASCII text (× and ·): harmless.
  const errors = r.errors.filter((e) => e.level !== 'warning');
  if (r.status !== 'success' || errors.length > 0) {
    throw new Error(`Graphviz could not draw the network: ${errors.map((e) => e.message).join('; ')}`);
  }
  const svg = r.output;
  return svg.replaceAll(`font-family="${FONT}"`, `font-family="${FONT},Verdana,sans-serif"`);
}

/** PNG bytes for an SVG, `scale` times its size on screen (a CSS pixel per SVG pixel), on white. */
export async function svgToPng(svg: string, scale = 2): Promise<Uint8Array> {
  resvg ??= import('@resvg/resvg-wasm').then(async (m) => {
    await m.initWasm(readFileSync(require.resolve('@resvg/resvg-wasm/index_bg.wasm')));
    return m;
  });
  const { Resvg } = await resvg;
  const fontBuffers = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'DejaVuSans-Oblique.ttf'].map((f) =>
    readFileSync(require.resolve(`dejavu-fonts-ttf/ttf/${f}`)),
  );
  const r = new Resvg(svg, {
    font: { fontBuffers, defaultFontFamily: FONT, sansSerifFamily: FONT },
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
  });
  try {
    const image = r.render();
    try {
      return image.asPng();
    } finally {
      image.free();
    }
  } finally {
    r.free();
  }
}
