import * as tfl from '@tensorflow/tfjs-layers';
import { Type } from '@sinclair/typebox';
import { defineLayer, single } from './kind.js';
import { builtinActivations, type ActivationName } from '../components/activations.js';

export const activation = defineLayer({
  type: 'activation',
  description: 'Apply an activation function on its own (Keras `Activation`).',
  keras: 'tf.keras.layers.Activation',
  arity: 1,
  params: Type.Object({
    activation: Type.Unsafe<ActivationName>({
      type: 'string',
      enum: Object.keys(builtinActivations),
      enumDescriptions: Object.values(builtinActivations),
      examples: ['relu'],
      description: 'The activation to apply.',
    }),
  }),
  infer: (_p, inputs) => ({ shape: single(inputs), trainable: 0, nonTrainable: 0 }),
  build: (p, ctx) => tfl.layers.activation({ activation: p.activation as never, name: ctx.name }),
});
