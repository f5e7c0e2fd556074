import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { buildThroughputModel } from '@modelspec/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { gemmFlops, isThin, stepGemms } from './gemm-floor.js';
import { modelTrainFlops } from './throughput.js';
import { tableFloor, type SpecCost } from './table-time.js';
import type { PublishedSpec } from './specs.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('stepGemms', () => {
  it('lists the products of a training step of the benchmark CNN', () => {
    const m = buildThroughputModel('cnn'); // conv 32 3x3 valid on 28x28x1, maxpool 2, dense 128, dense 10
    const gs = stepGemms(m, 32);
    const f = modelTrainFlops(m);
    m.dispose();
    expect(gs).toEqual([
      { tA: 0, tB: 0, M: 32 * 26 * 26, N: 32, K: 9 }, // conv forward, im2col
      { tA: 1, tB: 0, M: 9, N: 32, K: 32 * 26 * 26 }, // its filter gradient; no input gradient: it reads the input
      { tA: 0, tB: 0, M: 32, N: 128, K: 13 * 13 * 32 },
      { tA: 1, tB: 0, M: 13 * 13 * 32, N: 128, K: 32 },
      { tA: 0, tB: 1, M: 32, N: 13 * 13 * 32, K: 128 },
      { tA: 0, tB: 0, M: 32, N: 10, K: 128 },
      { tA: 1, tB: 0, M: 128, N: 10, K: 32 },
      { tA: 0, tB: 1, M: 32, N: 128, K: 10 },
    ]);
    if (typeof gs === 'string') throw new Error(gs);
    // the bench's count (3 x forward) less the first layer's input gradient it never computes
    expect(gemmFlops(gs) / 32).toBe(f - 2 * 26 * 26 * 32 * 9);
    expect(gs.filter(isThin).length).toBe(5);
  });

  it('takes a dense layer on a 4-D input as one product over every pixel, and names a layer it does not model', () => {
    const x = tfl.input({ shape: [28, 28, 1] });
    const d1 = tfl.layers.dense({ units: 30 }).apply(x) as tfl.SymbolicTensor;
    const d2 = tfl.layers.dense({ units: 30 }).apply(d1) as tfl.SymbolicTensor;
    const m = tfl.model({ inputs: x, outputs: d2 });
    expect(stepGemms(m, 4)).toEqual([
      { tA: 0, tB: 0, M: 4 * 784, N: 30, K: 1 },
      { tA: 1, tB: 0, M: 1, N: 30, K: 4 * 784 },
      { tA: 0, tB: 0, M: 4 * 784, N: 30, K: 30 },
      { tA: 1, tB: 0, M: 30, N: 30, K: 4 * 784 },
      { tA: 0, tB: 1, M: 4 * 784, N: 30, K: 30 },
    ]);
    m.dispose();
    const c = tfl.sequential({ layers: [tfl.layers.conv1d({ inputShape: [10, 2], filters: 3, kernelSize: 3 })] });
    expect(stepGemms(c, 4)).toMatch(/^Conv1D layer .*: its products are not modelled$/);
    c.dispose();
  });
});

describe('tableFloor', () => {
  it('adds every seed, epoch and step, and every search candidate on every fold, at its products\' time', () => {
    const g = (K: number) => [{ tA: 0 as const, tB: 0 as const, M: 1, N: 1, K }];
    const specs = [{ name: 'a', stepsPerEpoch: 10 }, { name: 'b', stepsPerEpoch: 4 }, { name: 'c', stepsPerEpoch: 1 }] as PublishedSpec[];
    const costs = [
      { name: 'a', gemms: g(2), seeds: 3, epochs: 5, search: null },
      { name: 'b', gemms: g(1), seeds: 2, epochs: 1, search: { folds: 3, epochs: 2, foldExamples: 0, foldSteps: 7, candidates: [{ params: {}, flopsPerExample: 0, gemms: g(3) }, { params: { x: 1 }, flopsPerExample: 0, gemms: 'Conv1D layer q: its products are not modelled' }] } },
      { name: 'c', gemms: 'Conv1D layer z: its products are not modelled', seeds: 1, epochs: 1, search: null },
    ] as unknown as SpecCost[];
    const f = tableFloor(specs, costs, (gs) => gs[0]!.K); // "seconds" = K
    expect(f.rows).toEqual([
      { name: 'a', stepSeconds: 2, seconds: 3 * 5 * 10 * 2 },
      { name: 'b', stepSeconds: 1, seconds: 2 * 1 * 4 * 1 + 3 * 2 * 7 * 3 },
    ]);
    expect(f.totalSeconds).toBe(300 + 8 + 126);
    expect(f.missing).toEqual(['b candidate {"x":1} (Conv1D layer q: its products are not modelled)', 'c (Conv1D layer z: its products are not modelled)']);
  });
});
