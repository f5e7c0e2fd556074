import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { dropoutMask } from './dropout-mask.js';

/**
 * Dropout whose mask comes from the run seed and a per-layer call counter
 * (see dropout-mask.ts: an engine may make the mask natively).
 * tfjs's own Dropout draws from an unseeded Math.random (or, given a seed,
 * the same mask on every step), so neither reproduces a run nor trains right.
 */
export class SeededDropout extends tfl.layers.Layer {
  /**
   * Saved under Keras's own class name: at inference a dropout is the
   * identity whatever its masks, so any tfjs or Keras user can load the model
   * (`tf.loadLayersModel`). The seeded masks only matter in training, and
   * training state is restored from checkpoints, not from saved models.
   */
  static className = 'Dropout';
  readonly rate: number;
  readonly seed: number;
  private calls = 0;

  constructor(args: { rate: number; seed: number; name?: string }) {
    super({ name: args.name });
    this.rate = args.rate;
    this.seed = args.seed;
    this.supportsMasking = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    if (!kwargs['training'] || this.rate === 0) return tf.clone(x);
    const seed = (Math.imul(this.seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(++this.calls, 0xc2b2ae35)) >>> 0;
    return tf.tidy(() => tf.mul(x, dropoutMask(x.shape, this.rate, seed)));
  }

  /** Reset the mask stream (a resumed or repeated run starts from the same place). */
  resetStream(calls = 0): void {
    this.calls = calls;
  }

  /** How many training calls drew a mask so far (part of a run's training state). */
  get streamPosition(): number {
    return this.calls;
  }

  override getConfig(): tf.serialization.ConfigDict {
    // tfjs Dropout's config: a plain tfjs user loads this layer as tf.layers.dropout
    return { ...super.getConfig(), rate: this.rate, noiseShape: null, seed: this.seed };
  }
}

/** Models saved before modelspec used Keras's class name call the layer ModelspecDropout. */
class LegacySeededDropout extends SeededDropout {
  static override className = 'ModelspecDropout';
}

let registered = false;
/**
 * Makes models saved by earlier modelspec versions (ModelspecDropout) loadable.
 * Current models need nothing: their dropout loads as tfjs's own. Idempotent.
 */
export function registerCustomLayers(): void {
  if (registered) return;
  tf.serialization.registerClass(LegacySeededDropout);
  registered = true;
}
