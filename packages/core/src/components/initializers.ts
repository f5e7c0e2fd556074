import * as tfl from '@tensorflow/tfjs-layers';
import { Type, type TObject, type Static } from '@sinclair/typebox';
import type { Plugin } from '../registry/registry.js';
import { Registry } from '../registry/registry.js';
import { opt } from '../spec/fields.js';

type Initializer = ReturnType<typeof tfl.initializers.zeros>;

export interface InitializerKind<P extends TObject = TObject> extends Plugin {
  readonly params: P;
  /** `seed` is derived from the spec seed and the weight's position, so runs are reproducible. */
  build(params: Static<P>, seed: number): Initializer;
}

const none = Type.Object({});
const kind = <P extends TObject>(k: InitializerKind<P>) => k as unknown as InitializerKind;

export const builtinInitializers = {
  zeros: kind({ type: 'zeros', description: 'All zeros (Keras bias default).', keras: 'tf.keras.initializers.Zeros', params: none, build: () => tfl.initializers.zeros() }),
  ones: kind({ type: 'ones', description: 'All ones.', keras: 'tf.keras.initializers.Ones', params: none, build: () => tfl.initializers.ones() }),
  constant: kind({
    type: 'constant',
    description: 'Every element set to `value`.',
    keras: 'tf.keras.initializers.Constant',
    params: Type.Object({ value: opt(Type.Number(), 0, 'The constant.') }),
    build: (p) => tfl.initializers.constant({ value: p.value ?? 0 }),
  }),
  glorotUniform: kind({
    type: 'glorotUniform',
    description: 'U(-l, l), l = sqrt(6 / (fan_in + fan_out)) (Keras kernel default).',
    keras: 'tf.keras.initializers.GlorotUniform',
    params: none,
    build: (_p, seed) => tfl.initializers.glorotUniform({ seed }),
  }),
  glorotNormal: kind({
    type: 'glorotNormal',
    description: 'Truncated normal, stddev sqrt(2 / (fan_in + fan_out)).',
    keras: 'tf.keras.initializers.GlorotNormal',
    params: none,
    build: (_p, seed) => tfl.initializers.glorotNormal({ seed }),
  }),
  heUniform: kind({
    type: 'heUniform',
    description: 'U(-l, l), l = sqrt(6 / fan_in).',
    keras: 'tf.keras.initializers.HeUniform',
    params: none,
    build: (_p, seed) => tfl.initializers.heUniform({ seed }),
  }),
  heNormal: kind({
    type: 'heNormal',
    description: 'Truncated normal, stddev sqrt(2 / fan_in).',
    keras: 'tf.keras.initializers.HeNormal',
    params: none,
    build: (_p, seed) => tfl.initializers.heNormal({ seed }),
  }),
  lecunUniform: kind({
    type: 'lecunUniform',
    description: 'U(-l, l), l = sqrt(3 / fan_in).',
    keras: 'tf.keras.initializers.LecunUniform',
    params: none,
    build: (_p, seed) => tfl.initializers.leCunUniform({ seed }),
  }),
  lecunNormal: kind({
    type: 'lecunNormal',
    description: 'Truncated normal, stddev sqrt(1 / fan_in).',
    keras: 'tf.keras.initializers.LecunNormal',
    params: none,
    build: (_p, seed) => tfl.initializers.leCunNormal({ seed }),
  }),
  randomUniform: kind({
    type: 'randomUniform',
    description: 'U(minval, maxval).',
    keras: 'tf.keras.initializers.RandomUniform',
    params: Type.Object({
      minval: opt(Type.Number(), -0.05, 'Lower bound.'),
      maxval: opt(Type.Number(), 0.05, 'Upper bound.'),
    }),
    build: (p, seed) => tfl.initializers.randomUniform({ minval: p.minval ?? -0.05, maxval: p.maxval ?? 0.05, seed }),
  }),
  randomNormal: kind({
    type: 'randomNormal',
    description: 'N(mean, stddev).',
    keras: 'tf.keras.initializers.RandomNormal',
    params: Type.Object({
      mean: opt(Type.Number(), 0, 'Mean.'),
      stddev: opt(Type.Number({ exclusiveMinimum: 0 }), 0.05, 'Standard deviation.'),
    }),
    build: (p, seed) => tfl.initializers.randomNormal({ mean: p.mean ?? 0, stddev: p.stddev ?? 0.05, seed }),
  }),
} satisfies Record<string, InitializerKind>;

export type InitializerName = keyof typeof builtinInitializers;
export const initializerRegistry = () => Registry.fromObject('initializer', builtinInitializers);
export type InitializerRegistry = Registry<InitializerKind>;

/** The spec form of an initializer: a name, or `{type, ...params}`. */
export type InitializerSpec = string | ({ type: string } & Record<string, unknown>);

export function buildInitializer(reg: InitializerRegistry, spec: InitializerSpec, seed: number): Initializer {
  const { type, ...params } = typeof spec === 'string' ? { type: spec } : spec;
  const k = reg.get(type);
  if (!k) throw new Error(`unknown initializer ${type}`); // unreachable after validation
  return k.build(params as never, seed);
}

