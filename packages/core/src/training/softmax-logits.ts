/**
 * Keras computes a cross-entropy from logits whenever the model's output comes
 * straight from a softmax: its backend sees the Softmax op and takes that op's
 * input instead (keras/backend.py, `_get_logits`), so a saturated softmax keeps
 * its gradient rather than losing it to the clip at 1e-7. Without this a model
 * fed raw 0..255 pixels (experiment D) sticks at 10% where Keras trains it to
 * 89%. modelspec does the same: `forward` runs the model with the output
 * layer's softmax switched off, gives the loss the logits and everything else
 * (metrics, predictions) their softmax, which is what the model outputs.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { LossKind } from '../components/losses.js';

interface ActivationLike {
  getClassName(): string;
  apply(x: tf.Tensor, axis?: number): tf.Tensor;
}
type WithActivation = { activation?: ActivationLike | null };

const IDENTITY: ActivationLike = { getClassName: () => 'linear', apply: (x) => x };

export interface Forward {
  /** The model's output: probabilities where it ends in a softmax. */
  pred: tf.Tensor;
  /** The loss on this batch, from the logits where Keras would use them. */
  loss(yTrue: tf.Tensor): tf.Scalar;
}

/** The output layer, when it ends in a softmax and the loss takes its logits the way Keras does. */
export function softmaxOutputLayer(model: tfl.LayersModel, loss: { kind: LossKind; params: Record<string, unknown> }): WithActivation | null {
  if (!loss.kind.fromSoftmaxLogits || loss.params['fromLogits'] === true || model.outputLayers.length !== 1) return null;
  const layer = model.outputLayers[0] as unknown as WithActivation;
  return layer.activation?.getClassName() === 'softmax' ? layer : null;
}

/** Runs the model on x; see the file comment. Call inside a tidy (or a gradient tape). */
export function forward(model: tfl.LayersModel, x: tf.Tensor, training: boolean, loss: { kind: LossKind; params: Record<string, unknown> }): Forward {
  const layer = softmaxOutputLayer(model, loss);
  if (!layer) {
    const pred = model.apply(x, { training }) as tf.Tensor;
    return { pred, loss: (y) => loss.kind.compute(loss.params as never, y, pred) };
  }
  const softmax = layer.activation!;
  let logits: tf.Tensor;
  layer.activation = IDENTITY;
  try {
    logits = model.apply(x, { training }) as tf.Tensor;
  } finally {
    layer.activation = softmax;
  }
  return { pred: softmax.apply(logits), loss: (y) => loss.kind.fromSoftmaxLogits!(loss.params as never, y, logits) };
}
