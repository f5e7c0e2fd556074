// The per-class report and the prediction grid, as the Node report shows them.
import type { RunSummary } from '@modelspec/core';

const f4 = (x: number) => x.toFixed(4);

export function renderClassReport(el: HTMLElement, run: RunSummary, classNames: readonly string[]): void {
  el.textContent = '';
  const r = run.test?.report;
  if (!r) return;
  const table = document.createElement('table');
  table.className = 'class-report';
  const row = (cells: string[], tag: 'td' | 'th' = 'td') => {
    const tr = document.createElement('tr');
    for (const c of cells) {
      const td = document.createElement(tag);
      td.textContent = c;
      tr.append(td);
    }
    table.append(tr);
  };
  row(['class', 'precision', 'recall', 'f1-score', 'support'], 'th');
  r.classes.forEach((c, i) => row([classNames[i] ?? `class ${i}`, f4(c.precision), f4(c.recall), f4(c.f1), String(c.support)]));
  row(['accuracy', '', '', f4(r.accuracy), String(r.totalSupport)]);
  row(['macro avg', f4(r.macro.precision), f4(r.macro.recall), f4(r.macro.f1), String(r.totalSupport)]);
  row(['weighted avg', f4(r.weighted.precision), f4(r.weighted.recall), f4(r.weighted.f1), String(r.totalSupport)]);
  el.append(table);
}

/** Each kept test image with its actual and predicted label, framed green when right and red when wrong. */
export function renderPredictionGrid(el: HTMLElement, run: RunSummary, classNames: readonly string[], max = 24): void {
  el.textContent = '';
  const preds = run.test?.predictions.slice(0, max) ?? [];
  const grid = document.createElement('div');
  grid.className = 'prediction-grid';
  for (const p of preds) {
    const ok = p.label === p.predicted;
    const tile = document.createElement('div');
    tile.className = `tile ${ok ? 'right' : 'wrong'}`;
    const canvas = document.createElement('canvas');
    if (p.pixels && p.height && p.width) {
      canvas.width = p.width;
      canvas.height = p.height;
      const raw = Uint8Array.from(atob(p.pixels), (c) => c.charCodeAt(0));
      const img = new ImageData(p.width, p.height);
      for (let i = 0; i < p.width * p.height; i++) {
        img.data[i * 4] = img.data[i * 4 + 1] = img.data[i * 4 + 2] = raw[i] ?? 0;
        img.data[i * 4 + 3] = 255;
      }
      canvas.getContext('2d')!.putImageData(img, 0, 0);
    }
    const cap = document.createElement('div');
    cap.className = 'caption';
    const name = (i: number) => classNames[i] ?? `class ${i}`;
    cap.textContent = ok ? name(p.label) : `${name(p.predicted)} (is ${name(p.label)})`;
    tile.title = `test #${p.index}: ${name(p.label)}, predicted ${name(p.predicted)} (${(100 * (p.probabilities[p.predicted] ?? 0)).toFixed(1)}%)`;
    tile.append(canvas, cap);
    grid.append(tile);
  }
  el.append(grid);
}
