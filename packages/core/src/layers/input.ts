import * as tfl from '@tensorflow/tfjs-layers';
import { Type } from '@sinclair/typebox';
import { defineLayer, ShapeProblem } from './kind.js';
import { PositiveInt, req } from '../spec/fields.js';

export const input = defineLayer({
  type: 'input',
  description: 'A model input (`keras.Input`): the shape of one example, without the batch axis.',
  keras: 'tf.keras.Input',
  arity: 0,
  params: Type.Object({
    shape: req(Type.Array(PositiveInt(), { minItems: 1, maxItems: 8, examples: [[28, 28]] }), 'Shape of one example, e.g. [28, 28] or [28, 28, 1].'),
  }),
  infer: (p) => {
    if (!p.shape.length) throw new ShapeProblem('shape must have at least one axis');
    return { shape: p.shape, trainable: 0, nonTrainable: 0 };
  },
  build: (p, ctx) => tfl.layers.inputLayer({ batchInputShape: [null, ...p.shape], name: ctx.name }),
});
