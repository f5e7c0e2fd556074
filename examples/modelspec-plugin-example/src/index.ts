import { definePlugin, PLUGIN_API_VERSION } from '@modelspec/core';
import { swish } from './swish.js';
import { bars } from './bars.js';
import { jsEngine } from './engine.js';

/**
 * modelspec-plugin-example: its kinds are `example/swish`, `example/bars`
 * and `example/js` in specs and on the command line (the package name less
 * `modelspec-plugin-` is the namespace).
 */
const plugin = definePlugin({
  name: 'modelspec-plugin-example',
  version: '1.0.0',
  apiVersion: PLUGIN_API_VERSION,
  description: 'An example plugin: a swish layer, a synthetic bars dataset and a JavaScript engine with kernels of its own.',
  layers: [swish],
  datasets: [bars],
  engines: [jsEngine],
});

export default plugin;
export { swish, Swish } from './swish.js';
export { bars, drawBars, BARS_CLASSES } from './bars.js';
export { jsEngine } from './engine.js';
export { ownKernels } from './kernels.js';
