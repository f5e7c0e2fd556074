import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeTrainState, encodeTrainState, RunError, type TrainState } from '@modelspec/core';
import { writeFileAtomic } from './fs-atomic.js';

const DIR = 'checkpoint';
const NEXT = '.checkpoint-next';
const PREV = '.checkpoint-prev';
const exists = (p: string) => stat(p).then(() => true, () => false);

/**
 * Writes a run's training state into `<run>/checkpoint/` (state.json and
 * tensors.bin): the new one is written whole beside the old, then swapped in
 * by renames; until the swap completes the previous checkpoint is intact
 * (as `checkpoint/` or, between the two renames, `.checkpoint-prev/`).
 */
export async function writeCheckpoint(runDir: string, state: TrainState): Promise<void> {
  const next = join(runDir, NEXT);
  await rm(next, { recursive: true, force: true });
  await mkdir(next);
  const { json, bytes } = encodeTrainState(state);
  await writeFileAtomic(join(next, 'tensors.bin'), bytes);
  await writeFileAtomic(join(next, 'state.json'), json);
  const cur = join(runDir, DIR);
  const prev = join(runDir, PREV);
  await rm(prev, { recursive: true, force: true });
  if (await exists(cur)) await rename(cur, prev);
  await rename(next, cur);
  await rm(prev, { recursive: true, force: true });
}

/** The last complete checkpoint of a run folder, or null when it has none. */
export async function readCheckpoint(runDir: string): Promise<TrainState | null> {
  for (const d of [DIR, PREV]) {
    const dir = join(runDir, d);
    if (!(await exists(join(dir, 'state.json')))) continue;
    try {
      return decodeTrainState(await readFile(join(dir, 'state.json'), 'utf8'), new Uint8Array(await readFile(join(dir, 'tensors.bin'))));
    } catch (e) {
      throw new RunError('checkpoint-corrupt', `${dir}: the checkpoint cannot be read: ${(e as Error).message}`);
    }
  }
  return null;
}
