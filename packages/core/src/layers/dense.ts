import * as tfl from '@tensorflow/tfjs-layers';
import { Type } from '@sinclair/typebox';
import { defineLayer, ShapeProblem, single } from './kind.js';
import { activationSchema } from '../components/activations.js';
import { initializerField, regularizerField } from './common.js';
import { opt, PositiveInt, req } from '../spec/fields.js';

export const dense = defineLayer({
  type: 'dense',
  description: 'Fully connected layer on the last axis: activation(x · kernel + bias).',
  keras: 'tf.keras.layers.Dense',
  arity: 1,
  params: Type.Object({
    units: req(PositiveInt({ examples: [128] }), 'Number of output units.'),
    activation: activationSchema('Activation applied to the output.', 'linear', ['relu']),
    useBias: opt(Type.Boolean(), true, 'Whether the layer adds a bias vector.'),
    kernelInitializer: initializerField('glorotUniform', 'Initializer of the kernel.'),
    biasInitializer: initializerField('zeros', 'Initializer of the bias.'),
    kernelRegularizer: regularizerField('Penalty on the kernel added to the loss.'),
    biasRegularizer: regularizerField('Penalty on the bias added to the loss.'),
  }),
  infer: (p, inputs) => {
    const s = single(inputs, [1, 8]);
    const last = s[s.length - 1];
    if (last == null) throw new ShapeProblem('the last axis of its input must be known');
    return { shape: [...s.slice(0, -1), p.units], trainable: last * p.units + (p.useBias !== false ? p.units : 0), nonTrainable: 0 };
  },
  build: (p, ctx) =>
    tfl.layers.dense({
      units: p.units,
      activation: p.activation as never,
      useBias: p.useBias,
      kernelInitializer: ctx.initializer(p.kernelInitializer ?? 'glorotUniform', 'kernel'),
      biasInitializer: ctx.initializer(p.biasInitializer ?? 'zeros', 'bias'),
      kernelRegularizer: ctx.regularizer(p.kernelRegularizer),
      biasRegularizer: ctx.regularizer(p.biasRegularizer),
      name: ctx.name,
    }),
});
