import * as tfl from '@tensorflow/tfjs-layers';
import { Type } from '@sinclair/typebox';
import { defineLayer, single } from './kind.js';
import { opt, req } from '../spec/fields.js';

export const rescaling = defineLayer({
  type: 'rescaling',
  description: 'x * scale + offset, in the model (Keras `Rescaling(1/255)` takes raw pixels to [0, 1]).',
  keras: 'tf.keras.layers.Rescaling',
  arity: 1,
  params: Type.Object({
    scale: req(Type.Number({ examples: [0.00392156862745098] }), 'Multiplier, e.g. 0.00392156862745098 for 1/255.'),
    offset: opt(Type.Number(), 0, 'Added after scaling.'),
  }),
  infer: (_p, inputs) => ({ shape: single(inputs), trainable: 0, nonTrainable: 0 }),
  build: (p, ctx) => tfl.layers.rescaling({ scale: p.scale, offset: p.offset ?? 0, name: ctx.name }),
});
