import { builtinLayers } from '../layers/index.js';
import { builtinInitializers } from '../components/initializers.js';
import { builtinRegularizers } from '../components/regularizers.js';
import { builtinOptimizers } from '../components/optimizers.js';
import { builtinLosses } from '../components/losses.js';
import { builtinMetrics } from '../components/metrics.js';
import { builtinDatasets } from '../data/datasets/index.js';
import type { LayerKind } from '../layers/kind.js';
import { definePlugin, MODELSPEC_VERSION, PLUGIN_API_VERSION } from './define.js';

/**
 * modelspec's own kinds, registered through the plugin contract like any
 * third-party plugin (its `@modelspec/` name gives its kinds their plain names).
 */
export const corePlugin = definePlugin({
  name: '@modelspec/core',
  version: MODELSPEC_VERSION,
  apiVersion: PLUGIN_API_VERSION,
  description: 'The built-in layers, initializers, regularizers, optimizers, losses, metrics and datasets.',
  layers: Object.values(builtinLayers) as LayerKind[],
  initializers: Object.values(builtinInitializers),
  regularizers: Object.values(builtinRegularizers),
  optimizers: Object.values(builtinOptimizers),
  losses: Object.values(builtinLosses),
  metrics: Object.values(builtinMetrics),
  datasets: Object.values(builtinDatasets),
});
