import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import { decodeTrainState, encodeTrainState, RunError, statusOf, type EpochRecord, type ExperimentResult, type FoldCheckpoint, type ModelMetadata, type RunJob, type RunOutcome, type RunRecord, type RunStart, type RunStatus, type RunStore, type StoredRun, type TrainState } from '@modelspec/core';
import { RunRecorder } from '@modelspec/backend-node';
import { connectionOptions, parseRedisUrl } from './url.js';

/**
 * One Lua script for every write a run makes: it happens only while the
 * writer still owns the run. A worker that lost its job (paused past the
 * lock, then woken) finds another worker's owner token there and stops at
 * its next write instead of overwriting the run that replaced it.
 */
const GUARDED = `
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return 0 end
local n = tonumber(ARGV[2])
if n > 0 then redis.call('HSET', KEYS[1], unpack(ARGV, 3, 2 + 2 * n)) end
local op = ARGV[3 + 2 * n]
if op == 'push' then redis.call('RPUSH', KEYS[2], ARGV[4 + 2 * n])
elseif op == 'checkpoint' then redis.call('HSET', KEYS[2], 'json', ARGV[4 + 2 * n], 'bytes', ARGV[5 + 2 * n])
elseif op == 'finish' then
  redis.call('HINCRBY', KEYS[1], 'completions', 1)
  redis.call('DEL', KEYS[2])
end
return 1`;

/** A run whose record says it runs, though the queue handed its job to another worker: its worker is gone. */
const RESUMABLE = new Set(['running', 'interrupted', 'failed']);

const now = () => new Date().toISOString();

/** `host:/path` (what reports show for a run kept on another machine) → its parts. */
export function splitLocation(location: string): { host: string; path: string } | null {
  const m = /^([^:/]+):(\/.*)$/.exec(location);
  return m ? { host: m[1]!, path: m[2]! } : null;
}

/**
 * Runs kept in Redis, keyed by job id, so that any worker that reaches the
 * same Redis can resume a run another one left: its record (status, owner,
 * engine, data files), its epoch history, its last checkpoint (the training
 * state as JSON plus one binary field) and, once it finished, its outcome;
 * for a search's fold, its last checkpoint until its outcome is kept.
 * The run's files (model, metrics, confusion, predictions) are written as a
 * run folder on the worker that finishes it, named `host:/path`.
 */
export class RedisRunStore implements RunStore {
  private readonly host = hostname();

  constructor(
    private readonly redis: Redis,
    /** Where this worker's run folders go. */
    readonly localRoot: string,
    /** Key prefix (the queue's name), so that several queues share one Redis. */
    private readonly prefix = 'modelspec-trials',
  ) {}

  /** A store on its own connection to the Redis at `url` (close it with `close`). */
  static async open(url: string, localRoot: string, prefix?: string): Promise<RedisRunStore> {
    const redis = new Redis(connectionOptions(parseRedisUrl(url)));
    await redis.ping();
    return new RedisRunStore(redis, localRoot, prefix);
  }

  async close(): Promise<void> {
    await this.redis.quit();
  }

  private key(...parts: string[]): string {
    return `${this.prefix}:${parts.join(':')}`;
  }
  private runKey = (jobId: string) => this.key('run', jobId);
  private historyKey = (jobId: string) => this.key('run', jobId, 'history');
  private checkpointKey = (jobId: string) => this.key('run', jobId, 'checkpoint');
  private outcomeKey = (jobId: string) => this.key('outcome', jobId);
  private foldKey = (jobId: string) => this.key('fold', jobId);
  private locationsKey = () => this.key('locations');

  async begin(job: RunJob, start: RunStart): Promise<RunRecord> {
    const local = await RunRecorder.begin(this.localRoot, job, start);
    return this.own(job, start, local, []);
  }

  async reopen(run: StoredRun, start: RunStart): Promise<RunRecord> {
    if (!run.job) throw new RunError('not-resumable', `${run.location}: the stored run has no job`);
    const history = run.checkpoint?.history ?? [];
    // the same folder when it is on this machine still; else a new one here, with the history so far
    const here = splitLocation(run.location);
    const inPlace = here && here.host === this.host && (await stat(`${here.path}/run.json`).then(() => true, () => false));
    const path = inPlace ? here.path : (await RunRecorder.begin(this.localRoot, run.job, start)).path;
    const local = await RunRecorder.reopen(path, run.job, start, history);
    return this.own(run.job, start, local, history, run.location);
  }

