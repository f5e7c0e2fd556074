import * as tf from '@tensorflow/tfjs-core';
import { Type, type TObject, type Static } from '@sinclair/typebox';
import { Registry, type Plugin } from '../registry/registry.js';
import { opt } from '../spec/fields.js';

export interface OptimizerKind<P extends TObject = TObject> extends Plugin {
  readonly params: P;
  build(params: Static<P>): tf.Optimizer;
  /** Optimizer slots per trainable weight (for the memory estimate): Adam keeps 2. */
  readonly slots: number;
}

const kind = <P extends TObject>(k: OptimizerKind<P>) => k as unknown as OptimizerKind;
const lr = (def: number) => opt(Type.Number({ exclusiveMinimum: 0, examples: [def] }), def, 'Learning rate.');
const eps = opt(Type.Number({ exclusiveMinimum: 0 }), 1e-7, 'Small constant for numerical stability (Keras default 1e-7).');

/** Defaults are Keras's (tf.keras.optimizers), not tfjs's. */
export const builtinOptimizers = {
  adam: kind({
    type: 'adam',
    description: 'Adam (Kingma & Ba). Keras `adam`: lr 0.001, beta1 0.9, beta2 0.999, epsilon 1e-7.',
    keras: 'tf.keras.optimizers.Adam',
    slots: 2,
    params: Type.Object({
      learningRate: lr(0.001),
      beta1: opt(Type.Number({ minimum: 0, exclusiveMaximum: 1 }), 0.9, 'Decay of the first-moment estimate.'),
      beta2: opt(Type.Number({ minimum: 0, exclusiveMaximum: 1 }), 0.999, 'Decay of the second-moment estimate.'),
      epsilon: eps,
    }),
    build: (p) => tf.train.adam(p.learningRate, p.beta1, p.beta2, p.epsilon),
  }),
  adamax: kind({
    type: 'adamax',
    description: 'Adamax, Adam with the infinity norm. Keras defaults.',
    keras: 'tf.keras.optimizers.Adamax',
    slots: 2,
    params: Type.Object({
      learningRate: lr(0.001),
      beta1: opt(Type.Number({ minimum: 0, exclusiveMaximum: 1 }), 0.9, 'Decay of the first-moment estimate.'),
      beta2: opt(Type.Number({ minimum: 0, exclusiveMaximum: 1 }), 0.999, 'Decay of the infinity-norm estimate.'),
      epsilon: eps,
    }),
    build: (p) => tf.train.adamax(p.learningRate, p.beta1, p.beta2, p.epsilon, 0),
  }),
  sgd: kind({
    type: 'sgd',
    description: 'Stochastic gradient descent, with optional (Nesterov) momentum. Keras `sgd`: lr 0.01.',
    keras: 'tf.keras.optimizers.SGD',
    slots: 1,
    params: Type.Object({
      learningRate: lr(0.01),
      momentum: opt(Type.Number({ minimum: 0 }), 0, 'Momentum; 0 is plain SGD.'),
      nesterov: opt(Type.Boolean(), false, 'Use Nesterov momentum.'),
    }),
    build: (p) => (p.momentum ? tf.train.momentum(p.learningRate!, p.momentum, p.nesterov) : tf.train.sgd(p.learningRate!)),
  }),
  rmsprop: kind({
    type: 'rmsprop',
    description: 'RMSprop. Keras `rmsprop`: lr 0.001, rho 0.9, momentum 0, epsilon 1e-7.',
    keras: 'tf.keras.optimizers.RMSprop',
    slots: 2,
    params: Type.Object({
      learningRate: lr(0.001),
      rho: opt(Type.Number({ minimum: 0, exclusiveMaximum: 1 }), 0.9, 'Decay of the squared-gradient average.'),
      momentum: opt(Type.Number({ minimum: 0 }), 0, 'Momentum.'),
      epsilon: eps,
      centered: opt(Type.Boolean(), false, 'Normalize by the gradient variance estimate.'),
    }),
    build: (p) => tf.train.rmsprop(p.learningRate!, p.rho, p.momentum, p.epsilon, p.centered),
  }),
  adagrad: kind({
    type: 'adagrad',
    description: 'Adagrad. Keras `adagrad`: lr 0.001, initial accumulator 0.1.',
    keras: 'tf.keras.optimizers.Adagrad',
    slots: 1,
    params: Type.Object({
      learningRate: lr(0.001),
      initialAccumulatorValue: opt(Type.Number({ minimum: 0 }), 0.1, 'Starting value of the accumulators.'),
    }),
    build: (p) => tf.train.adagrad(p.learningRate!, p.initialAccumulatorValue),
  }),
} satisfies Record<string, OptimizerKind>;

export type OptimizerName = keyof typeof builtinOptimizers;
export const optimizerRegistry = () => Registry.fromObject('optimizer', builtinOptimizers);
export type OptimizerRegistry = Registry<OptimizerKind>;
