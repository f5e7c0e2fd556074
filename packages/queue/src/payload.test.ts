import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPluginHost, createSpecLoader, makeJob, type RunEvent } from '@modelspec/core';
import { nodePlugin } from '@modelspec/backend-node';
import { checkPayload } from './payload.js';
import { dataOfReason, eventForwarder, reasonOf } from './reason.js';
import { parseRedisUrl } from './url.js';
import { splitLocation } from './redis-store.js';

const host = createPluginHost([{ plugin: nodePlugin, source: null }]);
const loader = createSpecLoader(host.registries);
const loaded = loader.load(readFileSync(join(__dirname, '../../../specs/e-shallow.yaml'), 'utf8'), 'e-shallow.yaml');
if (!loaded.ok) throw new Error('e-shallow.yaml does not load');
const can = { validator: loader.validator, plugins: host.records(), engines: ['native', 'cpu'] };
const job = makeJob({ spec: loaded.spec, limit: 600, plugins: host.records() });
const refusal = (data: unknown) => {
  try {
    checkPayload(data, can);
  } catch (e) {
    return `[${(e as { code: string }).code}] ${(e as Error).message}`;
  }
  return 'accepted';
};

describe('what a worker accepts', () => {
  it('a run job of its schema, plugins and engines', () => {
    expect(checkPayload({ v: 1, job, fresh: false }, can).job).toEqual(job);
    expect(refusal(JSON.parse(JSON.stringify({ v: 1, job: { ...job, engine: 'cpu', id: makeJob({ ...job, engine: 'cpu' }).id }, fresh: true })))).toBe('accepted');
  });

  it('nothing else, and says why', () => {
    expect(refusal('rm -rf /')).toMatch(/^\[job-refused\] not a modelspec trial/);
    expect(refusal({ v: 2, job, fresh: false })).toMatch(/version 2 comes from another modelspec/);
    expect(refusal({ v: 1, job: { ...job, kind: 'shell' }, fresh: false })).toMatch(/not a run job: kind is neither/);
    expect(refusal({ v: 1, job: { ...job, limit: -1 }, fresh: false })).toMatch(/limit and testLimit must be null or positive integers/);
    expect(refusal({ v: 1, job: { ...job, limit: 601 }, fresh: false })).toMatch(/its id is not the digest of its content/);
    const plugin = makeJob({ spec: loaded.spec, plugins: [{ name: 'modelspec-plugin-acme', version: '2.0.0' }] });
    expect(refusal({ v: 1, job: plugin, fresh: false })).toMatch(/needs the plugin\(s\) modelspec-plugin-acme@2.0.0, which this worker has not loaded/);
    const engine = makeJob({ spec: loaded.spec, engine: 'tensorflow' });
    expect(refusal({ v: 1, job: engine, fresh: false })).toMatch(/asks for the engine "tensorflow", which is not available on this worker \(here: native, cpu\)/);
    const bad = makeJob({ spec: { ...loaded.spec, training: { ...loaded.spec.training, optimizer: { type: 'adamm' } } } as never });
    expect(refusal({ v: 1, job: bad, fresh: false })).toMatch(/does not validate against this worker's schema: .*adamm/);
  });
});

describe('queue plumbing', () => {
  it('reads Redis URLs, hiding passwords', () => {
    expect(parseRedisUrl('redis://127.0.0.1:6380/2')).toMatchObject({ host: '127.0.0.1', port: 6380, db: 2, shown: 'redis://127.0.0.1:6380/2' });
    const tls = parseRedisUrl('rediss://:s3cret@redis.lab:6390', {});
    expect(tls).toMatchObject({ password: 's3cret', tls: {}, shown: 'rediss://:***@redis.lab:6390' });
    expect(parseRedisUrl('redis://h', { REDISCLI_AUTH: 'pw' })).toMatchObject({ password: 'pw', port: 6379, shown: 'redis://h:6379' });
    expect(() => parseRedisUrl('http://h:1')).toThrow(/the queue is a Redis server, not http/);
    expect(() => parseRedisUrl('redis://h/x')).toThrow(/database "x" is not a number/);
  });

  it('an error crosses the queue as a readable reason and comes back whole', () => {
    const e = Object.assign(new Error('no such plugin'), {});
    expect(dataOfReason(reasonOf(e))).toEqual({ code: 'internal', message: 'no such plugin' });
    expect(dataOfReason('[job-refused] a\nb (fix: load it)')).toEqual({ code: 'job-refused', message: 'a\nb', hint: 'load it' });
    expect(dataOfReason('Missing lock')).toEqual({ code: 'worker-failed', message: 'Missing lock' });
    expect(splitLocation('node-7:/srv/runs/a-s1')).toEqual({ host: 'node-7', path: '/srv/runs/a-s1' });
  });

  it('events go on in order, batch events thinned', async () => {
    const sent: string[] = [];
    const f = eventForwarder(async (e) => void sent.push(e.type === 'batch' ? `b${e.progress.batch}` : e.type), 10_000);
    const batch = (n: number) => ({ type: 'batch', job: 'j', progress: { epoch: 1, batch: n, batches: 3, loss: 1 } }) as RunEvent;
    f.push(batch(1));
    f.push(batch(2));
    f.push({ type: 'checkpoint', job: 'j', epoch: 1 });
    f.push(batch(3));
    await f.flush();
    expect(sent).toEqual(['b1', 'checkpoint']);
  });
});
