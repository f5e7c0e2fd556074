import type * as tfl from '@tensorflow/tfjs-layers';
import type { TObject, Static } from '@sinclair/typebox';
import type { Plugin } from '../registry/registry.js';
import type { InitializerSpec } from '../components/initializers.js';
import type { RegularizerSpec } from '../components/regularizers.js';

/** A tensor shape without the batch axis; `null` is an unknown extent. */
export type Shape = readonly (number | null)[];

export interface Inferred {
  shape: Shape;
  trainable: number;
  nonTrainable: number;
}

/** Thrown by `infer` when the params cannot work on the given input shapes. */
export class ShapeProblem extends Error {
  constructor(
    message: string,
    readonly hint?: string,
    /** The param that is at fault, for the error's location. */
    readonly param?: string,
  ) {
    super(message);
  }
}

export interface BuildContext {
  /** The layer's name in the model (spec `name`, or `<type>_<index>`). */
  readonly name: string;
  initializer(spec: InitializerSpec, salt: string): ReturnType<typeof tfl.initializers.zeros>;
  regularizer(spec: RegularizerSpec | null | undefined): ReturnType<typeof tfl.regularizers.l2> | undefined;
  /** A seed for a layer's own randomness (dropout), derived from the run seed. */
  readonly seed: number;
}

/**
 * One layer kind: its params schema, its shape and parameter arithmetic, and
 * how it becomes a tfjs layer. Shared code (schema, checker, compiler,
 * summary) asks the kind and never switches on `type`.
 */
export interface LayerKind<P extends TObject = TObject> extends Plugin {
  readonly params: P;
  /** How many inputs the layer takes: 0 (a model input), 1, or several. */
  readonly arity: 0 | 1 | 'many';
  infer(params: Static<P>, inputs: Shape[]): Inferred;
  build(params: Static<P>, ctx: BuildContext): tfl.layers.Layer;
  /**
   * tfjs layer classes of a plugin's own (with a static `className`, `Swish`
   * or `modelspec-plugin-acme>Swish`): the plugin host names and registers
   * them under the plugin's package name (`modelspec-plugin-acme>Swish` in
   * model.json), so saved models that use them load where the plugin is
   * loaded, and name the plugin where it is not. Such a layer must be given
   * its name (BuildContext.name) since `>` cannot start a weight name.
   */
  readonly classes?: readonly LayerClass[];
}

/** A tfjs layer class as tfjs serialization registers it. */
export type LayerClass = (new (...args: never[]) => tfl.layers.Layer) & { className: string };

export const defineLayer = <P extends TObject>(k: LayerKind<P>): LayerKind<P> => k;

export const product = (s: Shape): number => s.reduce<number>((a, d) => a * (d ?? NaN), 1);
export const fmtShape = (s: Shape): string => `(${s.map((d) => d ?? 'None').join(', ')})`;

/** Most layers take one input: this unwraps it, with a rank check. */
export function single(inputs: Shape[], rank?: number | [number, number]): Shape {
  const s = inputs[0]!;
  if (rank !== undefined) {
    const [lo, hi] = Array.isArray(rank) ? rank : [rank, rank];
    if (s.length < lo || s.length > hi) {
      const want = lo === hi ? `rank ${lo}` : `rank ${lo}..${hi}`;
      throw new ShapeProblem(`expects input of ${want} (without the batch axis), got ${fmtShape(s)}`);
    }
  }
  return s;
}

/** Output extent of a windowed op (conv, pooling) along one axis, Keras rules. */
export function windowOut(size: number | null, k: number, stride: number, padding: 'valid' | 'same', axis: string, what: string): number | null {
  if (size === null) return null;
  if (padding === 'same') return Math.ceil(size / stride);
  if (k > size) {
    throw new ShapeProblem(`${what} ${k} is larger than its input's ${axis} extent ${size}`, `use padding: same, a smaller ${what}, or pad the input (zeroPadding2d)`);
  }
  return Math.floor((size - k) / stride) + 1;
}

/** The windowed ops in one place: kernel/pool sizes checked against the input. */
export function window2d(input: Shape, k: [number, number], s: [number, number], padding: 'valid' | 'same', what: string): [number | null, number | null] {
  const [h, w] = input;
  if (padding === 'valid' && h != null && w != null && (k[0] > h || k[1] > w)) {
    const ks = k[0] === k[1] ? `${k[0]}` : `${k[0]}x${k[1]}`;
    throw new ShapeProblem(`${what} ${ks} is larger than its ${h}x${w} input`, `use padding: same, a smaller ${what}, or pad the input (zeroPadding2d)`, what === 'kernel' ? 'kernelSize' : 'poolSize');
  }
  return [windowOut(h ?? null, k[0], s[0], padding, 'height', what), windowOut(w ?? null, k[1], s[1], padding, 'width', what)];
}
