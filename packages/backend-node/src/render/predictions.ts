import { PNG } from 'pngjs';
import { CHART_FONT, type PredictionRecord, type Reproduction } from '@modelspec/core';
import { escapeXml } from './escape.js';

const RIGHT = '#2e7d32';
const WRONG = '#c62828';

export interface PredictionGridOptions {
  /** Tiles per row (default 6, as a 24-image grid then reads 6 × 4). */
  columns?: number;
  /** At most this many tiles (default 48). */
  max?: number;
}

/**
 * One test image as a PNG data URI, upscaled by whole pixels here rather than
 * by the viewer: SVG renderers smooth scaled images unless told otherwise, and
 * not all of them honour `image-rendering`.
 */
function imageDataUri(p: PredictionRecord, size: number): string | null {
  if (!p.pixels || !p.height || !p.width) return null;
  const raw = Buffer.from(p.pixels, 'base64');
  if (raw.length < p.height * p.width) return null;
  const k = Math.max(1, Math.floor(size / Math.max(p.height, p.width)));
  const png = new PNG({ width: p.width * k, height: p.height * k });
  for (let y = 0; y < p.height * k; y++) {
    for (let x = 0; x < p.width * k; x++) {
      const v = raw[Math.floor(y / k) * p.width + Math.floor(x / k)]!;
      const o = (y * p.width * k + x) * 4;
      png.data[o] = png.data[o + 1] = png.data[o + 2] = v;
      png.data[o + 3] = 255;
    }
  }
  return `data:image/png;base64,${PNG.sync.write(png).toString('base64')}`;
}

/**
 * The kept test predictions of the first seed that has any, as the published
 * projects show them: each image with its actual and predicted label, framed
 * green when right and red when wrong. Null when no run kept predictions.
 */
export function predictionGridSvg(repro: Reproduction, o: PredictionGridOptions = {}): string | null {
  const run = repro.runs.find((r) => r.test?.predictions.length);
  if (!run) return null;
  const preds = run.test!.predictions.slice(0, o.max ?? 48);
  const columns = Math.min(o.columns ?? 6, preds.length);
  const img = 84;
  const cellW = 168;
  const cellH = img + 58;
  const top = 56;
  const width = columns * cellW + 16;
  const height = top + Math.ceil(preds.length / columns) * cellH + 8;
  const right = preds.filter((p) => p.label === p.predicted).length;
  const name = (i: number) => escapeXml(repro.classNames[i] ?? `class ${i}`);

  const tiles = preds.map((p, i) => {
    const x = 8 + (i % columns) * cellW;
    const y = top + Math.floor(i / columns) * cellH;
    const ok = p.label === p.predicted;
    const color = ok ? RIGHT : WRONG;
    const ix = x + (cellW - img) / 2;
    const uri = imageDataUri(p, img);
    const conf = p.probabilities[p.predicted];
    const image = uri
      ? `<image x="${ix}" y="${y}" width="${img}" height="${img}" href="${uri}" xlink:href="${uri}" preserveAspectRatio="xMidYMid meet" style="image-rendering:pixelated"/>`
      : `<rect x="${ix}" y="${y}" width="${img}" height="${img}" fill="#eee"/><text x="${ix + img / 2}" y="${y + img / 2 + 4}" text-anchor="middle" font-size="11" fill="#777">no image</text>`;
    return [
      `<g>`,
      image,
      `<rect x="${ix - 2}" y="${y - 2}" width="${img + 4}" height="${img + 4}" fill="none" stroke="${color}" stroke-width="4"/>`,
      `<text x="${x + cellW / 2}" y="${y + img + 20}" text-anchor="middle" font-size="13" fill="${color}" font-weight="bold">${ok ? '\u2713' : '\u2717'} ${name(p.predicted)}${conf !== undefined ? ` ${Math.round(conf * 100)}%` : ''}</text>`,
      `<text x="${x + cellW / 2}" y="${y + img + 38}" text-anchor="middle" font-size="12" fill="#333">actual: ${name(p.label)}</text>`,
      `</g>`,
    ].join('');
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${escapeXml(CHART_FONT)}">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="8" y="24" font-size="16" font-weight="bold">Test predictions, seed ${run.seed}: ${right} of ${preds.length} right</text>`,
    `<text x="8" y="42" font-size="12" fill="#444">Predicted label (with its probability) above the actual one; green frame: right, red frame: wrong.</text>`,
    ...tiles,
    `</svg>`,
  ].join('\n');
}
