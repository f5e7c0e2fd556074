import * as tfl from '@tensorflow/tfjs-layers';
import { Type } from '@sinclair/typebox';
import { defineLayer, fmtShape, product, ShapeProblem, single } from './kind.js';

export const flatten = defineLayer({
  type: 'flatten',
  description: 'Flatten each example to one axis.',
  keras: 'tf.keras.layers.Flatten',
  arity: 1,
  params: Type.Object({}),
  infer: (_p, inputs) => {
    const s = single(inputs, [1, 8]);
    // tfjs's Flatten takes rank 2 or more (3 with the batch axis), and fails at compile time otherwise.
    if (s.length < 2) throw new ShapeProblem(`its input ${fmtShape(s)} is already flat`, 'remove this flatten layer');
    const n = product(s);
    return { shape: [Number.isFinite(n) ? n : null], trainable: 0, nonTrainable: 0 };
  },
  build: (_p, ctx) => tfl.layers.flatten({ name: ctx.name }),
});
