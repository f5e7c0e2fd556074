import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinRegistries, createSpecLoader, formatIssues, runExperiment, type ExperimentResult } from '../index.js';
import { syntheticCsv, testBackend } from '../../test/fake-backend.js';

const reg = builtinRegistries();
const loader = createSpecLoader(reg);
const text = readFileSync(join(__dirname, '../../test/fixtures/tiny-csv-mlp.yaml'), 'utf8');
const files = { 'train.csv': syntheticCsv(240, 1), 'test.csv': syntheticCsv(60, 2) };

async function run(overrides: Record<string, unknown> = {}): Promise<ExperimentResult> {
  const loaded = loader.load(text, 'tiny-csv-mlp.yaml', { overrides });
  if (!loaded.ok) throw new Error(formatIssues(loaded.issues));
  const r = await runExperiment(loaded, testBackend(files), reg);
  r.model.dispose();
  return r;
}

describe('runExperiment', () => {
  it('gives bit-identical weights and metrics for the same spec and seed, and different ones for another seed', async () => {
    const a = await run();
    const b = await run();
    const c = await run({ seed: 2 });
    expect(a.weightsSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(b.weightsSha256).toBe(a.weightsSha256);
    expect(b.history.map((h) => [h.train, h.val])).toEqual(a.history.map((h) => [h.train, h.val]));
    expect(b.test!.values).toEqual(a.test!.values);
    expect(c.weightsSha256).not.toBe(a.weightsSha256);
    expect(c.history[0]!.train['loss']).not.toBe(a.history[0]!.train['loss']);
  });

  it('learns the synthetic task, splits as the spec says, and evaluates on the test file', async () => {
    const r = await run({ 'training.epochs': 4 });
    expect(r.data.counts).toEqual({ train: 180, validation: 60, test: 60 });
    expect(r.history).toHaveLength(4);
    expect(r.history[3]!.train['loss']).toBeLessThan(r.history[0]!.train['loss']!);
    expect(r.test!.values['accuracy']).toBeGreaterThan(0.5);
    // The confusion matrix counts every test example once.
    expect(r.test!.confusion.flat().reduce((a, b) => a + b, 0)).toBe(60);
    expect(r.test!.report.accuracy).toBeCloseTo(r.test!.values['accuracy']!, 10);
    expect(r.stopReason).toBe('completed');
  });

  it('stops early when the monitored loss stops improving, and restores the best weights', async () => {
    const r = await run({ 'training.epochs': 30, 'training.optimizer': { type: 'sgd', learningRate: 5 }, 'training.earlyStopping': { monitor: 'valLoss', patience: 1, restoreBestWeights: true } });
    expect(r.stopReason === 'early-stopping' || r.stopReason === 'non-finite-loss').toBe(true);
    expect(r.history.length).toBeLessThan(30);
  });

  it('stops on a non-finite loss and keeps the last good weights', async () => {
    const r = await run({ 'training.epochs': 5, 'training.optimizer': { type: 'sgd', learningRate: 1e30 } });
    expect(r.stopReason).toBe('non-finite-loss');
    expect(r.weightsFromEpoch).toBe(r.history.length - 1);
  });

  it('a stop asked for from outside the loop (a signal, a pool\'s or a page\'s message) lands at the next batch, not at the epoch\'s end', async () => {
    // 6,000 batches of one example: an epoch of seconds, which awaits only settled promises on the CPU engine
    const many = { 'train.csv': syntheticCsv(8000, 1), 'test.csv': syntheticCsv(10, 2) };
    const loaded = loader.load(text, 'tiny-csv-mlp.yaml', { overrides: { 'training.epochs': 1, 'training.batchSize': 1 } });
    if (!loaded.ok) throw new Error('invalid');
    // asked in a macrotask, as a signal handler or a message is, queued at the first batch:
    // it runs only when the loop gives the event loop a turn
    const stop = { asked: false, queued: false };
    const shouldStop = () => {
      if (!stop.queued) setTimeout(() => (stop.asked = true), 0);
      stop.queued = true;
      return stop.asked;
    };
    let at: { epoch: number; batch: number } | null = null;
    const t0 = performance.now();
    const r = await runExperiment(loaded, testBackend(many), reg, {}, { shouldStop, onInterrupt: async (state) => void (at = await state()) });
    r.model.dispose();
    expect(r.stopReason).toBe('interrupted');
    expect(r.history).toHaveLength(0); // it did not finish the epoch first
    expect(at).toMatchObject({ epoch: 0, batch: expect.any(Number) });
    expect(at!.batch).toBeGreaterThan(0);
    expect(at!.batch).toBeLessThan(6000);
    expect(performance.now() - t0).toBeLessThan(60_000);
  });

  it('an interrupt keeps the completed epochs', async () => {
    const loaded = loader.load(text, 'tiny-csv-mlp.yaml', { overrides: { 'training.epochs': 5 } });
    if (!loaded.ok) throw new Error('invalid');
    let epochs = 0;
    const r = await runExperiment(loaded, testBackend(files), reg, {}, { onEpoch: () => void epochs++, shouldStop: () => epochs >= 2 });
    r.model.dispose();
    expect(r.stopReason).toBe('interrupted');
    expect(r.history).toHaveLength(2);
    expect(r.weightsFromEpoch).toBe(2);
    expect(r.test).toBeNull();
  });
});
