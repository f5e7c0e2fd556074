import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bin, root, tempDirs } from './test-support/cli.js';

/**
 * Issue 9's promise that a model file is a plugin boundary too: every
 * published spec, trained briefly, saves a model that a script importing
 * only @tensorflow/tfjs loads and that predicts what `modelspec predict` does.
 */
const dir = tempDirs('tfjs-load')();

const node = (args: string[]) => {
  const r = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 300_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

const specs = readdirSync(join(root, 'specs')).filter((f) => f.endsWith('.yaml')).sort();
const COUNT = 24;

describe('saved models load in plain tfjs', () => {
  it.each(specs)('%s', (file) => {
    const spec = join(root, 'specs', file);
    const train = node([bin, 'train', spec, '--limit', '96', '--epochs', '1', '--test-limit', '32', '--out', join(dir, 'runs'), '--json']);
    if (train.code !== 0 && /no such file|not found|cannot find|is missing/i.test(train.err) && /csv/i.test(readFileSync(spec, 'utf8'))) {
      // d-kaggle-cnn reads the Kaggle CSVs, which cannot be fetched here; its IDX twin (d-kaggle-cnn-idx) is checked instead
      expect(train.err).toMatch(/fashion-mnist_(train|test)\.csv/);
      return;
    }
    expect(train.code, train.err).toBe(0);
    const run = JSON.parse(train.out).run as string;
    const env = JSON.parse(readFileSync(join(run, 'environment.json'), 'utf8'));
    const images = env.dataset.files.testImages.location as string;

    const plain = node([join(root, 'scripts/tfjs-load-check.mjs'), run, '--count', String(COUNT)]);
    expect(plain.code, plain.err).toBe(0);
    const loaded = JSON.parse(plain.out.split('\n').find((l) => l.startsWith('{'))!);
    expect(loaded.layerClasses.filter((c: string) => c.includes('Modelspec'))).toEqual([]);

    const pred = node([bin, 'predict', run, images, '--index', '0', '--count', String(COUNT), '--json']);
    expect(pred.code, pred.err).toBe(0);
    const classes = (JSON.parse(pred.out) as { results: { predictedId: number }[] }).results.map((p) => p.predictedId);
    expect(loaded.predicted).toHaveLength(COUNT);
    expect(loaded.predicted).toEqual(classes);
  });
});
