import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPluginHost, createSpecLoader, formatIssues, localExecutor, makeJob, resumableExecutor, runJob, decodeTrainState, encodeTrainState, type FoldCheckpoint, type RunEvent, type RunOutcome, type RunRecord, type RunStore, type TrainState, type ResolvedModelSpec } from '../index.js';
import { syntheticCsv, testBackend } from '../../test/fake-backend.js';

const host = createPluginHost();
const reg = host.registries;
const loader = createSpecLoader(reg);
const text = readFileSync(join(__dirname, '../../test/fixtures/tiny-csv-mlp.yaml'), 'utf8');
const files = { 'train.csv': syntheticCsv(240, 1), 'test.csv': syntheticCsv(60, 2) };

function spec(overrides: Record<string, unknown> = {}): ResolvedModelSpec {
  const loaded = loader.load(text, 'tiny-csv-mlp.yaml', { overrides });
  if (!loaded.ok) throw new Error(formatIssues(loaded.issues));
  return loaded.spec;
}

/** A store in memory that keeps every checkpoint (through the JSON + bytes encoding a real store writes), and each fold's last one. */
function memoryStore() {
  const runs: { location: string; epochs: number; checkpoints: TrainState[]; status: string }[] = [];
  const folds = new Map<string, FoldCheckpoint>();
  const store: RunStore = {
    foldCheckpoint: async (id) => folds.get(id) ?? null,
    saveFoldCheckpoint: async (id, c) => void (c ? folds.set(id, c) : folds.delete(id)),
    async begin(job) {
      const run = { location: `mem:${job.id}:${runs.length}`, epochs: 0, checkpoints: [] as TrainState[], status: 'running' };
      runs.push(run);
      const record: RunRecord = {
        location: run.location,
        epoch: async () => void run.epochs++,
        checkpoint: async (s) => {
          const { json, bytes } = encodeTrainState(s);
          run.checkpoints.push(decodeTrainState(json, bytes.slice()));
        },
        finish: async (r) => void (run.status = r.stopReason),
        fail: async () => void (run.status = 'failed'),
      };
      return record;
    },
    load: async () => {
      throw new Error('not here');
    },
  };
  return { store, runs, folds };
}

const plugins = host.records();
const withoutSeconds = (h: { seconds: number }[]) => h.map(({ seconds: _s, ...r }) => r);

