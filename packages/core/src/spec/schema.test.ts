import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Type } from '@sinclair/typebox';
import { builtinRegistries } from '../plugin/host.js';
import { buildSpecSchema } from './schema.js';
import { forValidation } from './editor.js';
import { createValidator } from './validate.js';
import { defineLayer } from '../layers/kind.js';
import { PluginError } from '../errors.js';
import { opt } from './fields.js';

const schemaFile = join(__dirname, '../../schema/modelspec.schema.json');

type Json = Record<string, unknown>;

/** Every object schema's optional properties, with their paths. */
function optionalFields(node: unknown, path: string, out: { path: string; schema: Json }[] = []) {
  if (Array.isArray(node)) node.forEach((n, i) => optionalFields(n, `${path}/${i}`, out));
  else if (node && typeof node === 'object') {
    const o = node as Json;
    if (o['properties'] && typeof o['properties'] === 'object') {
      const required = new Set((o['required'] as string[]) ?? []);
      for (const [k, v] of Object.entries(o['properties'] as Json)) {
        if (!required.has(k)) out.push({ path: `${path}/properties/${k}`, schema: v as Json });
      }
    }
    for (const [k, v] of Object.entries(o)) optionalFields(v, `${path}/${k}`, out);
  }
  return out;
}

describe('the spec JSON Schema', () => {
  const schema = buildSpecSchema(builtinRegistries());

  it('is checked in, and the checked-in file matches the registries (run `npm run schema` after changing them)', () => {
    const onDisk = JSON.parse(readFileSync(schemaFile, 'utf8'));
    expect(onDisk).toEqual(JSON.parse(JSON.stringify(schema)));
  });

  it('gives every optional field a literal default and a description', () => {
    // $schema (for editors) and extends (resolved before validation) never reach a resolved spec.
    // In what validates: the editor's copy lets a spec that `extends` another omit the required fields.
    const fields = optionalFields(forValidation(schema), '#').filter((f) => !f.path.endsWith('/properties/$schema') && !f.path.endsWith('/properties/extends'));
    expect(fields.length).toBeGreaterThan(50);
    const missing = fields.filter((f) => !('default' in f.schema) && !f.path.includes('/discriminator'));
    expect(missing.map((f) => f.path)).toEqual([]);
    const undocumented = fields.filter((f) => !f.schema['description'] && !f.path.endsWith('/properties/type'));
    expect(undocumented.map((f) => f.path)).toEqual([]);
  });

  it('fills every default into the resolved spec', () => {
    const v = createValidator(builtinRegistries());
    const r = v.validate({
      specVersion: 1,
      name: 'tiny',
      data: { dataset: { type: 'fashionMnist' } },
      model: { type: 'sequential', layers: [{ type: 'input', shape: [28, 28] }, { type: 'flatten' }, { type: 'dense', units: 10 }] },
      training: { loss: { type: 'sparseCategoricalCrossentropy' } },
    });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.spec.training).toEqual({
      optimizer: { type: 'adam', learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
      loss: { type: 'sparseCategoricalCrossentropy', fromLogits: false },
      metrics: ['accuracy'],
      epochs: 1,
      batchSize: 32,
      shuffle: true,
      earlyStopping: null,
    });
    expect(r.spec.model.layers[2]).toEqual({
      type: 'dense',
      name: null,
      units: 10,
      activation: 'linear',
      useBias: true,
      kernelInitializer: 'glorotUniform',
      biasInitializer: 'zeros',
      kernelRegularizer: null,
      biasRegularizer: null,
    });
    expect(r.spec.data).toEqual({ dataset: { type: 'fashionMnist', dir: null }, preprocess: { divideBy: 1, labels: 'integer' }, validation: { type: 'none' } });
    expect(Object.isFrozen(r.spec.training.optimizer)).toBe(true);
  });

  it('fills defaults inside a regularizer and a parametrized initializer', () => {
    const v = createValidator(builtinRegistries());
    const r = v.validate({
      specVersion: 1,
      name: 'tiny',
      data: { dataset: { type: 'fashionMnist' } },
      model: {
        type: 'sequential',
        layers: [{ type: 'input', shape: [784] }, { type: 'dense', units: 10, kernelRegularizer: { type: 'l2' }, kernelInitializer: { type: 'randomNormal' } }],
      },
      training: { loss: { type: 'sparseCategoricalCrossentropy' } },
    });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.spec.model.layers[1]).toMatchObject({ kernelRegularizer: { type: 'l2', l2: 0.01 }, kernelInitializer: { type: 'randomNormal', mean: 0, stddev: 0.05 } });
  });

  it('includes a plugin layer, and rejects a broken plugin definition as a plugin error', () => {
    const square = defineLayer({
      type: 'square',
      description: 'x * x',
      arity: 1,
      params: Type.Object({ scale: opt(Type.Number(), 1, 'Multiplier.') }),
      infer: (_p, inputs) => ({ shape: inputs[0]!, trainable: 0, nonTrainable: 0 }),
      build: () => {
        throw new Error('not built in this test');
      },
    });
    const reg = builtinRegistries();
    const withPlugin = { ...reg, layers: reg.layers.with(square) };
    const s = JSON.stringify(buildSpecSchema(withPlugin));
    expect(s).toContain('"const":"square"');
    const broken = { ...square, type: 'broken', params: Type.Object({ scale: Type.Optional(Type.Number({ description: 'Multiplier.' })) }) };
    expect(() => reg.layers.with(broken)).toThrow(PluginError);
    expect(() => reg.layers.with(broken)).toThrow(/optional param "scale" needs a literal default/);
  });
});
