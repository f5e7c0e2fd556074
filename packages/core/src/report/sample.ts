import { classificationReport } from '../eval/report.js';
import type { ResolvedModelSpec } from '../spec/schema.js';
import type { EpochRecord } from '../training/loop.js';
import { buildReproduction, measuredFigures } from './compare.js';
import type { PredictionRecord, Reproduction, RunSummary } from './types.js';

/**
 * A small, fully known reproduction (2 seeds, 3 epochs, 3 classes) for tests
 * and for previewing report layouts without training anything. Its numbers are
 * chosen so that test accuracy is NOT reproduced (+0.0167 against a 0.01
 * tolerance) and test loss is.
 */
export function sampleReproduction(o: { pixels?: boolean } = {}): Reproduction {
  const classNames = ['T-shirt/top', 'Trouser', 'Pullover'];
  const spec = {
    specVersion: 1,
    name: 'sample-mlp',
    title: 'Sample MLP',
    description: 'A three-class toy experiment.',
    source: { project: 'example/sample', url: 'https://example.org/sample', license: 'MIT', notebook: 'sample.ipynb', notes: 'Numbers invented for tests.' },
    reference: {
      figures: [
        { metric: 'testAccuracy', value: 0.8, source: 'notebook cell 12', note: 'Read off a plot.', tolerance: null },
        { metric: 'testLoss', value: 0.49, source: 'notebook cell 12', note: '', tolerance: null },
      ],
      tolerance: 0.01,
      lossTolerance: 0.03,
      parameters: 1234,
      confusionDiagonal: [80, 90, 75],
      notes: 'One unseeded run.',
    },
    training: { epochs: 3 },
    seed: 1,
    reproduce: { seeds: [1, 2] },
  } as unknown as ResolvedModelSpec;

  const history = (train: [number, number][], val: [number, number][]): EpochRecord[] =>
    train.map(([loss, accuracy], i) => ({ epoch: i + 1, train: { loss, accuracy }, val: { loss: val[i]![0], accuracy: val[i]![1] }, seconds: 1 + i / 10 }));

  const run = (seed: number, h: EpochRecord[], confusion: number[][], loss: number): RunSummary => {
    const report = classificationReport(confusion, classNames);
    const predictions: PredictionRecord[] = [0, 1, 2, 3, 4, 5].map((index) => {
      const label = index % 3;
      const predicted = index === 4 ? (label + seed) % 3 : label; // one wrong per seed
      const probabilities = [0.1, 0.1, 0.1];
      probabilities[predicted] = 0.8;
      const pixels = o.pixels ? { pixels: gradient(index, 8, 8), height: 8, width: 8 } : {};
      return { index, label, predicted, probabilities, ...pixels };
    });
    return {
      location: null,
      seed,
      engine: 'cpu',
      stopReason: 'completed',
      history: h,
      measured: measuredFigures(h, { values: { loss, accuracy: report.accuracy }, confusion, report, predictions: [] }),
      test: { confusion, report, predictions },
      trainSeconds: 3.3,
      weightsSha256: `${seed}`.repeat(64),
    };
  };

  const runs = [
    run(
      1,
      history([[0.9, 0.6], [0.6, 0.75], [0.5, 0.8]], [[0.8, 0.65], [0.65, 0.72], [0.55, 0.78]]),
      [[80, 5, 15], [2, 95, 3], [20, 4, 76]],
      0.45,
    ),
    run(
      2,
      history([[1.0, 0.55], [0.7, 0.7], [0.6, 0.76]], [[0.85, 0.6], [0.7, 0.7], [0.6, 0.74]]),
      [[75, 8, 17], [3, 94, 3], [25, 5, 70]],
      0.52,
    ),
  ];
  return buildReproduction(spec, 'specs/sample-mlp.yaml', classNames, runs, 12.5, [], new Date('2026-01-02T03:04:05Z'));
}

/** A recognisable, non-blank image: a diagonal ramp shifted per index. */
function gradient(index: number, h: number, w: number): string {
  let s = '';
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) s += String.fromCharCode(((x + y + index) * 255) / (h + w + 6) | 0);
  return btoa(s);
}
