import * as tfl from '@tensorflow/tfjs-layers';
import { defineLayer } from './kind.js';
import { inferPooling2d, pooling2dParams, resolvePool } from './pooling.js';

export const maxPooling2d = defineLayer({
  type: 'maxPooling2d',
  description: 'Maximum over each window (Keras `MaxPooling2D`).',
  keras: 'tf.keras.layers.MaxPooling2D',
  arity: 1,
  params: pooling2dParams,
  infer: inferPooling2d,
  build: (p, ctx) => tfl.layers.maxPooling2d({ ...resolvePool(p), dataFormat: 'channelsLast', name: ctx.name }),
});
