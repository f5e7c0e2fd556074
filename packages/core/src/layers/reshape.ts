import * as tfl from '@tensorflow/tfjs-layers';
import { Type } from '@sinclair/typebox';
import { defineLayer, fmtShape, product, ShapeProblem, single } from './kind.js';
import { PositiveInt, req } from '../spec/fields.js';

export const reshape = defineLayer({
  type: 'reshape',
  description: 'Reshape each example to `targetShape` (same number of elements).',
  keras: 'tf.keras.layers.Reshape',
  arity: 1,
  params: Type.Object({
    targetShape: req(Type.Array(PositiveInt(), { minItems: 1, maxItems: 8, examples: [[28, 28, 1]] }), 'New shape of one example, without the batch axis, e.g. [28, 28, 1].'),
  }),
  infer: (p, inputs) => {
    const s = single(inputs);
    const n = product(s);
    if (Number.isFinite(n) && n !== product(p.targetShape)) {
      throw new ShapeProblem(`cannot reshape ${fmtShape(s)} (${n} elements) to ${fmtShape(p.targetShape)} (${product(p.targetShape)} elements)`, undefined, 'targetShape');
    }
    return { shape: p.targetShape, trainable: 0, nonTrainable: 0 };
  },
  build: (p, ctx) => tfl.layers.reshape({ targetShape: p.targetShape, name: ctx.name }),
});
