import * as tfl from '@tensorflow/tfjs-layers';
import { defineLayer } from './kind.js';
import { inferPooling2d, pooling2dParams, resolvePool } from './pooling.js';

export const averagePooling2d = defineLayer({
  type: 'averagePooling2d',
  description: 'Mean over each window (Keras `AveragePooling2D`).',
  keras: 'tf.keras.layers.AveragePooling2D',
  arity: 1,
  params: pooling2dParams,
  infer: inferPooling2d,
  build: (p, ctx) => tfl.layers.averagePooling2d({ ...resolvePool(p), dataFormat: 'channelsLast', name: ctx.name }),
});
