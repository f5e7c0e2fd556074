import { Resvg } from '@resvg/resvg-js';
import { parse, View, type LoggerInterface } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { VegaLiteSpec } from '@modelspec/core';

/** Collects what vega-lite and vega would print, so a chart with a silent mistake can fail a test. */
function collectingLogger(warnings: string[]): LoggerInterface {
  let level = 2; // warn
  const logger: LoggerInterface = {
    level(l?: number) {
      if (l === undefined) return level;
      level = l;
      return logger;
    },
    error(...args: unknown[]) {
      warnings.push(`error: ${args.map(String).join(' ')}`);
      return logger;
    },
    warn(...args: unknown[]) {
      warnings.push(args.map(String).join(' '));
      return logger;
    },
    info: () => logger,
    debug: () => logger,
  };
  return logger;
}

/**
 * Vega-Lite → Vega → SVG, headless: the 'none' renderer computes the scene
 * graph without a DOM or canvas. Text widths are then estimated rather than
 * measured, which is why the charts leave generous label limits.
 */
export async function chartToSvg(spec: VegaLiteSpec, warnings: string[] = []): Promise<string> {
  const logger = collectingLogger(warnings);
  const vg = compile(spec as unknown as TopLevelSpec, { logger }).spec;
  const view = new View(parse(vg), { renderer: 'none', logger, logLevel: 2 });
  try {
    return fitWidth(await view.toSVG());
  } finally {
    view.finalize();
  }
}

const FONTS = {
  loadSystemFonts: true,
  defaultFontFamily: 'DejaVu Sans',
  sansSerifFamily: 'DejaVu Sans',
  monospaceFamily: 'DejaVu Sans Mono',
};

/**
 * Vega sizes the canvas by estimated text widths, which overshoot the drawn
 * text: a long subtitle left a blank band a third of the image wide. The
 * canvas is cut on the right to what is drawn (measured by resvg with the
 * fonts the PNG uses) plus a margin; the left and top keep Vega's padding.
 */
function fitWidth(svg: string, margin = 10): string {
  const head = /^<svg[^>]*? width="([\d.]+)" height="([\d.]+)" viewBox="0 0 ([\d.]+) ([\d.]+)"/.exec(svg);
  if (!head) return svg;
  const [, width, height, vbWidth, vbHeight] = head;
  const background = `<rect width="${width}" height="${height}" fill="white"/>`;
  // the white background rect covers the canvas: measure without it
  const box = new Resvg(svg.replace(background, ''), { font: FONTS }).getBBox();
  if (!box) return svg;
  const w = Math.ceil(box.x + box.width + margin);
  if (w >= Number(width)) return svg;
  return svg
    .replace(` width="${width}"`, ` width="${w}"`)
    .replace(`viewBox="0 0 ${vbWidth} ${vbHeight}"`, `viewBox="0 0 ${w} ${vbHeight}"`)
    .replace(background, `<rect width="${w}" height="${height}" fill="white"/>`);
}

export interface PngOptions {
  /** Pixels per SVG unit; 2 keeps text sharp on high-density screens and in print. */
  scale?: number;
  /** Directories with .ttf/.otf fonts, besides the system's. */
  fontDirs?: string[];
}

/**
 * SVG → PNG with resvg (a prebuilt native binary; no browser, no cairo).
 * resvg draws no text without a font: on Debian, `fonts-dejavu-core` provides
 * DejaVu Sans, which the charts ask for by name and which stands in for the
 * generic families too.
 */
export function svgToPng(svg: string, o: PngOptions = {}): Uint8Array {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: o.scale ?? 2 },
    background: 'white',
    font: { ...FONTS, fontDirs: o.fontDirs ?? [] },
    imageRendering: 1, // optimizeSpeed: nearest neighbour, so upscaled 28x28 images stay crisp pixels
  });
  return resvg.render().asPng();
}
