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
  static className = 'ModelspecDropout';
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

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}

let registered = false;
/** Makes saved models that contain SeededDropout loadable. Idempotent. */
export function registerCustomLayers(): void {
  if (registered) return;
  tf.serialization.registerClass(SeededDropout);
  registered = true;
}