  /** Takes the run over in Redis (a new owner token: an earlier writer of it stops) and returns its record. */
  private async own(job: RunJob, start: RunStart, local: RunRecorder, history: EpochRecord[], previous?: string): Promise<RunRecord> {
    const owner = randomUUID();
    const location = `${this.host}:${local.path}`;
    const tx = this.redis.multi();
    tx.hset(this.runKey(job.id), {
      owner,
      status: 'running',
      location,
      job: JSON.stringify(job),
      engine: start.engine.name,
      files: JSON.stringify(Object.fromEntries(Object.entries(start.files).map(([k, f]) => [k, { sha256: f.sha256 }]))),
      host: this.host,
      pid: String(process.pid),
      updated: now(),
      epochs: String(history.length),
      ...(previous ? { resumedAt: now(), resumedFrom: previous } : { started: now() }),
    });
    tx.del(this.historyKey(job.id));
    if (history.length) tx.rpush(this.historyKey(job.id), ...history.map((h) => JSON.stringify(h)));
    if (!previous) tx.del(this.checkpointKey(job.id));
    tx.hset(this.locationsKey(), location, job.id);
    await tx.exec();
    return new RedisRunRecord(this, job.id, owner, location, local, history.length);
  }

  /** One guarded write (see GUARDED); false when another worker owns the run now. */
  async write(jobId: string, owner: string, fields: Record<string, string>, op: '' | 'push' | 'checkpoint' | 'finish' = '', ...args: (string | Buffer)[]): Promise<boolean> {
    const pairs = Object.entries(fields).flat();
    const r = await this.redis.eval(GUARDED, 2, this.runKey(jobId), op === 'push' ? this.historyKey(jobId) : this.checkpointKey(jobId), owner, String(pairs.length / 2), ...pairs, op, ...args);
    return r === 1;
  }

  async load(location: string): Promise<StoredRun> {
    const jobId = await this.redis.hget(this.locationsKey(), location);
    if (!jobId) throw new RunError('not-a-run', `${location} is not a run this queue's store knows`);
    const run = await this.loadJob(jobId);
    if (!run) throw new RunError('not-a-run', `${location}: its record is gone from the queue's store`);
    return run;
  }

  /** The stored run of a job, with its last checkpoint; null when it never began. */
  async loadJob(jobId: string): Promise<StoredRun | null> {
    const [head, lines, cp] = await Promise.all([this.redis.hgetall(this.runKey(jobId)), this.redis.lrange(this.historyKey(jobId), 0, -1), this.redis.hgetallBuffer(this.checkpointKey(jobId))]);
    if (!head['status'] || !head['job']) return null;
    let checkpoint: TrainState | null = null;
    if (cp['json'] && cp['bytes']) {
      try {
        checkpoint = decodeTrainState(cp['json'].toString('utf8'), new Uint8Array(cp['bytes']));
      } catch (e) {
        throw new RunError('checkpoint-corrupt', `job ${jobId}: its checkpoint in the queue's store cannot be read: ${(e as Error).message}`);
      }
    }
    return {
      location: head['location']!,
      job: JSON.parse(head['job']) as RunJob,
      // the queue gave the job to another worker: a run still "running" has lost its worker
      status: head['status'] === 'running' ? 'killed' : (head['status'] as RunStatus),
      history: lines.map((l) => JSON.parse(l) as EpochRecord),
      checkpoint,
      engine: head['engine'] ?? null,
      files: head['files'] ? (JSON.parse(head['files']) as Record<string, { sha256: string }>) : null,
    };
  }

  /** How many times a job's training ran to its end (more than once only if the same work was done twice). */
  async completions(jobId: string): Promise<number> {
    return Number((await this.redis.hget(this.runKey(jobId), 'completions')) ?? 0);
  }

  async unfinished(jobId: string): Promise<StoredRun | null> {
    const status = await this.redis.hget(this.runKey(jobId), 'status');
    return status && RESUMABLE.has(status) ? this.loadJob(jobId) : null;
  }

