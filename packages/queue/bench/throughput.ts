/**
 * How many trials per second the queue itself sustains: no-op trials (the
 * worker checks each payload against the schema, sends one progress event
 * and returns an outcome at once) through BullMQ on a Redis on loopback.
 * Run on demand, not in CI:
 *
 *   npx tsx --conditions=@modelspec/source packages/queue/bench/throughput.ts [--jobs 2000] [--workers 2] [--concurrency 16] [--url redis://127.0.0.1:6379]
 *
 * Without --url it starts Debian's redis-server on a free loopback port (no persistence).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createPluginHost, createSpecLoader, makeJob, type Executor, type RunOutcome } from '@modelspec/core';
import { nodePlugin } from '@modelspec/backend-node';
import { Redis } from 'ioredis';
import { queueExecutor, startWorker } from '../src/index.js';

const { values } = parseArgs({ options: { jobs: { type: 'string', default: '2000' }, workers: { type: 'string', default: '2' }, concurrency: { type: 'string', default: '16' }, url: { type: 'string' } } });
const jobs = Number(values.jobs);

async function redis(): Promise<{ url: string; stop(): void }> {
  if (values.url) return { url: values.url, stop() {} };
  const port = await new Promise<number>((done) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => done(p));
    });
  });
  const p = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
  await new Promise<void>((ready) => p.stdout.on('data', (d: Buffer) => /Ready to accept/.test(d.toString()) && ready()));
  return { url: `redis://127.0.0.1:${port}`, stop: () => p.kill() };
}

const host = createPluginHost([{ plugin: nodePlugin, source: null }]);
const loader = createSpecLoader(host.registries);
const loaded = loader.load(readFileSync(join(import.meta.dirname, '../../../specs/e-shallow.yaml'), 'utf8'), 'e-shallow.yaml');
if (!loaded.ok) throw new Error('e-shallow.yaml does not load');
const engine = { name: 'noop', description: 'no training', available: true };
const noop: Executor = async (job, onEvent) => {
  onEvent?.({ type: 'started', job: job.id, location: null, engine, fellBackFrom: null, counts: { train: 0, validation: 0, test: 0 }, resumedFrom: null });
  const outcome: RunOutcome = { job: job.id, status: 'completed', engine, location: null, classNames: [], summary: null, fold: { score: 0.5, fitSeconds: 0, scoreSeconds: 0 }, counts: { train: 0, validation: 0, test: 0 } };
  return outcome;
};

const r = await redis();
const workers = await Promise.all(
  Array.from({ length: Number(values.workers) }, () =>
    startWorker({
      url: r.url,
      queue: 'bench',
      concurrency: Number(values.concurrency),
      out: join(tmpdir(), 'modelspec-bench-runs'),
      abilities: { validator: loader.validator, plugins: host.records(), engines: ['noop'] },
      runner: { registries: host.registries, backend: null as never },
      executor: () => noop,
    }),
  ),
);
const exec = queueExecutor({ url: r.url, queue: 'bench', fresh: true });
// every trial a distinct job (distinct seeds), as a reproduction's or a search's are
const all = Array.from({ length: jobs }, (_, i) => makeJob({ spec: { ...loaded.spec, seed: 1_000_000 + i }, limit: 600 }));
const probe = new Redis(r.url);
const redisCpu = async () => {
  const info = await probe.info('cpu');
  const v = (k: string) => Number(new RegExp(`${k}:([\\d.]+)`).exec(info)![1]);
  return v('used_cpu_sys') + v('used_cpu_user');
};
const c0 = await redisCpu();
const t0 = performance.now();
await Promise.all(all.map((j) => exec(j)));
const s = (performance.now() - t0) / 1000;
const busy = ((await redisCpu()) - c0) / s;
await probe.quit();
console.log(`${jobs} no-op trials in ${s.toFixed(2)} s: ${(jobs / s).toFixed(0)} trials/s (${values.workers} worker(s) x concurrency ${values.concurrency}, submitter and workers in one process, ${cpus().length} cores, payload ${JSON.stringify({ v: 1, job: all[0], fresh: true }).length} bytes)`);
console.log(`Redis was busy ${(busy * 100).toFixed(0)}% of one core: it alone would sustain about ${(jobs / s / busy).toFixed(0)} trials/s`);
await Promise.all(workers.map((w) => w.stop()));
r.stop();
process.exit(0);
