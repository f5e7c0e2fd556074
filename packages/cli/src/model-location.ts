import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ModelspecError } from '@modelspec/core';

/** A run folder (with model/ and environment.json) or a model folder / model.json. */
export async function resolveModel(location: string): Promise<{ modelDir: string; runDir: string | null; specDir: string }> {
  const s = await stat(location).catch(() => null);
  if (!s) throw new ModelspecError('not-found', `${location}: no such run folder or model`);
  if (s.isDirectory() && (await stat(join(location, 'model', 'model.json')).catch(() => null))) {
    const env = await readFile(join(location, 'environment.json'), 'utf8').then(JSON.parse, () => null);
    return { modelDir: join(location, 'model'), runDir: location, specDir: env?.specFile ? dirname(env.specFile) : process.cwd() };
  }
  if (s.isDirectory() && (await stat(join(location, 'model.json')).catch(() => null))) return { modelDir: location, runDir: null, specDir: process.cwd() };
  if (s.isFile() && location.endsWith('.json')) return { modelDir: location, runDir: null, specDir: process.cwd() };
  if (s.isDirectory() && (await stat(join(location, 'run.json')).catch(() => null))) {
    throw new ModelspecError('no-model', `${location} is a run folder without a saved model (interrupted before its first epoch, or outputs.saveModel: false)`);
  }
  throw new ModelspecError('not-a-model', `${location} is neither a run folder nor a model saved by modelspec`);
}
