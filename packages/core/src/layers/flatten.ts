import * as tfl from '@tensorflow/tfjs-layers';
import { Type } from '@sinclair/typebox';
import { defineLayer, product, single } from './kind.js';

export const flatten = defineLayer({
  type: 'flatten',
  description: 'Flatten each example to one axis.',
  arity: 1,
  params: Type.Object({}),
  infer: (_p, inputs) => {
    const n = product(single(inputs, [1, 8]));
    return { shape: [Number.isFinite(n) ? n : null], trainable: 0, nonTrainable: 0 };
  },
  build: (_p, ctx) => tfl.layers.flatten({ name: ctx.name }),
});
