import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeJob, type ResolvedModelSpec } from '@modelspec/core';
import { queueExecutor } from '@modelspec/queue';

/**
 * Issue 12: trials on a Redis queue. Debian's redis-server on a free
 * loopback port, worker processes of the real binary, and the same
 * reproduction and search in-process and through the queue: the same
 * weights (hash per seed) and figures, also with a worker SIGKILLed in the
 * middle of a trial. REPRODUCTIONS.md rows come from full runs only, so the
 * comparison is on what they are made of: `reproduce --json` and report.json.
 */
const root = resolve(__dirname, '../../..');
const bin = join(root, 'packages/cli/bin/modelspec.js');
const dir = mkdtempSync(join(tmpdir(), 'modelspec-queue-'));
const REDIS = spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).status === 0;
if (!REDIS) console.warn('queue.test: redis-server is not installed (Debian package redis-server; scripts/setup.sh installs it): the queue tests are skipped');

const children: ChildProcess[] = [];
let redisUrl = '';

const freePort = () =>
  new Promise<number>((done, fail) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => done(port));
    });
    s.on('error', fail);
  });

function modelspec(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done) => {
    const p = spawn(process.execPath, [bin, ...args], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('exit', (code) => done({ code, out, err }));
  });
}

interface Worker {
  proc: ChildProcess;
  log: () => string;
  exited: Promise<void>;
}

/** A `modelspec worker` on the test's Redis (database `db`), once it listens. */
async function worker(name: string, db: number): Promise<Worker> {
  const proc = spawn(process.execPath, [bin, 'worker', '--queue', `${redisUrl}/${db}`, '--out', `w-${name}`, '--lock-duration', '3000'], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
  children.push(proc);
  let log = '';
  const exited = new Promise<void>((r) => proc.on('exit', () => r()));
  await new Promise<void>((ready, fail) => {
    proc.stderr!.on('data', (d: Buffer) => {
      log += d.toString();
      if (/listening on/.test(log)) ready();
    });
    proc.on('exit', (code) => fail(new Error(`worker ${name} exited (${code}): ${log}`)));
  });
  return { proc, log: () => log, exited };
}

const redisCli = (...args: string[]) => spawnSync('redis-cli', ['-u', redisUrl.replace(/\/\d+$/, ''), ...args], { encoding: 'utf8' }).stdout.trim();

beforeAll(async () => {
  if (!REDIS) return;
  const port = await freePort();
  const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { cwd: dir });
  children.push(server);
  await new Promise<void>((ready, fail) => {
    let log = '';
    server.stdout!.on('data', (d: Buffer) => {
      log += d.toString();
      if (/Ready to accept connections/.test(log)) ready();
    });
    server.on('exit', (code) => fail(new Error(`redis-server exited (${code}): ${log}`)));
  });
  redisUrl = `redis://127.0.0.1:${port}`;
});