describe('runJob', () => {
  it('runs a job, says so in serializable events, and records epochs and checkpoints in the store', async () => {
    const { store, runs } = memoryStore();
    const events: RunEvent[] = [];
    const job = makeJob({ spec: spec(), plugins });
    const outcome = await runJob(job, { registries: reg, backend: testBackend(files), store, plugins, onEvent: (e) => events.push(e) });
    expect(outcome.status).toBe('completed');
    expect(outcome.location).toBe(runs[0]!.location);
    expect(runs[0]!.epochs).toBe(2);
    expect(runs[0]!.checkpoints.map((c) => c.epoch)).toEqual([1, 2]);
    const kinds = events.filter((e) => e.type !== 'batch').map((e) => e.type);
    expect(kinds).toEqual(['started', 'epoch', 'checkpoint', 'epoch', 'checkpoint', 'finished']);
    // events cross threads and machines as JSON
    expect(JSON.parse(JSON.stringify(events.at(-1)))).toEqual(events.at(-1));
  });

  it("writes an epoch's checkpoint before it says the epoch is done, for a run and for a search's fold", async () => {
    const order: string[] = [];
    const { store: base } = memoryStore();
    const store: RunStore = {
      ...base,
      async begin(job, start) {
        const r = await base.begin(job, start);
        return { ...r, checkpoint: async (s) => void (await r.checkpoint(s), order.push(`kept ${s.epoch}`)) };
      },
      saveFoldCheckpoint: async (id, c) => void (await base.saveFoldCheckpoint!(id, c), c && order.push(`kept ${c.state.epoch}`)),
    };
    const onEvent = (e: RunEvent) => {
      if (e.type === 'epoch') order.push(`epoch ${e.record.epoch}`);
      if (e.type === 'checkpoint') order.push(`checkpoint ${e.epoch}`);
    };
    await runJob(makeJob({ spec: spec(), plugins }), { registries: reg, backend: testBackend(files), store, plugins, onEvent });
    expect(order).toEqual(['kept 1', 'epoch 1', 'checkpoint 1', 'kept 2', 'epoch 2', 'checkpoint 2']);
    order.length = 0;
    // a fold keeps no checkpoint after its last epoch: its outcome is kept instead
    await runJob(makeJob({ spec: spec(), plugins, fold: { folds: 3, index: 0, scoreBy: 'accuracy' } }), { registries: reg, backend: testBackend(files), store, plugins, onEvent });
    expect(order).toEqual(['kept 1', 'epoch 1', 'checkpoint 1', 'epoch 2']);
  });

  it('gives every job the same id wherever it is made, and a different one for another seed', () => {
    expect(makeJob({ spec: spec(), plugins }).id).toBe(makeJob({ spec: spec(), plugins, specFile: 'elsewhere.yaml' }).id);
    expect(makeJob({ spec: spec({ seed: 2 }), plugins }).id).not.toBe(makeJob({ spec: spec(), plugins }).id);
  });

  it('resumed from any epoch checkpoint, ends with the weights and history of the run that never stopped', async () => {
    const { store, runs } = memoryStore();
    const s = spec({ 'training.epochs': 4 });
    const full = await runJob(makeJob({ spec: s, plugins }), { registries: reg, backend: testBackend(files), store, plugins });
    for (const from of [1, 3]) {
      const state = runs[0]!.checkpoints[from - 1]!;
      const record = async () => ({ location: 'mem:resumed', epoch: async () => {}, checkpoint: async () => {}, finish: async () => {}, fail: async () => {} });
      const resumed = await runJob(makeJob({ spec: s, plugins }), { registries: reg, backend: testBackend(files), plugins, resume: { state, record } });
      expect(resumed.summary!.weightsSha256).toBe(full.summary!.weightsSha256);
      expect(withoutSeconds(resumed.summary!.history)).toEqual(withoutSeconds(full.summary!.history));
      expect(resumed.summary!.measured).toEqual(full.summary!.measured);
    }
  });

  it('a stop mid-epoch checkpoints at the end of the batch, and a resume from there ends like the run that never stopped', async () => {
    const s = spec({ 'training.epochs': 3 });
    const full = await runJob(makeJob({ spec: s, plugins }), { registries: reg, backend: testBackend(files), plugins });
    const { store, runs } = memoryStore();
    const signal = { aborted: false };
    const stopped = await runJob(makeJob({ spec: s, plugins }), {
      registries: reg,
      backend: testBackend(files),
      store,
      plugins,
      signal,
      onEvent: (e) => {
        if (e.type === 'batch' && e.progress.epoch === 2 && e.progress.batch === 10) signal.aborted = true;
      },
    });
    expect(stopped.status).toBe('interrupted');
    const state = runs[0]!.checkpoints.at(-1)!;
    expect([state.epoch, state.batch, state.sums.length]).toEqual([1, 10, 2]);
    const record = async () => ({ location: 'mem:resumed', epoch: async () => {}, checkpoint: async () => {}, finish: async () => {}, fail: async () => {} });
    const resumed = await runJob(makeJob({ spec: s, plugins }), { registries: reg, backend: testBackend(files), plugins, resume: { state, record } });
    expect(resumed.summary!.weightsSha256).toBe(full.summary!.weightsSha256);
    expect(withoutSeconds(resumed.summary!.history)).toEqual(withoutSeconds(full.summary!.history));
  });

  it('stops when its signal is aborted, keeping the last complete epoch', async () => {
    const signal = { aborted: false };
    const outcome = await runJob(makeJob({ spec: spec({ 'training.epochs': 5 }), plugins }), {
      registries: reg,
      backend: testBackend(files),
      plugins,
      signal,
      onEvent: (e) => {
        if (e.type === 'epoch' && e.record.epoch === 2) signal.aborted = true;
      },
    });
    expect(outcome.status).toBe('interrupted');
    expect(outcome.summary!.history).toHaveLength(2);
  });

  it('refuses a job that needs a plugin this runner does not have', async () => {
    const job = makeJob({ spec: spec(), plugins: [...plugins, { name: 'modelspec-plugin-acme', version: '1.0.0' }] });
    const events: RunEvent[] = [];
    await expect(runJob(job, { registries: reg, backend: testBackend(files), plugins, onEvent: (e) => events.push(e) })).rejects.toThrow(/needs the plugin\(s\) modelspec-plugin-acme@1\.0\.0/);
    expect(events).toEqual([{ type: 'failed', job: job.id, error: expect.objectContaining({ code: 'missing-plugin' }) }]);
  });

  it("keeps a fold's checkpoint until its outcome is kept: a process that dies while keeping the outcome goes on from the last epoch, not from scratch", async () => {
    const { store: base, folds: checkpoints } = memoryStore();
    const outcomes = new Map<string, RunOutcome>();
    let dies = true;
    const store: RunStore = {
      ...base,
      outcome: async (id) => outcomes.get(id) ?? null,
      saveOutcome: async (o) => {
        if (dies) throw new Error('killed while writing the outcome');
        outcomes.set(o.job, o);
      },
    };
    const job = makeJob({ spec: spec(), plugins, fold: { folds: 3, index: 1, scoreBy: 'loss' } });
    const ctx = { registries: reg, backend: testBackend(files), store, plugins };
    await expect(resumableExecutor(ctx)(job)).rejects.toThrow(/killed while writing the outcome/);
    expect(checkpoints.get(job.id)?.state.epoch).toBe(1); // the spec's 2 epochs: the last checkpoint is epoch 1's
    dies = false;
    const events: RunEvent[] = [];
    const o = await resumableExecutor(ctx)(job, (e) => events.push(e));
    expect(events.find((e) => e.type === 'started')).toMatchObject({ resumedFrom: 1 });
    expect(outcomes.get(job.id)).toEqual(o);
    expect(checkpoints.has(job.id)).toBe(false); // kept as an outcome now
    const unbroken = await runJob(job, { registries: reg, backend: testBackend(files), plugins });
    expect(o.fold!.score).toBe(unbroken.fold!.score);
  });

  it('reuses a kept outcome only while its dataset files are the ones it was trained on, and says which differ', async () => {
    const outcomes = new Map<string, RunOutcome>();
    const store: RunStore = { ...memoryStore().store, outcome: async (id) => outcomes.get(id) ?? null, saveOutcome: async (o) => void outcomes.set(o.job, o) };
    const job = makeJob({ spec: spec(), plugins, fold: { folds: 3, index: 1, scoreBy: 'accuracy' } });
    const exec = (f: Record<string, string>) => resumableExecutor({ registries: reg, backend: testBackend(f), store, plugins });
    const first = await exec(files)(job);
    expect(Object.keys(first.files ?? {}).length).toBeGreaterThan(0);
    const events: RunEvent[] = [];
    expect(await exec(files)(job, (e) => events.push(e))).toEqual(first);
    expect(events.map((e) => e.type)).toEqual(['reused']);
    // the same file names, other bytes
    const other = { ...files, 'train.csv': syntheticCsv(240, 7) };
    await expect(exec(other)(job)).rejects.toMatchObject({ code: 'resume-data-changed', message: expect.stringMatching(/the dataset file\(s\) \S*train\.csv differ from the ones fold 2 of 3 was trained on \(SHA-256\), so its kept result is not reused/) });
    // an outcome kept before outcomes named their files cannot be checked, and is reused as before
    const { files: _f, ...old } = first;
    outcomes.set(job.id, old);
    expect(await exec(other)(job)).toEqual(old);
  });

  it('drops a fold\'s checkpoint once it ends when run anew (--fresh), and keeps it when it is stopped', async () => {
    const { store, folds: checkpoints } = memoryStore();
    const job = makeJob({ spec: spec(), plugins, fold: { folds: 3, index: 0, scoreBy: 'accuracy' } });
    const signal = { aborted: false };
    const stopped = await localExecutor({ registries: reg, backend: testBackend(files), store, plugins, signal })(job, (e) => {
      if (e.type === 'checkpoint') signal.aborted = true;
    });
    expect(stopped.status).toBe('interrupted');
    expect(checkpoints.has(job.id)).toBe(true);
    const done = await localExecutor({ registries: reg, backend: testBackend(files), store, plugins })(job);
    expect(done.status).toBe('completed');
    expect(checkpoints.has(job.id)).toBe(false);
  });

  it('scores one cross-validation fold', async () => {
    const o = await runJob(makeJob({ spec: spec(), plugins, fold: { folds: 3, index: 1, scoreBy: 'accuracy' } }), { registries: reg, backend: testBackend(files), plugins });
    expect(o.fold!.score).toBeGreaterThanOrEqual(0);
    expect(o.counts.train + o.counts.validation).toBe(240);
    expect(o.location).toBeNull();
  });
});
