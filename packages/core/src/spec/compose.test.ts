import { describe, expect, it } from 'vitest';
import { builtinRegistries } from './registries.js';
import { createSpecLoader } from './load.js';
import { mergeSpecs } from './compose.js';
import { formatIssues } from '../render.js';

const base = `specVersion: 1
name: base
data:
  dataset: { type: csv, train: a.csv }
  preprocess: { divideBy: 255 }
model:
  type: sequential
  layers:
    - { type: input, shape: [28, 28] }
    - { type: flatten }
    - { type: dense, units: 10, activation: softmax }
training:
  loss: { type: sparseCategoricalCrossentropy }
  epochs: 3
`;

const files: Record<string, string> = {
  'base.yaml': base,
  'child.yaml': 'extends: base.yaml\nname: child\ntraining:\n  epochs: 7\ndata:\n  dataset: { type: mnist }\n',
  'bad-child.yaml': 'extends: base.yaml\nname: bad-child\ntraining:\n  epochs: -1\n',
  'loop-a.yaml': 'extends: loop-b.yaml\nname: a\n',
  'loop-b.yaml': 'extends: loop-a.yaml\nname: b\n',
  'missing.yaml': 'extends: nowhere.yaml\nname: m\n',
};
const read = async (p: string) => {
  if (!(p in files)) throw new Error('no such file');
  return { text: files[p]!, file: p };
};
const loader = createSpecLoader(builtinRegistries());

describe('extends', () => {
  it('merges the extending spec over its base: mappings merge, a changed type replaces', async () => {
    const r = await loader.loadComposed(files['child.yaml']!, 'child.yaml', read);
    if (!r.ok) throw new Error(formatIssues(r.issues));
    expect(r.spec.name).toBe('child');
    expect(r.spec.training.epochs).toBe(7);
    expect(r.spec.training.loss.type).toBe('sparseCategoricalCrossentropy');
    expect(r.spec.data.dataset).toEqual({ type: 'mnist', dir: null });
    expect(r.spec.data.preprocess.divideBy).toBe(255);
  });

  it('locates a problem in the file that holds the value', async () => {
    const r = await loader.loadComposed(files['bad-child.yaml']!, 'bad-child.yaml', read);
    expect(r.ok).toBe(false);
    expect(formatIssues(r.issues)).toBe('bad-child.yaml:4:11 error training.epochs: must be >= 1, got -1');
  });

  it('refuses cycles and unreadable bases, at the extends line', async () => {
    const cyc = await loader.loadComposed(files['loop-a.yaml']!, 'loop-a.yaml', read);
    expect(formatIssues(cyc.issues)).toBe('loop-b.yaml:1:10 error extends: extends forms a cycle: loop-a.yaml → loop-b.yaml → loop-a.yaml');
    const missing = await loader.loadComposed(files['missing.yaml']!, 'missing.yaml', read);
    expect(formatIssues(missing.issues)).toBe('missing.yaml:1:10 error extends: cannot read nowhere.yaml: no such file');
  });

  it('mergeSpecs replaces lists instead of concatenating them', () => {
    expect(mergeSpecs({ a: [1, 2], b: { c: 1, d: 2 } }, { a: [3], b: { d: 4 } })).toEqual({ a: [3], b: { c: 1, d: 4 } });
  });
});
