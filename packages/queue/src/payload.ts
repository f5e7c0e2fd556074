import { formatIssue, makeJob, RunError, type PluginRecord, type RunJob, type SpecLoader } from '@modelspec/core';

/** The queue every modelspec submitter and worker share (unless told another). */
export const DEFAULT_QUEUE = 'modelspec-trials';

/**
 * What a queued trial carries: one run job (data, never code) and whether a
 * finished or unfinished run of it may be reused. The version lets a worker
 * refuse what a newer modelspec sends instead of misreading it.
 */
export interface TrialPayload {
  v: 1;
  job: RunJob;
  fresh: boolean;
}

/** What a worker can run: the schema of its registries, its plugins and its engines. */
export interface WorkerAbilities {
  validator: SpecLoader['validator'];
  plugins: readonly PluginRecord[];
  /** Names of the engines available here. */
  engines: readonly string[];
}

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const isCount = (v: unknown) => v === null || (Number.isInteger(v) && (v as number) >= 1);

function refuse(message: string, hint?: string): never {
  throw new RunError('job-refused', message, hint);
}

/** The shape of a RunJob, field by field (a job is data from another machine: nothing is taken on trust). */
function shapeProblem(j: Record<string, unknown>): string | null {
  if (typeof j['id'] !== 'string' || !/^[A-Za-z0-9._-]{1,200}$/.test(j['id'])) return 'id is not a job id';
  if (j['kind'] !== 'train' && j['kind'] !== 'fold') return 'kind is neither "train" nor "fold"';
  if (!isObj(j['spec'])) return 'spec is not an object';
  if (j['specFile'] !== null && typeof j['specFile'] !== 'string') return 'specFile is not a string';
  if (!isObj(j['overrides'])) return 'overrides is not an object';
  if (!isCount(j['limit']) || !isCount(j['testLimit'])) return 'limit and testLimit must be null or positive integers';
  if (j['engine'] !== null && typeof j['engine'] !== 'string') return 'engine is not a name';
  const f = j['fold'];
  if (f !== null) {
    if (!isObj(f) || !Number.isInteger(f['folds']) || (f['folds'] as number) < 2 || !Number.isInteger(f['index']) || (f['index'] as number) < 0 || (f['index'] as number) >= (f['folds'] as number) || (f['scoreBy'] !== 'accuracy' && f['scoreBy'] !== 'loss')) {
      return 'fold is not {folds, index, scoreBy}';
    }
  }
  if ((j['kind'] === 'fold') !== (f !== null)) return 'a fold job has a fold, a train job none';
  if (!Array.isArray(j['plugins']) || !j['plugins'].every((p) => isObj(p) && typeof p['name'] === 'string' && typeof p['version'] === 'string')) return 'plugins is not a list of {name, version}';
  if (j['attachments'] !== null && !isObj(j['attachments'])) return 'attachments is not an object';
  return null;
}

/**
 * Checks a queued payload before anything runs: it is a run job of the
 * known shape, its id is the digest of its content (reuse and resumes are
 * keyed by id), its spec validates against this worker's schema, and its
 * plugins and engine are here. Anything else is refused with the reason.
 */
export function checkPayload(data: unknown, can: WorkerAbilities): TrialPayload {
  if (!isObj(data) || data['v'] !== 1 || !isObj(data['job']) || typeof data['fresh'] !== 'boolean') {
    refuse(`not a modelspec trial (version 1 payload {v, job, fresh})${isObj(data) && typeof data['v'] === 'number' && data['v'] !== 1 ? `: version ${data['v']} comes from another modelspec` : ''}`, 'submit trials with modelspec reproduce/search --queue of the same modelspec version');
  }
  const j = data['job'];
  const problem = shapeProblem(j);
  if (problem) refuse(`not a run job: ${problem}`);
  const job = j as unknown as RunJob;
  if (makeJob(job).id !== job.id) refuse(`job ${job.id}: its id is not the digest of its content (changed on the way?)`);
  const missing = job.plugins.filter((p) => !can.plugins.some((h) => h.name === p.name));
  if (missing.length) {
    refuse(`job ${job.id} needs the plugin(s) ${missing.map((p) => `${p.name}@${p.version}`).join(', ')}, which this worker has not loaded`, `start the worker with --plugin ${missing.map((p) => p.name).join(' --plugin ')}`);
  }
  if (job.engine !== null && !can.engines.includes(job.engine)) {
    refuse(`job ${job.id} asks for the engine "${job.engine}", which is not available on this worker (here: ${can.engines.join(', ') || 'none'})`, 'run it on a worker that has that engine (modelspec doctor says why one is missing), or submit without --engine');
  }
  const v = can.validator.validate(job.spec);
  if (!v.ok) {
    refuse(`job ${job.id}: its spec does not validate against this worker's schema: ${v.issues.slice(0, 3).map((i) => formatIssue(i)).join('; ')}`, 'a worker needs the same modelspec version and plugins as the submitter');
  }
  return { v: 1, job, fresh: data['fresh'] as boolean };
}
