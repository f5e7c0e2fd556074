import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeJsonAtomic } from '@modelspec/backend-node';

/**
 * The sittings of one reproduction. A reproduction stopped part-way (Ctrl-C,
 * a closed terminal, a killed machine) and run again goes on where it stopped
 * (the run store reuses finished seeds and folds and resumes an unfinished
 * seed); its wall time is then the sum of the sittings it took, not only the
 * last one's. Each sitting is kept in `<out>/.sittings/<spec>.json` from its
 * start, and its time is brought up to date every `beatMs` while it runs, so
 * a sitting that was killed (no handler ran) still counts, up to its last
 * beat. A ledger belongs to one reproduction (`key`: everything that decides
 * its runs). Run again after it finished, a reproduction reuses the runs those
 * sittings made, so they still count; another key, or `--fresh` (everything
 * runs anew), starts a new ledger, as does removing the run folders it sits
 * beside.
 */
export interface Sitting {
  started: string;
  seconds: number;
  /** null while running, or when the process was killed. */
  ended: 'finished' | 'interrupted' | null;
}

interface Ledger {
  key: string;
  sittings: Sitting[];
}

/** The key of a reproduction: a digest of what decides its runs (the resolved spec, seeds, cap, engine, conditions). */
export function sittingKey(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

export interface OpenSitting {
  /** Ends this sitting; for a finished one, the reproduction's wall time over all its sittings (`seconds`: this sitting's own). */
  end(how: 'finished' | 'interrupted', seconds?: number): Promise<{ seconds: number; sittings: number }>;
}

/** Starts a sitting of the reproduction `key` of `spec`; `fresh` (everything runs anew) leaves earlier sittings out. */
export async function openSitting(outDir: string, spec: string, key: string, o: { fresh?: boolean; beatMs?: number; now?: () => number } = {}): Promise<OpenSitting> {
  const now = o.now ?? Date.now;
  const dir = join(outDir, '.sittings');
  const file = join(dir, `${spec}.json`);
  const old = await readFile(file, 'utf8').then((t) => JSON.parse(t) as Ledger, () => null);
  const earlier = !o.fresh && old && old.key === key && Array.isArray(old.sittings) ? old.sittings : [];
  const t0 = now();
  const current: Sitting = { started: new Date(t0).toISOString(), seconds: 0, ended: null };
  const ledger: Ledger = { key, sittings: [...earlier, current] };
  await mkdir(dir, { recursive: true });
  let writing: Promise<void> = Promise.resolve();
  const save = () => (writing = writing.then(() => writeJsonAtomic(file, ledger)).catch(() => undefined));
  await save();
  const beat = setInterval(() => {
    current.seconds = (now() - t0) / 1000;
    void save();
  }, o.beatMs ?? 15_000);
  beat.unref();
  let ended = false;
  return {
    async end(how, seconds) {
      if (!ended) {
        ended = true;
        clearInterval(beat);
        current.seconds = seconds ?? (now() - t0) / 1000;
        current.ended = how;
        await save();
      }
      return { seconds: ledger.sittings.reduce((a, s) => a + s.seconds, 0), sittings: ledger.sittings.length };
    },
  };
}
