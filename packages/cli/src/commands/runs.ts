import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { liveStatus } from '@modelspec/backend-node';
import { composed } from '../compose.js';
import { shown } from '../spec-files.js';
import type { Io } from '../io.js';

const when = (iso?: string) => (iso ? iso.slice(0, 16).replace('T', ' ') : '');

/**
 * The runs under a folder, newest first, with a truthful status: a run whose
 * record says running but whose process is gone is `killed` (resume it with
 * train --resume), one with a checkpoint says so.
 */
export async function runsCommand(o: { out: string; json?: boolean }, io: Io): Promise<number> {
  const store = composed().store(o.out);
  const rows = [];
  for (const { location, head } of await store.list()) {
    const metrics = await readFile(join(location, 'metrics.json'), 'utf8').then((t) => JSON.parse(t) as { test?: Record<string, number> | null }, () => null);
    const checkpoint = await readFile(join(location, 'checkpoint', 'state.json'), 'utf8').then(() => true, () => false);
    rows.push({
      run: shown(location),
      status: liveStatus(head),
      spec: head.name ?? '',
      seed: head.seed ?? null,
      engine: head.engine ?? '',
      epochs: head.epochsCompleted ?? 0,
      checkpoint,
      resumed: head.resumedAt ?? null,
      testAccuracy: metrics?.test?.['accuracy'] ?? null,
      testLoss: metrics?.test?.['loss'] ?? null,
      started: head.started ?? null,
      updated: head.updated ?? null,
      pid: head.pid ?? null,
      host: head.host ?? null,
    });
  }
  if (o.json) {
    io.out(JSON.stringify(rows, null, 2));
    return 0;
  }
  if (!rows.length) {
    io.err(`no runs under ${shown(resolve(o.out))}`);
    return 0;
  }
  const head = ['status', 'run', 'spec', 'seed', 'engine', 'epochs', 'test acc', 'started'];
  const cells = rows.map((r) => [r.status + (r.resumed ? ' (resumed)' : '') + ((r.status === 'killed' || r.status === 'interrupted') && r.checkpoint ? '*' : ''), r.run, r.spec, String(r.seed ?? ''), r.engine, String(r.epochs), r.testAccuracy === null ? '' : r.testAccuracy.toFixed(4), when(r.started ?? undefined)]);
  const w = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((x, i) => x.padEnd(w[i]!)).join('  ').trimEnd();
  io.out(line(head));
  for (const c of cells) io.out(line(c));
  if (rows.some((r) => (r.status === 'killed' || r.status === 'interrupted') && r.checkpoint)) io.out('* has a checkpoint: modelspec train --resume <run> goes on from it');
  return 0;
}
