import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ModelspecError } from '@modelspec/core';
import { readFileBounded, verifyWeights } from '@modelspec/backend-node';
import { shown } from './spec-files.js';

export interface ModelLocation {
  modelDir: string;
  runDir: string | null;
  specDir: string;
  /** The hash of the weights training ended with, as the run folder's run.json records it. */
  weightsSha256: string | null;
}

/** A run folder's small JSON record, or null when it is missing or not JSON (a run folder's records are input too). */
async function runRecord(dir: string, name: string): Promise<Record<string, unknown> | null> {
  try {
    const v: unknown = JSON.parse(new TextDecoder().decode(await readFileBounded(join(dir, name), 16 * 1024 * 1024)));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** A run folder (with model/ and environment.json) or a model folder / model.json. */
export async function resolveModel(location: string): Promise<ModelLocation> {
  const s = await stat(location).catch(() => null);
  if (!s) throw new ModelspecError('not-found', `${location}: no such run folder or model`);
  if (s.isDirectory() && (await stat(join(location, 'model', 'model.json')).catch(() => null))) {
    const env = await runRecord(location, 'environment.json');
    const run = await runRecord(location, 'run.json');
    const sha = typeof run?.weightsSha256 === 'string' && /^[0-9a-f]{64}$/.test(run.weightsSha256) ? run.weightsSha256 : null;
    return { modelDir: join(location, 'model'), runDir: location, specDir: typeof env?.specFile === 'string' ? dirname(env.specFile) : process.cwd(), weightsSha256: sha };
  }
  if (s.isDirectory() && (await stat(join(location, 'model.json')).catch(() => null))) return { modelDir: location, runDir: null, specDir: process.cwd(), weightsSha256: null };
  if (s.isFile() && location.endsWith('.json')) return { modelDir: location, runDir: null, specDir: process.cwd(), weightsSha256: null };
  if (s.isDirectory() && (await stat(join(location, 'run.json')).catch(() => null))) {
    throw new ModelspecError('no-model', `${location} is a run folder without a saved model (interrupted before its first epoch, or outputs.saveModel: false)`);
  }
  throw new ModelspecError('not-a-model', `${location} is neither a run folder nor a model saved by modelspec`);
}

/**
 * Refuses the model of a run folder whose weights are not the ones its
 * run.json recorded when training ended (changed, or swapped, since). A
 * model folder on its own records no hash, so there is nothing to compare.
 */
export async function verifyRunWeights(model: Parameters<typeof verifyWeights>[0], where: ModelLocation): Promise<void> {
  if (where.weightsSha256 && where.runDir) await verifyWeights(model, where.weightsSha256, shown(join(where.runDir, 'run.json')));
}