  async outcome(jobId: string): Promise<RunOutcome | null> {
    const text = await this.redis.get(this.outcomeKey(jobId));
    if (!text) return null;
    const o = JSON.parse(text) as RunOutcome;
    return o.job === jobId ? o : null;
  }

  async saveOutcome(outcome: RunOutcome): Promise<void> {
    await this.redis.set(this.outcomeKey(outcome.job), JSON.stringify(outcome));
  }

  /**
   * A fold job's last checkpoint: one hash under the job's id (its engine and data
   * files, the training state as JSON plus one binary field), written whole
   * by one HSET, so any worker can go on with a fold another one left.
   * Unguarded, unlike a run's writes: a fold has no run record to own, and
   * a worker that lost the job and writes on is at a point of the same
   * seeded training, which a resume goes on from just as well.
   */
  async foldCheckpoint(jobId: string): Promise<FoldCheckpoint | null> {
    const h = await this.redis.hgetallBuffer(this.foldKey(jobId));
    if (!h['head'] || !h['json'] || !h['bytes']) return null;
    const head = JSON.parse(h['head'].toString('utf8')) as { engine: string; files: FoldCheckpoint['files'] };
    try {
      return { state: decodeTrainState(h['json'].toString('utf8'), new Uint8Array(h['bytes'])), engine: head.engine, files: head.files };
    } catch (e) {
      throw new RunError('checkpoint-corrupt', `job ${jobId}: its fold checkpoint in the queue's store cannot be read: ${(e as Error).message}`);
    }
  }

  async saveFoldCheckpoint(jobId: string, c: FoldCheckpoint | null): Promise<void> {
    if (!c) {
      await this.redis.del(this.foldKey(jobId));
      return;
    }
    const { json, bytes } = encodeTrainState(c.state);
    await this.redis.hset(this.foldKey(jobId), { head: JSON.stringify({ engine: c.engine, files: c.files }), json, bytes: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) });
  }

  /** Forgets a job's outcome and fold checkpoint (a fresh run replaces them). */
  async forget(jobId: string): Promise<void> {
    await this.redis.del(this.outcomeKey(jobId), this.foldKey(jobId));
  }
}

/** A run's record: its folder on this worker, and its record and checkpoints in Redis, while this worker owns it. */
class RedisRunRecord implements RunRecord {
  constructor(
    private readonly store: RedisRunStore,
    private readonly jobId: string,
    private readonly owner: string,
    readonly location: string,
    private readonly local: RunRecorder,
    private epochs: number,
  ) {}

  private async guarded(fields: Record<string, string>, op: '' | 'push' | 'checkpoint' | 'finish' = '', ...args: (string | Buffer)[]): Promise<void> {
    if (!(await this.store.write(this.jobId, this.owner, { updated: now(), ...fields }, op, ...args))) {
      throw new RunError('run-taken-over', `job ${this.jobId}: another worker has taken this run over (this one lost the job, e.g. it was paused longer than the queue's lock); stopping here`);
    }
  }

  async epoch(record: EpochRecord): Promise<void> {
    await this.local.epoch(record);
    this.epochs++;
    await this.guarded({ epochs: String(this.epochs) }, 'push', JSON.stringify(record));
  }

  async checkpoint(state: TrainState): Promise<void> {
    const { json, bytes } = encodeTrainState(state);
    await this.guarded({}, 'checkpoint', json, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }

  async finish(result: ExperimentResult, metadata: ModelMetadata | null): Promise<void> {
    await this.guarded({}); // still ours before the files are written
    await this.local.finish(result, metadata);
    const status = statusOf(result.stopReason);
    // a finished run's checkpoint is dropped (its outcome is what a re-run reuses): Redis holds those of runs in flight only
    await this.guarded({ status, weightsSha256: result.weightsSha256, finished: now() }, status === 'interrupted' ? '' : 'finish');
  }

  async fail(error: unknown): Promise<void> {
    await this.local.fail(error);
    // a run taken over is the other worker's to record
    await this.store.write(this.jobId, this.owner, { status: 'failed', error: (error as Error)?.message ?? String(error), updated: now() });
  }
}
