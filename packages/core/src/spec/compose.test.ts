import { describe, expect, it } from 'vitest';
import { builtinRegistries } from '../plugin/host.js';
import { createSpecLoader } from './load.js';
import { mergeSpecs } from './compose.js';
import { formatIssues } from '../render.js';
import { ModelspecError } from '../errors.js';

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

  it('extends only a .yaml, .yml or .json file, and never asks the reader for another', async () => {
    const asked: string[] = [];
    const spy = async (p: string) => {
      asked.push(p);
      return { text: 'secret', file: p };
    };
    for (const target of ['/etc/passwd', '../.env', 'id_rsa', 'base.yaml.bak']) {
      const r = await loader.loadComposed(`extends: ${target}\nname: x\n`, 'x.yaml', spy);
      expect(r.issues.map((i) => [i.code, i.path, i.loc?.line])).toEqual([['extends-not-spec', 'extends', 1]]);
    }
    expect(asked).toEqual([]);
  });

  it('a base that is not a spec is refused without echoing a word of it', async () => {
    const foreign: Record<string, string> = {
      'passwd.yaml': 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n',
      'config.yaml': 'database:\n  password: hunter2\n  host: db.internal\n',
      'broken.yaml': 'token: "sk-live-123\nkey: [unclosed\n',
      'dupes.yaml': 'specVersion: 1\napiKey: sk-live-456\napiKey: sk-live-456\n',
      'array.json': '["sk-live-789"]',
      'bad.json': '{"apiKey": \'sk-live-000\'}',
    };
    const readForeign = async (p: string) => {
      if (!(p in foreign)) throw new Error('no such file');
      return { text: foreign[p]!, file: p };
    };
    const out: string[] = [];
    for (const f of Object.keys(foreign)) {
      const r = await loader.loadComposed(`extends: ${f}\nname: x\n`, 'x.yaml', readForeign);
      expect(r.ok).toBe(false);
      const text = formatIssues(r.issues);
      expect(text).not.toMatch(/root:x|daemon|hunter2|db\.internal|sk-live|password|apiKey|database|token/);
      expect(r.issues).toHaveLength(1);
      expect(r.issues[0]!.loc).toBeDefined();
      out.push(text);
    }
    expect(out.join('\n')).toMatchInlineSnapshot(`
      "passwd.yaml:1:1 error this file (extended by x.yaml:1:10) cannot be read as a spec: not a mapping of spec fields
      x.yaml:1:10 error extends: config.yaml is not a modelspec spec: a base spec has specVersion (or extends another)
      broken.yaml:3:1 error this file (extended by x.yaml:1:10) cannot be read as a spec: a syntax error
      dupes.yaml:3:1 error this file (extended by x.yaml:1:10) cannot be read as a spec: a duplicate key
      array.json:1:1 error this file (extended by x.yaml:1:10) cannot be read as a spec: not a mapping of spec fields
      bad.json:1:12 error this file (extended by x.yaml:1:10) cannot be read as a spec: a syntax error"
    `);
  });

  it('a reader that refuses a base gives the issue its code and hint', async () => {
    const refuse = async () => {
      throw new ModelspecError('extends-outside', 'it is outside this spec\'s project', 'set MODELSPEC_ALLOW_EXTENDS_OUTSIDE=1 to allow it');
    };
    const r = await loader.loadComposed('extends: ../../elsewhere/base.yaml\nname: x\n', 'x.yaml', refuse);
    expect(formatIssues(r.issues)).toMatchInlineSnapshot(`"x.yaml:1:10 error extends: cannot read ../../elsewhere/base.yaml: it is outside this spec's project (set MODELSPEC_ALLOW_EXTENDS_OUTSIDE=1 to allow it)"`);
  });

  it('mergeSpecs replaces lists instead of concatenating them', () => {
    expect(mergeSpecs({ a: [1, 2], b: { c: 1, d: 2 } }, { a: [3], b: { d: 4 } })).toEqual({ a: [3], b: { c: 1, d: 4 } });
  });
});
