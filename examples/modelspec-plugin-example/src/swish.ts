import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { Type } from '@sinclair/typebox';
import { defineLayer, ShapeProblem } from '@modelspec/core';

type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;

export interface SwishArgs extends LayerArgs {
  beta: number;
  trainBeta: boolean;
}

let unnamed = 0;

/**
 * swish(x) = x · sigmoid(β·x) (Ramachandran et al. 2017), with β fixed or
 * learned. A tfjs layer class of the plugin's own, registered by the plugin
 * host. Its className carries the plugin's package name because tfjs-layers
 * writes a layer's static className into model.json (not the name it was
 * registered under): a saved model names `modelspec-plugin-example>Swish`,
 * loads wherever the plugin is loaded, and where it is not, tfjs's
 * "Unknown layer" error names the plugin to install.
 */
export class Swish extends tfl.layers.Layer {
  static className = 'modelspec-plugin-example>Swish';
  readonly beta: number;
  readonly trainBeta: boolean;
  private betaWeight: tfl.LayerVariable | null = null;

  constructor(args: SwishArgs) {
    // tfjs would derive a default name from the className, and '>' is not allowed in weight names.
    super({ ...args, name: args.name ?? `swish_${++unnamed}` });
    this.beta = args.beta;
    this.trainBeta = args.trainBeta;
    this.supportsMasking = true;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    // β starts at its param value: a constant, so the run seed plays no part.
    if (this.trainBeta) this.betaWeight = this.addWeight('beta', [], 'float32', tfl.initializers.constant({ value: this.beta }));
    super.build(inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    return tf.tidy(() => {
      if (this.betaWeight) return tf.mul(x, tf.sigmoid(tf.mul(this.betaWeight.read(), x)));
      return tf.mul(x, tf.sigmoid(this.beta === 1 ? x : tf.mul(tf.scalar(this.beta), x)));
    });
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), beta: this.beta, trainBeta: this.trainBeta };
  }
}

/** The `swish` layer kind (`example/swish` in specs). */
export const swish = defineLayer({
  type: 'swish',
  description: 'Swish activation x · sigmoid(β·x), elementwise (Ramachandran et al. 2017); β fixed or learned.',
  keras: 'tf.keras.layers.Activation("swish")',
  arity: 1,
  params: Type.Object({
    beta: Type.Optional(Type.Number({ exclusiveMinimum: 0, default: 1, description: 'β, the slope inside the sigmoid; 1 gives SiLU. When trainBeta, its starting value.' })),
    trainBeta: Type.Optional(Type.Boolean({ default: false, description: 'Learn β (one trainable weight per layer) instead of keeping it fixed.' })),
  }),
  infer: (p, inputs) => {
    const shape = inputs[0]!;
    if (shape.length === 0) throw new ShapeProblem('expects an input with at least one axis besides the batch axis');
    return { shape, trainable: p.trainBeta ? 1 : 0, nonTrainable: 0 };
  },
  build: (p, ctx) => new Swish({ beta: p.beta ?? 1, trainBeta: p.trainBeta ?? false, name: ctx.name }),
  classes: [Swish],
});
