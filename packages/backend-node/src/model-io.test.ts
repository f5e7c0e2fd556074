import * as tfl from '@tensorflow/tfjs-layers';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelspecError, type ModelMetadata } from '@modelspec/core';
import { nodeBackend } from './node-backend.js';
import { loadModelDir, saveModelDir, verifyWeights, weightsSha256 } from './model-io.js';

/**
 * Issue 13: a saved model is input like any other. A real model is saved
 * once; each test loads a tampered copy of it and expects one clear error
 * naming the file, never a stack trace from deep inside tfjs or Node.
 */
let tmp: string;
let good: string;
let recorded: string;
const metadata: ModelMetadata = {
  modelspecVersion: 'test',
  spec: {},
  classNames: ['a', 'b', 'c'],
  inputShape: [4],
  preprocess: { divideBy: 255, labels: 'integer' },
  seed: 1,
  engine: 'cpu',
};

beforeAll(async () => {
  await nodeBackend().prepare({ engine: 'cpu' });
  tmp = await mkdtemp(join(tmpdir(), 'modelspec-model-io-'));
  const model = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [4], units: 5, activation: 'relu' }), tfl.layers.dense({ units: 3, activation: 'softmax' })] });
  // the run's record, computed as core does when training ends: every weight's float32 bytes, in model.weights order
  const parts = await Promise.all(model.weights.map(async (w) => Buffer.from(((await w.read().data()) as Float32Array).slice().buffer)));
  recorded = createHash('sha256').update(Buffer.concat(parts)).digest('hex');
  good = join(tmp, 'good');
  await saveModelDir(model, good, metadata);
  model.dispose();
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

let n = 0;
/** A copy of the good model, changed by `edit`. */
async function tampered(edit: (dir: string) => Promise<void>): Promise<string> {
  const dir = join(tmp, `t${++n}`);
  await cp(good, dir, { recursive: true });
  await edit(dir);
  return dir;
}
const editJson = (f: (j: any) => void) => async (dir: string) => {
  const j = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
  f(j);
  await writeFile(join(dir, 'model.json'), JSON.stringify(j));
};
async function refusal(dir: string): Promise<ModelspecError> {
  const e = await loadModelDir(dir).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ModelspecError);
  return e as ModelspecError;
}

describe('loadModelDir', () => {
  it('loads the model it saved, with its metadata and the weights the run recorded', async () => {
    const { model, metadata: m } = await loadModelDir(good);
    expect(m.classNames).toEqual(['a', 'b', 'c']);
    expect(await weightsSha256(model)).toBe(recorded);
    await verifyWeights(model, recorded, 'run.json');
    model.dispose();
    (await loadModelDir(join(good, 'model.json'))).model.dispose();
  });

  it('refuses a folder without model.json, a model.json that is not JSON, or not a model', async () => {
    expect((await refusal(await tampered((d) => rm(join(d, 'model.json'))))).message).toMatch(/model\.json: no such file/);
    expect((await refusal(await tampered((d) => writeFile(join(d, 'model.json'), '{"format": "layers-m')))).message).toContain('not valid JSON');
    expect((await refusal(await tampered((d) => writeFile(join(d, 'model.json'), '[1, 2]')))).message).toContain('not a model saved by modelspec');
    expect((await refusal(await tampered(editJson((j) => delete j.weightsManifest)))).message).toContain('weightsManifest');
    expect((await refusal(await tampered(editJson((j) => (j.weightsManifest[0].weights[0].shape = 'big'))))).message).toContain('shape');
    expect((await refusal(await tampered(editJson((j) => delete j.userDefinedMetadata)))).message).toContain('no modelspec metadata');
    expect((await refusal(await tampered(editJson((j) => (j.userDefinedMetadata.modelspec.classNames = 7))))).message).toContain('classNames');
  });

  it('refuses weight paths that leave the model folder', async () => {
    for (const p of ['../../../../../../dev/zero', '/etc/hostname', '../good/weights.bin']) {
      const e = await refusal(await tampered(editJson((j) => (j.weightsManifest[0].paths = [p]))));
      expect(e.code).toBe('bad-model');
      expect(e.message).toContain(`weight file "${p}" is outside the model folder`);
    }
    // a link inside the folder that points out of it
    const e = await refusal(await tampered(async (d) => {
      await rm(join(d, 'weights.bin'));
      await symlink('/etc/hostname', join(d, 'weights.bin'));
    }));
    expect(e.message).toContain('outside the model folder');
  });

  it('refuses weight files that are devices, pipes, truncated, empty or too long', async () => {
    for (const target of ['/dev/zero', 'fifo']) {
      const e = await refusal(await tampered(async (d) => {
        await rm(join(d, 'weights.bin'));
        if (target === 'fifo') expect(spawnSync('mkfifo', [join(d, 'weights.bin')]).status).toBe(0);
        else await symlink(target, join(d, 'weights.bin'));
        await editJson((j) => (j.weightsManifest[0].paths = ['weights.bin']))(d);
      }));
      expect(e.message).toMatch(/not a regular file|outside the model folder/);
    }
    const size = (await readFile(join(good, 'weights.bin'))).length;
    for (const bytes of [size - 4, 0, size + 4]) {
      const e = await refusal(await tampered((d) => truncate(join(d, 'weights.bin'), bytes)));
      expect(e.message).toContain(`${bytes} bytes`);
      expect(e.message).toContain(`${size} bytes`);
    }
  });

  it('refuses a huge shape before allocating anything', async () => {
    const e = await refusal(await tampered(editJson((j) => (j.weightsManifest[0].weights[0].shape = [100_000, 100_000, 100_000]))));
    expect(e.message).toMatch(/weights need .* GiB/);
    const big = await refusal(await tampered(editJson((j) => (j.weightsManifest[0].weights[0].shape = [30_000, 30_000]))));
    expect(big.message).toContain('3.4 GiB');
  });

  it('refuses a topology tfjs cannot build, or weights that do not fit it', async () => {
    expect((await refusal(await tampered(editJson((j) => (j.modelTopology = { class_name: 'Nothing', config: {} }))))).message).toContain('tfjs cannot load');
    // weights of the right total size under the wrong shapes
    const e = await refusal(await tampered(editJson((j) => {
      const w = j.weightsManifest[0].weights;
      [w[0].shape, w[2].shape] = [[5, 4], [3, 5]];
    })));
    expect(e.message).toContain('tfjs cannot load');
    // a huge layer in the topology: refused by its weights' shapes, nothing that size is allocated
    const huge = await refusal(await tampered(editJson((j) => (j.modelTopology.config.layers.at(-1).config.units = 300_000_000))));
    expect(huge.message).toContain('tfjs cannot load');
  });

  it('finds weights changed after training by the hash the run recorded', async () => {
    const dir = await tampered(async (d) => {
      const b = await readFile(join(d, 'weights.bin'));
      b.writeFloatLE(b.readFloatLE(0) + 0.5, 0);
      await writeFile(join(d, 'weights.bin'), b);
    });
    const { model } = await loadModelDir(dir);
    const e = await verifyWeights(model, recorded, 'runs/x/run.json').then(
      () => undefined,
      (err: unknown) => err as ModelspecError,
    );
    model.dispose();
    expect(e).toBeInstanceOf(ModelspecError);
    expect(e!.code).toBe('weights-mismatch');
    expect(e!.message).toContain('runs/x/run.json');
    expect(e!.message).toContain(recorded.slice(0, 12));
  });
});
