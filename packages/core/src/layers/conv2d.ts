import * as tfl from '@tensorflow/tfjs-layers';
import { Type } from '@sinclair/typebox';
import { defineLayer, ShapeProblem, single, window2d } from './kind.js';
import { activationSchema } from '../components/activations.js';
import { initializerField, paddingField, regularizerField } from './common.js';
import { opt, PositiveInt, req, Size2, toPair } from '../spec/fields.js';

export const conv2d = defineLayer({
  type: 'conv2d',
  description: '2-D convolution over (height, width, channels) inputs (Keras `Conv2D`).',
  keras: 'tf.keras.layers.Conv2D',
  arity: 1,
  params: Type.Object({
    filters: req(PositiveInt({ examples: [32] }), 'Number of output channels.'),
    kernelSize: req(Size2({ examples: [3] }), 'Window size: one integer, or [height, width].'),
    strides: opt(Size2(), 1, 'Step between windows: one integer, or [height, width].'),
    padding: paddingField('valid'),
    activation: activationSchema('Activation applied to the output.', 'linear', ['relu']),
    useBias: opt(Type.Boolean(), true, 'Whether the layer adds a bias per filter.'),
    kernelInitializer: initializerField('glorotUniform', 'Initializer of the kernel.'),
    biasInitializer: initializerField('zeros', 'Initializer of the bias.'),
    kernelRegularizer: regularizerField('Penalty on the kernel added to the loss.'),
    biasRegularizer: regularizerField('Penalty on the bias added to the loss.'),
  }),
  infer: (p, inputs) => {
    const s = single(inputs, 3);
    const k = toPair(p.kernelSize);
    const [h, w] = window2d(s, k, toPair(p.strides ?? 1), p.padding ?? 'valid', 'kernel');
    const c = s[2];
    if (c == null) throw new ShapeProblem('the channel axis of its input must be known');
    const trainable = k[0] * k[1] * c * p.filters + (p.useBias !== false ? p.filters : 0);
    return { shape: [h, w, p.filters], trainable, nonTrainable: 0 };
  },
  build: (p, ctx) =>
    tfl.layers.conv2d({
      filters: p.filters,
      kernelSize: toPair(p.kernelSize),
      strides: toPair(p.strides ?? 1),
      padding: p.padding,
      activation: p.activation as never,
      useBias: p.useBias,
      kernelInitializer: ctx.initializer(p.kernelInitializer ?? 'glorotUniform', 'kernel'),
      biasInitializer: ctx.initializer(p.biasInitializer ?? 'zeros', 'bias'),
      kernelRegularizer: ctx.regularizer(p.kernelRegularizer),
      biasRegularizer: ctx.regularizer(p.biasRegularizer),
      dataFormat: 'channelsLast',
      name: ctx.name,
    }),
});
