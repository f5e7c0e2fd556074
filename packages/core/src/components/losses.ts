import * as tf from '@tensorflow/tfjs-core';
import { Type, type TObject, type Static } from '@sinclair/typebox';
import { Registry, type Plugin } from '../registry/registry.js';
import { opt } from '../spec/fields.js';

export type LabelEncoding = 'integer' | 'oneHot';

export interface LossKind<P extends TObject = TObject> extends Plugin {
  readonly params: P;
  /** The label encoding this loss needs; the checker compares it with `data.labels`. */
  readonly labels: LabelEncoding;
  /** Mean loss over the batch. `yTrue` is int32 class ids or float one-hot rows, as `labels` says. */
  compute(params: Static<P>, yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar;
  /**
   * The loss from the logits of an output layer that ends in a softmax, as
   * Keras computes it then (see training/softmax-logits.ts); used instead of
   * `compute` when the loss has `fromLogits: false` and the output is a softmax.
   */
  fromSoftmaxLogits?(params: Static<P>, yTrue: tf.Tensor, logits: tf.Tensor): tf.Scalar;
  /** When the output layer's activation makes this loss meaningless, say why (a warning, not an error). */
  outputWarning?(params: Static<P>, activation: string | undefined): string | undefined;
}

const kind = <P extends TObject>(k: LossKind<P>) => k as unknown as LossKind;
/** Keras's backend epsilon: probabilities are clipped to [EPS, 1 - EPS] before the log. */
export const EPS = 1e-7;

const fromLogits = opt(Type.Boolean(), false, 'The model outputs logits (no softmax); the loss applies the softmax itself.');

function probabilityWarning(p: { fromLogits?: boolean }, act: string | undefined): string | undefined {
  if (p.fromLogits && act === 'softmax') return 'the output already has a softmax but the loss has fromLogits: true, so it applies a second softmax';
  if (!p.fromLogits && act !== undefined && act !== 'softmax' && act !== 'sigmoid') {
    return `the output activation is ${act}, so the model outputs are not probabilities, yet the loss has fromLogits: false: Keras then normalizes and clips them and training usually fails (use activation: softmax, or fromLogits: true)`;
  }
  return undefined;
}

/** Mean of -log softmax(logits)[label] over the batch. */
function sparseFromLogits(yTrue: tf.Tensor, logits: tf.Tensor): tf.Scalar {
  const picked = tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(tf.cast(yTrue, 'int32'), logits.shape[1]!)), -1);
  return tf.neg(tf.mean(picked)) as tf.Scalar;
}
/** One-hot labels mixed with the uniform distribution (Keras's label_smoothing). */
function smooth(yTrue: tf.Tensor, by = 0): tf.Tensor {
  return by ? tf.add(tf.mul(yTrue, 1 - by), by / yTrue.shape[1]!) : yTrue;
}
function categoricalFromLogits(yTrue: tf.Tensor, logits: tf.Tensor, labelSmoothing = 0): tf.Scalar {
  return tf.neg(tf.mean(tf.sum(tf.mul(smooth(yTrue, labelSmoothing), tf.logSoftmax(logits)), -1))) as tf.Scalar;
}

export const builtinLosses = {
  sparseCategoricalCrossentropy: kind({
    type: 'sparseCategoricalCrossentropy',
    description: 'Cross-entropy with integer class labels (Keras `sparse_categorical_crossentropy`).',
    keras: 'tf.keras.losses.SparseCategoricalCrossentropy',
    labels: 'integer',
    params: Type.Object({ fromLogits }),
    compute: (p, yTrue, yPred) =>
      tf.tidy(() => {
        // Keras: log(clip(p)) fed to a softmax cross-entropy, i.e. probabilities renormalized.
        const logits = p.fromLogits ? yPred : tf.log(tf.clipByValue(yPred, EPS, 1 - EPS));
        return sparseFromLogits(yTrue, logits);
      }),
    fromSoftmaxLogits: (_p, yTrue, logits) => tf.tidy(() => sparseFromLogits(yTrue, logits)),
    outputWarning: probabilityWarning,
  }),
  categoricalCrossentropy: kind({
    type: 'categoricalCrossentropy',
    description: 'Cross-entropy with one-hot labels (Keras `categorical_crossentropy`).',
    keras: 'tf.keras.losses.CategoricalCrossentropy',
    labels: 'oneHot',
    params: Type.Object({
      fromLogits,
      labelSmoothing: opt(Type.Number({ minimum: 0, maximum: 1 }), 0, 'Mix the one-hot labels with the uniform distribution by this much.'),
    }),
    compute: (p, yTrue, yPred) =>
      tf.tidy(() => {
        if (p.fromLogits) return categoricalFromLogits(yTrue, yPred, p.labelSmoothing);
        // Keras: output / sum(output), then clip to [eps, 1 - eps], then log. Done as Keras does it, so
        // a model whose outputs are not probabilities fails exactly as it does in Keras.
        const norm = tf.div(yPred, tf.sum(yPred, -1, true));
        const logp = tf.log(tf.clipByValue(norm, EPS, 1 - EPS));
        return tf.neg(tf.mean(tf.sum(tf.mul(smooth(yTrue, p.labelSmoothing), logp), -1))) as tf.Scalar;
      }),
    fromSoftmaxLogits: (p, yTrue, logits) => tf.tidy(() => categoricalFromLogits(yTrue, logits, p.labelSmoothing)),
    outputWarning: probabilityWarning,
  }),
  meanSquaredError: kind({
    type: 'meanSquaredError',
    description: 'Mean of squared differences between one-hot labels and outputs.',
    keras: 'tf.keras.losses.MeanSquaredError',
    labels: 'oneHot',
    params: Type.Object({}),
    compute: (_p, yTrue, yPred) => tf.tidy(() => tf.mean(tf.mean(tf.squaredDifference(yTrue, yPred), -1))),
  }),
} satisfies Record<string, LossKind>;

export type LossName = keyof typeof builtinLosses;
export const lossRegistry = () => Registry.fromObject('loss', builtinLosses);
export type LossRegistry = Registry<LossKind>;
