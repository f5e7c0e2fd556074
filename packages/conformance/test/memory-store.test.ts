/**
 * The run-store checks hold any RunStore to the contract, not only run
 * folders: an in-memory store passes them, and the same store with one flaw
 * (two runs given one location, a checkpoint overwritten in place) fails the
 * check for that flaw, saying what it saw.
 */
import { nodeBackend } from '@modelspec/backend-node';
import { statusOf, type RunJob, type RunRecord, type RunStart, type RunStore, type StoredRun, type TrainState } from '@modelspec/core';
import { backendChecks, runChecks } from '@modelspec/conformance';
import { describe, expect, it } from 'vitest';

const copy = (s: TrainState): TrainState => structuredClone(s);

class MemoryStore implements RunStore {
  private runs = new Map<string, Omit<StoredRun, 'location'>>();
  constructor(private readonly flaw: 'none' | 'shared-location' | 'torn-checkpoint' = 'none') {}

  async begin(job: RunJob, start: RunStart): Promise<RunRecord> {
    const location = this.flaw === 'shared-location' ? `memory:${job.id}` : `memory:${job.id}/${this.runs.size + 1}`;
    const files = Object.fromEntries(Object.entries(start.files).map(([k, f]) => [k, { sha256: f.sha256 }]));
    const run: Omit<StoredRun, 'location'> = { job, status: 'running', history: [], checkpoint: null, engine: start.engine.name, files };
    this.runs.set(location, run);
    const flaw = this.flaw;
    return {
      location,
      async epoch(r) {
        run.history.push({ ...r });
      },
      async checkpoint(state) {
        if (flaw !== 'torn-checkpoint' || !run.checkpoint) {
          run.checkpoint = copy(state);
          return;
        }
        // the flaw: the stored checkpoint is overwritten in place, a tensor at a time
        const cp = run.checkpoint;
        Object.assign(cp, { ...copy(state), weights: cp.weights });
        for (let i = 0; i < state.weights.length; i++) {
          cp.weights[i] = structuredClone(state.weights[i]!);
          await new Promise((r) => setTimeout(r, 5));
        }
      },
      async finish(result) {
        run.status = statusOf(result.stopReason);
      },
      async fail() {
        run.status = 'failed';
      },
    };
  }

  async load(location: string): Promise<StoredRun> {
    const r = this.runs.get(location);
    if (!r) throw new Error(`${location}: no such run`);
    return { location, ...r, history: r.history.map((h) => ({ ...h })), checkpoint: r.checkpoint && copy(r.checkpoint) };
  }
}

const storeChecks = (flaw: ConstructorParameters<typeof MemoryStore>[0]) =>
  backendChecks({ backend: nodeBackend(), modelLocation: () => 'unused', store: () => new MemoryStore(flaw) }).filter((c) => c.group === 'run store' || c.group === 'runner');

describe('the run-store checks', () => {
  it('pass an in-memory store', async () => {
    const results = await runChecks(storeChecks('none'));
    expect(results.filter((r) => r.status !== 'passed')).toEqual([]);
  });

  it('fail a store that gives two runs one location', async () => {
    const failed = (await runChecks(storeChecks('shared-location'))).filter((r) => r.status === 'failed');
    expect(failed.map((r) => r.name)).toContain('begin never gives two runs one location, and keeps what the run began with');
    expect(failed.find((r) => r.name.startsWith('begin never gives two runs one location'))!.message).toMatch(/^run store: two runs of job conformance-run-s3-[0-9a-f]{16} were both given memory:conformance-run-s3-[0-9a-f]{16}$/);
  });

  it('fail a store that overwrites a checkpoint in place', async () => {
    const failed = (await runChecks(storeChecks('torn-checkpoint'))).filter((r) => r.status === 'failed');
    expect(failed.map((r) => r.name)).toEqual(['a checkpoint is whole: a reader sees the previous one until the new one is complete']);
    expect(failed[0]!.message).toMatch(/^run store: while a checkpoint was written, read \d+ found neither the previous nor the new one whole \(epoch 2: tensor dense\/(kernel|bias) element \d+ is .*, .* was written\)$/);
  });
});
