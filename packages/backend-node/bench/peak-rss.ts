/**
 * Peak memory of one spec's training, in a process of its own so that the
 * high-water mark is that training's: the spec's dataset loaded, checked and
 * split as `modelspec train` does, the default engine chosen as it does, then
 * `steps` training steps through core's loop and one pass over the validation
 * data. Run by engines.ts (peakRss below); as a child it prints one JSON line.
 */
import {
  chooseEngine, compileModel, evaluateExamples, inputShapeOf, loadSpecData, prepareData, trainModel, trainOptionsFor,
} from '@modelspec/core';
import { spawn } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeBackend } from '../src/node-backend.js';
import { loadPublishedSpecs, registries as reg } from './specs.js';

export interface PeakResult {
  spec: string;
  engine: string;
  steps: number;
  validationExamples: number;
  /** process.resourceUsage().maxRSS, in bytes: after loading the data, and at the end. */
  rssAfterData: number;
  maxRss: number;
}

const maxRss = () => process.resourceUsage().maxRSS * 1024;

async function child(specFile: string, steps: number): Promise<PeakResult> {
  const { specs } = await loadPublishedSpecs(dirname(specFile));
  const s = specs.find((p) => p.file === specFile);
  if (!s) throw new Error(`${specFile} does not load`);
  const { spec } = s.loaded;
  const backend = nodeBackend({ specDir: dirname(specFile) });
  const data = await loadSpecData(spec, backend, reg);
  const engine = await chooseEngine(s.loaded, backend, reg, data.classNames.length);
  const prepared = prepareData(data.dataset, spec, inputShapeOf(s.loaded), data.classNames.length);
  const rssAfterData = maxRss();
  const model = compileModel(spec, s.loaded.check.graph, reg);
  let calls = 0;
  const opts = { ...trainOptionsFor(spec, reg, { shouldStop: () => ++calls > steps }), earlyStopping: null };
  await trainModel(model, prepared.train, null, opts);
  if (prepared.val) await evaluateExamples(model, prepared.val, { ...opts, batchSize: Math.max(opts.batchSize, 256) });
  return { spec: s.name, engine: engine.name, steps, validationExamples: prepared.counts.validation, rssAfterData, maxRss: maxRss() };
}

/** Runs the child above with this process's node and loader flags; a string says why it failed. */
export function peakRss(specFile: string, steps: number): Promise<PeakResult | string> {
  const script = fileURLToPath(import.meta.url);
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [...process.execArgv, script, specFile, String(steps)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('error', (e) => resolve(e.message));
    p.on('close', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      try {
        const r = JSON.parse(last) as PeakResult | { error: string };
        resolve('error' in r ? r.error : r);
      } catch {
        resolve(`child exited ${code}: ${(err.trim().split('\n').pop() ?? last).slice(0, 300)}`);
      }
    });
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    console.log(JSON.stringify(await child(process.argv[2]!, Number(process.argv[3] ?? 50))));
  } catch (e) {
    console.log(JSON.stringify({ error: (e as Error).message.split('\n')[0] }));
  }
  process.exit(0);
}
