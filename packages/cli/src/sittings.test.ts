import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSitting, sittingKey } from './sittings.js';

const ledger = (dir: string, spec: string) => JSON.parse(readFileSync(join(dir, '.sittings', `${spec}.json`), 'utf8')) as { key: string; sittings: { seconds: number; ended: string | null }[] };

describe('the sittings of a reproduction', () => {
  const key = sittingKey({ spec: 'x', seeds: [1, 2, 3] });

  it('adds up the sittings of an interrupted reproduction when it finishes, and of one run again after that (it reuses their runs)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sittings-'));
    expect(await (await openSitting(dir, 'x', key)).end('interrupted', 600)).toEqual({ seconds: 600, sittings: 1 });
    expect(await (await openSitting(dir, 'x', key)).end('interrupted', 300)).toEqual({ seconds: 900, sittings: 2 });
    expect(await (await openSitting(dir, 'x', key)).end('finished', 100)).toEqual({ seconds: 1000, sittings: 3 });
    expect(ledger(dir, 'x').sittings.map((s) => s.ended)).toEqual(['interrupted', 'interrupted', 'finished']);
    // run again once finished: its seeds are reused, so the time that made them still counts
    expect(await (await openSitting(dir, 'x', key)).end('finished', 5)).toEqual({ seconds: 1005, sittings: 4 });
  });

  it('counts a sitting that was killed (no end) up to its last beat', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sittings-'));
    let t = 0;
    await openSitting(dir, 'x', key, { beatMs: 5, now: () => (t += 1000) }); // never ended: the process was killed
    await new Promise((r) => setTimeout(r, 40));
    const killed = ledger(dir, 'x').sittings[0]!;
    expect(killed.ended).toBeNull();
    expect(killed.seconds).toBeGreaterThan(0);
    const next = await openSitting(dir, 'x', key);
    const total = await next.end('finished', 60);
    expect(total.sittings).toBe(2);
    expect(total.seconds).toBeCloseTo(killed.seconds + 60, 6);
  });

  it('does not count the sittings of another reproduction of the spec, or any with --fresh', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sittings-'));
    await (await openSitting(dir, 'x', key)).end('interrupted', 600);
    expect(await (await openSitting(dir, 'x', sittingKey({ spec: 'x', seeds: [1] }))).end('interrupted', 60)).toEqual({ seconds: 60, sittings: 1 });
    expect(await (await openSitting(dir, 'x', key, { fresh: true })).end('finished', 30)).toEqual({ seconds: 30, sittings: 1 });
    expect(await (await openSitting(dir, 'y', key)).end('finished', 7)).toEqual({ seconds: 7, sittings: 1 });
  });
});
