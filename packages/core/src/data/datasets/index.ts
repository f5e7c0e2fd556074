import { Kind, type TObject } from '@sinclair/typebox';
import { PluginError } from '../../errors.js';
import { Registry } from '../../registry/registry.js';
import type { DatasetKind } from '../types.js';
import { csv } from './csv.js';
import { fashionMnist } from './fashion-mnist.js';
import { mnist } from './mnist.js';

export { FASHION_MNIST_CLASSES } from './fashion-mnist.js';

export const builtinDatasets = { fashionMnist, mnist, csv } as const satisfies Record<string, DatasetKind>;
export type DatasetName = keyof typeof builtinDatasets;
export type DatasetRegistry = Registry<DatasetKind>;

/** A third-party dataset kind is checked when it is registered, not when a spec first uses it. */
export function validateDatasetKind(k: DatasetKind): void {
  const params = k.params as TObject | undefined;
  if (!params || params[Kind] !== 'Object') throw new PluginError(k.type, 'dataset params must be a TypeBox object schema');
  if (!Array.isArray(k.classNames) || k.classNames.length < 2 || !k.classNames.every((c) => typeof c === 'string' && c.length > 0)) {
    throw new PluginError(k.type, 'dataset classNames must list at least two non-empty names');
  }
  if (typeof k.files !== 'function' || typeof k.decode !== 'function') throw new PluginError(k.type, 'a dataset needs files() and decode()');
}

export const datasetRegistry = (): DatasetRegistry => Registry.fromObject<DatasetKind>('dataset', builtinDatasets, validateDatasetKind);
