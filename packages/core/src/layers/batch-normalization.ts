import * as tfl from '@tensorflow/tfjs-layers';
import { Type } from '@sinclair/typebox';
import { defineLayer, ShapeProblem, single } from './kind.js';
import { initializerField } from './common.js';
import { opt } from '../spec/fields.js';

export const batchNormalization = defineLayer({
  type: 'batchNormalization',
  description: 'Normalize the last axis with batch statistics while training and moving averages at inference (Keras `BatchNormalization`).',
  keras: 'tf.keras.layers.BatchNormalization',
  arity: 1,
  params: Type.Object({
    momentum: opt(Type.Number({ minimum: 0, maximum: 1 }), 0.99, 'Momentum of the moving mean and variance.'),
    epsilon: opt(Type.Number({ exclusiveMinimum: 0 }), 0.001, 'Added to the variance to avoid dividing by zero.'),
    center: opt(Type.Boolean(), true, 'Learn an offset (beta).'),
    scale: opt(Type.Boolean(), true, 'Learn a scale (gamma).'),
    betaInitializer: initializerField('zeros', 'Initializer of beta.'),
    gammaInitializer: initializerField('ones', 'Initializer of gamma.'),
  }),
  infer: (p, inputs) => {
    const s = single(inputs, [1, 8]);
    const c = s[s.length - 1];
    if (c == null) throw new ShapeProblem('the last axis of its input must be known');
    const learned = (p.center !== false ? c : 0) + (p.scale !== false ? c : 0);
    return { shape: s, trainable: learned, nonTrainable: 2 * c };
  },
  build: (p, ctx) =>
    tfl.layers.batchNormalization({
      axis: -1,
      momentum: p.momentum,
      epsilon: p.epsilon,
      center: p.center,
      scale: p.scale,
      betaInitializer: ctx.initializer(p.betaInitializer ?? 'zeros', 'beta'),
      gammaInitializer: ctx.initializer(p.gammaInitializer ?? 'ones', 'gamma'),
      name: ctx.name,
    }),
});
