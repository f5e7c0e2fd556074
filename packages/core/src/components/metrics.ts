import * as tf from '@tensorflow/tfjs-core';
import { Registry, type Plugin } from '../registry/registry.js';
import type { LabelEncoding } from './losses.js';

export interface MetricKind extends Plugin {
  /**
   * Sum of the metric over the batch (not the mean), so that batches of any
   * size add up exactly; the loop divides by the example count once an epoch.
   */
  sum(yTrue: tf.Tensor, yPred: tf.Tensor, labels: LabelEncoding): tf.Scalar;
}

const classIds = (y: tf.Tensor, labels: LabelEncoding) => (labels === 'integer' ? tf.cast(y, 'int32') : tf.argMax(y, -1));

function accuracySum(yTrue: tf.Tensor, yPred: tf.Tensor, labels: LabelEncoding): tf.Scalar {
  return tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(yPred, -1), classIds(yTrue, labels)), 'float32')));
}

export const builtinMetrics = {
  accuracy: {
    type: 'accuracy',
    description: "Fraction of examples whose highest output is the true class (Keras 'accuracy': sparse or categorical, following the labels).",
    keras: "'accuracy'",
    sum: accuracySum,
  },
  sparseCategoricalAccuracy: {
    type: 'sparseCategoricalAccuracy',
    description: 'Accuracy against integer labels.',
    keras: 'tf.keras.metrics.SparseCategoricalAccuracy',
    sum: (t, p) => accuracySum(t, p, 'integer'),
  },
  categoricalAccuracy: {
    type: 'categoricalAccuracy',
    description: 'Accuracy against one-hot labels.',
    keras: 'tf.keras.metrics.CategoricalAccuracy',
    sum: (t, p) => accuracySum(t, p, 'oneHot'),
  },
} satisfies Record<string, MetricKind>;

export type MetricName = keyof typeof builtinMetrics;
export const metricRegistry = () => Registry.fromObject<MetricKind>('metric', builtinMetrics);
export type MetricRegistry = Registry<MetricKind>;
