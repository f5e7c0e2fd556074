import { Registry } from '../registry/registry.js';
import { PluginError } from '../errors.js';
import type { LayerKind } from './kind.js';
import { input } from './input.js';
import { reshape } from './reshape.js';
import { flatten } from './flatten.js';
import { dense } from './dense.js';
import { dropout } from './dropout.js';
import { conv2d } from './conv2d.js';
import { maxPooling2d } from './max-pooling2d.js';
import { averagePooling2d } from './average-pooling2d.js';
import { zeroPadding2d } from './zero-padding2d.js';
import { rescaling } from './rescaling.js';
import { batchNormalization } from './batch-normalization.js';
import { activation } from './activation.js';
import { concatenate } from './concatenate.js';
import { globalAveragePooling2d } from './global-average-pooling2d.js';

/** Adding a layer kind: one new file, one line here. */
export const builtinLayers = {
  input,
  reshape,
  flatten,
  dense,
  dropout,
  conv2d,
  maxPooling2d,
  averagePooling2d,
  zeroPadding2d,
  rescaling,
  batchNormalization,
  activation,
  concatenate,
  globalAveragePooling2d,
} as const satisfies Record<string, LayerKind<any>>; // eslint-disable-line @typescript-eslint/no-explicit-any

export type LayerName = keyof typeof builtinLayers;
export type LayerRegistry = Registry<LayerKind>;

const RESERVED = new Set(['type', 'name', 'inputs']);

/** A plugin layer's definition is checked when it is registered: a broken plugin is not a broken spec. */
function validateLayerKind(k: LayerKind): void {
  if (!k.params || k.params.type !== 'object') throw new PluginError(k.type, 'params must be an object schema');
  for (const [key, field] of Object.entries(k.params.properties ?? {})) {
    if (RESERVED.has(key)) throw new PluginError(k.type, `param "${key}" is reserved`);
    const f = field as { description?: string; default?: unknown };
    if (!f.description) throw new PluginError(k.type, `param "${key}" needs a description`);
    const required = (k.params.required ?? []).includes(key);
    if (!required && !('default' in f)) throw new PluginError(k.type, `optional param "${key}" needs a literal default`);
  }
  if (![0, 1, 'many'].includes(k.arity as never)) throw new PluginError(k.type, 'arity must be 0, 1 or "many"');
  if (typeof k.infer !== 'function' || typeof k.build !== 'function') throw new PluginError(k.type, 'needs infer() and build()');
}

export const layerRegistry = (): LayerRegistry => Registry.fromObject<LayerKind>('layer', builtinLayers as Record<string, LayerKind>, validateLayerKind);
export type { LayerKind };
