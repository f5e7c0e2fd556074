import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPluginHost, createSpecLoader, defineLayer, definePlugin, MODELSPEC_VERSION, PLUGIN_API_VERSION, standaloneValidatorModule, type PrecompiledValidator } from '@modelspec/core';

const root = join(__dirname, '../../..');
const specs = readdirSync(join(root, 'specs')).filter((f) => f.endsWith('.yaml'));
const reg = createPluginHost().registries;

/** The build step's output, written fresh (the same call as scripts/precompile-validator.mjs). */
let made: Promise<PrecompiledValidator> | null = null;
const precompiled = () => (made ??= generate());
async function generate(): Promise<PrecompiledValidator> {
  const dir = join(__dirname, '../generated');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'validate-builtins.test.js'), standaloneValidatorModule(reg));
  return (await import(join(dir, 'validate-builtins.test.js'))) as PrecompiledValidator;
}

const BAD = `specVersion: 1
name: bad
source: { project: "" }
data: { dataset: { type: fashionMnist }, preprocess: { divideBy: 255, labels: integer } }
model:
  type: sequential
  layers:
    - { type: input, shape: [28, 28] }
    - { type: flaten }
    - { type: dense, unit: 10, activation: softmax }
training: { optimizer: { type: adam, learningRate: -1 }, loss: { type: sparseCategoricalCrossentropy }, epochs: 1, batchSize: 32 }
`;

describe('the precompiled (Ajv standalone) spec validator', () => {
  it('validates every spec in specs/ and a bad one exactly as the runtime-compiled validator does', async () => {
    const pre = await precompiled();
    const withEval = createSpecLoader(reg);
    const without = createSpecLoader(reg, { precompiled: pre });
    for (const f of specs) {
      const text = readFileSync(join(root, 'specs', f), 'utf8');
      const a = withEval.load(text, f);
      const b = without.load(text, f);
      expect(b.ok, f).toBe(a.ok);
      if (a.ok && b.ok) expect(b.spec).toEqual(a.spec); // defaults filled the same way
      else expect(b.issues).toEqual(a.issues);
    }
    const a = withEval.load(BAD, 'bad.yaml');
    const b = without.load(BAD, 'bad.yaml');
    expect(a.ok).toBe(false);
    expect(b.issues).toEqual(a.issues);
    expect(b.issues.map((i) => `${i.loc?.line}:${i.loc?.col} ${i.message}${i.hint ? ` (${i.hint})` : ''}`)).toContain('9:15 unknown type "flaten" (did you mean "flatten"?)');
  });

  it('is not used for a schema it was not made from (a plugin adds a kind): that schema is compiled at run time', async () => {
    const pre = await precompiled();
    let called = 0;
    const spy = { schemaDigest: pre.schemaDigest, validate: Object.assign((d: unknown) => (called++, pre.validate(d)), { errors: null }) } as unknown as PrecompiledValidator;
    createSpecLoader(reg, { precompiled: spy }).load(readFileSync(join(root, 'specs', specs[0]!), 'utf8'), specs[0]!);
    expect(called).toBe(1);
    const base = createPluginHost().registries.layers.get('dense')!;
    const plugin = definePlugin({ name: 'modelspec-plugin-acme', version: MODELSPEC_VERSION, apiVersion: PLUGIN_API_VERSION, layers: [defineLayer({ ...base, type: 'wide' } as never)] });
    const other = createPluginHost([{ plugin }]).registries;
    called = 0;
    createSpecLoader(other, { precompiled: spy }).load(readFileSync(join(root, 'specs', specs[0]!), 'utf8'), specs[0]!);
    expect(called).toBe(0);
  });
});
