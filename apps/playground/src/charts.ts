// Vega-Lite charts (the Node report's own specs from core) drawn as SVG with
// Vega's expression interpreter: no `new Function`, so they draw under script-src 'self'.
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { expressionInterpreter } from 'vega-interpreter';
import type { VegaLiteSpec } from '@modelspec/core';

const views = new WeakMap<HTMLElement, vega.View>();

export async function drawChart(el: HTMLElement, spec: VegaLiteSpec | null): Promise<void> {
  views.get(el)?.finalize();
  views.delete(el);
  if (!spec) {
    el.textContent = '';
    return;
  }
  const compiled = compile(spec as unknown as TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled, undefined, { ast: true }), { expr: expressionInterpreter as never, renderer: 'svg', container: el, hover: false, logLevel: vega.Warn });
  views.set(el, view);
  await view.runAsync();
}

/** The running training loss after every reported batch. */
export function liveLossChart(points: { step: number; loss: number; epoch: number }[]): VegaLiteSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    width: 340,
    height: 180,
    data: { values: points },
    mark: { type: 'line', point: points.length < 40 },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'batch' },
      y: { field: 'loss', type: 'quantitative', title: 'running loss', scale: { zero: false } },
      color: { field: 'epoch', type: 'ordinal', title: 'epoch' },
    },
  } as unknown as VegaLiteSpec;
}
