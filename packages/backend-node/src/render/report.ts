import { resolve, join } from 'node:path';
import {
  confusionChart,
  curvesChart,
  figuresChart,
  reproductionJson,
  reproductionMarkdown,
  type ReportImage,
  type Reproduction,
  type VegaLiteSpec,
} from '@modelspec/core';
import { writeFileAtomic } from '../fs-atomic.js';
import { chartToSvg, svgToPng, type PngOptions } from './rasterize.js';
import { predictionGridSvg } from './predictions.js';
import { reportHtml, type ReportSvgs } from './html.js';

/** File stem of each plot; `.svg` and `.png` are written for each. */
const STEMS: Record<ReportImage, string> = {
  figures: 'figures',
  curves: 'curves',
  confusion: 'confusion',
  confusionNormalized: 'confusion-normalized',
  predictions: 'predictions',
};

export interface RenderOptions extends PngOptions {
  /** Receives vega/vega-lite warnings (a chart that compiles with warnings may be drawn wrong). */
  onWarning?: (message: string) => void;
}

/**
 * Writes a reproduction's report into `outDir`: report.json, report.md,
 * report.html, and an SVG and a PNG of every plot that applies (a run without
 * a test set has no confusion matrix). Every file is written atomically, so a
 * reader never sees half a report file; the HTML and Markdown come last, after
 * the plots they show. Returns the absolute paths written.
 */
export async function renderReport(repro: Reproduction, outDir: string, o: RenderOptions = {}): Promise<{ files: string[] }> {
  const dir = resolve(outDir);
  const charts: [ReportImage, VegaLiteSpec | null][] = [
    ['figures', figuresChart(repro)],
    ['curves', curvesChart(repro)],
    ['confusion', confusionChart(repro)],
    ['confusionNormalized', confusionChart(repro, { normalized: true })],
  ];
  const svgs: ReportSvgs = {};
  for (const [key, spec] of charts) {
    if (!spec) continue;
    const warnings: string[] = [];
    svgs[key] = await chartToSvg(spec, warnings);
    for (const w of warnings) o.onWarning?.(`${STEMS[key]}: ${w}`);
  }
  const grid = predictionGridSvg(repro);
  if (grid) svgs.predictions = grid;

  const files: string[] = [];
  const write = async (name: string, data: string | Uint8Array) => {
    const path = join(dir, name);
    await writeFileAtomic(path, data);
    files.push(path);
  };
  await write('report.json', JSON.stringify(reproductionJson(repro), null, 2) + '\n');
  const images: Partial<Record<ReportImage, string | null>> = {};
  for (const key of Object.keys(STEMS) as ReportImage[]) {
    const svg = svgs[key];
    images[key] = svg ? `${STEMS[key]}.png` : null;
    if (!svg) continue;
    await write(`${STEMS[key]}.svg`, svg);
    await write(`${STEMS[key]}.png`, svgToPng(svg, o));
  }
  await write('report.md', reproductionMarkdown(repro, { images }));
  await write('report.html', reportHtml(repro, svgs));
  return { files };
}
