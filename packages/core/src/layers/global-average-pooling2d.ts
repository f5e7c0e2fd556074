import * as tfl from '@tensorflow/tfjs-layers';
import { Type } from '@sinclair/typebox';
import { defineLayer, single } from './kind.js';

export const globalAveragePooling2d = defineLayer({
  type: 'globalAveragePooling2d',
  description: 'Mean over height and width, leaving one value per channel (Keras `GlobalAveragePooling2D`).',
  keras: 'tf.keras.layers.GlobalAveragePooling2D',
  arity: 1,
  params: Type.Object({}),
  infer: (_p, inputs) => ({ shape: [single(inputs, 3)[2] ?? null], trainable: 0, nonTrainable: 0 }),
  build: (_p, ctx) => tfl.layers.globalAveragePooling2d({ dataFormat: 'channelsLast', name: ctx.name }),
});
