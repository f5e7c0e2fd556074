import { Type } from '@sinclair/typebox';
import { defineLayer, single } from './kind.js';
import { Fraction, req } from '../spec/fields.js';
import { SeededDropout } from './seeded-dropout.js';

export const dropout = defineLayer({
  type: 'dropout',
  description: 'While training, zero each input with probability `rate` and scale the rest by 1 / (1 - rate). Seeded from the run seed.',
  keras: 'tf.keras.layers.Dropout',
  arity: 1,
  params: Type.Object({ rate: req(Fraction({ examples: [0.2] }), 'Fraction of the inputs to drop, in [0, 1).') }),
  infer: (_p, inputs) => ({ shape: single(inputs), trainable: 0, nonTrainable: 0 }),
  build: (p, ctx) => new SeededDropout({ rate: p.rate, seed: ctx.seed, name: ctx.name }),
});
