import type { CheckReport } from './check/check.js';
import { fmtShape } from './layers/kind.js';

export interface SummaryJson {
  name: string;
  layers: { name: string; type: string; inputs: string[]; outputShape: (number | null)[] | null; parameters: number; trainable: number; nonTrainable: number }[];
  totalParameters: number;
  trainableParameters: number;
  nonTrainableParameters: number;
  memoryEstimateBytes: number;
}

export function summaryJson(name: string, check: CheckReport): SummaryJson {
  return {
    name,
    layers: check.layers.map((l) => ({
      name: l.name,
      type: l.type,
      inputs: l.inputs,
      outputShape: l.outputShape ? [null, ...l.outputShape] : null,
      parameters: l.trainable + l.nonTrainable,
      trainable: l.trainable,
      nonTrainable: l.nonTrainable,
    })),
    totalParameters: check.totals.total,
    trainableParameters: check.totals.trainable,
    nonTrainableParameters: check.totals.nonTrainable,
    memoryEstimateBytes: check.memory.totalBytes,
  };
}

const n = (x: number) => x.toLocaleString('en-US');

/** A Keras-like `model.summary()` table. */
export function summaryTable(name: string, check: CheckReport, graphForm: boolean): string {
  const rows = check.layers.map((l) => [
    `${l.name} (${l.type})`,
    l.outputShape ? fmtShape([null, ...l.outputShape]) : '?',
    n(l.trainable + l.nonTrainable),
    ...(graphForm ? [l.inputs.join(', ')] : []),
  ]);
  const head = ['Layer (type)', 'Output Shape', 'Param #', ...(graphForm ? ['Connected to'] : [])];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)) + 2);
  const line = (cells: string[]) => cells.map((c, i) => (i === 2 ? c.padStart(widths[i]! - 2).padEnd(widths[i]!) : c.padEnd(widths[i]!))).join('').trimEnd();
  const rule = (ch: string) => ch.repeat(widths.reduce((a, b) => a + b, 0) - 2);
  return [
    `Model: "${name}"`,
    rule('_'),
    line(head),
    rule('='),
    ...rows.flatMap((r, i) => [line(r), ...(i < rows.length - 1 ? [rule('-')] : [])]),
    rule('='),
    `Total params: ${n(check.totals.total)}`,
    `Trainable params: ${n(check.totals.trainable)}`,
    `Non-trainable params: ${n(check.totals.nonTrainable)}`,
    rule('_'),
  ].join('\n');
}