afterAll(() => {
  for (const c of children.reverse()) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const SPEC = join(root, 'specs/e-shallow.yaml');
// epochs long enough (about a second each on 2 cores) to be killed in the middle of one; the three seeds only
const ARGS = ['--limit', '2000', '--epochs', '3', '--seeds', '1,2,3', '--test-limit', '500', '--set', 'reproduce.maxSeeds=3'];

interface RunRow {
  seed: number;
  weightsSha256: string;
  measured: Record<string, number>;
  location: string;
}
interface Rep {
  figures: unknown[];
  verdict: string;
  runs: RunRow[];
}
/** What a reproduction's table row and report are made of, without where and how long. */
const essence = (r: Rep) => ({ figures: r.figures, verdict: r.verdict, runs: r.runs.map(({ seed, weightsSha256, measured }) => ({ seed, weightsSha256, measured })) });
const reportOf = (reports: string) => {
  const d = readdirSync(join(dir, reports))[0]!;
  return JSON.parse(readFileSync(join(dir, reports, d, 'report.json'), 'utf8')) as Rep;
};

let baseline: Rep | null = null;
async function inProcess(): Promise<Rep> {
  if (baseline) return baseline;
  const r = await modelspec(['reproduce', SPEC, ...ARGS, '--out', 'local-runs', '--reports', 'local-reports', '--json']);
  expect(r.code, r.err).toBe(0);
  baseline = (JSON.parse(r.out) as Rep[])[0]!;
  expect(essence(reportOf('local-reports'))).toEqual(essence(baseline));
  return baseline;
}

describe.skipIf(!REDIS)('trials on a Redis queue', () => {
  let workers: Worker[] = [];

  it('a reproduction through the queue, on two workers, equals the in-process one: weights per seed, figures, report', { timeout: 240_000 }, async () => {
    workers = await Promise.all([worker('a', 0), worker('b', 0)]);
    const [base, q] = await Promise.all([inProcess(), modelspec(['reproduce', SPEC, ...ARGS, '--queue', `${redisUrl}/0`, '--out', 'q-runs', '--reports', 'q-reports', '--json'])]);
    expect(q.code, q.err).toBe(0);
    const rep = (JSON.parse(q.out) as Rep[])[0]!;
    expect(essence(rep)).toEqual(essence(base));
    expect(essence(reportOf('q-reports'))).toEqual(essence(base));
    // the runs are kept where they ran, named host:path
    for (const r of rep.runs) expect(r.location).toMatch(/^[^:/]+:\/.*\/w-[ab]\/e-shallow-/);
    // the same progress display as a local run
    expect(q.err).toMatch(/seed 2 \(2\/3\)\] epoch 3\/3/);

    // submitted again: every trial's finished job is reused, nothing runs
    const again = await modelspec(['reproduce', SPEC, ...ARGS, '--queue', `${redisUrl}/0`, '--out', 'q-runs', '--reports', 'q-reports', '--json']);
    expect(again.code, again.err).toBe(0);
    expect(again.err.match(/already ran to the end/g)).toHaveLength(3);
    expect(essence((JSON.parse(again.out) as Rep[])[0]!)).toEqual(essence(base));
  });

  it('a worker SIGKILLed in the middle of a trial: another one resumes it from its checkpoint; every trial completes once, with the same weights', { timeout: 240_000 }, async () => {
    const pair = await Promise.all([worker('c', 1), worker('d', 1)]);
    const submit = modelspec(['reproduce', SPEC, ...ARGS, '--queue', `${redisUrl}/1`, '--out', 'k-runs', '--reports', 'k-reports', '--json']);
    // the first worker to checkpoint an epoch is killed during its next one (seen within 20 ms)
    const victim = await new Promise<Worker>((found) => {
      const t = setInterval(() => {
        const w = pair.find((x) => /: checkpoint after epoch 1 /.test(x.log()));
        if (w) {
          clearInterval(t);
          found(w);
        }
      }, 20);
    });
    // at once: two short epochs are left, and a fixed wait here could outlast them on a faster machine
    victim.proc.kill('SIGKILL');
    const killedJob = /(e-shallow-s\d-\w+): checkpoint after epoch 1 /.exec(victim.log())![1]!;
    const k = await submit;
    expect(k.code, k.err).toBe(0);
    const survivor = pair.find((w) => w !== victim)!;
    expect(survivor.log()).toContain(`${killedJob}: started on`);
    expect(survivor.log()).toMatch(new RegExp(`${killedJob}: started on \\w+, resuming after epoch \\d`));
    expect(essence((JSON.parse(k.out) as Rep[])[0]!)).toEqual(essence(await inProcess()));
    // none ran twice to the end: one completed training per job, and every queue job completed
    const runKeys = redisCli('-n', '1', '--scan', '--pattern', 'modelspec-trials:run:*').split('\n').filter((key) => !/:(history|checkpoint)$/.test(key));
    expect(runKeys).toHaveLength(3);
    for (const key of runKeys) {
      expect(redisCli('-n', '1', 'HGET', key, 'completions')).toBe('1');
      // Redis keeps the checkpoints of runs in flight only
      expect(redisCli('-n', '1', 'EXISTS', `${key}:checkpoint`)).toBe('0');
    }
    expect(redisCli('-n', '1', 'ZCARD', 'bull:modelspec-trials:completed')).toBe('3');
    survivor.proc.kill('SIGTERM');
    await survivor.exited;
  });

  it('a search through the queue gives the in-process cv_results_ and refit', { timeout: 240_000 }, async () => {
    const args = [join(root, 'specs/b-cnn-search.yaml'), '--limit', '300', '--epochs', '1', '--candidates', '2', '--folds', '2', '--test-limit', '200', '--json'];
    const [local, q] = await Promise.all([modelspec(['search', ...args, '--out', 'search-local']), modelspec(['search', ...args, '--out', 'search-q', '--queue', `${redisUrl}/0`])]);
    expect(local.code, local.err).toBe(0);
    expect(q.code, q.err).toBe(0);
    type S = { result: { candidates: { rank: number; params: unknown; foldScores: number[]; mean: number; std: number }[]; best: { index: number } }; refit: { test: unknown } };
    const table = (s: S) => s.result.candidates.map(({ rank, params, foldScores, mean, std }) => ({ rank, params, foldScores, mean, std }));
    const [a, b] = [JSON.parse(local.out) as S, JSON.parse(q.out) as S];
    expect(table(b)).toEqual(table(a));
    expect(b.result.best.index).toBe(a.result.best.index);
    expect(b.refit.test).toEqual(a.refit.test);
  });

  it("a worker SIGKILLed in the middle of a search's fold: another one goes on from the fold's checkpoint in Redis, with the in-process cv_results_", { timeout: 480_000 }, async () => {
    // one candidate, two folds (one per worker), four epochs of 1,000 images: three are left after the first checkpoint
    const args = [join(root, 'specs/b-cnn-search.yaml'), '--limit', '2000', '--epochs', '4', '--candidates', '1', '--folds', '2', '--test-limit', '200', '--json'];
    const local = modelspec(['search', ...args, '--out', 'fold-local']);
    const pair = await Promise.all([worker('e', 2), worker('f', 2)]);
    const submit = modelspec(['search', ...args, '--out', 'fold-q', '--queue', `${redisUrl}/2`]);
    const victim = await new Promise<Worker>((found) => {
      const t = setInterval(() => {
        const w = pair.find((x) => /-f\dof2-\w+: checkpoint after epoch 1 /.test(x.log()));
        if (w) {
          clearInterval(t);
          found(w);
        }
      }, 20);
    });
    victim.proc.kill('SIGKILL');
    const killedJob = /(b-cnn-search-f\dof2-\w+): checkpoint after epoch 1 /.exec(victim.log())![1]!;
    const [l, q] = await Promise.all([local, submit]);
    expect(l.code, l.err).toBe(0);
    expect(q.code, q.err).toBe(0);
    const survivor = pair.find((w) => w !== victim)!;
    expect(survivor.log()).toMatch(new RegExp(`${killedJob}: started on \\w+, resuming after epoch [123]`));
    type S = { result: { candidates: { foldScores: number[]; mean: number }[] }; refit: { test: unknown } };
    const [a, b] = [JSON.parse(l.out) as S, JSON.parse(q.out) as S];
    expect(b.result.candidates.map((c) => c.foldScores)).toEqual(a.result.candidates.map((c) => c.foldScores));
    expect(b.refit.test).toEqual(a.refit.test);
    // a fold done keeps its outcome, not its checkpoint
    expect(redisCli('-n', '2', '--scan', '--pattern', 'modelspec-trials:fold:*')).toBe('');
    survivor.proc.kill('SIGTERM');
    await survivor.exited;
  });

  it('a worker refuses what is not a run job it can run, with the reason on the job, and goes on working', { timeout: 240_000 }, async () => {
    const spec = JSON.parse(readFileSync(join(dir, readdirSync(join(dir, 'local-runs')).filter((d) => !d.startsWith('.')).map((d) => join('local-runs', d))[0]!, 'spec.resolved.json'), 'utf8')) as ResolvedModelSpec;
    const exec = queueExecutor({ url: `${redisUrl}/0` });
    const needsPlugin = makeJob({ spec, limit: 100, plugins: [{ name: 'modelspec-plugin-nowhere', version: '1.0.0' }] });
    await expect(exec(needsPlugin)).rejects.toMatchObject({ code: 'job-refused', message: expect.stringContaining('modelspec-plugin-nowhere@1.0.0, which this worker has not loaded') });
    const badEngine = makeJob({ spec, limit: 100, engine: 'abacus' });
    await expect(exec(badEngine)).rejects.toMatchObject({ code: 'job-refused', message: expect.stringContaining('engine "abacus"') });
    const invalid = makeJob({ spec: { ...spec, training: { ...spec.training, batchSize: -3 } } as ResolvedModelSpec, limit: 100 });
    await expect(exec(invalid)).rejects.toMatchObject({ code: 'job-refused', message: expect.stringContaining("does not validate against this worker's schema") });
    // the reason is on the failed job, for anyone looking at the queue
    expect(redisCli('-n', '0', 'HGET', `bull:modelspec-trials:${needsPlugin.id}`, 'failedReason')).toMatch(/^\[job-refused\] .*modelspec-plugin-nowhere/);
    for (const w of workers) expect(w.proc.exitCode).toBeNull();
  });
});
